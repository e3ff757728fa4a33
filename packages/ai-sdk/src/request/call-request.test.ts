// The AI SDK's call settings as request options: what is sent, what is refused with a typed
// error naming the option, and what is left out with a warning.
import { InvalidArgumentError, type ModelInfo } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { CallArguments } from '../prompt/call-arguments.js';
import { callRequest } from './call-request.js';

const model: ModelInfo = { slug: 'gpt-4.1', supportsReasoning: false, supportsVerbosity: false, contextWindow: null };
const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }];

describe('callRequest', () => {
  it('sends the settings the Responses API has under their wire names, provider options from modelwire over openai', () => {
    const request = callRequest(
      {
        prompt,
        maxOutputTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        reasoning: 'low',
        responseFormat: { type: 'json', name: 'answer', schema: { type: 'object' } },
        tools: [
          { type: 'function', name: 'shell', inputSchema: { type: 'object' } },
          { type: 'provider', id: 'openai.web_search', name: 'search', args: { searchContextSize: 'low' } },
        ],
        toolChoice: { type: 'tool', toolName: 'search' },
        providerOptions: { openai: { store: true, parallelToolCalls: false, user: 'u-1' }, modelwire: { store: false, reasoningSummary: 'auto' } },
      },
      new CallArguments(),
      model,
    );
    expect(request.warnings).toEqual([]);
    expect(request.prompt).toMatchObject({
      instructions: '',
      parallelToolCalls: false,
      toolChoice: { type: 'web_search' },
      tools: [
        { type: 'function', name: 'shell', parameters: { type: 'object' }, strict: false },
        { type: 'web_search', search_context_size: 'low' },
      ],
      options: {
        max_output_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        reasoning: { effort: 'low', summary: 'auto' },
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
        store: false,
        user: 'u-1',
        include: ['web_search_call.action.sources'],
      },
    });
    expect(request.providerToolNames.nameOf('web_search')).toBe('search');
    expect(request.providerToolNames.typeOf('search')).toBe('web_search');
  });

  it('leaves out a provider tool it does not know and function tool options with a warning, and refuses arguments that are not an object', () => {
    const request = callRequest(
      {
        prompt,
        tools: [
          { type: 'provider', id: 'other.search', name: 'search', args: {} },
          { type: 'provider', id: 'openai.not_a_tool', name: 'x', args: {} },
          { type: 'function', name: 'later', inputSchema: { type: 'object' }, providerOptions: { openai: { deferLoading: true } } },
        ],
      },
      new CallArguments(),
      model,
    );
    expect(request.prompt.tools).toEqual([{ type: 'function', name: 'later', parameters: { type: 'object' }, strict: false }]);
    expect(request.warnings.map((warning) => (warning.type === 'unsupported' ? warning.feature : warning.type))).toEqual(['provider tool other.search', 'provider tool openai.not_a_tool', 'providerOptions.openai of tool later']);
    expect(() => callRequest({ prompt, tools: [{ type: 'provider', id: 'modelwire.file_search', name: 'files', args: [] as never }] }, new CallArguments(), model)).toThrow(/tools\.files\.args: must be an object/);
  });

  it('warns about settings it cannot send, and refuses a provider option of the wrong type by its path', () => {
    const request = callRequest({ prompt, topK: 3, seed: 1, stopSequences: ['x'], headers: { 'user-agent': 'ai/7', 'x-team': 'a' }, providerOptions: { openai: { logprobs: 3 } } }, new CallArguments(), model);
    expect(request.warnings.map((warning) => (warning.type === 'unsupported' ? warning.feature : warning.type))).toEqual(['providerOptions.openai.logprobs', 'topK', 'seed', 'stopSequences', 'headers']);
    expect(() => callRequest({ prompt, providerOptions: { modelwire: { store: 'yes' } } }, new CallArguments(), model)).toThrow(InvalidArgumentError);
    expect(() => callRequest({ prompt, providerOptions: { modelwire: { store: 'yes' } } }, new CallArguments(), model)).toThrow(/providerOptions\.modelwire\.store/);
  });
});
