import type { ClientTelemetry, FallbackReason } from '../telemetry/client-telemetry.js';

/**
 * The session-wide decision to stop using the WebSocket (ARCHITECTURE §3.1). Held by the
 * `ModelClient`; once switched it stays switched for every later request of every turn, and it
 * is reported exactly once.
 */
export class TransportFallback {
  #reason: FallbackReason | null = null;
  /** Whether the switch came from a remembered outcome (made at construction, announced by the first request). */
  #remembered = false;
  /** A remembered switch not yet reported to telemetry and the listeners. */
  #unannounced = false;
  /** WebSocket attempts in a row that failed with a protocol violation (reset by a completed response). */
  #violationsInARow = 0;
  readonly #listeners = new Set<(reason: FallbackReason) => void>();

  /** Whether the session uses HTTP for everything from now on. */
  get isActive(): boolean {
    return this.#reason !== null;
  }

  /** Why the session switched; `null` while it has not. */
  get reason(): FallbackReason | null {
    return this.#reason;
  }

  /** Whether the session started on HTTP because of a remembered outcome (`WebSocketOutcomeCache`). */
  get remembered(): boolean {
    return this.#remembered;
  }

  /**
   * Switches the session to HTTP. Returns `true` when this call flipped the flag (and reported
   * it to `telemetry` and the listeners), `false` when the session had already switched.
   */
  activate(reason: FallbackReason, telemetry: ClientTelemetry): boolean {
    if (this.#reason !== null) return false;
    this.#reason = reason;
    this.#announce(telemetry);
    return true;
  }

  /**
   * Starts the session on HTTP because the process remembered `reason` for its network path.
   * Nothing is reported yet: the session's first request does it ({@link announce}), so that
   * listeners registered after construction and the turn's telemetry hear of it.
   */
  activateRemembered(reason: FallbackReason): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    this.#remembered = true;
    this.#unannounced = true;
  }

  /** Reports a remembered switch that has not been reported yet (no-op otherwise). */
  announce(telemetry: ClientTelemetry): void {
    if (this.#unannounced) this.#announce(telemetry);
  }

  #announce(telemetry: ClientTelemetry): void {
    const reason = this.#reason;
    if (reason === null) return;
    this.#unannounced = false;
    telemetry.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason, ...(this.#remembered ? { remembered: true } : {}) });
    for (const listener of this.#listeners) {
      try {
        listener(reason);
      } catch {
        // A listener must not break the request that triggered the fallback.
      }
    }
  }

  /**
   * Counts a WebSocket attempt that failed with a protocol violation (its socket is retired).
   * Returns `true` when this is the second in a row, without a completed response in between:
   * the path, not one socket, is at fault, and the session should move to HTTP
   * (`protocol_violations`).
   */
  noteProtocolViolation(): boolean {
    this.#violationsInARow += 1;
    return this.#violationsInARow >= 2;
  }

  /** A WebSocket response completed: earlier protocol violations no longer count. */
  noteCompletedResponse(): void {
    this.#violationsInARow = 0;
  }

  /** Registers a listener called once, when the session switches. Returns an unsubscribe function. */
  onActivate(listener: (reason: FallbackReason) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
