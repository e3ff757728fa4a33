import { ResponseItemSchema, type CompactionItem, type CompactionTriggerItem, type ResponseItem } from '@modelwire/protocol';
import { CompactionFailedError, type CompactionMethod } from './compaction-failed-error.js';

/**
 * The last input item of a compaction v2 request. One frozen object, sent without an `id`
 * (the item marks the request; it is never part of a history).
 */
export const COMPACTION_TRIGGER: CompactionTriggerItem = Object.freeze({ type: 'compaction_trigger' });

/**
 * Default token budget of the messages a v2 compaction keeps beside its `compaction` item
 * (the legacy endpoint's own default: 64 000 tokens, estimated as UTF-8 bytes / 4).
 */
export const DEFAULT_RETAINED_MESSAGE_TOKENS = 64_000;

/** Roles of the input messages a compacted window keeps (what the legacy endpoint keeps too). */
const RETAINED_ROLES: ReadonlySet<string> = new Set(['user', 'developer', 'system']);

/**
 * The one usable `compaction` item of a compaction's output.
 *
 * @throws CompactionFailedError `empty` (no output), `no_compaction_item`,
 *   `multiple_compaction_items`, or `malformed_item` (no non-empty string `encrypted_content`).
 */
export function compactionItemOf(output: readonly ResponseItem[], method: CompactionMethod): CompactionItem {
  if (output.length === 0) throw new CompactionFailedError('empty', method, 0);
  let found: CompactionItem | undefined;
  for (const item of output) {
    if (item.type !== 'compaction') continue;
    if (found !== undefined) throw new CompactionFailedError('multiple_compaction_items', method, output.length);
    found = item;
  }
  if (found === undefined) throw new CompactionFailedError('no_compaction_item', method, output.length);
  const encrypted: unknown = found.encrypted_content;
  if (typeof encrypted !== 'string' || encrypted.length === 0) throw new CompactionFailedError('malformed_item', method, output.length);
  return found;
}

/**
 * Reads the legacy endpoint's answer (`{output: [items…]}`) as a history window: every item
 * valid, exactly one usable `compaction` item. The items are returned unchanged.
 *
 * @throws CompactionFailedError `malformed_output` for an answer that is not a list of valid
 *   items (`malformed_item` when the invalid item is the compaction item), and the reasons of
 *   {@link compactionItemOf}.
 */
export function legacyWindowOf(answer: unknown): ResponseItem[] {
  const output = typeof answer === 'object' && answer !== null ? (answer as { output?: unknown }).output : undefined;
  if (!Array.isArray(output)) throw new CompactionFailedError('malformed_output', 'legacy', 0);
  for (const item of output as unknown[]) {
    if (ResponseItemSchema.safeParse(item).success) continue;
    const isCompaction = typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'compaction';
    throw new CompactionFailedError(isCompaction ? 'malformed_item' : 'malformed_output', 'legacy', output.length);
  }
  const window = output as ResponseItem[];
  compactionItemOf(window, 'legacy');
  return window;
}

/**
 * The history window after a v2 compaction: the input's user, developer and system messages
 * (newest first within `retainedTokens`, the oldest kept one shortened in the middle when it
 * does not fit whole; images count nothing, a message at least one token), in their original
 * order, then the `compaction` item. Assistant messages, tool calls, reasoning and earlier
 * compaction items are summarised by the new item and not kept. Kept messages are the same
 * objects as in `input` (a shortened one is a copy).
 */
export function buildCompactedWindow(input: readonly ResponseItem[], compaction: CompactionItem, retainedTokens = DEFAULT_RETAINED_MESSAGE_TOKENS): ResponseItem[] {
  const kept: ResponseItem[] = [];
  let remaining = retainedTokens;
  for (let index = input.length - 1; index >= 0 && remaining > 0; index -= 1) {
    const item = input[index];
    if (item === undefined || item.type !== 'message' || !RETAINED_ROLES.has(item.role)) continue;
    const tokens = Math.max(1, messageTokens(item));
    if (tokens <= remaining) {
      kept.push(item);
      remaining -= tokens;
      continue;
    }
    const shortened = shortenMessage(item, remaining);
    if (shortened !== null) kept.push(shortened);
    remaining = 0;
  }
  kept.reverse();
  kept.push(compaction);
  return kept;
}

type MessageItem = Extract<ResponseItem, { type: 'message' }>;

/** Estimated tokens: UTF-8 bytes / 4, rounded up. */
function tokensOf(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

function messageTokens(item: MessageItem): number {
  if (typeof item.content === 'string') return tokensOf(item.content);
  let tokens = 0;
  for (const part of item.content) {
    if ('text' in part && typeof part.text === 'string') tokens += tokensOf(part.text);
    else if (part.type === 'input_file' && typeof part.file_data === 'string') tokens += tokensOf(part.file_data);
  }
  return tokens;
}

/** The text cut to about `tokens` tokens, its head and tail kept around a marker. */
function shortenText(text: string, tokens: number): string {
  const total = tokensOf(text);
  if (total <= tokens) return text;
  const keep = Math.max(0, tokens * 4);
  const characters = Array.from(text);
  const head = characters.slice(0, Math.ceil(keep / 2)).join('');
  const tail = characters.slice(characters.length - Math.floor(keep / 2)).join('');
  return `${head}…${total - tokens} tokens truncated…${tail}`;
}

/** A copy of the message with its text parts cut to `tokens` tokens in all; `null` when nothing is left. */
function shortenMessage(item: MessageItem, tokens: number): MessageItem | null {
  if (typeof item.content === 'string') return { ...item, content: shortenText(item.content, tokens) };
  let remaining = tokens;
  const content: typeof item.content[number][] = [];
  for (const part of item.content) {
    if (!('text' in part) || typeof part.text !== 'string') {
      // Images stay; an inline file is dropped (it alone would exceed the budget).
      if (part.type !== 'input_file' || typeof part.file_data !== 'string') content.push(part);
      continue;
    }
    if (remaining === 0) continue;
    const partTokens = tokensOf(part.text);
    if (partTokens <= remaining) {
      content.push(part);
      remaining -= partTokens;
    } else {
      content.push({ ...part, text: shortenText(part.text, remaining) });
      remaining = 0;
    }
  }
  if (!content.some((part) => 'text' in part)) return null;
  return { ...item, content } as MessageItem;
}
