/**
 * A bounded set of recently seen ids: the oldest one is forgotten when a new one would exceed
 * the capacity (adding an id again makes it the newest). The router keeps the ids of finished
 * responses and of their items in two of these, so that a late frame naming them is recognised
 * as stale, at a fixed memory cost however long the socket lives.
 *
 * Constant time per call: ids in a map to the number of their latest `add`, and a queue of
 * adds in order; forgetting the oldest takes the queue's head (an entry whose id was added
 * again since is skipped), never a walk over the map.
 */
export class RecentIds {
  readonly #capacity: number;
  /** Each remembered id, with the number of its latest {@link add}. */
  readonly #latest = new Map<string, number>();
  /** Adds in order, from {@link #head} on: the id and the number of that add. */
  #queue: (string | undefined)[] = [];
  #stamps: number[] = [];
  #head = 0;
  #added = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#latest.size;
  }

  /** How many times {@link add} was called (a version: unchanged means nothing was added since). */
  get added(): number {
    return this.#added;
  }

  has(id: string): boolean {
    return this.#latest.has(id);
  }

  /** Remembers `id` (as the newest); forgets the oldest id when over capacity. */
  add(id: string): void {
    this.#added += 1;
    this.#latest.set(id, this.#added);
    this.#queue.push(id);
    this.#stamps.push(this.#added);
    // Drop stale entries at the head, and the oldest ids while over capacity (one lookup each).
    for (;;) {
      const oldest = this.#queue[this.#head];
      const stale = oldest !== undefined && this.#latest.get(oldest) !== this.#stamps[this.#head];
      if (!stale && this.#latest.size <= this.#capacity) break;
      if (!stale) this.#latest.delete(oldest as string);
      this.#queue[this.#head] = undefined;
      this.#head += 1;
    }
    // Entries of ids added again pile up behind a live head: compact once they outnumber the live ones.
    if (this.#queue.length - this.#head > 2 * this.#capacity) this.#compact();
    else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) this.#compact();
  }

  /** Whether the queue entry at `index` is not the latest add of its id. */
  #isStale(index: number): boolean {
    const id = this.#queue[index];
    return id !== undefined && this.#latest.get(id) !== this.#stamps[index];
  }

  #compact(): void {
    const queue: string[] = [];
    const stamps: number[] = [];
    for (let index = this.#head; index < this.#queue.length; index += 1) {
      if (this.#isStale(index)) continue;
      queue.push(this.#queue[index] as string);
      stamps.push(this.#stamps[index] as number);
    }
    this.#queue = queue;
    this.#stamps = stamps;
    this.#head = 0;
  }
}
