import { z } from 'zod';
import { ResponseItemSchema } from './response-item.js';

/** `reasoning` of a request. Omit `summary` when summaries are disabled; omit the whole field for models without reasoning. */
export const ReasoningConfigSchema = z.looseObject({
  /** `minimal` | `low` | `medium` | `high` | … (open set). */
  effort: z.string().nullish(),
  /** `auto` | `concise` | `detailed` (open set). */
  summary: z.string().nullish(),
});
/** `reasoning` of a request. */
export type ReasoningConfig = z.infer<typeof ReasoningConfigSchema>;

/** Structured output format: `{type:"json_schema", name, schema, strict}`, or plain `{type:"text"}`. */
export const TextFormatSchema = z.union([
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().optional(),
  }),
  z.looseObject({ type: z.string() }),
]);

/** `text` of a request: verbosity and output format. */
export const TextConfigSchema = z.looseObject({
  /** `low` | `medium` | `high`. */
  verbosity: z.string().optional(),
  format: TextFormatSchema.optional(),
});
/** `text` of a request. */
export type TextConfig = z.infer<typeof TextConfigSchema>;

/** A `function` tool definition; `parameters` is a JSON Schema. */
export const FunctionToolSchema = z.looseObject({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
/** Any tool definition (function tools are validated; others such as `custom`, `web_search`, `local_shell` pass through). */
export const ToolDefinitionSchema = z.union([FunctionToolSchema, z.looseObject({ type: z.string() })]);
/** Any tool definition. */
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

/** Server-side automatic compaction: compact when the context passes `compact_threshold` tokens (≥ 1000). */
export const ContextManagementSchema = z.looseObject({
  type: z.literal('compaction'),
  compact_threshold: z.number().int().min(1000),
});

/**
 * The fields of a Responses create request that both transports share (HTTP body without
 * `stream`, WebSocket `response.create` without `type`). Settings are never inherited through
 * `previous_response_id`: send them all every time.
 */
export const ResponseRequestFieldsSchema = z.looseObject({
  model: z.string(),
  /** System instructions; resent on every request. */
  instructions: z.string().optional(),
  input: z.array(ResponseItemSchema),
  tools: z.array(ToolDefinitionSchema).optional(),
  /** `"auto"` | `"none"` | `"required"` | an object naming a tool. */
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  parallel_tool_calls: z.boolean().optional(),
  reasoning: ReasoningConfigSchema.nullish(),
  /** `["reasoning.encrypted_content"]` whenever reasoning is present. */
  include: z.array(z.string()).optional(),
  /** `false` in Modelwire: nothing is stored server-side. */
  store: z.boolean().optional(),
  /** The conversation id, so requests of one conversation share the prompt cache. */
  prompt_cache_key: z.string().optional(),
  text: TextConfigSchema.optional(),
  service_tier: z.string().optional(),
  /** Continue from this response (WebSocket: from the connection's cache). */
  previous_response_id: z.string().optional(),
  context_management: z.array(ContextManagementSchema).optional(),
  stream_options: z.looseObject({ include_obfuscation: z.boolean().optional() }).optional(),
});
/** The shared request fields. */
export type ResponseRequestFields = z.infer<typeof ResponseRequestFieldsSchema>;

/** The HTTP body of `POST {base}/responses` (streamed: `stream: true`). */
export const CreateResponseRequestSchema = ResponseRequestFieldsSchema.extend({
  /** `true` for every streamed request Modelwire sends. */
  stream: z.boolean().optional(),
});
/** The HTTP body of `POST {base}/responses`. */
export type CreateResponseRequest = z.infer<typeof CreateResponseRequestSchema>;
