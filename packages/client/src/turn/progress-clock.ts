import { IdleTimeoutError } from '@modelwire/transport';

/** Milliseconds on a monotonic clock: the idle check measures silence, not wall time. */
const monotonicNow = (): number => performance.now();

/** Checks per timeout period: an expiry comes at most this fraction of the timeout late. */
const CHECKS_PER_TIMEOUT = 8;

/**
 * The stream idle timeout of one response (request lifetime): the longest time without
 * **progress**, that is without a Responses event of a known type (see `isKnownEventType` of
 * `@modelwire/protocol`: the API's own events, its `keepalive` among them). Bytes, SSE comments,
 * blank keep-alive lines, events of types nobody knows and WebSocket pings prove at most that the
 * connection is alive, which is the transport's clock (ping/pong); they never move this one.
 *
 * One timer at a time for the response's whole life, never one per event: progress only sets a
 * flag (the hot path reads no clock: a clock read per frame was a measurable share of the
 * client's CPU per event). The timer checks every eighth of the timeout: progress seen since the
 * previous check (or silence that is the caller's, `isSuspended()`: reading paused for unread
 * events) restarts the silence from that check; otherwise, once the silence since the last such
 * check reaches the timeout, `onExpired` is called once. An expiry therefore never comes early
 * (the silence is counted from a check after the last progress) and at most an eighth of the
 * timeout late.
 */
export class ProgressClock {
  readonly #timeoutMs: number;
  readonly #onExpired: (error: IdleTimeoutError) => void;
  readonly #isSuspended: () => boolean;
  readonly #checkEveryMs: number;
  /** When the silence started: the check that last saw progress (or the start). */
  #lastProgressAt = monotonicNow();
  #progressed = false;
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
    this.#checkEveryMs = Math.max(1, Math.ceil(timeoutMs / CHECKS_PER_TIMEOUT));
  }

  /** Starts counting from now. No-op once stopped or started. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#lastProgressAt = monotonicNow();
    this.#progressed = false;
    this.#timer = setTimeout(this.#onTimer, this.#checkEveryMs);
  }

  /** Records progress (also: counts the silence from now, after a pause). No clock read, no timer. */
  progress(): void {
    this.#progressed = true;
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
    const now = monotonicNow();
    if (this.#progressed || this.#isSuspended()) {
      this.#progressed = false;
      this.#lastProgressAt = now;
      this.#timer = setTimeout(this.#onTimer, this.#checkEveryMs);
      return;
    }
    const silentMs = now - this.#lastProgressAt;
    if (silentMs < this.#timeoutMs) {
      this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.min(this.#checkEveryMs, Math.ceil(this.#timeoutMs - silentMs))));
      return;
    }
    this.#stopped = true;
    this.#onExpired(new IdleTimeoutError(this.#timeoutMs, { phase: 'progress' }));
  }
}
