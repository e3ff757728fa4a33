// Validation of what a caller passes in (client options, provider, turn context, prompt), at
// the public boundary and before any I/O. A failure is an `InvalidArgumentError` listing every
// problem with its field path (`provider.baseUrl`, `prompt.input[2].role`), never a TypeError
// from deep inside the client. Values are never quoted in messages (they may hold secrets).
import { InvalidArgumentError, type InvalidArgumentIssue } from '@modelwire/errors';
import {
  EasyInputMessageSchema,
  ITEM_SCHEMAS,
  InputFileContentSchema,
  InputImageContentSchema,
  InputTextContentSchema,
  RequestMetadataSchema,
  TypelessItemReferenceSchema,
  UnknownItemSchema,
} from '@modelwire/protocol';
import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must be a non-empty string');
const positive = z.number().finite().positive('must be a positive number');
const nonNegativeInteger = z.number().int('must be an integer').nonnegative('must not be negative');
const functionValue = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');

const baseUrl = z.string().superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be an absolute URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') context.addIssue({ code: 'custom', message: 'must use http or https' });
});

/** `Provider`. */
export const ProviderArgumentSchema = z.object({
  name: nonEmpty.optional(),
  baseUrl,
  supportsWebSockets: z.boolean().optional(),
  requestMaxRetries: nonNegativeInteger.optional(),
  streamMaxRetries: nonNegativeInteger.optional(),
  streamIdleTimeoutMs: positive.optional(),
  websocketConnectTimeoutMs: positive.optional(),
  connectTimeoutMs: positive.optional(),
  requestDeadlineMs: z.number().positive('must be a positive number of milliseconds or Infinity').optional(),
  headers: z.record(z.string(), z.string()).optional(),
  allowInsecure: z.boolean().optional(),
  supportsContinuation: z.boolean().optional(),
  supportsLanes: z.boolean().optional(),
  instructionsWithPreviousResponse: z.boolean().optional(),
  supportsCompactionTrigger: z.boolean().optional(),
  authHeader: z.enum(['bearer', 'api-key']).optional(),
  proxy: z.union([nonEmpty, z.literal(false)], { error: 'must be a proxy URL or false' }).optional(),
  noProxy: z.string().optional(),
  ca: z
    .union([z.string(), z.instanceof(Uint8Array), z.array(z.union([z.string(), z.instanceof(Uint8Array)]))], { error: 'must be PEM text, bytes, or a list of them' })
    .optional(),
});

const AuthArgumentSchema = z.union([
  z.literal('none'),
  z.looseObject({ getToken: functionValue, refresh: functionValue.optional(), getHeaders: functionValue.optional() }),
], { error: 'must be "none" or an object with a getToken() function' });

const SessionSourceArgumentSchema = z.union([
  z.object({ kind: z.enum(['cli', 'ide', 'exec', 'mcp', 'unknown']) }),
  z.object({ kind: z.literal('subagent'), label: nonEmpty }),
], { error: 'must be { kind: "cli" | "ide" | "exec" | "mcp" | "unknown" } or { kind: "subagent", label }' });

/** `ModelClientOptions` (the injected seams are checked to be objects or functions only). */
export const ClientOptionsArgumentSchema = z.looseObject({
  provider: ProviderArgumentSchema,
  auth: AuthArgumentSchema,
  conversationId: nonEmpty,
  sessionSource: SessionSourceArgumentSchema,
  verbosity: z.enum(['low', 'medium', 'high']).optional(),
  betaFeatures: z.array(nonEmpty).optional(),
  enableWebSockets: z.boolean().optional(),
  webSocketOutcomes: z.union([z.literal(false), z.object({ lookup: functionValue, record: functionValue, forget: functionValue }).loose()], { error: 'must be a WebSocketOutcomeCache or false' }).optional(),
  enableRequestCompression: z.boolean().optional(),
  includeTimingMetrics: z.boolean().optional(),
  originator: nonEmpty.optional(),
  userAgent: nonEmpty.optional(),
  random: functionValue.optional(),
  sleep: functionValue.optional(),
  waitForNetwork: z.boolean().optional(),
  maxConnectionAgeMs: positive.optional(),
  pingIntervalMs: positive.nullable().optional(),
  pongTimeoutMs: positive.nullable().optional(),
  healthCheckAfterIdleMs: z.number().finite().nonnegative().optional(),
});

