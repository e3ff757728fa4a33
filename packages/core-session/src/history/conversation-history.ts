import type { ResponseItem } from '@modelwire/client';
import type { ResponseUsage } from '@modelwire/protocol';

/**
 * The committed conversation: the items every later request sends as its input (session
 * lifetime, held by `SessionServices`).
 *
 * Only complete items enter it, in atomic commits: the user input when a turn starts, the
 * output of a response once that response **completed**, and tool outputs once all calls of a
 * response finished (or were aborted). A failed or retried stream never reaches it, so it never
 * holds partial or duplicated items. Reasoning items are kept as the server sent them (with
 * `encrypted_content`) and replayed on every request.
 *
 * The item array grows by appending (the same array object), which lets the client's
 * continuation check fingerprint only the new tail. {@link ConversationHistory.replace}
 * (compaction) installs a new array, so the next request cannot continue the old chain.
 */
export class ConversationHistory {
  #items: ResponseItem[];
  #lastUsage: ResponseUsage | null = null;
  #generation = 0;

  /** @param initial items to start from (copied), e.g. a resumed conversation. */
  constructor(initial: readonly ResponseItem[] = []) {
    this.#items = [...initial];
  }

  /**
   * The committed items, oldest first. The same array is returned until the next
   * {@link ConversationHistory.replace}; treat it as read-only.
   */
  get items(): readonly ResponseItem[] {
    return this.#items;
  }

  /** Number of committed items. */
  get length(): number {
    return this.#items.length;
  }

  /**
   * Token usage of the last completed response, used by automatic compaction; `null` before the
   * first response and right after a compaction (the old usage no longer describes the history).
   */
  get lastUsage(): ResponseUsage | null {
    return this.#lastUsage;
  }

  /** Incremented by every {@link ConversationHistory.replace}: tells history windows apart. */
  get generation(): number {
    return this.#generation;
  }

  /** Appends complete items atomically (all of them, in order). */
  commit(items: readonly ResponseItem[]): void {
    for (const item of items) this.#items.push(item);
  }

  /** Records the usage of a completed response. */
  recordUsage(usage: ResponseUsage | undefined): void {
    if (usage !== undefined) this.#lastUsage = usage;
  }

  /**
   * Replaces the whole history (with a compacted window). Installs a new array and forgets the
   * last usage.
   */
  replace(items: readonly ResponseItem[]): void {
    this.#items = [...items];
    this.#lastUsage = null;
    this.#generation += 1;
  }

  /** A copy of the committed items (safe to keep or mutate). */
  snapshot(): ResponseItem[] {
    return [...this.#items];
  }
}
