import { ErrorCode, HttpStatusError, ModelwireError } from '@modelwire/transport';
import { isRefusedByProxy } from '../request/proxy-refusal.js';
import type { FallbackReason } from '../telemetry/client-telemetry.js';

/** What a failed WebSocket connect means for the session's transport. */
export interface ConnectRefusal {
  /** The fallback reason to report when the session gives up the WebSocket. */
  readonly reason: FallbackReason;
  /**
   * `true`: give up the WebSocket at once (the answer says it will not work here). `false`:
   * retry within the request's attempt budget first, then give it up.
   */
  readonly atOnce: boolean;
}

/** Upgrade statuses that mean "no WebSocket mode on this route" (a gateway that forwards only HTTP). */
const UNSUPPORTED_STATUSES: ReadonlySet<number> = new Set([404, 405, 501]);

/** Where a failed connect happened in the session's life. */
export interface ConnectRefusalContext {
  /** Whether the WebSocket goes through a proxy. */
  readonly viaProxy: boolean;
  /** Whether no WebSocket of this session has connected yet (pre-connect included). */
  readonly beforeFirstConnect: boolean;
}

/**
 * Reads a failed WebSocket connect: whether it refuses the WebSocket path while HTTP may well
 * work, and so moves the session to HTTP; `null` when it keeps its usual handling (a refused
 * connection, which HTTP to the same host would share; 401, which refreshes the credentials;
 * 429, the provider's rate limit).
 *
 * - 426: `upgrade_required`, at once.
 * - 404, 405, 501: `websocket_unsupported`, at once.
 * - a redirect (3xx, never followed): `upgrade_refused`, at once.
 * - a 101 whose answer failed validation: `upgrade_invalid`, at once.
 * - through a proxy: the tunnel refused, or any status but 101, 401, 429: `websocket_blocked_by_proxy`, at once.
 * - any other 4xx (400, 403, 407, 410, …): `upgrade_refused`, at once (the same handshake
 *   would get the same answer; HTTP reports it if it is refused too).
 * - 408 and 5xx: `upgrade_refused` once the attempt budget ran out (a passing failure may clear).
 * - no answer within the connect timeout, before the session's first WebSocket connected:
 *   `websocket_connect_timeout`, at once (a black-holed port or a proxy holding the tunnel;
 *   each retry would cost the whole timeout again). After a first connect it is an ordinary
 *   connection failure, retried within the budget.
 */
export function readConnectRefusal(error: unknown, context: ConnectRefusalContext): ConnectRefusal | null {
  if (error instanceof HttpStatusError && error.status === 426) return { reason: 'upgrade_required', atOnce: true };
  if (isRefusedByProxy(error, context.viaProxy)) return { reason: 'websocket_blocked_by_proxy', atOnce: true };
  if (!ModelwireError.isInstance(error)) return null;
  if (error.code === ErrorCode.ConnectTimeout) return context.beforeFirstConnect ? { reason: 'websocket_connect_timeout', atOnce: true } : null;
  if (error.code === ErrorCode.RedirectRefused) return { reason: 'upgrade_refused', atOnce: true };
  if (error.code === ErrorCode.ProtocolViolation && (error as { violation?: unknown }).violation === 'upgrade') return { reason: 'upgrade_invalid', atOnce: true };
  if (!(error instanceof HttpStatusError)) return null;
  if (UNSUPPORTED_STATUSES.has(error.status)) return { reason: 'websocket_unsupported', atOnce: true };
  if (error.status === 401 || error.status === 429) return null;
  if (error.status === 408 || error.status >= 500) return { reason: 'upgrade_refused', atOnce: false };
  return { reason: 'upgrade_refused', atOnce: true };
}
