/**
 * A bounded set of recently seen ids: the oldest one is forgotten when a new one would exceed
 * the capacity. The router keeps the ids of finished responses and of their items in two of
 * these, so that a late frame naming them is recognised as stale, at a fixed memory cost
 * however long the socket lives.
 */
export class RecentIds {
  readonly #capacity: number;
  readonly #ids = new Set<string>();
  #added = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** How many times {@link add} was called (a version: unchanged means nothing was added since). */
  get added(): number {
    return this.#added;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#ids.size;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Remembers `id` (as the newest); forgets the oldest id when over capacity. */
  add(id: string): void {
    this.#added += 1;
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size <= this.#capacity) return;
    for (const oldest of this.#ids) {
      this.#ids.delete(oldest);
      break;
    }
  }
}
