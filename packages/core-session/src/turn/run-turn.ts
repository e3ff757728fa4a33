import type { ResponseItem, TurnContext } from '@modelwire/client';
import type { ResponseUsage } from '@modelwire/protocol';
import { ModelwireError } from '@modelwire/transport';
import { compactHistory } from '../compaction/compact-history.js';
import { turnContextPayload } from '../journal/journal-records.js';
import { shouldAutoCompact } from '../compaction/auto-compaction.js';
import type { SessionEvent } from '../events/session-event.js';
import type { SessionServices } from '../services/session-services.js';
import { toolCallsOf } from '../tools/tool-call.js';
import { runToolCalls } from './run-tool-calls.js';
import { streamWithRetries } from './stream-with-retries.js';
import { promptSettings, type TurnLoopConfig } from './turn-loop-config.js';
import { addUsage, lastAssistantText, ZERO_USAGE, type TurnResult } from './turn-result.js';

/** Inputs of {@link runTurn}. */
export interface TurnRun {
  readonly services: SessionServices;
  readonly config: TurnLoopConfig;
  /** The turn's context: passed to every stream and compaction call of the turn. */
  readonly context: TurnContext;
  readonly turnId: string;
  /** The user input of the turn (committed first). */
  readonly input: readonly ResponseItem[];
  /** Aborted by `interrupt()`, `close()` or the caller's signal. */
  readonly signal: AbortSignal;
  readonly emit: (event: SessionEvent) => void;
}

/**
 * The turn loop (ARCHITECTURE §4): commit the user input; then, until the model answers
 * without tool calls: compact automatically when the last usage crossed the threshold, stream
 * a request (with retries), commit its completed output, run the tool calls it holds and
 * commit their outputs. The follow-up request extends the same input, so on the WebSocket it
 * goes out incrementally.
 *
 * A fresh `ModelClientSession` serves the turn (fresh sticky-routing token) and is closed at
 * the end, whatever happened. On failure the history keeps everything committed before it.
 */
export async function runTurn(run: TurnRun): Promise<TurnResult> {
  const { services, config, context, turnId, signal, emit } = run;
  const { history, tools, client, journal } = services;
  const committed: ResponseItem[] = [];
  const commit = async (items: readonly ResponseItem[]): Promise<void> => {
    await journal.commit(items);
    for (const item of items) committed.push(item);
  };
  let usage: ResponseUsage = ZERO_USAGE;
  let lastUsage: ResponseUsage | undefined;
  let requests = 0;
  emit({ type: 'turn_started', turnId });
  try {
    await journal.startTurn(turnContextPayload(context, turnId), run.input);
  } catch (error) {
    throw await endTurnFailed(run, error);
  }
  for (const item of run.input) committed.push(item);
  const turn = client.newTurn();
  try {
    for (;;) {
      const settings = promptSettings(config, tools);
      if (shouldAutoCompact(config.autoCompaction, history.lastUsage, context.model.contextWindow)) {
        const compaction = await compactHistory({ client, journal, prompt: settings, context, signal });
        emit({ type: 'compaction', turnId, trigger: 'auto', ...compaction });
      }
      const completed = await streamWithRetries({
        services,
        turn,
        prompt: { ...settings, input: history.items },
        context,
        turnId,
        signal,
        backoff: config.backoff,
        emit,
      });
      requests += 1;
      usage = addUsage(usage, completed.usage);
      lastUsage = completed.usage;
      await journal.commitResponse(turnId, completed.output, completed.usage);
      for (const item of completed.output) committed.push(item);
      const calls = toolCallsOf(completed.output);
      if (calls.length === 0) break;
      await runToolCalls({ calls, tools, turnId, signal, defaultTimeoutMs: config.toolTimeoutMs, parallel: config.parallelToolCalls, emit, commit });
    }
  } catch (error) {
    await turn.close();
    throw await endTurnFailed(run, error);
  }
  await turn.close();
  const finalMessage = lastAssistantText(committed);
  await journal.endTurn({ type: 'task_complete', turn_id: turnId, last_agent_message: finalMessage });
  return { turnId, finalMessage, items: committed, requests, usage, lastUsage };
}

/** Notes a failed turn in the journal (best effort: the turn's own error wins) and returns that error. */
async function endTurnFailed(run: TurnRun, error: unknown): Promise<unknown> {
  const reason = ModelwireError.isInstance(error) ? error.code : 'error';
  await run.services.journal.endTurn({ type: 'turn_aborted', turn_id: run.turnId, reason }).catch(() => undefined);
  return error;
}
