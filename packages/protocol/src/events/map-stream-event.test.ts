import { describe, expect, it } from 'vitest';
import { KNOWN_EVENT_EXAMPLES } from '../__fixtures__/stream-events.js';
import { decodeEvent } from '../decode/decode-event.js';
import type { StreamEvent } from '../schemas/stream-events.js';
import { responseEventsFromHeaders, turnStateFromHeaders, upgradeResponseEventsFromHeaders } from './header-events.js';
import { mapStreamEvent } from './map-stream-event.js';
import type { ResponseEvent } from './response-event.js';

function mapExample(type: string): readonly ResponseEvent[] {
  const result = decodeEvent(JSON.stringify(KNOWN_EVENT_EXAMPLES[type]));
  if (!result.ok) throw new Error(`example ${type} did not decode`);
  return mapStreamEvent(result.event);
}

describe('mapStreamEvent', () => {
  it.each([
    ['response.created', [{ type: 'created', responseId: 'resp_1' }]],
    ['response.output_text.delta', [{ type: 'output_text_delta', itemId: 'msg_1', outputIndex: 1, contentIndex: 0, delta: 'Hel' }]],
    ['response.reasoning_summary_text.delta', [{ type: 'reasoning_summary_delta', itemId: 'rs_1', outputIndex: 0, summaryIndex: 1, delta: 'Look' }]],
    ['response.reasoning_text.delta', [{ type: 'reasoning_content_delta', itemId: 'rs_1', outputIndex: 0, contentIndex: 0, delta: 'think' }]],
    ['response.reasoning_summary_part.added', [{ type: 'reasoning_summary_part_added', itemId: 'rs_1', outputIndex: 0, summaryIndex: 1 }]],
    ['response.function_call_arguments.delta', [{ type: 'tool_call_input_delta', toolKind: 'function', itemId: 'fc_1', outputIndex: 2, delta: '{"comm' }]],
    ['response.custom_tool_call_input.delta', [{ type: 'tool_call_input_delta', toolKind: 'custom', itemId: 'ct_1', outputIndex: 2, delta: '*** Begin' }]],
    ['response.output_item.added', [{ type: 'output_item_added', outputIndex: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } }]],
    [
      'response.output_item.done',
      [{ type: 'output_item_done', outputIndex: 1, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}', status: 'completed' } }],
    ],
    [
      'response.completed',
      [{ type: 'completed', responseId: 'resp_1', usage: { inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 300, reasoningOutputTokens: 100, totalTokens: 1500 } }],
    ],
    [
      'response.metadata',
      [
        { type: 'turn_state', turnState: 'ts-1' },
        { type: 'server_model', model: 'gpt-5.1-codex-max' },
        { type: 'models_etag', etag: 'W/"abc"' },
      ],
    ],
    [
      'codex.response.metadata',
      [
        { type: 'turn_state', turnState: 'ts-2' },
        { type: 'models_etag', etag: 'W/"def"' },
      ],
    ],
    [
      'codex.rate_limits',
      [
        {
          type: 'rate_limits',
          snapshot: {
            primary: { usedPercent: 12.5, windowMinutes: 300, resetsAt: 1_790_000_000 },
            secondary: { usedPercent: 40, windowMinutes: 10080 },
            credits: { hasCredits: true, unlimited: false, balance: '12.50' },
            planType: 'pro',
          },
        },
      ],
    ],
  ])('%s', (type, expected) => {
    expect(mapExample(type)).toEqual(expected);
  });

  it.each([
    ['response.failed', { kind: 'retryable', source: 'response_failed', code: 'server_error' }],
    ['response.incomplete', { kind: 'stream_incomplete', source: 'response_incomplete', reason: 'max_output_tokens' }],
    ['error', { kind: 'context_window_exceeded', source: 'error_event', param: 'input' }],
  ])('%s becomes a terminal failed event with its classification', (type, classification) => {
    const [event, ...rest] = mapExample(type);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ type: 'failed', error: classification });
  });

  it.each([
    'response.in_progress',
    'response.queued',
    'response.content_part.added',
    'response.content_part.done',
    'response.output_text.done',
    'response.refusal.delta',
    'response.refusal.done',
    'response.reasoning_text.done',
    'response.reasoning_summary_part.done',
    'response.reasoning_summary_text.done',
    'response.function_call_arguments.done',
    'response.custom_tool_call_input.done',
    'responsesapi.websocket_timing',
  ])('%s has nothing to report', (type) => {
    expect(mapExample(type)).toEqual([]);
  });

  it('reports completed without usage when the server sent none', () => {
    const event = { type: 'response.completed', response: { id: 'resp_9', usage: null } } as StreamEvent;
    expect(mapStreamEvent(event)).toEqual([{ type: 'completed', responseId: 'resp_9', usage: undefined }]);
  });

  it('ignores unknown events', () => {
    const result = decodeEvent('{"type":"response.image_generation_call.partial_image","partial_image_b64":"AAAA"}');
    expect(result.ok && mapStreamEvent(result.event)).toEqual([]);
  });

  it('uses the request id from the options in classifications', () => {
    const result = decodeEvent(KNOWN_EVENT_EXAMPLES['response.failed']);
    expect(result.ok && mapStreamEvent(result.event, { requestId: 'req_7' })[0]).toMatchObject({ error: { requestId: 'req_7' } });
  });
});

