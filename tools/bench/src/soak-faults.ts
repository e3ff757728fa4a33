// The faults of the soak: a weighted mix of everything the loopback server can inject, picked
// at random (seeded) for a share of handshakes and requests. Each fault is one the client must
// absorb (retry, reconnect, resend, fall back) except the few marked fatal, which must end
// their turn with the listed typed error code.
import type { Fault, FaultRule, FaultTarget } from '@modelwire/testing';

/** One kind of fault in the mix. */
export interface SoakFault {
  /** Short name for the report. */
  readonly name: string;
  /** Where it can be injected. */
  readonly on: 'handshake' | 'http' | 'websocket' | 'request';
  /** Relative weight in the mix. */
  readonly weight: number;
  /** The fault itself. */
  readonly fault: Fault;
  /** Only for incremental WebSocket requests (`previous_response_id` set). */
  readonly incrementalOnly?: boolean;
  /** The typed error code the turn ends with, for faults that must not be absorbed. */
  readonly fatalCode?: string;
}

/** The mix. Delays stay short so the soak measures the client, not the server's sleeps. */
export const SOAK_FAULTS: readonly SoakFault[] = [
  // Handshakes (WebSocket upgrades)
  { name: 'upgrade 500', on: 'handshake', weight: 2, fault: { kind: 'refuse-upgrade', status: 500 } },
  { name: 'upgrade 429 retry-after-ms', on: 'handshake', weight: 2, fault: { kind: 'refuse-upgrade', status: 429, headers: { 'retry-after-ms': '40' } } },
  { name: 'upgrade 426 (fallback)', on: 'handshake', weight: 1, fault: { kind: 'refuse-upgrade', status: 426 } },
  { name: 'upgrade 401 until refreshed', on: 'handshake', weight: 1, fault: { kind: 'unauthorized-until-token-changes' } },
  { name: 'connect timeout', on: 'handshake', weight: 1, fault: { kind: 'delay-handshake', ms: 2_500 } },
  { name: 'half-open socket', on: 'handshake', weight: 1, fault: { kind: 'half-open' } },
  // HTTP requests
  { name: 'http 500', on: 'http', weight: 2, fault: { kind: 'http-status', status: 500 } },
  { name: 'http 429 retry-after-ms', on: 'http', weight: 2, fault: { kind: 'http-status', status: 429, headers: { 'retry-after-ms': '40' } } },
  { name: 'http 401 until refreshed', on: 'http', weight: 1, fault: { kind: 'unauthorized-until-token-changes' } },
  // WebSocket requests
  { name: 'close 1006 before the first event', on: 'websocket', weight: 2, fault: { kind: 'close', afterEvents: 0 } },
  { name: 'close 1011 mid-stream', on: 'websocket', weight: 2, fault: { kind: 'close', afterEvents: 12, code: 1011 } },
  { name: 'close 1009 before the first event (fallback)', on: 'websocket', weight: 1, fault: { kind: 'close', afterEvents: 0, code: 1009 } },
  { name: 'half-open mid-stream', on: 'websocket', weight: 1, fault: { kind: 'half-open', afterEvents: 6 } },
  { name: 'connection age limit', on: 'websocket', weight: 1, fault: { kind: 'error', code: 'websocket_connection_limit_reached', afterEvents: 0 } },
  { name: 'previous_response_not_found', on: 'websocket', weight: 2, fault: { kind: 'error', code: 'previous_response_not_found', afterEvents: 0 }, incrementalOnly: true },
  { name: 'binary frame (fallback)', on: 'websocket', weight: 0.3, fault: { kind: 'binary-frame', afterEvents: 6 } },
  // Either transport
  { name: 'reset mid-stream', on: 'request', weight: 2, fault: { kind: 'close', afterEvents: 8 } },
  { name: 'idle stall', on: 'request', weight: 1, fault: { kind: 'stall', afterEvents: 5 } },
  { name: 'malformed JSON', on: 'request', weight: 2, fault: { kind: 'malformed-json', afterEvents: 5 } },
  { name: 'end without terminal event', on: 'request', weight: 1, fault: { kind: 'end-without-terminal', afterEvents: 5 } },
  { name: 'response.incomplete (fatal)', on: 'request', weight: 0.3, fault: { kind: 'incomplete', afterEvents: 5 }, fatalCode: 'response_incomplete' },
  { name: 'response.failed server_error', on: 'request', weight: 1, fault: { kind: 'failed', afterEvents: 5 } },
  { name: 'rate_limit_exceeded (nested)', on: 'request', weight: 2, fault: { kind: 'error', code: 'rate_limit_exceeded', afterEvents: 3, message: 'Rate limit reached. Please try again in 30ms.' } },
  { name: 'server_is_overloaded (flat)', on: 'request', weight: 1, fault: { kind: 'error', code: 'server_is_overloaded', shape: 'flat', afterEvents: 3 } },
  { name: 'context_length_exceeded (fatal)', on: 'request', weight: 0.3, fault: { kind: 'error', code: 'context_length_exceeded', afterEvents: 3 }, fatalCode: 'context_window_exceeded' },
];

