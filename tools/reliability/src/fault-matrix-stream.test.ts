// Fault matrix, stream phase: connections cut before and after the first event, stalls,
// malformed (not JSON), binary and oversized frames, truncated responses, streams without a terminal
// event, the connection age limit and half-open sockets, on both transports.
import type { Fault, FaultTarget, ResponsesServer } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { runCell, submitAndRun, type FaultCell } from './harness/fault-cell.ts';
import { runTurn, type TurnOutcome } from './harness/turn-outcome.ts';

const BASIC = ['message', 'reasoning', 'message'];
const TOOL_LOOP = ['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message'];

// WebSocket responses start with codex.rate_limits and response.metadata; with a 40-character
// answer, 33 events leave a finished reasoning item and some answer text behind.
const MID_ANSWER = 33;

/** Applies `fault` to the responses requests at the given positions of the recording. */
function onRequests(server: ResponsesServer, indexes: readonly number[], fault: Fault): void {
  server.faults.use((target: FaultTarget) => (target.phase === 'request' && target.endpoint === 'responses' && indexes.includes(target.requestIndex) ? fault : undefined));
}

const cells: FaultCell[] = [];

for (const code of [undefined, 1011, 1009] as const) {
  const label = code ?? 1006;
  cells.push({
    name: `closed with ${label} before the first event`,
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], code === undefined ? { kind: 'close', afterEvents: 0 } : { kind: 'close', afterEvents: 0, code }),
    expect: code === 1009
      ? { status: 'completed', fallback: 'message_too_big', historyTypes: BASIC }
      : { status: 'completed', retries: 0, requests: 2, historyTypes: BASIC },
  });
  cells.push({
    name: `closed with ${label} after some events, mid-answer`,
    transport: 'websocket',
    server: { answerChars: 40 },
    inject: (server) => onRequests(server, [0], code === undefined ? { kind: 'close', afterEvents: MID_ANSWER } : { kind: 'close', afterEvents: MID_ANSWER, code }),
    // 1009: the session moves to HTTP and the answer streams again there at once.
    expect: code === 1009
      ? { status: 'completed', fallback: 'message_too_big', requests: 2, historyTypes: BASIC }
      : { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
  });
}

