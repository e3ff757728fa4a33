/**
 * A read-only table keyed by strings, for lookups of strings that come out of `JSON.parse`
 * (event types, item types, content types) on the decoding hot path.
 *
 * Why not a `Map`: V8 gives `JSON.parse` string values longer than a few characters as fresh,
 * non-internalized strings, so a `Map` or `Set` lookup first hashes the whole string, every
 * time (measured: the largest single cost of decoding a delta after `JSON.parse` itself). This
 * table groups its keys by length and compares the key with the few entries of the same length
 * (`===` stops at the first differing character), which hashes nothing. Entries keep their
 * insertion order within a length: put the most frequent keys first.
 */
export class StringTable<V> {
  readonly #keys: (readonly string[] | undefined)[] = [];
  readonly #values: (readonly V[] | undefined)[] = [];
  /** Number of entries. */
  readonly size: number;

  constructor(entries: Iterable<readonly [string, V]>) {
    const keys: string[][] = [];
    const values: V[][] = [];
    let size = 0;
    for (const [key, value] of entries) {
      const bucketKeys = (keys[key.length] ??= []);
      if (bucketKeys.includes(key)) continue;
      bucketKeys.push(key);
      (values[key.length] ??= []).push(value);
      size += 1;
    }
    // Dense arrays (holes filled) so that the bucket load stays a plain element load.
    for (let length = 0; length < keys.length; length += 1) {
      this.#keys.push(keys[length]);
      this.#values.push(values[length]);
    }
    this.size = size;
  }

  /** The value of `key`; `undefined` when `key` is not a string in the table. */
  get(key: unknown): V | undefined {
    if (typeof key !== 'string') return undefined;
    const keys = this.#keys[key.length];
    if (keys === undefined) return undefined;
    for (let index = 0; index < keys.length; index += 1) {
      if (keys[index] === key) return (this.#values[key.length] as readonly V[])[index];
    }
    return undefined;
  }

  /** Whether `key` is a string in the table. */
  has(key: unknown): boolean {
    if (typeof key !== 'string') return false;
    const keys = this.#keys[key.length];
    if (keys === undefined) return false;
    for (let index = 0; index < keys.length; index += 1) if (keys[index] === key) return true;
    return false;
  }
}
