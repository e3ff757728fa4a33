/**
 * Timers owned by the server, so that `close()` can cancel every pending one.
 */
export class Timers {
  readonly #pending = new Map<NodeJS.Timeout, () => void>();

  /** Resolves after `ms` milliseconds, or at once (with false) when the timers are cancelled. */
  sleep(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        resolve(true);
      }, ms);
      this.#pending.set(timer, () => resolve(false));
    });
  }

  /** Cancels every pending sleep. */
  cancelAll(): void {
    for (const [timer, resolveEarly] of this.#pending) {
      clearTimeout(timer);
      resolveEarly();
    }
    this.#pending.clear();
  }
}
