import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { fingerprintRequestFields } from '../continuation/continuation-tracker.js';
import type { Prompt } from '../types/prompt.js';
import type { TurnContext, Verbosity } from '../types/turn-context.js';
import { requestFieldsOf } from './request-fields-cache.js';
import { buildRequestFields } from './request-fields.js';

/** One request's settings: what a caller may change between two requests (in place or not). */
const settings = fc.record({
  instructions: fc.constantFrom('be brief', 'be thorough'),
  parallelToolCalls: fc.boolean(),
  toolChoice: fc.constantFrom<Prompt['toolChoice']>(undefined, 'auto', 'none', 'required', { type: 'function', name: 'shell' }),
  compactThreshold: fc.constantFrom(undefined, 1000, 5000),
  withOptions: fc.boolean(),
  slug: fc.constantFrom('gpt-a', 'gpt-b'),
  supportsReasoning: fc.boolean(),
  supportsVerbosity: fc.boolean(),
  reasoningEffort: fc.constantFrom(null, 'low', 'high'),
  reasoningSummary: fc.constantFrom('auto', 'none'),
  verbosity: fc.constantFrom<TurnContext['verbosity']>(undefined, null, 'low', 'high'),
  serviceTier: fc.constantFrom(undefined, 'flex'),
  conversationId: fc.constantFrom('conv-1', 'conv-2'),
  sessionVerbosity: fc.constantFrom(undefined, 'medium'),
  sameTools: fc.boolean(),
  inPlace: fc.boolean(),
});

describe('requestFieldsOf', () => {
  it('equals building the fields and their fingerprint afresh, over any run of requests changing settings (in place or not)', () => {
    fc.assert(
      fc.property(fc.array(settings, { minLength: 1, maxLength: 12 }), (requests) => {
        let tools: Prompt['tools'] = [{ type: 'function', name: 'shell', description: 'run', parameters: { type: 'object', properties: {} }, strict: false }];
        // Objects reused between requests and changed in place, as a caller may do.
        const turn = turnContext() as { -readonly [K in keyof TurnContext]: TurnContext[K] };
        const model = { ...turn.model };
        let current: Prompt = prompt([userMessage('hi')], { tools });
        for (const request of requests) {
          if (!request.sameTools) tools = [...tools];
          const overrides: Partial<Prompt> = {
            tools,
            instructions: request.instructions,
            parallelToolCalls: request.parallelToolCalls,
            ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
            ...(request.compactThreshold === undefined ? {} : { compactThreshold: request.compactThreshold }),
            ...(request.withOptions ? { options: { temperature: 0.5 } } : {}),
          };
          current = request.inPlace ? Object.assign(current, { toolChoice: undefined, compactThreshold: undefined, options: undefined }, overrides) : prompt([userMessage('hi')], overrides);
          Object.assign(model, { slug: request.slug, supportsReasoning: request.supportsReasoning, supportsVerbosity: request.supportsVerbosity });
          turn.model = request.inPlace ? model : { ...model };
          turn.reasoningEffort = request.reasoningEffort as TurnContext['reasoningEffort'];
          turn.reasoningSummary = request.reasoningSummary as TurnContext['reasoningSummary'];
          if (request.verbosity === undefined) delete turn.verbosity;
          else turn.verbosity = request.verbosity;
          if (request.serviceTier === undefined) delete turn.serviceTier;
          else turn.serviceTier = request.serviceTier;
          const sessionVerbosity = request.sessionVerbosity as Verbosity | undefined;
          const got = requestFieldsOf(current, turn, request.conversationId, sessionVerbosity);
          const expected = buildRequestFields(current, turn, request.conversationId, sessionVerbosity);
          expect(got.fields).toEqual(expected);
          expect(got.fields.tools).toBe(current.tools);
          expect(got.fingerprint).toBe(fingerprintRequestFields(expected));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hands out the same fields while the settings repeat, and new ones once a value read changes', () => {
    const turn = turnContext();
    const first = requestFieldsOf(prompt([userMessage('hi')]), turn, 'conv-1', undefined);
    // Another prompt (new input) with the same tools array and settings.
    expect(requestFieldsOf(prompt([userMessage('hi'), userMessage('again')]), turn, 'conv-1', undefined)).toBe(first);
    expect(requestFieldsOf(prompt([userMessage('hi')]), { ...turn, reasoningEffort: 'high' }, 'conv-1', undefined).fields.reasoning).toEqual({ effort: 'high', summary: 'auto' });
    expect(requestFieldsOf(prompt([userMessage('hi')]), turn, 'conv-2', undefined).fields.prompt_cache_key).toBe('conv-2');
  });

  it('builds fields with options every time: an options object may have changed in place', () => {
    const options: { temperature: number } = { temperature: 0.1 };
    const withOptions = prompt([userMessage('hi')], { options });
    expect(requestFieldsOf(withOptions, turnContext(), 'conv-1', undefined).fields['temperature']).toBe(0.1);
    options.temperature = 0.9;
    expect(requestFieldsOf(withOptions, turnContext(), 'conv-1', undefined).fields['temperature']).toBe(0.9);
  });
});
