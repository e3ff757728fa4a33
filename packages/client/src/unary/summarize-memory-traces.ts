import { TraceSummarizeResponseSchema } from '@modelwire/protocol';
import { ErrorCode, ModelwireError } from '@modelwire/transport';
import type { SessionServices } from '../client/session-services.js';
import type { ResponseItem } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { postUnary } from './post-unary.js';

/** One trace to summarise. */
export interface MemoryTraceInput {
  /** Identifier of the trace (echoed by nothing; order is what pairs answers with traces). */
  readonly id: string;
  /** Where the trace came from (a file path), sent as `metadata.source_path`. */
  readonly sourcePath: string;
  /** The trace's items. */
  readonly items: readonly ResponseItem[];
}

/** The summary of one trace. */
export interface MemoryTraceSummary {
  /** The trace id this summary belongs to (paired by position). */
  readonly id: string;
  /** Summary of what happened in the trace. */
  readonly traceSummary: string;
  /** What is worth remembering from it. */
  readonly memorySummary: string;
}

/**
 * `POST {base}/memories/trace_summarize` (PROTOCOL §3) with the turn's model and reasoning
 * effort. One summary per trace in the same order; any other count is an error.
 */
export async function summarizeMemoryTraces(
  services: SessionServices,
  traces: readonly MemoryTraceInput[],
  turn: TurnContext,
  signal: AbortSignal | undefined,
): Promise<MemoryTraceSummary[]> {
  if (traces.length === 0) return [];
  const body = {
    model: turn.model.slug,
    traces: traces.map((trace) => ({ id: trace.id, metadata: { source_path: trace.sourcePath }, items: trace.items })),
    ...(turn.model.supportsReasoning && turn.reasoningEffort !== null ? { reasoning: { effort: turn.reasoningEffort } } : {}),
  };
  const answer = await postUnary(services, 'memories/trace_summarize', body, turn, signal);
  const parsed = TraceSummarizeResponseSchema.safeParse(answer);
  if (!parsed.success) throw new ModelwireError(ErrorCode.DecodeFailed, 'the trace-summarise answer has no valid `output` array');
  if (parsed.data.output.length !== traces.length) {
    throw new ModelwireError(ErrorCode.DecodeFailed, `expected ${traces.length} trace summaries, got ${parsed.data.output.length}`);
  }
  return parsed.data.output.map((summary, index) => ({
    id: traces[index]?.id ?? '',
    traceSummary: summary.trace_summary,
    memorySummary: summary.memory_summary,
  }));
}
