import type { ResponseItem } from '@modelwire/client';
import type { ResponseUsage } from '@modelwire/protocol';

/** What a completed turn produced. */
export interface TurnResult {
  /** The turn's id (`turn_id` of its metadata). */
  readonly turnId: string;
  /** The text of the last assistant message of the turn; `null` when it had none. */
  readonly finalMessage: string | null;
  /** Items this turn committed to the history (user input, outputs, tool outputs), in order. */
  readonly items: readonly ResponseItem[];
  /** Model requests that completed during the turn (retried attempts not counted). */
  readonly requests: number;
  /** Token usage summed over the turn's completed requests. */
  readonly usage: ResponseUsage;
  /** Usage of the last completed request; `undefined` when the server sent none. */
  readonly lastUsage: ResponseUsage | undefined;
}

/** Usage with every count at zero. */
export const ZERO_USAGE: ResponseUsage = Object.freeze({ inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0, totalTokens: 0 });

/** Adds two usages field by field. */
export function addUsage(total: ResponseUsage, next: ResponseUsage | undefined): ResponseUsage {
  if (next === undefined) return total;
  return {
    inputTokens: total.inputTokens + next.inputTokens,
    cachedInputTokens: total.cachedInputTokens + next.cachedInputTokens,
    outputTokens: total.outputTokens + next.outputTokens,
    reasoningOutputTokens: total.reasoningOutputTokens + next.reasoningOutputTokens,
    totalTokens: total.totalTokens + next.totalTokens,
  };
}

/** The text of the last assistant `message` among `items`; `null` when there is none. */
export function lastAssistantText(items: readonly ResponseItem[]): string | null {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index];
    if (item === undefined || item.type !== 'message' || item.role !== 'assistant') continue;
    if (typeof item.content === 'string') return item.content;
    return item.content.map((part) => ('text' in part ? part.text : '')).join('');
  }
  return null;
}
