import { toAbortError } from '../abort/abort-helpers.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { SseDecoder, type SseDecoderOptions, type SseEvent } from '../sse/sse-decoder.js';

/**
 * The receiver of a streaming response in push mode ({@link SseResponse.listen}): events are
 * handed over synchronously from the socket's read, without a queue or a promise in between.
 */
export interface SseEventListener {
  /** One event. Called synchronously, in order; must not throw (a throw cancels the response with it). */
  onEvent(event: SseEvent): void;
  /**
   * The stream stopped; called once. `error` is `undefined` when the body ended after a
   * complete event; otherwise it says why (`IdleTimeoutError`, `AbortError`,
   * `PayloadTooLargeError`, `IncompleteEventError`, or the socket's failure as undici reported
   * it). Not called after the consumer's own {@link SseResponse.cancel} or {@link SseResponse.release}.
   */
  onEnd(error: unknown): void;
}

/** What {@link SseResponse} needs of the request it reads: undici's dispatch controller, or a test double. */
export interface SseSource {
  pause(): void;
  resume(): void;
  /** Destroys the request (and its connection). */
  abort(reason: Error): void;
}

/** Options of {@link SseResponse}. */
export interface SseResponseOptions extends SseDecoderOptions {
  /** Longest wait for the next event, in milliseconds; `null` waits forever. See {@link SseResponse}. */
  idleTimeoutMs: number | null;
  /** Called once when the response stops for any reason (ended, failed, cancelled, released and drained). */
  onSettled?: (response: SseResponse) => void;
  /** Maps a failure (the socket's, a timeout, an abort) to the error the consumer gets. Default: unchanged. */
  mapError?: (error: unknown) => unknown;
}

/** Idle checks per timeout period: an idle timeout fires at most this fraction of it late, never early. */
const IDLE_CHECKS_PER_TIMEOUT = 8;

/** Unread events (pull mode) before the socket stops being read. */
const MAX_UNREAD_EVENTS = 256;

/** How long {@link SseResponse.release} waits for the rest of the body before destroying it, in milliseconds. */
export const RELEASE_DRAIN_TIMEOUT_MS = 5_000;

/** How many more bytes {@link SseResponse.release} reads (and discards) before destroying the body instead. */
export const RELEASE_DRAIN_MAX_BYTES = 256 * 1024;

const enum Phase {
  /** Events are decoded and delivered (or buffered until a consumer comes). */
  Streaming,
  /** The consumer released the response: the rest of the body is read and dropped. */
  Draining,
  /** Nothing more happens. */
  Settled,
}

/**
 * The body of a streaming (`text/event-stream`) response, decoded into server-sent events as
 * the bytes arrive, with no stream object, async iterator or promise per read in between:
 * the request's dispatch handler feeds {@link SseResponse.push} straight from the socket's read.
 *
 * Two ways to consume it, once: push mode ({@link listen}, events delivered synchronously; the
 * listener applies backpressure with {@link pause}/{@link resume}) or pull mode ({@link events},
 * an async iterable reading ahead by at most 256 events). Events that arrive before either is
 * chosen are kept, and the socket stops being read past 256 of them.
 *
 * The idle timeout counts dispatched events only (SSE comments, blank lines, `retry:`/`id:` lines
 * and the bytes of an incomplete event never reset it), and never runs while the consumer holds
 * events it has not taken or has paused the response. It is one coarse timer per response, not
 * one per read: it checks every eighth of the timeout, so it fires at most that much late.
 */
export class SseResponse {
  readonly #source: SseSource;
  readonly #decoder: SseDecoder;
  readonly #idleTimeoutMs: number | null;
  readonly #onSettled: ((response: SseResponse) => void) | undefined;
  readonly #mapError: ((error: unknown) => unknown) | undefined;
  #phase = Phase.Streaming;
  #listener: SseEventListener | null = null;
  /** Events decoded and not yet handed over (before a consumer, or ahead of a pull consumer). */
  #unread: SseEvent[] = [];
  #unreadHead = 0;
  /** How the stream ended while events were still unread (pull mode delivers them first). */
  #pendingEnd: { error: unknown } | null = null;
  #pullWaiter: { resolve: (result: IteratorResult<SseEvent>) => void; reject: (error: unknown) => void } | null = null;
  #consumed = false;
  #pausedByConsumer = false;
  #pausedForUnread = false;
  #drainedBytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sawEvent = false;
  #silentSince = 0;
  readonly #onTimer = (): void => this.#check();
  readonly #deliver = (event: SseEvent): void => {
    // A consumer that released or cancelled from inside `onEvent` gets nothing more of this read.
    if (this.#phase !== Phase.Streaming) return;
    this.#sawEvent = true;
    const listener = this.#listener;
    if (listener !== null) {
      listener.onEvent(event);
      return;
    }
    const waiter = this.#pullWaiter;
    if (waiter !== null) {
      this.#pullWaiter = null;
      waiter.resolve({ value: event, done: false });
      return;
    }
    this.#unread.push(event);
    if (!this.#pausedForUnread && this.#unread.length - this.#unreadHead >= MAX_UNREAD_EVENTS) {
      this.#pausedForUnread = true;
      this.#source.pause();
    }
  };

