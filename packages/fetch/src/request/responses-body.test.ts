import { describe, expect, it } from 'vitest';
import { requestFromResponsesBody } from './responses-body.js';

describe('requestFromResponsesBody', () => {
  it('reads the prompt fields, puts typed options and unknown fields under their wire names, drops nulls and defaults store to true', () => {
    const outcome = requestFromResponsesBody({
      model: 'gpt-4.1',
      input: 'hello',
      tools: [{ type: 'function', name: 'shell', parameters: {} }],
      tool_choice: 'required',
      temperature: 0.2,
      reasoning: { effort: 'low' },
      previous_response_id: null,
      truncation: null,
      verbosity_hint: 'terse',
      stream: true,
    });
    expect(outcome).toEqual({
      ok: true,
      request: {
        model: 'gpt-4.1',
        stream: true,
        prompt: {
          input: [{ role: 'user', content: 'hello' }],
          instructions: '',
          tools: [{ type: 'function', name: 'shell', parameters: {} }],
          parallelToolCalls: true,
          toolChoice: 'required',
          options: { temperature: 0.2, reasoning: { effort: 'low' }, store: true, extraBody: { verbosity_hint: 'terse' } },
        },
      },
    });
  });

  it('keeps an explicit store: false and the instructions and parallel_tool_calls given', () => {
    const outcome = requestFromResponsesBody({ model: 'm', input: [{ role: 'user', content: 'x' }], instructions: 'be brief', parallel_tool_calls: false, store: false });
    expect(outcome.ok && outcome.request.prompt).toMatchObject({ instructions: 'be brief', parallelToolCalls: false, options: { store: false } });
    expect(outcome.ok && outcome.request.stream).toBe(false);
  });

  it.each([
    ['not an object', '{"model"', 'not_json'],
    ['no model', { input: 'x' }, 'no_model'],
    ['its own previous_response_id', { model: 'm', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id'],
    ['a background response', { model: 'm', input: 'x', background: true }, 'background'],
    ['a WebSocket field', { model: 'm', input: 'x', generate: false }, 'websocket_field'],
    ['an input of numbers', { model: 'm', input: [1, 2] }, 'invalid_input'],
    ['tools that are not an array', { model: 'm', input: 'x', tools: {} }, 'invalid_field'],
  ])('does not serve a body with %s', (_label, body, reason) => {
    expect(requestFromResponsesBody(body)).toEqual({ ok: false, reason });
  });
});