cells.push(
  {
    name: 'connection reset before the first byte of the body',
    transport: 'http',
    inject: (server) => onRequests(server, [0], { kind: 'close', afterEvents: 0 }),
    expect: { status: 'completed', retries: 0, requests: 2, historyTypes: BASIC },
  },
  {
    name: 'connection reset mid-body of a tool-loop follow-up',
    transport: 'http',
    input: 'run: ls',
    server: { answerChars: 40 },
    inject: (server) => onRequests(server, [1], { kind: 'close', afterEvents: 20 }),
    expect: { status: 'completed', retries: 1, requests: 3, toolRuns: 1, historyTypes: TOOL_LOOP },
  },
  {
    name: 'idle stall mid-stream hits the idle timeout and is retried',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'stall', afterEvents: 4 }),
    expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
    verify: (_context, outcome) => {
      expect(outcome.events.find((event) => event.type === 'retrying')).toMatchObject({ code: 'idle_timeout' });
    },
  },
  {
    name: 'idle stall mid-stream hits the idle timeout and is retried',
    transport: 'http',
    inject: (server) => onRequests(server, [0], { kind: 'stall', afterEvents: 4 }),
    expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
    verify: (_context, outcome) => {
      expect(outcome.events.find((event) => event.type === 'retrying')).toMatchObject({ code: 'idle_timeout' });
    },
  },
  {
    name: 'a text frame that is not JSON moves the session to HTTP (invalid_frames), where the answer streams again at once',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'malformed-json', afterEvents: 4 }),
    expect: { status: 'completed', retries: 0, fallback: 'invalid_frames', requests: 2, historyTypes: BASIC },
  },
  {
    name: 'a malformed JSON data line fails the attempt, which is retried',
    transport: 'http',
    inject: (server) => onRequests(server, [0], { kind: 'malformed-json', afterEvents: 4 }),
    expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
  },
  {
    name: 'a binary frame moves the session to HTTP (invalid_frames), where the answer streams again at once',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'binary-frame', afterEvents: 4 }),
    expect: { status: 'completed', retries: 0, fallback: 'invalid_frames', requests: 2, historyTypes: BASIC },
    verify: (context) => {
      expect(context.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'http']);
    },
  },
  {
    name: 'an oversized frame (over 16 MiB) is a typed payload_too_large error (not retried)',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'oversized-frame', afterEvents: 4 }),
    expect: { status: 'failed', errorCode: 'payload_too_large', errorName: 'PayloadTooLargeError', retries: 0, requests: 1, historyTypes: ['message'] },
  },
  {
    name: 'response.incomplete (max_output_tokens) is a typed error, not retried (a resend is truncated again), nothing committed',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'incomplete', afterEvents: 4 }),
    expect: { status: 'failed', errorCode: 'response_incomplete', errorName: 'StreamIncompleteError', retries: 0, requests: 1, historyTypes: ['message'] },
  },
  {
    name: 'response.incomplete (max_output_tokens) is a typed error, not retried (a resend is truncated again), nothing committed',
    transport: 'http',
    inject: (server) => onRequests(server, [0], { kind: 'incomplete', afterEvents: 4 }),
    expect: { status: 'failed', errorCode: 'response_incomplete', errorName: 'StreamIncompleteError', retries: 0, requests: 1, historyTypes: ['message'] },
  },
  {
    name: 'response.incomplete (content_filter) is a typed error, not retried, nothing committed',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'incomplete', reason: 'content_filter', afterEvents: 4 }),
    expect: { status: 'failed', errorCode: 'response_incomplete', errorName: 'StreamIncompleteError', retries: 0, requests: 1, historyTypes: ['message'] },
  },
  {
    name: 'response.incomplete (content_filter) is a typed error, not retried, nothing committed',
    transport: 'http',
    inject: (server) => onRequests(server, [0], { kind: 'incomplete', reason: 'content_filter', afterEvents: 4 }),
    expect: { status: 'failed', errorCode: 'response_incomplete', errorName: 'StreamIncompleteError', retries: 0, requests: 1, historyTypes: ['message'] },
  },
  ...(['websocket', 'http'] as const).map(
    (transport): FaultCell => ({
      name: 'response.failed (server_error) is retried',
      transport,
      inject: (server) => onRequests(server, [0], { kind: 'failed', afterEvents: 4 }),
      expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
    }),
  ),
  ...(['websocket', 'http'] as const).map(
    (transport): FaultCell => ({
      name: 'response.failed with a fatal code (context_length_exceeded) is a typed error, not retried',
      transport,
      inject: (server) => onRequests(server, [0], { kind: 'failed', code: 'context_length_exceeded', afterEvents: 4 }),
      expect: { status: 'failed', errorCode: 'context_window_exceeded', retries: 0, requests: 1, historyTypes: ['message'] },
    }),
  ),
  {
    name: 'an SSE body that ends without a terminal event is a failure, retried',
    transport: 'http',
    inject: (server) => onRequests(server, [0], { kind: 'end-without-terminal', afterEvents: 4 }),
    expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
    verify: (_context, outcome) => {
      expect(outcome.events.find((event) => event.type === 'retrying')).toMatchObject({ code: 'stream_incomplete' });
    },
  },
  {
    name: 'a response that never sends its terminal event times out and is retried',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'end-without-terminal', afterEvents: 4 }),
    expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
  },
  {
    name: 'a socket past the server age limit is replaced before the next turn',
    transport: 'websocket',
    server: { connectionAgeLimitMs: 150 },
    drive: async (context) => {
      const first = await submitAndRun(context, 'first');
      expect(first.status).toBe('completed');
      await new Promise((resolve) => setTimeout(resolve, 200));
      return submitAndRun(context, 'second');
    },
    expect: { status: 'completed', historyTypes: [...BASIC, ...BASIC] },
    verify: (context) => {
      const requests = context.server.recording.requests;
      expect(new Set(requests.map((request) => request.connectionId)).size).toBeGreaterThanOrEqual(2);
      expect((requests.at(-1)?.body as { previous_response_id?: string }).previous_response_id).toBeUndefined();
    },
  },
  {
    name: 'the client rotates a socket at its own age limit, between turns, without an error frame',
    transport: 'websocket',
    session: { client: { maxConnectionAgeMs: 100 } },
    drive: async (context) => {
      const first = await submitAndRun(context, 'first');
      expect(first.status).toBe('completed');
      await new Promise((resolve) => setTimeout(resolve, 150));
      return submitAndRun(context, 'second');
    },
    expect: { status: 'completed', retries: 0, requests: 2, historyTypes: [...BASIC, ...BASIC] },
    verify: (context) => {
      const [first, second] = context.server.recording.requests;
      expect(second?.connectionId).not.toBe(first?.connectionId);
    },
  },
  {
    name: 'a half-open socket (no pongs, nothing answered) is detected and replaced',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'half-open' }, { on: 'handshake' }),
    expect: { status: 'completed', historyTypes: BASIC },
    verify: (context) => {
      expect(context.server.recording.handshakes.length).toBeGreaterThanOrEqual(2);
    },
  },
  {
    name: 'a socket that goes half-open mid-stream is detected and the request retried',
    transport: 'websocket',
    inject: (server) => onRequests(server, [0], { kind: 'half-open', afterEvents: 4 }),
    expect: { status: 'completed', retries: 1, historyTypes: BASIC },
  },
);

for (const transport of ['websocket', 'http'] as const) {
  cells.push({
    name: 'three turns submitted at once, the first cut mid-answer: they run in order, each committed whole',
    transport,
    server: { answerChars: 40 },
    inject: (server) => onRequests(server, [0], transport === 'websocket' ? { kind: 'close', afterEvents: MID_ANSWER } : { kind: 'close', afterEvents: 20 }),
    drive: async (context) => {
      const inputs = ['one', 'two', 'three'];
      context.inputs.push(...inputs);
      const outcomes = await Promise.all(inputs.map((input) => runTurn(context.session.submit(input))));
      expect(outcomes.map((outcome) => outcome.finalMessage?.slice(0, 14))).toEqual(['You said: one ', 'You said: two ', 'You said: thre']);
      expect(outcomes.map((outcome) => outcome.retries)).toEqual([1, 0, 0]);
      return outcomes[0] as TurnOutcome;
    },
    expect: { status: 'completed', retries: 1, requests: 4, historyTypes: [...BASIC, ...BASIC, ...BASIC] },
  });
}

describe('fault matrix: stream phase', () => {
  for (const cell of cells) it(`${cell.transport}: ${cell.name}`, () => runCell(cell), 15_000);
});
