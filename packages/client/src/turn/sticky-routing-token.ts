/**
 * The turn's sticky-routing token (`x-codex-turn-state`, ARCHITECTURE §3.3).
 *
 * Turn-scoped: a new turn starts with none. The first value seen wins; later values (from
 * retries, reconnects or follow-up responses) are ignored, so every request after the first
 * replays the same token.
 */
export class StickyRoutingToken {
  #value: string | null = null;

  /** The captured token, or `null` before the first response carrying one. */
  get value(): string | null {
    return this.#value;
  }

  /**
   * Offers a token seen on a response. Returns `true` when it was captured (the first
   * non-empty value), `false` when one was already held or the value is empty.
   */
  capture(value: string | null | undefined): boolean {
    if (this.#value !== null || value === null || value === undefined || value.length === 0) return false;
    this.#value = value;
    return true;
  }
}
