import { describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
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
    expect(() => buildRequestFields(prompt([], { compactThreshold: 10 }), turnContext(), 'c')).toThrow(RangeError);
  });

  it('falls back to the session verbosity only when the turn leaves it undefined', () => {
    const { verbosity: _omit, ...withoutVerbosity } = turnContext();
    expect(buildRequestFields(prompt([]), withoutVerbosity, 'c', 'high').text).toEqual({ verbosity: 'high' });
    expect(buildRequestFields(prompt([]), turnContext({ verbosity: null }), 'c', 'high')).not.toHaveProperty('text');
    expect(buildRequestFields(prompt([]), turnContext({ verbosity: 'low' }), 'c', 'high').text).toEqual({ verbosity: 'low' });
  });
});
