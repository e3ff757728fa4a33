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
    ['response.queued', [{ type: 'queued', responseId: 'resp_1' }]],
    ['response.content_part.added', [{ type: 'content_part_added', itemId: 'msg_1', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: '', annotations: [] } }]],
    ['response.content_part.done', [{ type: 'content_part_done', itemId: 'msg_1', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: 'hi', annotations: [] } }]],
    ['response.output_text.done', [{ type: 'output_text_done', itemId: 'msg_1', outputIndex: 1, contentIndex: 0, text: 'Hello' }]],
    [
      'response.output_text.annotation.added',
      [
        {
          type: 'output_text_annotation_added',
          itemId: 'msg_1',
          outputIndex: 1,
          contentIndex: 0,
          annotationIndex: 0,
          annotation: { type: 'url_citation', url: 'https://example.com/a', title: 'A', start_index: 0, end_index: 5 },
        },
      ],
    ],
    ['response.refusal.delta', [{ type: 'refusal_delta', itemId: 'msg_1', outputIndex: 1, contentIndex: 0, delta: 'No' }]],
    ['response.refusal.done', [{ type: 'refusal_done', itemId: 'msg_1', outputIndex: 1, contentIndex: 0, refusal: 'No.' }]],
    ['response.reasoning_text.done', [{ type: 'reasoning_content_done', itemId: 'rs_1', outputIndex: 0, contentIndex: 0, text: 'thinking' }]],
    ['response.reasoning_summary_part.done', [{ type: 'reasoning_summary_part_done', itemId: 'rs_1', outputIndex: 0, summaryIndex: 1, text: 'Look' }]],
    ['response.reasoning_summary_text.done', [{ type: 'reasoning_summary_done', itemId: 'rs_1', outputIndex: 0, summaryIndex: 1, text: 'Looking' }]],
    ['response.function_call_arguments.done', [{ type: 'tool_call_input_done', toolKind: 'function', itemId: 'fc_1', outputIndex: 2, input: '{"command":["ls"]}' }]],
    ['response.custom_tool_call_input.done', [{ type: 'tool_call_input_done', toolKind: 'custom', itemId: 'ct_1', outputIndex: 2, input: '*** Begin Patch' }]],
    ['response.mcp_call_arguments.delta', [{ type: 'tool_call_input_delta', toolKind: 'mcp', itemId: 'mcp_1', outputIndex: 1, delta: '{"url"' }]],
    ['response.mcp_call_arguments.done', [{ type: 'tool_call_input_done', toolKind: 'mcp', itemId: 'mcp_1', outputIndex: 1, input: '{"url":"https://example.com"}' }]],
    ['response.code_interpreter_call_code.delta', [{ type: 'tool_call_input_delta', toolKind: 'code_interpreter', itemId: 'ci_1', outputIndex: 1, delta: 'import' }]],
    ['response.code_interpreter_call_code.done', [{ type: 'tool_call_input_done', toolKind: 'code_interpreter', itemId: 'ci_1', outputIndex: 1, input: 'import random' }]],
    ['response.apply_patch_call_operation_diff.delta', [{ type: 'tool_call_input_delta', toolKind: 'apply_patch', itemId: 'apc_1', outputIndex: 0, delta: '+## Shop' }]],
    ['response.apply_patch_call_operation_diff.done', [{ type: 'tool_call_input_done', toolKind: 'apply_patch', itemId: 'apc_1', outputIndex: 0, input: '+## Shopping\n' }]],
    ['response.web_search_call.searching', [{ type: 'hosted_tool_progress', tool: 'web_search', status: 'searching', itemId: 'ws_1', outputIndex: 0 }]],
    ['response.file_search_call.completed', [{ type: 'hosted_tool_progress', tool: 'file_search', status: 'completed', itemId: 'fs_1', outputIndex: 1 }]],
    ['response.code_interpreter_call.interpreting', [{ type: 'hosted_tool_progress', tool: 'code_interpreter', status: 'interpreting', itemId: 'ci_1', outputIndex: 1 }]],
    ['response.image_generation_call.generating', [{ type: 'hosted_tool_progress', tool: 'image_generation', status: 'generating', itemId: 'ig_1', outputIndex: 0 }]],
    ['response.mcp_call.failed', [{ type: 'hosted_tool_progress', tool: 'mcp_call', status: 'failed', itemId: 'mcp_1', outputIndex: 1 }]],
    ['response.mcp_list_tools.in_progress', [{ type: 'hosted_tool_progress', tool: 'mcp_list_tools', status: 'in_progress', itemId: 'mcpl_1', outputIndex: 0 }]],
    ['response.compaction.compacting', [{ type: 'hosted_tool_progress', tool: 'compaction', status: 'compacting', itemId: 'cmp_1', outputIndex: 0 }]],
    [
      'response.image_generation_call.partial_image',
      [
        {
          type: 'image_generation_partial_image',
          itemId: 'ig_1',
          outputIndex: 0,
          partialImageIndex: 0,
          imageBase64: 'iVBORw0KGgo=',
          outputFormat: 'png',
          size: '1024x1024',
          quality: 'medium',
          background: 'opaque',
        },
      ],
    ],
    ['response.shell_call_command.added', [{ type: 'shell_command_added', outputIndex: 0, commandIndex: 0, command: '' }]],
    ['response.shell_call_command.delta', [{ type: 'shell_command_delta', outputIndex: 0, commandIndex: 0, delta: 'echo' }]],
    ['response.shell_call_command.done', [{ type: 'shell_command_done', outputIndex: 0, commandIndex: 0, command: 'echo hi' }]],
    ['response.shell_call_output_content.delta', [{ type: 'shell_output_delta', itemId: 'sho_1', outputIndex: 1, commandIndex: 0, stdout: 'hi\n', stderr: '' }]],
    [
      'response.shell_call_output_content.done',
      [{ type: 'shell_output_done', itemId: 'sho_1', outputIndex: 1, commandIndex: 0, output: [{ stdout: 'hi\n', stderr: '', outcome: { type: 'exit', exit_code: 0 } }] }],
    ],
    ['response.audio.delta', [{ type: 'audio_delta', delta: 'UklGRg==' }]],
    ['response.audio.done', [{ type: 'audio_done' }]],
    ['response.audio.transcript.delta', [{ type: 'audio_transcript_delta', delta: 'Hel' }]],
    ['response.audio.transcript.done', [{ type: 'audio_transcript_done' }]],
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

  it.each(['response.in_progress', 'responsesapi.websocket_timing'])('%s has nothing to report', (type) => {
    expect(mapExample(type)).toEqual([]);
  });

  it('reports completed without usage when the server sent none', () => {
    const event = { type: 'response.completed', response: { id: 'resp_9', usage: null } } as StreamEvent;
    expect(mapStreamEvent(event)).toEqual([{ type: 'completed', responseId: 'resp_9', usage: undefined }]);
  });

  it('passes an event of an unknown type to the caller as an unknown event with its type and payload', () => {
    const payload = { type: 'response.hologram_call.rendering', sequence_number: 7, item_id: 'hg_1', frames: [1, 2] };
    const result = decodeEvent(JSON.stringify(payload));
    expect(result.ok && mapStreamEvent(result.event)).toEqual([{ type: 'unknown', originalType: 'response.hologram_call.rendering', payload }]);
  });

  it('drops a stray [DONE] marker instead of reporting it as an unknown event', () => {
    const result = decodeEvent('[DONE]');
    expect(result.ok && mapStreamEvent(result.event)).toEqual([]);
  });

  it('gives empty deltas to a shell output piece that carries only one stream', () => {
    const result = decodeEvent({ ...KNOWN_EVENT_EXAMPLES['response.shell_call_output_content.delta'], delta: { stderr: 'oops' } });
    expect(result.ok && mapStreamEvent(result.event)).toMatchObject([{ type: 'shell_output_delta', stdout: '', stderr: 'oops' }]);
  });

  it('leaves the optional fields of a partial image out when the server sent none', () => {
    const { size, quality, background, output_format, ...bare } = KNOWN_EVENT_EXAMPLES['response.image_generation_call.partial_image'] as Record<string, unknown>;
    expect([size, quality, background, output_format]).not.toContain(undefined);
    const result = decodeEvent(bare);
    expect(result.ok && mapStreamEvent(result.event)).toEqual([{ type: 'image_generation_partial_image', itemId: 'ig_1', outputIndex: 0, partialImageIndex: 0, imageBase64: 'iVBORw0KGgo=' }]);
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
