// Fault matrix, turn policy: streams that send only noise (SSE comments, unknown events,
// pings) fail on the idle timeout and are retried, while the API's keepalive events keep a
// working model alive; the tool-round cap; call ids repeated within a response; tool handlers
// that throw hostile values; request values that used to break every request (an upper-case
// scheme, Unicode turn metadata, a sticky token that is no valid header value).
import type { Fault, FaultTarget, ModelRequest, NoiseKind, ResponsesServer, ScriptedResponse } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { runCell, type FaultCell } from './harness/fault-cell.ts';

const BASIC = ['message', 'reasoning', 'message'];
const TOOL_LOOP = ['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message'];

/** Applies `fault` to the responses requests at the given positions of the recording. */
function onRequests(server: ResponsesServer, indexes: readonly number[], fault: Fault): void {
  server.faults.use((target: FaultTarget) => (target.phase === 'request' && target.endpoint === 'responses' && indexes.includes(target.requestIndex) ? fault : undefined));
}

/** A completed response holding `items`, as scripted events. */
function scripted(id: string, items: readonly Record<string, unknown>[], before: readonly Record<string, unknown>[] = []): ScriptedResponse {
  return {
    events: [
      ...before,
      { type: 'response.created', response: { id, object: 'response', status: 'in_progress', output: [] } },
      ...items.flatMap((item, index) => [
        { type: 'response.output_item.added', output_index: index, item },
        { type: 'response.output_item.done', output_index: index, item },
      ]),
      { type: 'response.completed', response: { id, object: 'response', status: 'completed', output: items, usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 } } },
    ],
  };
}

function shellCall(id: string, callId: string, command: string): Record<string, unknown> {
  return { type: 'function_call', id, call_id: callId, name: 'shell', arguments: JSON.stringify({ command }), status: 'completed' };
}

/** While the last user message is "loop", the model calls the shell on every response; otherwise the default model answers. */
function loopingModel(request: ModelRequest): ScriptedResponse | undefined {
  const lastUser = [...request.input].reverse().find((item) => (item as { role?: string }).role === 'user') as { content?: { text?: string }[] } | undefined;
  if (lastUser?.content?.[0]?.text !== 'loop') return undefined;
  return scripted(`resp_loop_${request.requestIndex}`, [shellCall(`fc_${request.requestIndex}`, `call_${request.requestIndex}`, 'true')]);
}

const cells: FaultCell[] = [];

// Progress versus liveness (FAST_PROVIDER: an 800 ms stream idle timeout).
const NOISE: readonly { readonly transport: 'http' | 'websocket'; readonly noise: NoiseKind; readonly label: string }[] = [
  { transport: 'http', noise: 'sse-comment', label: 'only SSE comments and blank lines' },
  { transport: 'http', noise: 'unknown-event', label: 'only events of an unknown type' },
  { transport: 'websocket', noise: 'unknown-event', label: 'only events of an unknown type' },
  { transport: 'websocket', noise: 'ping', label: 'only pings' },
];
for (const { transport, noise, label } of NOISE) {
  cells.push({
    name: `a stream that sends ${label} after response.created hits the idle timeout and is retried`,
    transport,
    inject: (server) => onRequests(server, [0], { kind: 'noise', noise, everyMs: 20 }),
    expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
    verify: (_context, outcome) => {
      expect(outcome.events.find((event) => event.type === 'retrying')).toMatchObject({ code: 'idle_timeout', discardedItems: 0 });
    },
  });
}
for (const transport of ['http', 'websocket'] as const) {
  cells.push({
    name: "a model that works twice the idle timeout, sending only the API's keepalive events, is not cut",
    transport,
    inject: (server) => onRequests(server, [0], { kind: 'noise', noise: 'keepalive', everyMs: 20, forMs: 1_600 }),
    expect: { status: 'completed', retries: 0, requests: 1, historyTypes: BASIC },
  });
}

