import type { ResponseItem } from '@modelwire/client';
import { toAbortError } from '@modelwire/transport';
import type { SessionEvent } from '../events/session-event.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { toolOutputItem, type ToolCall } from '../tools/tool-call.js';
import { describeThrown } from '../tools/describe-thrown.js';
import { runToolCall } from '../tools/run-tool-call.js';
import { toolOutputText, type ToolCallOutcome } from '../tools/tool-output.js';

/** The message a call gets when its turn was stopped before the handler finished. */
export const ABORTED_TOOL_OUTPUT = 'aborted: the turn was interrupted before the tool finished';

/** Inputs of {@link runToolCalls}. */
export interface ToolCallsRequest {
  readonly calls: readonly ToolCall[];
  readonly tools: ToolRegistry;
  readonly turnId: string;
  readonly signal: AbortSignal;
  readonly defaultTimeoutMs: number;
  /** Run the calls side by side (`parallelToolCalls`); otherwise one after the other, in order. */
  readonly parallel: boolean;
  readonly emit: (event: SessionEvent) => void;
  /** Commits the outputs (all of them at once, in call order; journaled first). */
  readonly commit: (items: readonly ResponseItem[]) => Promise<void>;
}

/**
 * Runs the calls of one response (side by side when the session allows parallel tool calls,
 * else one after the other) and commits one output per call, in call order. When the turn is aborted meanwhile, the calls that did not finish get an "aborted"
 * output, so the history never holds a call without its output; then the abort error is
 * thrown.
 */
export async function runToolCalls(request: ToolCallsRequest): Promise<void> {
  const { calls, turnId, emit } = request;
  const run = async (call: ToolCall): Promise<ToolCallOutcome> => {
    emit({ type: 'tool_call_started', turnId, callId: call.callId, name: call.name, kind: call.kind, input: call.input });
    const outcome = await runToolCall(call, request.tools, { turnId, signal: request.signal, defaultTimeoutMs: request.defaultTimeoutMs });
    const content = typeof outcome.output === 'string' ? {} : { content: outcome.output };
    emit({ type: 'tool_call_finished', turnId, callId: call.callId, name: call.name, kind: call.kind, output: toolOutputText(outcome.output), ...content, success: outcome.success });
    return outcome;
  };
  let settled: PromiseSettledResult<ToolCallOutcome>[];
  if (request.parallel) {
    settled = await Promise.allSettled(calls.map(run));
  } else {
    settled = [];
    for (const call of calls) {
      // After an abort the remaining calls do not start; each gets the aborted output.
      if (request.signal.aborted) {
        settled.push({ status: 'rejected', reason: request.signal.reason });
        continue;
      }
      settled.push(await run(call).then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason })));
    }
  }
  const outputs: ResponseItem[] = [];
  let aborted = false;
  settled.forEach((result, index) => {
    const call = calls[index] as ToolCall;
    if (result.status === 'fulfilled') {
      outputs.push(toolOutputItem(call, result.value.output));
      return;
    }
    if (!request.signal.aborted) {
      // Only an abort of the turn may stop it; anything else that escaped is the call's failure.
      const output = `tool ${JSON.stringify(call.name)} failed: ${describeThrown(result.reason)}`;
      outputs.push(toolOutputItem(call, output));
      emit({ type: 'tool_call_finished', turnId, callId: call.callId, name: call.name, kind: call.kind, output, success: false });
      return;
    }
    aborted = true;
    outputs.push(toolOutputItem(call, ABORTED_TOOL_OUTPUT));
    emit({ type: 'tool_call_finished', turnId, callId: call.callId, name: call.name, kind: call.kind, output: ABORTED_TOOL_OUTPUT, success: false });
  });
  await request.commit(outputs);
  if (aborted) throw toAbortError(request.signal.reason);
}
