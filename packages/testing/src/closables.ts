/**
 * What a test started and must close after it (servers, adapters, providers): `add()` hands back
 * what it is given, `closeAll()` (in `afterEach`) closes everything added, the last added first,
 * so that a client closes before the server under it.
 */
export interface Closable {
  close(): Promise<void> | void;
}

export class Closables {
  readonly #open: Closable[] = [];

  /** Remembers `value` to close in {@link closeAll}; returns it. */
  add<T extends Closable>(value: T): T {
    this.#open.push(value);
    return value;
  }

  /**
   * Closes everything added, the last added first, and forgets it. Every close runs even when
   * one fails; the first failure is thrown afterwards.
   */
  async closeAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const value of this.#open.splice(0).reverse()) {
      try {
        await value.close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
