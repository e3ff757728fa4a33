import { InvalidArgumentError } from '@modelwire/errors';
import { describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { fingerprintRequestFields } from '../continuation/continuation-tracker.js';
import { buildRequestFields } from './request-fields.js';

describe('buildRequestFields', () => {
  it('sends reasoning, encrypted reasoning, verbosity and the conversation as cache key', () => {
    const fields = buildRequestFields(prompt([userMessage('hi')]), turnContext(), 'conv-1');
    expect(fields).toEqual({
      model: 'gpt-test',
      instructions: 'be brief',
      tools: prompt([]).tools,
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
      prompt_cache_key: 'conv-1',
      text: { verbosity: 'low' },
    });
  });

  it('omits reasoning and include for models without reasoning, verbosity when unsupported', () => {
    const turn = turnContext({ model: { slug: 'plain', supportsReasoning: false, supportsVerbosity: false, contextWindow: null } });
    const fields = buildRequestFields(prompt([]), turn, 'c');
    expect(fields).not.toHaveProperty('reasoning');
    expect(fields.include).toEqual([]);
    expect(fields).not.toHaveProperty('text');
  });

  it('omits the summary for "none" and the effort for null', () => {
    const fields = buildRequestFields(prompt([]), turnContext({ reasoningSummary: 'none', reasoningEffort: null }), 'c');
    expect(fields.reasoning).toEqual({});
  });

  it('sends structured output as a json_schema format, strict by default', () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const fields = buildRequestFields(prompt([], { outputSchema: { name: 'answer', schema } }), turnContext({ verbosity: null }), 'c');
    expect(fields.text).toEqual({ format: { type: 'json_schema', name: 'answer', schema, strict: true } });
  });

  it('passes service tier and server-side compaction, and rejects a tiny threshold', () => {
    const fields = buildRequestFields(prompt([], { compactThreshold: 5000 }), turnContext({ serviceTier: 'priority' }), 'c');
    expect(fields.service_tier).toBe('priority');
    expect(fields.context_management).toEqual([{ type: 'compaction', compact_threshold: 5000 }]);
    expect(() => buildRequestFields(prompt([], { compactThreshold: 10 }), turnContext(), 'c')).toThrow(InvalidArgumentError);
  });

  it('refuses a value of the wrong shape with InvalidArgumentError naming it, never a TypeError', () => {
    const cases: [() => unknown, string][] = [
      [() => buildRequestFields(null as never, turnContext(), 'c'), 'prompt'],
      [() => buildRequestFields(prompt([], { options: 'fast' as never }), turnContext(), 'c'), 'prompt.options'],
      [() => buildRequestFields(prompt([]), undefined as never, 'c'), 'turnContext'],
      [() => buildRequestFields(prompt([]), turnContext({ model: undefined as never }), 'c'), 'turnContext.model.slug'],
      [() => buildRequestFields(prompt([]), turnContext(), ''), 'conversationId'],
    ];
    for (const [run, path] of cases) expect(run, path).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', path }));
  });

  it('falls back to the session verbosity only when the turn leaves it undefined', () => {
    const { verbosity: _omit, ...withoutVerbosity } = turnContext();
    expect(buildRequestFields(prompt([]), withoutVerbosity, 'c', 'high').text).toEqual({ verbosity: 'high' });
    expect(buildRequestFields(prompt([]), turnContext({ verbosity: null }), 'c', 'high')).not.toHaveProperty('text');
    expect(buildRequestFields(prompt([]), turnContext({ verbosity: 'low' }), 'c', 'high').text).toEqual({ verbosity: 'low' });
  });

  it('merges the options over what the client derives, field by field', () => {
    const fields = buildRequestFields(
      prompt([], {
        outputSchema: { name: 'out', schema: { type: 'object' } },
        options: { text: { verbosity: 'high' }, reasoning: { summary: 'detailed' }, include: ['reasoning.encrypted_content', 'web_search_call.results'], store: true, prompt_cache_key: 'k', service_tier: 'flex' },
      }),
      turnContext({ serviceTier: 'priority' }),
      'conv-1',
    );
    expect(fields.text).toEqual({ verbosity: 'high', format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } });
    expect(fields.reasoning).toEqual({ effort: 'medium', summary: 'detailed' });
    expect(fields.include).toEqual(['reasoning.encrypted_content', 'web_search_call.results']);
    expect(fields).toMatchObject({ store: true, prompt_cache_key: 'k', service_tier: 'flex' });
  });

  it('puts extraBody fields in the body and refuses those the client owns or types', () => {
    expect(buildRequestFields(prompt([], { options: { extraBody: { new_field: [1] } } }), turnContext(), 'c')['new_field']).toEqual([1]);
    for (const key of ['model', 'input', 'stream', 'previous_response_id', 'tools', 'generate', 'temperature', 'store']) {
      expect(() => buildRequestFields(prompt([], { options: { extraBody: { [key]: 1 } } }), turnContext(), 'c'), key).toThrow(InvalidArgumentError);
    }
  });

  it('gives every option, extraBody fields included, a part in the continuation fingerprint', () => {
    const fingerprint = (options: NonNullable<Parameters<typeof prompt>[1]>['options']) =>
      fingerprintRequestFields(buildRequestFields(prompt([], options === undefined ? {} : { options }), turnContext(), 'c'));
    const variants = [undefined, { extraBody: { new_field: 1 } }, { extraBody: { new_field: 2 } }, { temperature: 0.5 }, { temperature: 0.6 }, { conversation: 'conv_1' }, { background: true }];
    expect(new Set(variants.map(fingerprint)).size).toBe(variants.length);
    expect(fingerprint({ extraBody: { new_field: 1 } })).toBe(fingerprint({ extraBody: { new_field: 1 } }));
  });
});
