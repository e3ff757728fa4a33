/**
 * Fault injection: the typed faults the loopback server can inject, and the controller that
 * hands them out per handshake or per request, from a FIFO queue or from rule functions.
 */
import type { ErrorShape, ErrorStatusField, ResponsesErrorCode } from './error-payloads.js';
import type { JsonObject } from './request-body.js';

/** Refuse a WebSocket upgrade with a plain HTTP status instead of `101`. Handshake only. */
export interface RefuseUpgradeFault {
  readonly kind: 'refuse-upgrade';
  /** HTTP status, e.g. 401, 426, 429, 500. */
  readonly status: number;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Response body; default: a JSON error body matching the status. */
  readonly body?: string;
}

/**
 * Answer a WebSocket upgrade with `101 Switching Protocols` whose `Sec-WebSocket-Accept` does
 * not match the key (as a middlebox that fakes upgrades would): the client must refuse the
 * socket. The connection is closed after the answer. Handshake only.
 */
export interface InvalidUpgradeFault {
  readonly kind: 'invalid-upgrade';
}

/**
 * Answer an HTTP request with bytes that break HTTP after the request was read: `chunk-size`
 * sends the headers of an SSE stream and one event, then a chunk size that is not hexadecimal;
 * `header-overflow` sends a 200 with a 100 KB header. The connection is closed after. HTTP
 * requests only.
 */
export interface BrokenHttpFault {
  readonly kind: 'broken-http';
  readonly variant: 'chunk-size' | 'header-overflow';
}

/** Hold the WebSocket upgrade for `ms` milliseconds before answering it. Handshake only. */
export interface DelayHandshakeFault {
  readonly kind: 'delay-handshake';
  /** Delay in milliseconds. */
  readonly ms: number;
}

/** Answer an HTTP request with a status instead of a stream. HTTP requests only. */
export interface HttpStatusFault {
  readonly kind: 'http-status';
  readonly status: number;
  /** Extra response headers, e.g. `{ 'retry-after-ms': '20' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Response body; default: `{"error": {...}}` with a code matching the status. */
  readonly body?: string;
}

/**
 * Cut the connection after `afterEvents` events. WebSocket: a close frame with `code`, or an
 * abrupt TCP reset (the client sees 1006) when `code` is omitted. HTTP: the socket is
 * destroyed mid-body (the chunked body never ends).
 */
export interface CloseFault {
  readonly kind: 'close';
  /** Events sent before closing. Default 0. */
  readonly afterEvents?: number;
  /** WebSocket close code (1000–4999, except the reserved ones). Omit for an abrupt reset. */
  readonly code?: number;
  readonly reason?: string;
}

/** Send a frame (or SSE `data:`) that is not valid JSON after `afterEvents` events. */
export interface MalformedJsonFault {
  readonly kind: 'malformed-json';
  /** Default 0. */
  readonly afterEvents?: number;
  /** Whether the response then goes on normally (default false: nothing more is sent). */
  readonly thenContinue?: boolean;
}

/** Send one very large (valid JSON) text frame after `afterEvents` events. WebSocket only. */
export interface OversizedFrameFault {
  readonly kind: 'oversized-frame';
  /** Default 0. */
  readonly afterEvents?: number;
  /** Frame size in bytes. Default 16 MiB + 1. */
  readonly bytes?: number;
}

/** Send the next event as a binary frame instead of a text frame. WebSocket only. */
export interface BinaryFrameFault {
  readonly kind: 'binary-frame';
  /** Default 0. */
  readonly afterEvents?: number;
}

/**
 * When a late frame goes out, relative to the frame it trails:
 * - `'burst'`: in the same write burst (no wait for the previous frame to be written);
 * - a number: that many milliseconds after the previous frame was written (`0`: the next tick);
 * - `'after-next-created'`: right after the next response's `response.created` on the same
 *   socket (never, when no further response comes on it).
 */
export type LateTiming = 'burst' | 'after-next-created' | number;

/**
 * Send an `error` event after `afterEvents` events instead of the rest of the response
 * (the request ends there, the connection stays usable). With `trailingFailed`, the response's
 * own `response.failed` follows the error (as the real API does: `created`, `in_progress`,
 * `error`, `response.failed`), at that time.
 */
