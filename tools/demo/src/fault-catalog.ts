// The loopback faults the demo can inject (`--fault <name>`), each applied once: handshake
// faults to the first WebSocket handshake (the pre-connect), request faults to the first tool
// follow-up request (the second request of the first turn), so recovery happens mid-turn.
import type { Fault, FaultRule } from '@modelwire/testing';

/** Names accepted by `--fault`. */
export const FAULT_NAMES = [
  'drop-socket',
  'refuse-upgrade-426',
  'refuse-upgrade-404',
  'black-hole-upgrade',
  'stall',
  'server-error',
  'rate-limit',
  'malformed-json',
  'previous-response-evicted',
  'half-open',
] as const;

/** One of {@link FAULT_NAMES}. */
export type FaultName = (typeof FAULT_NAMES)[number];

/** What each fault does and what the session is expected to do about it. */
export const FAULT_DESCRIPTIONS: Readonly<Record<FaultName, string>> = {
  'drop-socket': 'the connection is cut mid-stream (TCP reset); the turn loop discards the partial output and re-streams on a new connection',
  'refuse-upgrade-426': 'the WebSocket upgrade is refused with 426; the session switches to HTTP/SSE for good',
  'refuse-upgrade-404': 'every WebSocket upgrade is answered 404 (a gateway without WebSocket mode); the session switches to HTTP/SSE at once, for good',
  'black-hole-upgrade':
    'every WebSocket upgrade is held unanswered (a middlebox that black-holes WebSockets); after one connect budget (websocketConnectTimeoutMs, 5 s) the session moves to HTTP/SSE, and this process remembers it: its next session starts on HTTP/SSE without dialing',
  stall: 'the server stops sending mid-stream; the idle timeout fires and the request is streamed again',
  'server-error': 'an error event (server_error) ends the stream; the turn loop retries with backoff',
  'rate-limit': 'rate_limit_exceeded before the first event, with a "try again in 300ms" hint; the client waits and retries',
  'malformed-json': 'a frame that is not JSON arrives mid-stream; over the WebSocket the session moves to HTTP/SSE (the path garbles frames) and the answer streams again there, over HTTP the request is streamed again',
  'previous-response-evicted': 'the server no longer holds the previous response (previous_response_not_found); the client resends the full input once, transparently',
  'half-open': 'the pre-connected socket goes silent (no pongs, no answers); the idle timeout replaces it',
};

/** Faults that only exist on the WebSocket path. */
export const WEBSOCKET_ONLY_FAULTS: ReadonlySet<FaultName> = new Set(['refuse-upgrade-426', 'refuse-upgrade-404', 'black-hole-upgrade', 'previous-response-evicted', 'half-open']);

/** How long the loopback server holds a black-holed upgrade: far longer than any connect budget. */
const BLACK_HOLE_MS = 10 * 60 * 1000;

function faultOf(name: FaultName): { phase: 'handshake' | 'request'; fault: Fault; every?: boolean } {
  switch (name) {
    case 'drop-socket':
      // After created, in_progress and the call's output_item.added: before its first argument delta.
      return { phase: 'request', fault: { kind: 'close', afterEvents: 3 } };
    case 'refuse-upgrade-426':
      return { phase: 'handshake', fault: { kind: 'refuse-upgrade', status: 426 } };
    case 'refuse-upgrade-404':
      return { phase: 'handshake', fault: { kind: 'refuse-upgrade', status: 404 }, every: true };
    case 'black-hole-upgrade':
      return { phase: 'handshake', fault: { kind: 'delay-handshake', ms: BLACK_HOLE_MS }, every: true };
    case 'stall':
      return { phase: 'request', fault: { kind: 'stall', afterEvents: 6 } };
    case 'server-error':
      return { phase: 'request', fault: { kind: 'error', code: 'server_error', afterEvents: 6 } };
    case 'rate-limit':
      return { phase: 'request', fault: { kind: 'error', code: 'rate_limit_exceeded', afterEvents: 0, message: 'Rate limit reached for requests. Please try again in 300ms.' } };
    case 'malformed-json':
      return { phase: 'request', fault: { kind: 'malformed-json', afterEvents: 6 } };
    case 'previous-response-evicted':
      return { phase: 'request', fault: { kind: 'error', code: 'previous_response_not_found', afterEvents: 0 } };
    case 'half-open':
      return { phase: 'handshake', fault: { kind: 'half-open' } };
  }
}

/**
 * A fault rule for the loopback server that fires `name` once: on the first handshake, or on
 * the first `responses` request after the first one.
 */
export function faultRule(name: FaultName): FaultRule {
  const { phase, fault, every = false } = faultOf(name);
  let used = false;
  return (target) => {
    if (used || target.phase !== phase) return undefined;
    if (target.phase === 'request' && (target.endpoint !== 'responses' || target.requestIndex < 1)) return undefined;
    // A route without WebSocket mode (or a black hole) refuses every upgrade, not one.
    used = !every;
    return fault;
  };
}