// Turn bounds.
for (const transport of ['http', 'websocket'] as const) {
  cells.push({
    name: 'a model that calls a tool on every response is stopped at maxToolRounds, every call answered',
    transport,
    input: 'loop',
    server: { model: loopingModel },
    session: { maxToolRounds: 3 },
    expect: {
      status: 'failed',
      errorCode: 'tool_round_limit',
      errorName: 'ToolRoundLimitError',
      toolRuns: 3,
      requests: 4,
      historyTypes: ['message', ...Array.from({ length: 4 }, () => ['function_call', 'function_call_output']).flat()],
    },
    verify: (context) => {
      expect(context.session.history.at(-1)).toMatchObject({ type: 'function_call_output', call_id: 'call_3', output: expect.stringMatching(/^not run: the turn reached its limit of 3 tool rounds/) });
    },
  });
  cells.push({
    name: 'a call id repeated within one response is committed once and run once',
    transport,
    inject: (server) => server.script.next(scripted('resp_repeat', [shellCall('fc_a', 'call_same', 'first'), shellCall('fc_b', 'call_same', 'second')])),
    expect: { status: 'completed', toolRuns: 1, requests: 2, historyTypes: ['message', 'function_call', 'function_call_output', 'reasoning', 'message'] },
    verify: (context) => {
      expect(context.toolCalls).toEqual(['first']);
    },
  });
}

// Hostile thrown values.
const revoked = Proxy.revocable({}, {});
revoked.revoke();
const throwing = (): never => {
  throw new Error('reading me throws');
};
const errorWithThrowingMessage = new Error('hidden');
Object.defineProperty(errorWithThrowingMessage, 'message', { get: throwing });
const HOSTILE: readonly [string, () => unknown][] = [
  ['a null-prototype object', () => Object.create(null) as unknown],
  ['an Error whose message getter throws', () => errorWithThrowingMessage],
  ['an object whose toString throws', () => ({ toString: throwing })],
  ['a Symbol', () => Symbol('thrown')],
  ['a revoked Proxy', () => revoked.proxy],
];
for (const transport of ['http', 'websocket'] as const) {
  for (const [label, value] of HOSTILE) {
    cells.push({
      name: `a tool that throws ${label} gets a failure output; the turn completes`,
      transport,
      input: 'run: ls',
      runTool: () => Promise.reject(value()),
      expect: { status: 'completed', retries: 0, toolRuns: 1, historyTypes: TOOL_LOOP, finalMessage: /^shell returned:\ntool "shell" failed: / },
    });
  }
}

// Hostile request values.
for (const transport of ['http', 'websocket'] as const) {
  cells.push({
    name: 'an upper-case URL scheme works, without a fallback',
    transport,
    baseUrl: (url) => url.replace(/^http:/, 'HTTP:'),
    input: 'run: ls',
    expect: { status: 'completed', retries: 0, requests: 2, historyTypes: TOOL_LOOP },
    verify: (context) => {
      expect(context.server.recording.requests.map((request) => request.transport)).toEqual([transport, transport]);
    },
  });
  cells.push({
    name: 'turn metadata of any Unicode is sent as header-safe JSON meaning the same object',
    transport,
    input: 'run: ls',
    session: { turnMetadata: { workspace: 'projets/été/東京', note: '🚀 \u2028 ÿ\u0100' } },
    expect: { status: 'completed', retries: 0, requests: 2, historyTypes: TOOL_LOOP },
    verify: (context) => {
      for (const request of context.server.recording.requests) {
        const body = request.body as { client_metadata?: Record<string, string> };
        const sent = transport === 'http' ? request.headers['x-codex-turn-metadata'] : body.client_metadata?.['x-codex-turn-metadata'];
        expect(sent).toMatch(/^[\x20-\x7e]+$/);
        expect(JSON.parse(sent as string)).toMatchObject({ workspace: 'projets/été/東京', note: '🚀 \u2028 ÿ\u0100' });
      }
    },
  });
  cells.push({
    name: 'a sticky token with CR/LF is ignored, never sent',
    transport,
    input: 'run: ls',
    server: { issueTurnState: false },
    inject: (server) => server.script.next(scripted('resp_sticky', [shellCall('fc_s', 'call_s', 'ls')], [{ type: 'response.metadata', headers: { 'x-codex-turn-state': 'ts_a\r\nx-injected: 1' } }])),
    expect: { status: 'completed', retries: 0, requests: 2, toolRuns: 1 },
    verify: (context) => {
      const [, followUp] = context.server.recording.requests;
      const body = followUp?.body as { client_metadata?: Record<string, string> };
      expect(transport === 'http' ? followUp?.headers['x-codex-turn-state'] : body.client_metadata?.['x-codex-turn-state']).toBeUndefined();
      expect(followUp?.headers['x-injected']).toBeUndefined();
    },
  });
}

describe('fault matrix: turn policy', () => {
  for (const cell of cells) it(`${cell.transport}: ${cell.name}`, () => runCell(cell), 15_000);
});
