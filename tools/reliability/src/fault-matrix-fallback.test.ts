// Fault matrix, fallback and classification: every reason the session gives up the WebSocket
// for HTTP (a refused or invalid upgrade, garbled frames, repeated protocol violations), and the
// answers HTTP itself refuses to read (redirects, unparseable responses, a page that is not a
// stream). Each cell runs a real session against the loopback server.
import type { Fault, FaultTarget, ResponsesServer } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { runCell, type CellContext, type FaultCell } from './harness/fault-cell.ts';

const BASIC = ['message', 'reasoning', 'message'];

/** Applies `fault` to every handshake. */
function everyHandshake(server: ResponsesServer, fault: Fault): void {
  server.faults.use((target: FaultTarget) => (target.phase === 'handshake' ? fault : undefined));
}

/** The transports of the requests the server received, in order. */
function transports(context: CellContext): string[] {
  return context.server.recording.requests.map((request) => request.transport);
}

// A terminal frame without a response id before `response.created`: whose response it ends
// cannot be told (a protocol violation, not garbage).
const AMBIGUOUS_TERMINAL: Fault = { kind: 'inject', frames: [{ afterEvents: 0, event: { type: 'response.failed', response: { status: 'failed' } } }] };

const cells: FaultCell[] = [];

for (const status of [404, 405, 501]) {
  cells.push({
    name: `upgrade answered ${status} (a route without WebSocket mode): HTTP at once (websocket_unsupported)`,
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'refuse-upgrade', status }),
    expect: { status: 'completed', retries: 0, fallback: 'websocket_unsupported', requests: 1, handshakes: 1, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['http']),
  });
}

cells.push(
  {
    name: 'upgrade answered with a redirect: never followed, HTTP at once (upgrade_refused)',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'refuse-upgrade', status: 302, headers: { location: 'wss://elsewhere.example.test/v1/responses' } }),
    expect: { status: 'completed', retries: 0, fallback: 'upgrade_refused', requests: 1, handshakes: 1, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['http']),
  },
  {
    name: 'upgrade answered 403 every time: HTTP at once (upgrade_refused), one handshake',
    transport: 'websocket',
    inject: (server) => everyHandshake(server, { kind: 'refuse-upgrade', status: 403, headers: { 'retry-after-ms': '1' } }),
    // A 4xx refusal is not retried: the same handshake would get the same answer.
    expect: { status: 'completed', retries: 0, fallback: 'upgrade_refused', requests: 1, handshakes: 1, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['http']),
  },
  {
    name: 'upgrade answered 503 every time: retried within the budget, then HTTP (upgrade_refused)',
    transport: 'websocket',
    inject: (server) => everyHandshake(server, { kind: 'refuse-upgrade', status: 503, headers: { 'retry-after-ms': '1' } }),
    // 1 + requestMaxRetries (3) handshakes, then the request over HTTP.
    expect: { status: 'completed', retries: 0, fallback: 'upgrade_refused', requests: 1, handshakes: 4, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['http']),
  },
  {
    name: 'upgrade answered 101 with an invalid Sec-WebSocket-Accept: HTTP at once (upgrade_invalid)',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'invalid-upgrade' }),
    expect: { status: 'completed', retries: 0, fallback: 'upgrade_invalid', requests: 1, handshakes: 1, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['http']),
  },
  {
    name: 'a binary frame before any event: HTTP at once (invalid_frames)',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'binary-frame', afterEvents: 0 }),
    expect: { status: 'completed', retries: 0, fallback: 'invalid_frames', requests: 2, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['websocket', 'http']),
  },
  {
    name: 'a text frame that is not JSON before any event: HTTP at once (invalid_frames)',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'malformed-json', afterEvents: 0 }, { on: 'websocket' }),
    expect: { status: 'completed', retries: 0, fallback: 'invalid_frames', requests: 2, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['websocket', 'http']),
  },
  {
    name: 'a protocol violation on one socket: retried on a new socket, which completes; the session stays on the WebSocket',
    transport: 'websocket',
    inject: (server) => server.faults.next(AMBIGUOUS_TERMINAL, { on: 'websocket' }),
    expect: { status: 'completed', retries: 0, requests: 2, handshakes: 2, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['websocket', 'websocket']),
  },
  {
    name: 'protocol violations on two fresh sockets in a row: HTTP (protocol_violations)',
    transport: 'websocket',
    inject: (server) => server.faults.use((target) => (target.phase === 'request' && target.transport === 'websocket' ? AMBIGUOUS_TERMINAL : undefined)),
    expect: { status: 'completed', retries: 0, fallback: 'protocol_violations', requests: 3, handshakes: 2, historyTypes: BASIC },
    verify: (context) => expect(transports(context)).toEqual(['websocket', 'websocket', 'http']),
  },
  {
    name: 'a redirect is never followed: a typed redirect_refused naming the target host, not retried',
    transport: 'http',
    inject: (server) => server.faults.next({ kind: 'http-status', status: 307, headers: { location: 'https://elsewhere.example.test/v1/responses?sig=secret' } }),
    expect: { status: 'failed', errorCode: 'redirect_refused', errorName: 'RedirectRefusedError', retries: 0, requests: 1, historyTypes: ['message'] },
    verify: (_context, outcome) => {
      expect(outcome.error).toMatchObject({ status: 307, targetHost: 'elsewhere.example.test', retryable: false });
      expect(outcome.error?.message).toContain('elsewhere.example.test');
      expect(outcome.error?.message).not.toContain('secret');
    },
  },
  {
    name: 'a 200 that is not text/event-stream: a typed protocol violation naming the content type, not retried',
    transport: 'http',
    inject: (server) => server.faults.next({ kind: 'http-status', status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body>Please sign in</body></html>' }),
    expect: { status: 'failed', errorCode: 'protocol_violation', errorName: 'ProtocolViolationError', retries: 0, requests: 1, historyTypes: ['message'] },
    verify: (_context, outcome) => {
      expect(outcome.error).toMatchObject({ violation: 'content_type', retryable: false });
      expect(outcome.error?.message).toContain('text/html; charset=utf-8');
    },
  },
  {
    name: 'a header block over the parser limit after the request was written: a typed protocol violation, not connect_failed',
    transport: 'http',
    inject: (server) => server.faults.next({ kind: 'broken-http', variant: 'header-overflow' }),
    expect: { status: 'failed', errorCode: 'protocol_violation', retries: 0, requests: 1, historyTypes: ['message'] },
    verify: (_context, outcome) => expect(outcome.error).toMatchObject({ violation: 'http_parser' }),
  },
  {
    name: 'a chunk size that is not hexadecimal after the response started: a typed protocol violation, not connect_failed',
    transport: 'http',
    inject: (server) => server.faults.next({ kind: 'broken-http', variant: 'chunk-size' }),
    expect: { status: 'failed', errorCode: 'protocol_violation', retries: 0, requests: 1, historyTypes: ['message'] },
    verify: (_context, outcome) => expect(outcome.error).toMatchObject({ violation: 'http_parser' }),
  },
);

describe('fault matrix: fallback to HTTP and classification', () => {
  for (const cell of cells) it(`${cell.transport}: ${cell.name}`, () => runCell(cell), 15_000);
});