export interface ErrorEventFault {
  readonly kind: 'error';
  readonly code: ResponsesErrorCode | (string & {});
  /** Default `nested` (see `ErrorShape`: `wrapped` puts the headers at the top level, as the Codex backend does). */
  readonly shape?: ErrorShape;
  /** Name of the status field of a WebSocket error frame. Default `status`. */
  readonly statusField?: ErrorStatusField;
  /** Default 0 (before `response.created`). */
  readonly afterEvents?: number;
  /** Default: the code's usual status (WebSocket nested and wrapped shapes carry it as `status`). */
  readonly status?: number;
  /** Default: the code's usual message. */
  readonly message?: string;
  /** Response headers sent with the error (rate limits, request id): in `error.headers`, or at the top level for `wrapped` and `flat`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** More fields of the error object, e.g. `{ plan_type: 'pro', resets_at: 1790000000 }` for a usage limit. */
  readonly errorFields?: Readonly<Record<string, unknown>>;
  /** Send the response's `response.failed` after the error frame, at this time. Default: not sent. */
  readonly trailingFailed?: LateTiming;
}

/**
 * Stop sending after `afterEvents` events and keep the connection open (idle timeouts). On
 * `/responses/compact` and `/memories/trace_summarize` the answer never comes (request timeouts).
 */
export interface StallFault {
  readonly kind: 'stall';
  /** Default 0. */
  readonly afterEvents?: number;
}

/** End the response with `response.incomplete` after `afterEvents` events. */
export interface IncompleteFault {
  readonly kind: 'incomplete';
  /** `incomplete_details.reason`. Default `max_output_tokens`. */
  readonly reason?: string;
  /** Default: after `response.in_progress` (2). */
  readonly afterEvents?: number;
  /** Send the stale tail of this response (see {@link StaleTailFault}) at this time. Default: none. */
  readonly staleTail?: LateTiming;
}

/** End the response with `response.failed` after `afterEvents` events. */
export interface FailedFault {
  readonly kind: 'failed';
  /** `response.error.code`. Default `server_error`. */
  readonly code?: string;
  readonly message?: string;
  /** Default: after `response.in_progress` (2). */
  readonly afterEvents?: number;
  /** Send the stale tail of this response (see {@link StaleTailFault}) at this time. Default: none. */
  readonly staleTail?: LateTiming;
}

/**
 * The response completes normally, then its stale tail follows at `at`: its last
 * `response.output_item.done` (when it had one) and its terminal event, both sent again, as a
 * server that repeats the end of a response after the next request was sent. WebSocket only.
 */
export interface StaleTailFault {
  readonly kind: 'stale-tail';
  /** When the tail goes out. Default `'burst'`. */
  readonly at?: LateTiming;
}

/** The response completes, and the server closes the socket right after its terminal frame (same burst). WebSocket only. */
export interface CloseAfterTerminalFault {
  readonly kind: 'close-after-terminal';
  /** Close code. Default 1000. */
  readonly code?: number;
}

/**
 * The response completes, then, once the socket sat idle for `afterMs`, the server pushes
 * `frames` unsolicited text frames of `frameBytes` bytes each (valid JSON deltas), as fast as
 * the socket takes them, until it closes. WebSocket only.
 */
export interface IdleFloodFault {
  readonly kind: 'idle-flood';
  /** Default 1 000. */
  readonly frames?: number;
  /** Default 1 MiB. */
  readonly frameBytes?: number;
  /** Idle time before the flood, in milliseconds. Default 20. */
  readonly afterMs?: number;
}

/** One frame an {@link InjectFault} adds to a response. */
export interface InjectedFrame {
  /** Sent after this many of the response's own events (0: before its `response.created`). */
  readonly afterEvents: number;
  /** The frame, sent as it is. */
  readonly event: JsonObject;
  /** For a frame past the response's last event: when it goes out. Default `'burst'`. */
  readonly at?: LateTiming;
}

/**
 * The response goes out as planned, with extra frames around it: tails of earlier responses,
 * frames of other responses, frames after its end (while the socket is idle). WebSocket only.
 */
export interface InjectFault {
  readonly kind: 'inject';
  readonly frames: readonly InjectedFrame[];
}

/**
 * End the stream without a terminal event after `afterEvents` events. HTTP: the SSE body ends
 * cleanly. WebSocket: the server sends nothing more for this request but frees its lane.
 */
export interface EndWithoutTerminalFault {
  readonly kind: 'end-without-terminal';
  /** Default: after `response.in_progress` (2). */
  readonly afterEvents?: number;
}

/**
 * Make the WebSocket half-open: the server stops answering pings, ignores incoming frames and
 * sends nothing more, while the TCP connection stays up. At a handshake it applies from the
 * start; on a request, after `afterEvents` events.
 */
