import { AlreadyConsumedError } from '@modelwire/errors';
/**
 * How many unread events a response buffers for a caller that is iterating more slowly than
 * the server sends before the socket stops being read (backpressure). Reading resumes when
 * the caller has caught up to half of it.
 */
export const MAX_UNREAD_EVENTS = 1024;

/** The same bound in bytes: the size of the frames the unread events came from. */
export const MAX_UNREAD_BYTES = 4 * 1024 * 1024;

/** The producer's side of backpressure: told when the caller is over its bound, and back under it. */
export interface EventQueueFlowControl {
  setPressure(over: boolean): void;
}

/**
 * A single-consumer async queue: the producer pushes values, ends it, or fails it; the
 * consumer iterates. Values pushed before the consumer arrives are buffered, so the request
 * runs at wire speed whether or not the caller is iterating yet.
 *
 * Bounded for a slow reader: once {@link MAX_UNREAD_EVENTS} events or {@link MAX_UNREAD_BYTES}
 * bytes are unread, the attached flow control is told to stop the producer (a WebSocket stops
 * being read), and to restart it at half of both. A caller that awaits the result without
 * iterating ({@link EventQueue.markResultAwaited} before the iteration starts) has said it
 * does not read the events: nothing then stops the producer, and the events stay buffered for
 * an iteration that may still come.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  #buffer: T[] = [];
  #weights: number[] = [];
  #head = 0;
  #unreadBytes = 0;
  #ended = false;
  #failure: { error: unknown } | null = null;
  /** The consumer's pending `next()`: its promise's resolve and reject (`null` while none waits). */
  #waitingResolve: ((result: IteratorResult<T>) => void) | null = null;
  #waitingReject: ((error: unknown) => void) | null = null;
  readonly #wait = (resolve: (result: IteratorResult<T>) => void, reject: (error: unknown) => void): void => {
    this.#waitingResolve = resolve;
    this.#waitingReject = reject;
  };
  #iterating = false;
  #resultAwaited = false;
  #over = false;
  #flow: EventQueueFlowControl | null = null;
  readonly #onReturn: () => void;

  /** @param onReturn called when the consumer stops early (`break`, `return`, a thrown error). */
  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  /** Whether the producer has finished (ended or failed). */
  get isSettled(): boolean {
    return this.#ended || this.#failure !== null;
  }

  /** Events pushed and not yet taken by the consumer. */
  get unreadEvents(): number {
    return this.#buffer.length - this.#head;
  }

  /**
   * Hands `value` to the consumer. `weight` is what it costs to hold it, in bytes (the frame
   * it came from); it counts toward {@link MAX_UNREAD_BYTES} while the value is unread.
   */
  push(value: T, weight = 0): void {
    if (this.#ended || this.#failure !== null) return;
    const resolve = this.#waitingResolve;
    if (resolve !== null) {
      // The consumer waits: its promise settles with this value directly, nothing is buffered.
      this.#waitingResolve = null;
      this.#waitingReject = null;
      resolve({ value, done: false });
      return;
    }
    this.#buffer.push(value);
    this.#weights.push(weight);
    this.#unreadBytes += weight;
    if (!this.#over && this.#isBounded() && (this.unreadEvents >= MAX_UNREAD_EVENTS || this.#unreadBytes >= MAX_UNREAD_BYTES)) this.#setOver(true);
  }

  end(): void {
    if (this.isSettled) return;
    this.#ended = true;
    this.#setOver(false);
    this.#flushWaiter();
  }

  fail(error: unknown): void {
    if (this.isSettled) return;
    this.#failure = { error };
    this.#setOver(false);
    this.#flushWaiter();
  }

  /**
   * Attaches the producer's flow control (`null` detaches it). A producer attached while the
   * caller is already over its bound is told at once.
   */
  attachFlowControl(flow: EventQueueFlowControl | null): void {
    this.#flow = flow;
    if (flow !== null && this.#over) flow.setPressure(true);
  }

  /** The caller awaits the result; before any iteration this lifts the bound (see the class comment). */
  markResultAwaited(): void {
    this.#resultAwaited = true;
    if (!this.#isBounded()) this.#setOver(false);
  }

  #isBounded(): boolean {
    return this.#iterating || !this.#resultAwaited;
  }

  #setOver(over: boolean): void {
    if (this.#over === over) return;
    this.#over = over;
    this.#flow?.setPressure(over);
  }

  #flushWaiter(): void {
    const resolve = this.#waitingResolve;
    const reject = this.#waitingReject;
    if (resolve === null || reject === null || this.#head < this.#buffer.length) return;
    this.#waitingResolve = null;
    this.#waitingReject = null;
    if (this.#failure !== null) reject(this.#failure.error);
    else resolve({ value: undefined, done: true });
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head] as T;
      this.#buffer[this.#head] = undefined as T;
      this.#unreadBytes -= this.#weights[this.#head] ?? 0;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
        this.#buffer = this.#buffer.slice(this.#head);
        this.#weights = this.#weights.slice(this.#head);
        this.#head = 0;
      }
      if (this.#over && this.unreadEvents <= MAX_UNREAD_EVENTS / 2 && this.#unreadBytes <= MAX_UNREAD_BYTES / 2) this.#setOver(false);
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure !== null) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise(this.#wait);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterating) throw new AlreadyConsumedError('a response stream');
    this.#iterating = true;
    if (!this.#over && (this.unreadEvents >= MAX_UNREAD_EVENTS || this.#unreadBytes >= MAX_UNREAD_BYTES)) this.#setOver(true);
    return {
      next: () => this.#next(),
      return: (): Promise<IteratorResult<T>> => {
        if (!this.isSettled) this.#onReturn();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
