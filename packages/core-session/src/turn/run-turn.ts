import type { ResponseItem, TurnContext } from '@modelwire/client';
import type { ResponseUsage } from '@modelwire/protocol';
import { ModelwireError } from '@modelwire/transport';
import { compactHistory } from '../compaction/compact-history.js';
import { turnContextPayload } from '../journal/journal-records.js';
import { shouldAutoCompact } from '../compaction/auto-compaction.js';
import type { SessionEvent } from '../events/session-event.js';
import type { SessionServices } from '../services/session-services.js';
import { ToolRoundLimitError } from '../errors/tool-round-limit-error.js';
import { toolCallsOf, toolOutputItem, withoutRepeatedCalls, type ToolCall } from '../tools/tool-call.js';
import { runToolCalls } from './run-tool-calls.js';
import type { TurnSteering } from '../session/turn-steering.js';
import { reportFallback, streamWithRetries } from './stream-with-retries.js';
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
  /** The turn's steering (`Session.steer`); none for a turn that cannot be steered. */
  readonly steering?: TurnSteering;
  /** Steers of an earlier turn that make up this turn's input (each reported `steer_committed`, `next_turn`, once the input is committed). */
  readonly steers?: number;
}

/**
 * The turn loop (ARCHITECTURE §4): commit the user input; then, until the model answers
 * without tool calls: compact automatically when the last usage crossed the threshold, stream
 * a request (with retries), commit its completed output (a tool call whose `call_id` repeats
 * within the response only once), run the tool calls it holds and commit their outputs.
 * After `maxToolRounds` rounds, further calls are answered without being run and the turn
 * fails with `ToolRoundLimitError`. The follow-up request extends the same input, so on the WebSocket it
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
  /** Rounds of tool calls run so far in this turn. */
  let toolRounds = 0;
  emit({ type: 'turn_started', turnId });
  try {
    await journal.startTurn(turnContextPayload(context, turnId), run.input);
  } catch (error) {
    run.steering?.end(false);
    throw await endTurnFailed(run, error);
  }
  for (const item of run.input) committed.push(item);
  for (let steer = 0; steer < (run.steers ?? 0); steer += 1) emit({ type: 'steer_committed', turnId, via: 'next_turn', responseId: null });
  const turn = client.newTurn(services.turnOptions);
  const steering = run.steering;
  steering?.attach(turn);
  if (steering !== undefined) steering.onItemsCommitted = (items) => {
    for (const item of items) committed.push(item);
  };
  try {
    for (;;) {
      const settings = promptSettings(config, tools);
      if (shouldAutoCompact(config.autoCompaction, history.lastUsage, context.model.contextWindow)) {
        // On the turn's own client session: same sticky-routing token, same socket chain.
        const compaction = await compactHistory({
          client,
          journal,
          prompt: settings,
          context,
          signal,
          turn,
          backoff: config.backoff,
          onRetrying: (report) => emit({ type: 'retrying', turnId, ...report }),
          onAttemptEnd: () => reportFallback(services, turnId, emit),
        });
        emit({ type: 'compaction', turnId, trigger: 'auto', ...compaction });
      }
      // Steering input that could not be steered goes out with this request (committed first).
      const carried = steering?.takePending() ?? [];
      if (carried.length > 0) {
        await commit(carried.flatMap((steer) => steer.items));
        steering?.carried(carried);
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
        ...(steering === undefined ? {} : { steering }),
      });
      // The commit points of steering successors are in the history before this output.
      await steering?.settleCommits();
      requests += 1;
      for (const previous of completed.predecessors ?? []) usage = addUsage(usage, previous.usage);
      usage = addUsage(usage, completed.usage);
      lastUsage = completed.usage;
      const output = withoutRepeatedCalls(completed.output);
      const calls = toolCallsOf(output);
      if (calls.length > 0 && toolRounds >= config.maxToolRounds) {
        // Past the bound: the calls are answered without being run, in the same commit as the
        // response that made them, so no call is ever left without its output.
        const unrun = unrunToolOutputs(calls, config.maxToolRounds, turnId, emit);
        await journal.commitResponse(turnId, [...output, ...unrun], completed.usage);
        for (const item of [...output, ...unrun]) committed.push(item);
        throw new ToolRoundLimitError(config.maxToolRounds, calls.length);
      }
      await journal.commitResponse(turnId, output, completed.usage);
      for (const item of output) committed.push(item);
      // Steering input the server keeps pending for the tool outputs goes before them (the
      // server prepends it to the next request's input).
      const pending = steering?.placePending() ?? [];
      if (pending.length > 0) await commit(pending);
      if (calls.length === 0) break;
      toolRounds += 1;
      await runToolCalls({ calls, tools, turnId, signal, defaultTimeoutMs: config.toolTimeoutMs, parallel: config.parallelToolCalls, emit, commit });
    }
  } catch (error) {
    steering?.end(false);
    await turn.close();
    throw await endTurnFailed(run, error);
  }
  steering?.end(true);
  await turn.close();
  const finalMessage = lastAssistantText(committed);
  await journal.endTurn({ type: 'task_complete', turn_id: turnId, last_agent_message: finalMessage });
  return { turnId, finalMessage, items: committed, requests, usage, lastUsage };
}

/** The output a call gets when the turn's bound of tool rounds kept it from running. */
export function unrunToolOutput(limit: number): string {
  return `not run: the turn reached its limit of ${limit} tool round${limit === 1 ? '' : 's'}`;
}

/** Outputs for calls past the bound (reported as finished, unsuccessful). */
function unrunToolOutputs(calls: readonly ToolCall[], limit: number, turnId: string, emit: (event: SessionEvent) => void): ResponseItem[] {
  const output = unrunToolOutput(limit);
  return calls.map((call) => {
    emit({ type: 'tool_call_finished', turnId, callId: call.callId, name: call.name, kind: call.kind, output, success: false });
    return toolOutputItem(call, output);
  });
}

/** Notes a failed turn in the journal (best effort: the turn's own error wins) and returns that error. */
async function endTurnFailed(run: TurnRun, error: unknown): Promise<unknown> {
  const reason = ModelwireError.isInstance(error) ? error.code : 'error';
  await run.services.journal.endTurn({ type: 'turn_aborted', turn_id: run.turnId, reason }).catch(() => undefined);
  return error;
}