describe('header helpers', () => {
  const headers = {
    'X-Codex-Turn-State': 'opaque==token',
    'openai-model': 'gpt-5.1-codex',
    'x-models-etag': '"v2"',
    'x-reasoning-included': 'true',
    'x-codex-primary-used-percent': '5',
    'x-request-id': 'req_1',
  };

  it('turns response headers into events, names matched case-insensitively', () => {
    expect(responseEventsFromHeaders(headers)).toEqual([
      { type: 'turn_state', turnState: 'opaque==token' },
      { type: 'server_model', model: 'gpt-5.1-codex' },
      { type: 'models_etag', etag: '"v2"' },
      { type: 'reasoning_included', included: true },
      { type: 'rate_limits', snapshot: { primary: { usedPercent: 5 } } },
    ]);
  });

  it('accepts Headers objects, entry lists and array values', () => {
    expect(turnStateFromHeaders(new Headers({ 'x-codex-turn-state': 'a' }))).toEqual({ type: 'turn_state', turnState: 'a' });
    expect(turnStateFromHeaders([['X-Codex-Turn-State', 'b']])).toEqual({ type: 'turn_state', turnState: 'b' });
    expect(turnStateFromHeaders({ 'x-codex-turn-state': ['c', 'd'] })).toEqual({ type: 'turn_state', turnState: 'c' });
  });

  it('reads the connection-level headers of an upgrade response, never its turn state or rate limits', () => {
    expect(upgradeResponseEventsFromHeaders(headers)).toEqual([
      { type: 'server_model', model: 'gpt-5.1-codex' },
      { type: 'models_etag', etag: '"v2"' },
      { type: 'reasoning_included', included: true },
    ]);
    expect(upgradeResponseEventsFromHeaders({ 'x-codex-turn-state': 'ts-handshake', 'x-codex-primary-used-percent': '5' })).toEqual([]);
  });

  it('reads numbers and booleans of a JSON header map as their text', () => {
    expect(responseEventsFromHeaders({ 'x-codex-primary-used-percent': 100, 'x-codex-primary-window-minutes': 15, 'x-reasoning-included': false })).toEqual([
      { type: 'reasoning_included', included: false },
      { type: 'rate_limits', snapshot: { primary: { usedPercent: 100, windowMinutes: 15 } } },
    ]);
  });

  it('reports nothing for headers without these names', () => {
    expect(responseEventsFromHeaders({ 'content-type': 'text/event-stream', 'x-reasoning-included': 'maybe' })).toEqual([]);
  });
});
