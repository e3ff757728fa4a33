/** Events a stream queues for a slow reader before the request stops being read. */
const HIGH_WATER_MARK = 256;

/**
 * A single-reader queue between a producer that pushes and an async iteration that pulls: the
 * producer waits on `ready()` while the reader is `HIGH_WATER_MARK` items behind, `end(error)`
 * makes the iteration throw after the queued items, and a reader that stops early (`break`,
 * `return()`) calls `onCancel` (the producer then aborts).
 */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #onCancel: () => void;
  #ended = false;
  #error: { readonly error: unknown } | null = null;
  #wakeReader: (() => void) | null = null;
  #wakeProducer: (() => void) | null = null;

  constructor(onCancel: () => void) {
    this.#onCancel = onCancel;
  }

  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#wake();
  }

  /** Ends the iteration after the queued items, with `error` thrown when given. */
  end(...error: [] | [unknown]): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error.length > 0) this.#error = { error: error[0] };
    this.#wake();
  }

  /** Resolves when the reader wants more. */
  ready(): Promise<void> {
    if (this.#items.length < HIGH_WATER_MARK || this.#ended) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#wakeProducer = resolve));
  }

  #wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = null;
    wake?.();
  }

  #release(): void {
    const wake = this.#wakeProducer;
    this.#wakeProducer = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    let finished = false;
    try {
      for (;;) {
        const item = this.#items.shift();
        if (item !== undefined) {
          if (this.#items.length < HIGH_WATER_MARK) this.#release();
          yield item;
          continue;
        }
        if (this.#ended) {
          finished = true;
          if (this.#error !== null) throw this.#error.error;
          return;
        }
        await new Promise<void>((resolve) => (this.#wakeReader = resolve));
      }
    } finally {
      if (!finished) {
        // The reader stopped early: stop the producer and let nothing wait on the reader.
        this.#ended = true;
        this.#items.length = 0;
        this.#release();
        this.#onCancel();
      }
    }
  }
}
