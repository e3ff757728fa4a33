import { IdleTimeoutError } from '@modelwire/transport';

/** Milliseconds on a monotonic clock: the idle check measures silence, not wall time. */
const monotonicNow = (): number => performance.now();

/**
 * The stream idle timeout of one response (request lifetime): the longest time without
 * **progress**, that is without a Responses event of a known type (see `isKnownEventType` of
 * `@modelwire/protocol`: the API's own events, its `keepalive` among them). Bytes, SSE comments,
 * blank keep-alive lines, events of types nobody knows and WebSocket pings prove at most that the
 * connection is alive, which is the transport's clock (ping/pong); they never move this one.
 *
 * One timer for the response's whole life, armed once: progress only records when it happened
 * (the hot path reads a clock, nothing more). When the timer fires it re-arms for the time left
 * if progress came meanwhile, re-arms for a full period while `isSuspended()` says the silence
 * is the caller's (reading paused for unread events), and otherwise calls `onExpired` once.
 */
export class ProgressClock {
  readonly #timeoutMs: number;
  readonly #onExpired: (error: IdleTimeoutError) => void;
  readonly #isSuspended: () => boolean;
  #lastProgressAt = monotonicNow();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  readonly #onTimer = (): void => this.#check();

  /**
   * @param timeoutMs Longest time without progress, in milliseconds.
   * @param onExpired Called once, with the `IdleTimeoutError` to fail the response with.
   * @param isSuspended Whether the silence is not the server's right now (checked when the timer fires).
   */
  constructor(timeoutMs: number, onExpired: (error: IdleTimeoutError) => void, isSuspended: () => boolean = () => false) {
    this.#timeoutMs = timeoutMs;
    this.#onExpired = onExpired;
    this.#isSuspended = isSuspended;
  }

  /** Starts counting from now. No-op once stopped or started. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#lastProgressAt = monotonicNow();
    this.#timer = setTimeout(this.#onTimer, this.#timeoutMs);
  }

  /** Records progress now (also: counts the silence from now, after a pause). */
  progress(): void {
    this.#lastProgressAt = monotonicNow();
  }

  /** Stops the clock for good; `onExpired` is never called after it. Idempotent. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    if (this.#isSuspended()) {
      this.#timer = setTimeout(this.#onTimer, this.#timeoutMs);
      return;
    }
    const silentMs = monotonicNow() - this.#lastProgressAt;
    if (silentMs < this.#timeoutMs) {
      this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.ceil(this.#timeoutMs - silentMs)));
      return;
    }
    this.#stopped = true;
    this.#onExpired(new IdleTimeoutError(this.#timeoutMs, { phase: 'progress' }));
  }
}
