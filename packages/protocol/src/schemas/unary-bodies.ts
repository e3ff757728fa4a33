import { z } from 'zod';
import { ReasoningConfigSchema, TextConfigSchema, ToolDefinitionSchema } from './create-response-request.js';
import { ResponseItemSchema } from './response-item.js';

/** Body of `POST {base}/responses/compact`. */
export const CompactRequestSchema = z.looseObject({
  model: z.string(),
  input: z.array(ResponseItemSchema),
  instructions: z.string(),
  tools: z.array(ToolDefinitionSchema).optional(),
  parallel_tool_calls: z.boolean().optional(),
  reasoning: ReasoningConfigSchema.nullish(),
  text: TextConfigSchema.optional(),
  prompt_cache_key: z.string().optional(),
});
/** Body of a compaction request. */
export type CompactRequest = z.infer<typeof CompactRequestSchema>;

/**
 * Response of `/responses/compact`: the new history window, ending in a `compaction` item. Use
 * it unchanged as the next input and start a new chain (the compaction id is not a response id).
 */
export const CompactResponseSchema = z.looseObject({ output: z.array(ResponseItemSchema) });
/** Response of a compaction request. */
export type CompactResponse = z.infer<typeof CompactResponseSchema>;

/** One trace to summarise: its id, where it came from, and its items. */
export const MemoryTraceSchema = z.looseObject({
  id: z.string(),
  metadata: z.looseObject({ source_path: z.string() }),
  items: z.array(ResponseItemSchema),
});
/** One trace to summarise. */
export type MemoryTrace = z.infer<typeof MemoryTraceSchema>;

/** Body of `POST {base}/memories/trace_summarize`. */
export const TraceSummarizeRequestSchema = z.looseObject({
  model: z.string(),
  traces: z.array(MemoryTraceSchema),
  reasoning: z.looseObject({ effort: z.string().nullish() }).optional(),
});
/** Body of a trace-summarise request. */
export type TraceSummarizeRequest = z.infer<typeof TraceSummarizeRequestSchema>;

/** One summary: per trace, same order as the request (a length mismatch is an error). */
export const TraceSummarySchema = z.looseObject({ trace_summary: z.string(), memory_summary: z.string() });
/** Response of `/memories/trace_summarize`. */
export const TraceSummarizeResponseSchema = z.looseObject({ output: z.array(TraceSummarySchema) });
/** Response of a trace-summarise request. */
export type TraceSummarizeResponse = z.infer<typeof TraceSummarizeResponseSchema>;