export interface HalfOpenFault {
  readonly kind: 'half-open';
  /** Default 0. */
  readonly afterEvents?: number;
}

/**
 * Answer 401 to every request and upgrade that carries the bearer token seen when this fault
 * is taken (or `token`, when given), until a request with a different token arrives; that
 * request and all later ones pass.
 */
export interface UnauthorizedUntilTokenChangesFault {
  readonly kind: 'unauthorized-until-token-changes';
  /** The token to refuse; default: the one the taking request or handshake carries. */
  readonly token?: string;
}

/**
 * What a {@link NoiseFault} sends:
 * - `'sse-comment'`: SSE comments (`: keep-alive`) and blank lines, as proxies and gateways
 *   write them to keep an idle HTTP connection open. HTTP only (on a WebSocket: nothing).
 * - `'unknown-event'`: events of a type no client knows (`{"type":"noise.unknown"}`), on both
 *   transports.
 * - `'ping'`: WebSocket ping frames (the client's socket answers with pongs). WebSocket only
 *   (over HTTP: nothing).
 * - `'keepalive'`: the API's own heartbeat event (`{"type":"keepalive"}`), which it sends
 *   while a model works without output, on both transports. Sent without `sequence_number`, so
 *   that the response's own numbering goes on unchanged after the noise.
 */
export type NoiseKind = 'sse-comment' | 'unknown-event' | 'ping' | 'keepalive';

/**
 * After `afterEvents` events of the response, send only `noise` every `everyMs` milliseconds:
 * for `forMs` milliseconds, after which the response goes on as planned, or (without `forMs`)
 * until the connection closes. The connection itself stays healthy all along.
 */
export interface NoiseFault {
  readonly kind: 'noise';
  readonly noise: NoiseKind;
  /** Default 2 (after `response.created` and `response.in_progress`). */
  readonly afterEvents?: number;
  /** Interval between two pieces of noise, in milliseconds. Default 20. */
  readonly everyMs?: number;
  /** How long the noise lasts before the response goes on, in milliseconds. Default: until the connection closes. */
  readonly forMs?: number;
}

/**
 * What a {@link CompactionResultFault} makes the compaction answer:
 * - `'empty'`: no output item at all (v2: the response completes with an empty `output`;
 *   legacy: `{"output": []}`);
 * - `'no-compaction-item'`: no `compaction` item (v2: an assistant message instead; legacy:
 *   the kept user messages only);
 * - `'malformed-item'`: the `compaction` item without `encrypted_content`;
 * - `'two-compaction-items'`: two `compaction` items.
 */
export type CompactionResultKind = 'empty' | 'no-compaction-item' | 'malformed-item' | 'two-compaction-items';

/**
 * The next compaction answers with a broken result: a compaction v2 request (a request whose
 * input ends with `compaction_trigger`, on either transport) streams a complete response, or
 * `POST /responses/compact` answers 200, but the output is not a usable compaction. Matches
 * only compaction requests: other requests never take it.
 */
export interface CompactionResultFault {
  readonly kind: 'compaction-result';
  readonly result: CompactionResultKind;
}

/** Every fault the loopback server can inject. */
export type Fault =
  | RefuseUpgradeFault
  | InvalidUpgradeFault
  | BrokenHttpFault
  | DelayHandshakeFault
  | HttpStatusFault
  | CloseFault
  | MalformedJsonFault
  | OversizedFrameFault
  | BinaryFrameFault
  | ErrorEventFault
  | StallFault
  | IncompleteFault
  | FailedFault
  | EndWithoutTerminalFault
  | HalfOpenFault
  | StaleTailFault
  | CloseAfterTerminalFault
  | IdleFloodFault
  | InjectFault
  | NoiseFault
  | CompactionResultFault
  | UnauthorizedUntilTokenChangesFault;

/** The kinds of {@link Fault}. */
export type FaultKind = Fault['kind'];

/** Where a fault can be taken: a WebSocket handshake or a request on either transport. */
export type FaultTarget =
  | {
      readonly phase: 'handshake';
      readonly connectionId: number;
      readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    }
  | {
      readonly phase: 'request';
      readonly transport: 'http' | 'websocket';
      /** `responses`, `compact` or `trace_summarize`. */
      readonly endpoint: Endpoint;
      readonly connectionId: number;
      /** Position of the request in `recording.requests`. */
      readonly requestIndex: number;
      readonly body: unknown;
    };

