import type { ModelClient, Prompt, TurnContext } from '@modelwire/client';
import { ErrorCode, ModelwireError } from '@modelwire/transport';
import type { SessionJournal } from '../journal/session-journal.js';

/** What a compaction did. */
export interface CompactionResult {
  /** Items in the history before. */
  readonly itemsBefore: number;
  /** Items in the new window (the new history). */
  readonly itemsAfter: number;
}

/** Inputs of {@link compactHistory}. */
export interface CompactHistoryRequest {
  /** The session's client (its compaction endpoint). */
  readonly client: ModelClient;
  /** The session's journal: its history is compacted and replaced (a `compacted` record first). */
  readonly journal: SessionJournal;
  /** The request settings (instructions, tools); its `input` is ignored (the history is used). */
  readonly prompt: Omit<Prompt, 'input'>;
  /** The turn's context, passed unchanged to the client. */
  readonly context: TurnContext;
  /** Aborts the call; the history then stays as it was. */
  readonly signal: AbortSignal;
}

/**
 * Compacts the committed history through the client (`/responses/compact`) and replaces it with
 * the returned window, unchanged (journaled first, as a `compacted` record). The replacement is a new item array, so the next request
 * cannot continue the old chain and goes out in full. An empty history is left alone. The
 * history is untouched when the call fails.
 *
 * @throws ModelwireError `decode_failed` when the server returns an empty window for a
 *   non-empty history (replacing the conversation with nothing would lose it).
 */
export async function compactHistory(request: CompactHistoryRequest): Promise<CompactionResult> {
  const { journal } = request;
  const before = journal.history.items;
  if (before.length === 0) return { itemsBefore: 0, itemsAfter: 0 };
  const window = await request.client.compactConversationHistory({ ...request.prompt, input: before }, request.context, { signal: request.signal });
  if (window.length === 0) throw new ModelwireError(ErrorCode.DecodeFailed, 'the compaction returned an empty window for a non-empty history');
  await journal.replace(window);
  return { itemsBefore: before.length, itemsAfter: window.length };
}
