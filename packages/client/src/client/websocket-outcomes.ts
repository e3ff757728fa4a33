import { InvalidArgumentError } from '@modelwire/errors';
import { systemClock, type Clock } from '@modelwire/transport';
import type { FallbackReason } from '../telemetry/client-telemetry.js';

/** Default lifetime of a remembered outcome: 10 minutes. */
export const DEFAULT_WEBSOCKET_OUTCOME_TTL_MS = 10 * 60 * 1000;
/** Default number of network paths (base URL + proxy) remembered at once. */
export const DEFAULT_WEBSOCKET_OUTCOME_MAX_ENTRIES = 64;

/**
 * The fallback reasons worth remembering: the WebSocket could not be opened on this network
 * path (no answer within the connect budget, or an upgrade answer that refuses it) while HTTP
 * to the same host worked. Failures of one request or one socket (`message_too_big`, exhausted
 * budgets, garbled frames) and an application's own `requested` switch are not remembered.
 */
const REMEMBERED_REASONS: ReadonlySet<FallbackReason> = new Set<FallbackReason>([
  'websocket_connect_timeout',
  'upgrade_required',
  'websocket_unsupported',
  'upgrade_refused',
  'upgrade_invalid',
  'websocket_blocked_by_proxy',
]);

/** Whether a session that fell back for `reason` (and then reached the provider over HTTP) records it. */
export function isRememberedReason(reason: FallbackReason): boolean {
  return REMEMBERED_REASONS.has(reason);
}

/** Options of a {@link WebSocketOutcomeCache}. */
export interface WebSocketOutcomeCacheOptions {
  /** How long an outcome is remembered, in milliseconds (measured with `clock`). Default 10 minutes. */
  readonly ttlMs?: number;
  /** Most network paths remembered at once; the oldest entry goes first. Default 64. */
  readonly maxEntries?: number;
  /** Time source for the expiry. Default the system clock. */
  readonly clock?: Clock;
}

/** One remembered outcome. */
export interface WebSocketOutcome {
  /** Why the session that recorded it gave up the WebSocket. */
  readonly reason: FallbackReason;
  /** Epoch milliseconds (of the cache's clock) after which it is forgotten. */
  readonly expiresAt: number;
}

/**
 * What the process learned about opening a WebSocket on a network path, so that the next
 * session does not pay for it again (process lifetime, shared by every `ModelClient` that uses
 * it; by default {@link sharedWebSocketOutcomes}).
 *
 * A session whose WebSocket could not be opened (no answer within
 * `Provider.websocketConnectTimeoutMs`, or an upgrade answer that refuses it, see
 * `FallbackReason`) and whose request then got an answer over HTTP records the reason under
 * its path: the WebSocket URL plus the proxy it goes through (`host:port`, never credentials;
 * `direct` without one). A new `ModelClient` on a remembered path starts on HTTP without
 * dialing the socket (its `transport_fallback` is reported with `remembered: true`). An entry
 * expires after `ttlMs`; any successful WebSocket connect on the path forgets it at once.
 *
 * Bounded (`maxEntries`, the oldest evicted first) and timer-free: expiry is checked on read,
 * so the cache never keeps the process alive.
 */
export class WebSocketOutcomeCache {
  readonly #entries = new Map<string, WebSocketOutcome>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(options: WebSocketOutcomeCacheOptions = {}) {
    const ttlMs = options.ttlMs ?? DEFAULT_WEBSOCKET_OUTCOME_TTL_MS;
    const maxEntries = options.maxEntries ?? DEFAULT_WEBSOCKET_OUTCOME_MAX_ENTRIES;
    if (!(ttlMs > 0)) throw new InvalidArgumentError({ path: 'ttlMs', message: 'must be a positive number' });
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new InvalidArgumentError({ path: 'maxEntries', message: 'must be a positive integer' });
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
    this.#clock = options.clock ?? systemClock;
  }

  /** Remembered paths, expired ones not yet read included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The outcome remembered for `path`, or `null` (never one that has expired: it is forgotten on read). */
  lookup(path: string): WebSocketOutcome | null {
    const entry = this.#entries.get(path);
    if (entry === undefined) return null;
    if (this.#clock.now() >= entry.expiresAt) {
      this.#entries.delete(path);
      return null;
    }
    return entry;
  }

  /** Remembers that the WebSocket could not be used on `path` (replacing an earlier entry, with a fresh expiry). */
  record(path: string, reason: FallbackReason): void {
    this.#entries.delete(path);
    this.#entries.set(path, { reason, expiresAt: this.#clock.now() + this.#ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  /** Forgets `path` (a WebSocket connected there). */
  forget(path: string): void {
    this.#entries.delete(path);
  }

  /** Forgets everything (between tests, or after the network changed). */
  clear(): void {
    this.#entries.clear();
  }
}

/**
 * The process-wide cache every `ModelClient` uses unless its `webSocketOutcomes` option names
 * another one (or `false`). Call `sharedWebSocketOutcomes.clear()` after a network change, or
 * between tests that reuse a base URL.
 */
export const sharedWebSocketOutcomes = new WebSocketOutcomeCache();

/**
 * The cache key of a network path: the WebSocket URL (scheme, host, port, path; never a query)
 * and the proxy (`host:port`) or `direct`.
 */
export function webSocketOutcomePath(websocketUrl: string, proxy: string | null): string {
  let target = websocketUrl;
  try {
    const url = new URL(websocketUrl);
    target = `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    // Keep the URL as given: the key only has to be stable.
  }
  return `${target} via ${proxy ?? 'direct'}`;
}
