import type { TurnOptions, CompactionMethod, ModelClient, ModelClientSession, Prompt, TurnContext } from '@modelwire/client';
import type { BackoffOptions } from '@modelwire/transport';
import type { SessionJournal } from '../journal/session-journal.js';
import { retryStream, type RetryingReport } from '../turn/stream-with-retries.js';

/**
 * Stream retries of a compaction v2 request per transport, at most (fewer when the provider's
 * `streamMaxRetries` is lower): a compaction computes much longer than a normal response, so a
 * failing one is not repeated as often.
 */
export const MAX_COMPACTION_STREAM_RETRIES = 2;

/** What a compaction did. */
export interface CompactionResult {
  /** Items in the history before. */
  readonly itemsBefore: number;
  /** Items in the new window (the new history). */
  readonly itemsAfter: number;
  /**
   * How the window was obtained: `v2` (a streamed request ending with `compaction_trigger`) or
   * `legacy` (`POST /responses/compact`). `null` when the history was empty and nothing was sent.
   */
  readonly method: CompactionMethod | null;
}

/** Inputs of {@link compactHistory}. */
export interface CompactHistoryRequest {
  /** The session's client. */
  readonly client: ModelClient;
  /** Options of the client turn the compaction opens when it is given none (a sub-agent's lane and label). */
  readonly turnOptions?: TurnOptions;
  /** The session's journal: its history is compacted and replaced (a `compacted` record first). */
  readonly journal: SessionJournal;
  /**
   * The request settings (instructions, tools, request options); its `input` is ignored (the
   * history is used). A v2 compaction leaves `outputSchema` out: the compaction is not the
   * final message.
   */
  readonly prompt: Omit<Prompt, 'input'>;
  /** The turn's context, passed unchanged to the client. */
  readonly context: TurnContext;
  /** Aborts the call; the history then stays as it was. */
  readonly signal: AbortSignal;
  /**
   * The compaction path. Default: `v2` when the provider has `supportsCompactionTrigger`,
   * `legacy` otherwise.
   */
  readonly method?: CompactionMethod;
  /**
   * v2: the client session of the running turn, so the compaction streams with the turn's
   * sticky-routing token and can continue the socket's chain. Default: a client session of its
   * own, closed afterwards.
   */
  readonly turn?: ModelClientSession;
  /** v2: backoff between stream retries without a server hint. Default: the transport's backoff. */
  readonly backoff?: BackoffOptions;
  /** v2: told before each stream retry that waits (what a `retrying` session event carries). */
  readonly onRetrying?: (report: RetryingReport) => void;
  /** v2: called after each stream attempt (to report the session's switch to HTTP). */
  readonly onAttemptEnd?: () => void;
}

/**
 * Compacts the committed history and replaces it with the new window (journaled first, as a
 * `compacted` record, the same on both paths):
 * - `v2`: `ModelClientSession.compact` streams the history plus `compaction_trigger` over the
 *   session's transport; stream failures are retried like a turn's request, at most
 *   {@link MAX_COMPACTION_STREAM_RETRIES} times per transport; the window is the kept messages
 *   plus the `compaction` item;
 * - `legacy`: `ModelClient.compactConversationHistory` (`POST /responses/compact`); the window is
 *   the server's output, unchanged.
 *
 * The replacement is a new item array, so the next request cannot continue the old chain and
 * goes out in full. An empty history is left alone (no request). The history is untouched when
 * the call fails or is aborted.
 *
 * @throws CompactionFailedError (`compaction_failed`) when the answer is not a usable window
 *   (empty, no compaction item, several, a malformed one), besides the request's own typed
 *   errors.
 */
export async function compactHistory(request: CompactHistoryRequest): Promise<CompactionResult> {
  const { client, journal, context, signal } = request;
  const before = journal.history.items;
  if (before.length === 0) return { itemsBefore: 0, itemsAfter: 0, method: null };
  const method = request.method ?? (client.provider.supportsCompactionTrigger ? 'v2' : 'legacy');
  const window =
    method === 'legacy'
      ? await client.compactConversationHistory({ ...request.prompt, input: before }, context, { signal })
      : await compactOverStream(request, before);
  await journal.replace(window);
  return { itemsBefore: before.length, itemsAfter: window.length, method };
}

async function compactOverStream(request: CompactHistoryRequest, history: Prompt['input']) {
  const { client, context, signal } = request;
  const { outputSchema: _finalMessageOnly, ...settings } = request.prompt;
  const owned = request.turn === undefined ? client.newTurn(request.turnOptions) : undefined;
  const turn = request.turn ?? (owned as ModelClientSession);
  try {
    const compacted = await retryStream({
      turn,
      context,
      signal,
      backoff: request.backoff ?? {},
      maxStreamRetries: Math.min(client.provider.streamMaxRetries, MAX_COMPACTION_STREAM_RETRIES),
      open: (budget) => turn.compact({ ...settings, input: history }, context, { signal, budget }),
      onEvent: () => false,
      onRetrying: request.onRetrying ?? (() => undefined),
      reportFallback: request.onAttemptEnd ?? (() => undefined),
    });
    return compacted.window;
  } finally {
    await owned?.close();
  }
}