/** `ModelInfo`. */
export const ModelInfoArgumentSchema = z.object({
  slug: nonEmpty,
  supportsReasoning: z.boolean(),
  supportsVerbosity: z.boolean(),
  contextWindow: z.number().int().positive().nullable(),
});

/** `TurnContext` (the telemetry handle is checked to be an object). */
export const TurnContextArgumentSchema = z.looseObject({
  model: ModelInfoArgumentSchema,
  reasoningEffort: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).nullable(),
  reasoningSummary: z.enum(['auto', 'concise', 'detailed', 'none']),
  verbosity: z.enum(['low', 'medium', 'high']).nullable().optional(),
  webSearchEligible: z.boolean().optional(),
  turnMetadata: z.looseObject({ turn_id: nonEmpty }),
  serviceTier: nonEmpty.optional(),
  telemetry: z.custom<object>((value) => typeof value === 'object' && value !== null, 'must be a ClientTelemetry object'),
});

const jsonObject = z.record(z.string(), z.unknown());

/**
 * One input item: an easy input message (no `type`), an item reference (no `type`), or an item
 * with a string `type`. Item types with a schema in `@modelwire/protocol` (`ITEM_SCHEMAS`:
 * messages, tool calls and outputs, reasoning, compaction, …) are checked field by field, so an
 * error names the field (`prompt.input[2].call_id`); other types pass with their `type` only.
 */
export const InputItemArgumentSchema = z.unknown().superRefine((item, context) => {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    context.addIssue({ code: 'custom', message: 'must be an item object with a string type, or a message with role and content' });
    return;
  }
  const type = (item as { type?: unknown }).type;
  let schema: z.ZodType;
  if (type === undefined || type === null) {
    if ('role' in item || 'content' in item || !('id' in item)) schema = EasyInputMessageSchema;
    else schema = TypelessItemReferenceSchema;
  } else if (typeof type !== 'string' || type.length === 0) {
    context.addIssue({ code: 'custom', path: ['type'], message: 'must be a non-empty string' });
    return;
  } else {
    schema = ITEM_SCHEMAS[type as keyof typeof ITEM_SCHEMAS] ?? UnknownItemSchema;
  }
  const result = schema.safeParse(item);
  if (!result.success) {
    for (const issue of result.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: messageOf(issue) });
  }
});

const finite = z.number().finite();
const positiveInteger = z.number().int('must be an integer').positive('must be a positive integer');
const jsonValue = z.unknown().refine((value) => {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}, 'must be a JSON value');

