import { z } from 'zod';
import { ResponseInputItemSchema } from './response-item.js';

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
  type: z.string(),
  compact_threshold: z.number().int().min(1000).nullish(),
});

/** `metadata`: at most 16 pairs; keys up to 64 characters, values up to 512. */
export const RequestMetadataSchema = z
  .record(z.string().max(64, 'keys must be at most 64 characters'), z.string().max(512, 'values must be at most 512 characters'))
  .refine((metadata) => Object.keys(metadata).length <= 16, { message: 'must have at most 16 keys' });

/**
 * The fields of a Responses create request that both transports share (HTTP body without
 * `stream`/`background`, WebSocket `response.create` without `type`). Settings are never
 * inherited through `previous_response_id`: send them all every time. Loose: fields not listed
 * here pass unchecked; the ones listed are checked the way the API checks them.
 */
export const ResponseRequestFieldsSchema = z.looseObject({
  model: z.string(),
  /** System instructions; resent on every request. */
  instructions: z.string().nullish(),
  /** The items, or one user message as a string. */
  input: z.union([z.string(), z.array(ResponseInputItemSchema)]),
  tools: z.array(ToolDefinitionSchema).optional(),
  /** `"auto"` | `"none"` | `"required"` | an object naming a tool. */
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: ReasoningConfigSchema.nullish(),
  /** `["reasoning.encrypted_content"]` whenever reasoning is present. */
  include: z.array(z.string()).nullish(),
  /** `false` in Modelwire unless the caller asks to store. */
  store: z.boolean().nullish(),
  /** The conversation id, so requests of one conversation share the prompt cache. */
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.enum(['in_memory', '24h']).nullish(),
  text: TextConfigSchema.optional(),
  service_tier: z.string().nullish(),
  /** Continue from this response (WebSocket: from the connection's cache). */
  previous_response_id: z.string().nullish(),
  context_management: z.array(ContextManagementSchema).nullish(),
  stream_options: z.looseObject({ include_obfuscation: z.boolean().optional() }).nullish(),
  /** Upper bound of generated tokens, reasoning included. */
  max_output_tokens: z.number().int().min(16).nullish(),
  /** Upper bound of built-in tool calls in one response. */
  max_tool_calls: z.number().int().positive().nullish(),
  metadata: RequestMetadataSchema.nullish(),
  /** Sampling temperature, 0 to 2. */
  temperature: z.number().min(0).max(2).nullish(),
  /** Nucleus sampling mass, 0 to 1. */
  top_p: z.number().min(0).max(1).nullish(),
  /** Alternatives reported per output token, 0 to 20. */
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  /** A stable id of the end user (hashed), at most 128 characters. */
  safety_identifier: z.string().max(128).nullish(),
  user: z.string().optional(),
  /** A stored conversation, by id; items are read from it and added to it. */
  conversation: z.union([z.string(), z.looseObject({ id: z.string() })]).nullish(),
  /** A stored prompt template and its variables. */
  prompt: z.looseObject({ id: z.string(), version: z.string().nullish(), variables: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});
/** The shared request fields. */
export type ResponseRequestFields = z.infer<typeof ResponseRequestFieldsSchema>;

/** The HTTP body of `POST {base}/responses` (streamed: `stream: true`). */
export const CreateResponseRequestSchema = ResponseRequestFieldsSchema.extend({
  /** `true` for every streamed request Modelwire sends. */
  stream: z.boolean().nullish(),
  /** Run the response in the background (HTTP only: the WebSocket mode rejects it). */
  background: z.boolean().nullish(),
});
/** The HTTP body of `POST {base}/responses`. */
export type CreateResponseRequest = z.infer<typeof CreateResponseRequestSchema>;
