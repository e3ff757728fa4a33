import { AlreadyConsumedError } from '@modelwire/errors';
/**
 * A single-consumer async queue: the producer pushes values, ends it, or fails it; the
 * consumer iterates. Values pushed before the consumer arrives are buffered, so the request
 * runs at wire speed whether or not the caller is iterating yet.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #buffer: T[] = [];
  #head = 0;
  #ended = false;
  #failure: { error: unknown } | null = null;
  #waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  #iterating = false;
  readonly #onReturn: () => void;

  /** @param onReturn called when the consumer stops early (`break`, `return`, a thrown error). */
  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  /** Whether the producer has finished (ended or failed). */
  get isSettled(): boolean {
    return this.#ended || this.#failure !== null;
  }

  push(value: T): void {
    if (this.isSettled) return;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.resolve({ value, done: false });
      return;
    }
    this.#buffer.push(value);
  }

  end(): void {
    if (this.isSettled) return;
    this.#ended = true;
    this.#flushWaiter();
  }

  fail(error: unknown): void {
    if (this.isSettled) return;
    this.#failure = { error };
    this.#flushWaiter();
  }

  #flushWaiter(): void {
    const waiter = this.#waiter;
    if (waiter === null || this.#head < this.#buffer.length) return;
    this.#waiter = null;
    if (this.#failure !== null) waiter.reject(this.#failure.error);
    else waiter.resolve({ value: undefined, done: true });
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head] as T;
      this.#buffer[this.#head] = undefined as T;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
        this.#buffer.splice(0, this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure !== null) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterating) throw new AlreadyConsumedError('a response stream');
    this.#iterating = true;
    return {
      next: () => this.#next(),
      return: (): Promise<IteratorResult<T>> => {
        if (!this.isSettled) this.#onReturn();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
