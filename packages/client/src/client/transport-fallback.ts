import type { ClientTelemetry, FallbackReason } from '../telemetry/client-telemetry.js';

/**
 * The session-wide decision to stop using the WebSocket (ARCHITECTURE §3.1). Held by the
 * `ModelClient`; once switched it stays switched for every later request of every turn, and it
 * is reported exactly once.
 */
export class TransportFallback {
  #reason: FallbackReason | null = null;
  readonly #listeners = new Set<(reason: FallbackReason) => void>();

  /** Whether the session uses HTTP for everything from now on. */
  get isActive(): boolean {
    return this.#reason !== null;
  }

  /** Why the session switched; `null` while it has not. */
  get reason(): FallbackReason | null {
    return this.#reason;
  }

  /**
   * Switches the session to HTTP. Returns `true` when this call flipped the flag (and reported
   * it to `telemetry` and the listeners), `false` when the session had already switched.
   */
  activate(reason: FallbackReason, telemetry: ClientTelemetry): boolean {
    if (this.#reason !== null) return false;
    this.#reason = reason;
    telemetry.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason });
    for (const listener of this.#listeners) {
      try {
        listener(reason);
      } catch {
        // A listener must not break the request that triggered the fallback.
      }
    }
    return true;
  }

  /** Registers a listener called once, when the session switches. Returns an unsubscribe function. */
  onActivate(listener: (reason: FallbackReason) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