  constructor(source: SseSource, options: SseResponseOptions) {
    this.#source = source;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#onSettled = options.onSettled;
    this.#mapError = options.mapError;
    this.#decoder = new SseDecoder(this.#deliver, options.maxEventSize === undefined ? {} : { maxEventSize: options.maxEventSize });
    if (this.#idleTimeoutMs !== null) {
      this.#silentSince = performance.now();
      this.#timer = setTimeout(this.#onTimer, this.#checkEveryMs());
    }
  }

  /** Whether the consumer released the response and its body is still being read to the end. */
  get draining(): boolean {
    return this.#phase === Phase.Draining;
  }

  /** Whether the response stopped (ended, failed, cancelled, or released and drained). */
  get settled(): boolean {
    return this.#phase === Phase.Settled;
  }

  /** Feeds bytes of the body (from the dispatch handler's `onResponseData`). */
  push(chunk: Uint8Array): void {
    if (this.#phase === Phase.Draining) {
      this.#drainedBytes += chunk.length;
      if (this.#drainedBytes > RELEASE_DRAIN_MAX_BYTES) this.#settle(true);
      return;
    }
    if (this.#phase !== Phase.Streaming) return;
    try {
      this.#decoder.push(chunk);
    } catch (error) {
      // The decoder's bound, or a listener that broke its promise not to throw.
      this.#fail(error);
    }
  }

  /** The body ended (the dispatch handler's `onResponseEnd`). */
  end(): void {
    if (this.#phase === Phase.Draining) {
      this.#settle(false);
      return;
    }
    if (this.#phase !== Phase.Streaming) return;
    let error: unknown;
    try {
      this.#decoder.end();
    } catch (thrown) {
      error = thrown;
    }
    this.#finish(error);
  }

  /** The request failed (the dispatch handler's `onResponseError`): the socket is already gone. */
  error(error: unknown): void {
    if (this.#phase === Phase.Draining) {
      this.#settle(false);
      return;
    }
    if (this.#phase !== Phase.Streaming) return;
    this.#finish(error);
  }

  /**
   * Stops the response with `reason` (the caller's abort, a timeout): the body is destroyed and
   * the consumer gets `reason` (as an `AbortError` unless it is a Modelwire error).
   */
  fail(reason: unknown): void {
    if (this.#phase !== Phase.Streaming) {
      if (this.#phase === Phase.Draining) this.#settle(true);
      return;
    }
    this.#fail(toAbortError(reason));
  }

  /**
   * Push mode: from now on every event goes to `listener.onEvent` synchronously as it is
   * decoded, and the end to `listener.onEnd` (once). Events that arrived before the call are
   * delivered first, before `listen` returns; a response that already ended reports it the
   * same way. Throws when the response is already being consumed.
   */
  listen(listener: SseEventListener): void {
    this.#claim();
    this.#listener = listener;
    while (this.#unreadHead < this.#unread.length && this.#listener === listener) {
      const event = this.#unread[this.#unreadHead] as SseEvent;
      this.#unreadHead += 1;
      listener.onEvent(event);
    }
    this.#unread = [];
    this.#unreadHead = 0;
    this.#resumeIfUnderBound();
    const pendingEnd = this.#pendingEnd;
    if (pendingEnd !== null && this.#listener === listener) {
      this.#pendingEnd = null;
      this.#listener = null;
      if (pendingEnd.error !== undefined) listener.onEnd(pendingEnd.error);
      else void poolTurn().then(() => listener.onEnd(undefined));
    }
  }

  /** Push-mode backpressure: stops reading the socket (bytes already read are still delivered). */
  pause(): void {
    if (this.#pausedByConsumer || this.#phase !== Phase.Streaming) return;
    this.#pausedByConsumer = true;
    this.#source.pause();
  }

  /** Undoes {@link pause}. */
  resume(): void {
    if (!this.#pausedByConsumer) return;
    this.#pausedByConsumer = false;
    // The silence counts from the next check, never from one made while paused.
    this.#sawEvent = true;
    if (this.#phase === Phase.Streaming && !this.#pausedForUnread) this.#source.resume();
  }

  /**
   * Pull mode: the events as an async iterable (iterate it once). It ends when the body ends
   * after a complete event and throws why it stopped otherwise; leaving the loop early cancels
   * the response.
   */
  get events(): AsyncIterable<SseEvent> {
    return { [Symbol.asyncIterator]: () => this.#iterate() };
  }

  /**
   * Stops delivering events and destroys the body if it has not ended. Safe to call more than
   * once, and after the end.
   */
  cancel(): void {
    this.#listener = null;
    if (this.#phase === Phase.Settled) return;
    this.#settle(true);
  }

  /**
   * The consumer has what it needs (the terminal event): stops delivering events, and reads the
   * rest of the body to its end, dropping it, so the connection goes back to the pool instead of
   * being closed. A body that goes on for more than {@link RELEASE_DRAIN_MAX_BYTES} or
   * {@link RELEASE_DRAIN_TIMEOUT_MS} is destroyed instead.
   */
  release(): void {
    this.#listener = null;
    if (this.#phase !== Phase.Streaming) return;
    this.#phase = Phase.Draining;
    this.#unread = [];
    this.#unreadHead = 0;
    this.#pendingEnd = null;
    this.#pausedByConsumer = false;
    this.#pausedForUnread = false;
    this.#source.resume();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#settle(true), RELEASE_DRAIN_TIMEOUT_MS);
    // Nobody waits for the drain: it must not keep the process alive by itself.
    this.#timer.unref();
  }

  #claim(): void {
    if (this.#consumed) throw new TypeError('the events of this response are already being consumed');
    this.#consumed = true;
  }

  #iterate(): AsyncIterator<SseEvent> {
    this.#claim();
    return {
      next: () => {
        if (this.#unreadHead < this.#unread.length) {
          const event = this.#unread[this.#unreadHead] as SseEvent;
          this.#unread[this.#unreadHead] = undefined as unknown as SseEvent;
          this.#unreadHead += 1;
          if (this.#unreadHead === this.#unread.length) {
            this.#unread = [];
            this.#unreadHead = 0;
          }
          this.#resumeIfUnderBound();
          return Promise.resolve({ value: event, done: false });
        }
        const pendingEnd = this.#pendingEnd;
        if (pendingEnd !== null) {
          this.#pendingEnd = null;
          return pendingEnd.error === undefined ? poolTurn().then(() => DONE) : Promise.reject(pendingEnd.error);
        }
        if (this.#phase !== Phase.Streaming) return Promise.resolve(DONE);
        return new Promise((resolve, reject) => {
          this.#pullWaiter = { resolve, reject };
        });
      },
      return: () => {
        this.cancel();
        return Promise.resolve(DONE);
      },
    };
  }

  #resumeIfUnderBound(): void {
    if (!this.#pausedForUnread || this.#unread.length - this.#unreadHead >= MAX_UNREAD_EVENTS / 2) return;
    this.#pausedForUnread = false;
    if (!this.#pausedByConsumer && this.#phase === Phase.Streaming) this.#source.resume();
  }

  #fail(error: unknown): void {
    this.#finish(error);
    this.#source.abort(error instanceof Error ? error : new Error(String(error)));
  }

  /** The stream stopped by itself or failed: hands the outcome to the consumer, now or when it comes. */
  #finish(failure: unknown): void {
    const error = failure === undefined || this.#mapError === undefined ? failure : this.#mapError(failure);
    const listener = this.#listener;
    const waiter = this.#pullWaiter;
    this.#listener = null;
    this.#pullWaiter = null;
    this.#settle(false);
    if (listener !== null) {
      if (error !== undefined) listener.onEnd(error);
      else void poolTurn().then(() => listener.onEnd(undefined));
      return;
    }
    if (waiter !== null) {
      if (error !== undefined) waiter.reject(error);
      else void poolTurn().then(() => waiter.resolve(DONE));
      return;
    }
    // Pull mode with unread events, or no consumer yet: the end waits behind the events.
    this.#pendingEnd = { error };
  }

  #settle(destroy: boolean): void {
    if (this.#phase === Phase.Settled) return;
    const draining = this.#phase === Phase.Draining;
    this.#phase = Phase.Settled;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (destroy) this.#source.abort(toAbortError(draining ? new Error('the released body did not end in time') : new Error('the consumer stopped reading')));
    this.#onSettled?.(this);
  }

  #checkEveryMs(): number {
    return Math.max(1, Math.ceil((this.#idleTimeoutMs ?? 0) / IDLE_CHECKS_PER_TIMEOUT));
  }

  /** The coarse idle check: silence counts from the last check that saw an event (or a consumer holding events, or paused). */
  #check(): void {
    this.#timer = undefined;
    const limit = this.#idleTimeoutMs;
    if (this.#phase !== Phase.Streaming || limit === null) return;
    const now = performance.now();
    // Silence is the consumer's while it has not come, holds an event (pull mode: is not waiting in `next()`) or paused reading.
    const consumerHolds = this.#pausedByConsumer || (this.#listener === null && this.#pullWaiter === null);
    if (this.#sawEvent || consumerHolds) {
      this.#sawEvent = false;
      this.#silentSince = now;
      this.#timer = setTimeout(this.#onTimer, this.#checkEveryMs());
      return;
    }
    const silentMs = now - this.#silentSince;
    if (silentMs < limit) {
      this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.min(this.#checkEveryMs(), Math.ceil(limit - silentMs))));
      return;
    }
    this.#fail(new IdleTimeoutError(limit, { phase: 'body' }));
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * One macrotask: undici hands the connection back to its pool on a later tick than the body's
 * end, and a request sent in between would open a second connection.
 */
function poolTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
