import type { Clock } from '@modelwire/transport';
import type { RequestBudget, Sleep } from '../turn/request-budget.js';
import type { SessionHeaders } from '../request/request-headers.js';
import type { ResolvedProvider } from '../types/provider.js';
import type { Verbosity } from '../types/turn-context.js';
import type { WireHttp } from '../wire/wire-types.js';
import type { SessionSocket } from '../ws/session-socket.js';
import type { TransportFallback } from './transport-fallback.js';

/**
 * What a turn borrows from its session: everything session-scoped, read-only. Internal; the
 * `ModelClient` implements it and hands it to each `ModelClientSession`.
 */
export interface SessionServices {
  readonly provider: ResolvedProvider;
  readonly conversationId: string;
  /** Session default verbosity, used when a turn leaves `verbosity` undefined. */
  readonly verbosity: Verbosity | undefined;
  readonly headers: SessionHeaders;
  readonly fallback: TransportFallback;
  readonly socket: SessionSocket;
  readonly http: WireHttp;
  readonly clock: Clock;
  /** Randomness for backoff jitter. */
  readonly random: () => number;
  /** Waits between attempts (backoff, server delays, network waits). */
  readonly sleep: Sleep;
  /** A fresh attempt budget and deadline for one request. */
  createBudget(overrides?: { readonly streamMaxRetries?: number }): RequestBudget;
  /**
   * Records that the provider answered (a response started, or an answer with a status came
   * back): from now on the opt-in waiting-for-network policy applies to connection failures.
   */
  markProviderReached(): void;
  /** Provider supports WebSockets and the session enabled them (the fallback is separate). */
  readonly webSocketsEnabled: boolean;
  /** Whether requests currently go over the WebSocket: enabled, and no fallback to HTTP yet. */
  readonly usesWebSocket: boolean;
  /** `host:port` of the proxy the provider's settings route the WebSocket through, or `null` for a direct connection. */
  readonly webSocketProxy: string | null;
  /** Whether a WebSocket of this session has connected (pre-connect included). */
  readonly webSocketConnected: boolean;
  /**
   * An HTTP request got its answer (2xx): when the session fell back because its WebSocket
   * could not be opened, the process now remembers it for the network path (`WebSocketOutcomeCache`).
   */
  noteHttpAnswered(): void;
  /** Whether HTTP request bodies may be zstd-compressed. */
  readonly compressRequests: boolean;
  /** `{base}/responses` over HTTP. */
  readonly responsesUrl: string;
  /** Aborted when the client closes; every request listens to it. */
  readonly lifetime: AbortSignal;
  /**
   * `Authorization` (when a token exists) plus the auth provider's extra headers. Every one of
   * them counts as a credential for the plaintext rule (pass their names as `credentialHeaders`).
   */
  authHeaders(signal: AbortSignal): Promise<Record<string, string>>;
  /** Calls `auth.refresh()`; `false` when there is none or nothing changed. */
  refreshAuth(signal: AbortSignal): Promise<boolean>;
  /**
   * `error` with every credential value the session has sent (tokens, refreshed ones, extra
   * auth header values) removed from its message, stack, fields and cause chain (a copy; the
   * same error when none occurs). Applied to every failure before it reaches telemetry or the
   * caller, since servers echo keys in error bodies.
   */
  redactSecrets<T>(error: T): T;
}
