import { AlreadyConsumedError } from '@modelwire/transport';

/**
 * A single-consumer async channel: the producer pushes values and closes it; the consumer
 * iterates once. Values pushed before the consumer arrives are buffered (a turn runs whether
 * or not its events are read), so an unread turn holds its events in memory until it ends.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  #buffer: T[] = [];
  #head = 0;
  #closed = false;
  #detached = false;
  #waiter: ((result: IteratorResult<T>) => void) | null = null;
  #iterated = false;

  /** Whether {@link EventChannel.close} was called. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Delivers a value (ignored once closed, or once the consumer stopped reading). */
  push(value: T): void {
    if (this.#closed || this.#detached) return;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter({ value, done: false });
      return;
    }
    this.#buffer.push(value);
  }

  /** Ends the channel; the consumer still receives every buffered value first. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter({ value: undefined, done: true });
    }
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head] as T;
      this.#head += 1;
      if (this.#head === this.#buffer.length) {
        this.#buffer = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed || this.#detached) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) throw new AlreadyConsumedError('the events of a turn');
    this.#iterated = true;
    return {
      next: () => this.#next(),
      // Leaving the loop early only stops reading: the turn itself goes on (use
      // `session.interrupt()` to stop it), and its later events are dropped.
      return: (): Promise<IteratorResult<T>> => {
        this.#detached = true;
        this.#buffer = [];
        this.#head = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