/** Typed error codes a turn may end with in the soak (the fatal faults' codes). */
export const EXPECTED_FATAL_CODES: ReadonlySet<string> = new Set(SOAK_FAULTS.flatMap((fault) => (fault.fatalCode === undefined ? [] : [fault.fatalCode])));

/** A deterministic PRNG (mulberry32) in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function applies(fault: SoakFault, target: FaultTarget): boolean {
  if (target.phase === 'handshake') return fault.on === 'handshake';
  if (target.endpoint !== 'responses') return false;
  if (fault.on !== 'request' && fault.on !== target.transport) return false;
  if (fault.incrementalOnly === true) {
    const previous = (target.body as { previous_response_id?: unknown } | undefined)?.previous_response_id;
    if (typeof previous !== 'string') return false;
  }
  return true;
}

/** The conversation a handshake or request belongs to (`session_id` header, `prompt_cache_key`). */
function conversationOf(target: FaultTarget): string | undefined {
  if (target.phase === 'handshake') {
    const header = target.headers['session_id'];
    return typeof header === 'string' ? header : undefined;
  }
  const key = (target.body as { prompt_cache_key?: unknown } | undefined)?.prompt_cache_key;
  return typeof key === 'string' ? key : undefined;
}

/** Targets of one conversation after a 401 during which no other 401 is injected into it. */
const UNAUTHORIZED_SPACING = 16;

/**
 * A fault rule injecting a random applicable fault into `rate` of the targets, with counters.
 *
 * A 401 is not injected into a conversation within {@link UNAUTHORIZED_SPACING} targets of the
 * previous one: the client refreshes its token once per request, and a second 401 among the
 * attempts of one request is, by design, a fatal `unauthorized`. The mix tests the refresh, not
 * that rule (the fault matrix does).
 */
export function createFaultInjector(rate: number, random: () => number): { rule: FaultRule; injected: Map<string, number>; targets: { handshakes: number; requests: number } } {
  const injected = new Map<string, number>();
  const targets = { handshakes: 0, requests: 0 };
  /** Per conversation: targets seen since its last 401 fault. */
  const sinceUnauthorized = new Map<string, number>();
  const rule: FaultRule = (target) => {
    if (target.phase === 'handshake') targets.handshakes += 1;
    else targets.requests += 1;
    const conversation = conversationOf(target);
    const since = conversation === undefined ? undefined : sinceUnauthorized.get(conversation);
    const after401 = since !== undefined && since < UNAUTHORIZED_SPACING;
    if (conversation !== undefined && since !== undefined) sinceUnauthorized.set(conversation, since + 1);
    if (random() >= rate) return undefined;
    const candidates = SOAK_FAULTS.filter((fault) => applies(fault, target) && !(after401 && fault.fault.kind === 'unauthorized-until-token-changes'));
    const total = candidates.reduce((sum, fault) => sum + fault.weight, 0);
    let pick = random() * total;
    for (const candidate of candidates) {
      pick -= candidate.weight;
      if (pick < 0) {
        injected.set(candidate.name, (injected.get(candidate.name) ?? 0) + 1);
        if (conversation !== undefined && candidate.fault.kind === 'unauthorized-until-token-changes') sinceUnauthorized.set(conversation, 0);
        return candidate.fault;
      }
    }
    return undefined;
  };
  return { rule, injected, targets };
}