/** The endpoints the server serves. */
export type Endpoint = 'responses' | 'compact' | 'trace_summarize';

/** Narrows which handshakes or requests a queued fault applies to. */
export interface FaultMatch {
  /** `handshake`, or a request on `http` / `websocket`. Default: from the fault kind. */
  readonly on?: 'handshake' | 'http' | 'websocket' | 'request';
  /** Only this connection id. */
  readonly connectionId?: number;
  /** Only this endpoint (requests). Default: any. */
  readonly endpoint?: Endpoint;
}

/** A rule consulted for every handshake and request before the queue; return a fault or undefined. */
export type FaultRule = (target: FaultTarget) => Fault | undefined;

const HANDSHAKE_ONLY: ReadonlySet<FaultKind> = new Set(['refuse-upgrade', 'invalid-upgrade', 'delay-handshake']);
const HTTP_ONLY: ReadonlySet<FaultKind> = new Set(['http-status', 'broken-http']);
const WEBSOCKET_ONLY: ReadonlySet<FaultKind> = new Set(['oversized-frame', 'binary-frame', 'stale-tail', 'close-after-terminal', 'idle-flood', 'inject']);

function defaultOn(fault: Fault): NonNullable<FaultMatch['on']> {
  if (HANDSHAKE_ONLY.has(fault.kind) || fault.kind === 'half-open') return 'handshake';
  if (HTTP_ONLY.has(fault.kind)) return 'http';
  if (WEBSOCKET_ONLY.has(fault.kind)) return 'websocket';
  if (fault.kind === 'unauthorized-until-token-changes') return 'request';
  return 'request';
}

function matches(entry: { fault: Fault; match: FaultMatch }, target: FaultTarget): boolean {
  const on = entry.match.on ?? defaultOn(entry.fault);
  if (entry.match.connectionId !== undefined && entry.match.connectionId !== target.connectionId) return false;
  if (target.phase === 'handshake') return on === 'handshake' || entry.fault.kind === 'unauthorized-until-token-changes';
  if (on === 'handshake') return false;
  if (on !== 'request' && on !== target.transport) return false;
  if (entry.match.endpoint !== undefined && entry.match.endpoint !== target.endpoint) return false;
  if (entry.fault.kind === 'compaction-result' && !isCompactionTarget(target)) return false;
  return true;
}

/** A compaction request: `POST /responses/compact`, or a request whose input ends with `compaction_trigger`. */
function isCompactionTarget(target: Extract<FaultTarget, { phase: 'request' }>): boolean {
  if (target.endpoint === 'compact') return true;
  if (target.endpoint !== 'responses' || typeof target.body !== 'object' || target.body === null) return false;
  const input = (target.body as { input?: unknown }).input;
  if (!Array.isArray(input)) return false;
  const last: unknown = input[input.length - 1];
  return typeof last === 'object' && last !== null && (last as { type?: unknown }).type === 'compaction_trigger';
}

/**
 * Hands out faults. Rules run first (in the order added); then the first queued fault that
 * matches is taken (each queued fault is used once). `unauthorized-until-token-changes` is
 * handled by the server, which keeps the refused token until it changes.
 */
export class FaultController {
  readonly #queue: { fault: Fault; match: FaultMatch }[] = [];
  readonly #rules: FaultRule[] = [];

  /** Queues a fault for the next matching handshake or request (FIFO among matching ones). */
  next(fault: Fault, match: FaultMatch = {}): void {
    this.#queue.push({ fault, match });
  }

  /** Adds a rule consulted for every handshake and request; returns a function removing it. */
  use(rule: FaultRule): () => void {
    this.#rules.push(rule);
    return () => {
      const index = this.#rules.indexOf(rule);
      if (index >= 0) this.#rules.splice(index, 1);
    };
  }

  /** Faults still queued (not yet taken). */
  get pending(): readonly Fault[] {
    return this.#queue.map((entry) => entry.fault);
  }

  /** Drops every queued fault and every rule. */
  clear(): void {
    this.#queue.length = 0;
    this.#rules.length = 0;
  }

  /** @internal Takes the fault for a handshake or request, if any. */
  take(target: FaultTarget): Fault | undefined {
    for (const rule of this.#rules) {
      const fault = rule(target);
      if (fault) return fault;
    }
    const index = this.#queue.findIndex((entry) => matches(entry, target));
    if (index < 0) return undefined;
    const [entry] = this.#queue.splice(index, 1);
    return entry?.fault;
  }
}