/** `RequestOptions` (`Prompt.options`): strict, so that a misspelt field is an error rather than silently dropped. */
export const RequestOptionsArgumentSchema = z.strictObject(
  {
    max_output_tokens: z.number().int('must be an integer').min(16, 'must be at least 16').optional(),
    temperature: finite.min(0, 'must be between 0 and 2').max(2, 'must be between 0 and 2').optional(),
    top_p: finite.min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
    top_logprobs: z.number().int('must be an integer').min(0, 'must be between 0 and 20').max(20, 'must be between 0 and 20').optional(),
    max_tool_calls: positiveInteger.optional(),
    metadata: RequestMetadataSchema.optional(),
    store: z.boolean().optional(),
    truncation: z.enum(['auto', 'disabled']).optional(),
    safety_identifier: nonEmpty.max(128, 'must be at most 128 characters').optional(),
    user: nonEmpty.optional(),
    prompt_cache_key: nonEmpty.optional(),
    prompt_cache_retention: z.enum(['in_memory', '24h']).optional(),
    prompt_cache_options: z
      .strictObject({
        mode: z.enum(['implicit', 'explicit']).optional(),
        ttl: z.enum(['30m', '12h']).optional(),
        prewarm: z.boolean().optional(),
        comparison_response_id: nonEmpty.optional(),
      })
      .optional(),
    include: z.array(nonEmpty).optional(),
    text: z
      .strictObject({
        verbosity: z.enum(['low', 'medium', 'high']).optional(),
        format: z
          .union([
            z.strictObject({ type: z.literal('text') }),
            z.strictObject({ type: z.literal('json_object') }),
            z.strictObject({
              type: z.literal('json_schema'),
              name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[A-Za-z0-9_-]{1,64}$'),
              schema: jsonObject,
              description: z.string().optional(),
              strict: z.boolean().nullable().optional(),
            }),
          ], { error: 'must be { type: "text" }, { type: "json_object" } or { type: "json_schema", name, schema }' })
          .optional(),
      })
      .optional(),
    reasoning: z
      .strictObject({
        effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).optional(),
        summary: z.enum(['auto', 'concise', 'detailed']).optional(),
        context: z.enum(['auto', 'current_turn', 'all_turns']).optional(),
        mode: nonEmpty.optional(),
      })
      .optional(),
    context_management: z.array(z.strictObject({ type: nonEmpty, compact_threshold: z.number().int('must be an integer').min(1000, 'must be at least 1000').optional() })).optional(),
    conversation: z.union([nonEmpty, z.strictObject({ id: nonEmpty })], { error: 'must be a conversation id or { id }' }).optional(),
    background: z.boolean().optional(),
    service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority', 'fast', 'ultrafast']).optional(),
    stream_options: z.strictObject({ include_obfuscation: z.boolean().optional() }).optional(),
    prompt: z
      .strictObject({ id: nonEmpty, version: nonEmpty.optional(), variables: z.record(z.string(), z.union([z.string(), InputTextContentSchema, InputImageContentSchema, InputFileContentSchema])).optional() })
      .optional(),
    moderation: z
      .strictObject({
        model: nonEmpty,
        policy: z.strictObject({ input: z.strictObject({ mode: z.enum(['score', 'block']) }).optional(), output: z.strictObject({ mode: z.enum(['score', 'block']) }).optional() }).optional(),
      })
      .optional(),
    image: z.strictObject({ context_compression: z.enum(['auto', 'enabled', 'disabled']).optional() }).optional(),
    access_programs: z.strictObject({ cyber: z.enum(['standard', 'daybreak_blue', 'daybreak_red']).optional() }).optional(),
    extraBody: z.record(z.string(), jsonValue).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: set body fields this version does not type in extraBody` : undefined) },
);

/** Names of function and custom tools, as the API accepts them (it refuses others with a 400). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A tool definition: any object with a `type`; `function` and `custom` tools need a name the API accepts. */
export const ToolArgumentSchema = z.looseObject({ type: nonEmpty }).superRefine((tool, context) => {
  if (tool.type !== 'function' && tool.type !== 'custom') return;
  const name = (tool as Record<string, unknown>)['name'];
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    context.addIssue({ code: 'custom', path: ['name'], message: 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ or - (^[a-zA-Z0-9_-]+$)' });
  }
});

/** `Prompt`. */
export const PromptArgumentSchema = z.looseObject({
  input: z.union([z.string(), z.array(z.unknown())], { error: 'must be a string or an array of items' }),
  instructions: z.string(),
  tools: z.array(ToolArgumentSchema),
  parallelToolCalls: z.boolean(),
  toolChoice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: nonEmpty })], { error: 'must be "none", "auto", "required" or an object naming a tool' })
    .optional(),
  outputSchema: z
    .object({ name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[A-Za-z0-9_-]{1,64}$'), schema: jsonObject, strict: z.boolean().optional() })
    .nullable()
    .optional(),
  compactThreshold: z.number().int('must be an integer').min(1000, 'must be at least 1000').optional(),
  options: RequestOptionsArgumentSchema.optional(),
});

function pathOf(root: string, path: readonly PropertyKey[]): string {
  let text = root;
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`;
  return text;
}

function messageOf(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
}

/** Converts zod issues into the issues of an {@link InvalidArgumentError}, with paths from `root`. */
export function issuesOf(root: string, error: z.ZodError): InvalidArgumentIssue[] {
  return error.issues.map((issue) => ({ path: pathOf(root, issue.path), message: messageOf(issue) }));
}

/**
 * Checks `value` against `schema` and returns it unchanged (typed as `T`).
 * @throws InvalidArgumentError with every problem and its path (starting at `root`).
 */
export function validateArgument<T>(schema: z.ZodType, root: string, value: T): T {
  if (value === null || value === undefined) throw new InvalidArgumentError({ path: root, message: 'is required' });
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new InvalidArgumentError(issuesOf(root, result.error));
  return value;
}
