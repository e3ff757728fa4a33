import { z } from 'zod';

// Items are the unit of conversation history: the client sends them as `input` and receives
// them as `output`. The set is open: item types this package does not know are carried through
// unchanged (see UnknownItemSchema), and every object is loose so that fields added by the
// server survive a round trip (with `store: false`, items must go back verbatim).

/** `input_text` content of an input message. */
export const InputTextContentSchema = z.looseObject({ type: z.literal('input_text'), text: z.string() });
/** `input_image` content: an image URL (or data URL) or an uploaded file id. */
export const InputImageContentSchema = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.string().optional(),
});
/** `input_file` content: file data, URL or uploaded file id. */
export const InputFileContentSchema = z.looseObject({
  type: z.literal('input_file'),
  file_id: z.string().nullish(),
  file_data: z.string().optional(),
  file_url: z.string().optional(),
  filename: z.string().optional(),
});
/** `output_text` content of an assistant message. `annotations` are passed through untyped. */
export const OutputTextContentSchema = z.looseObject({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.unknown()).optional(),
  logprobs: z.array(z.unknown()).optional(),
});
/** `refusal` content of an assistant message. */
export const RefusalContentSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
/** Content of a message whose type this package does not know; kept unchanged. */
export const UnknownContentSchema = z.looseObject({ type: z.string() });

/** The content part types validated strictly by {@link MessageContentSchema}. */
export const KNOWN_CONTENT_TYPES: ReadonlySet<string> = new Set(['input_text', 'input_image', 'input_file', 'output_text', 'refusal']);

/** A content part of a type not in {@link KNOWN_CONTENT_TYPES} (so a malformed known part is not mistaken for an unknown one). */
export const UnknownContentFallbackSchema = UnknownContentSchema.refine((part) => !KNOWN_CONTENT_TYPES.has(part.type), { message: 'malformed known content part' });

/** Any message content part (known ones validated, unknown ones passed through). */
export const MessageContentSchema = z.union([
  z.discriminatedUnion('type', [InputTextContentSchema, InputImageContentSchema, InputFileContentSchema, OutputTextContentSchema, RefusalContentSchema]),
  UnknownContentFallbackSchema,
]);
/** One message content part. */
export type MessageContent = z.infer<typeof MessageContentSchema>;

/**
 * A `message` item. Input roles are `user`, `system`, `developer`; output messages have
 * role `assistant`. `content` is an array of parts, or (input only) a plain string.
 */
export const MessageItemSchema = z.looseObject({
  type: z.literal('message'),
  /** Server-assigned id (`msg_…`); absent on client-built input items. */
  id: z.string().optional(),
  role: z.string(),
  content: z.union([z.string(), z.array(MessageContentSchema)]),
  /** `in_progress` | `completed` | `incomplete` on output items. */
  status: z.string().optional(),
  /** Assistant message phase (for example `commentary` or `final_answer`), when the model reports one. */
  phase: z.string().nullish(),
});
/** A `message` item. */
export type MessageItem = z.infer<typeof MessageItemSchema>;

/** One `summary_text` part of a reasoning summary. */
export const ReasoningSummaryPartSchema = z.looseObject({ type: z.string(), text: z.string() });

/**
 * A `reasoning` item. With `store: false` it must be sent back verbatim, including
 * `encrypted_content` (which is bound to the account).
 */
export const ReasoningItemSchema = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string().optional(),
  summary: z.array(ReasoningSummaryPartSchema),
  /** Raw reasoning text parts, when the server exposes them. */
  content: z.array(z.looseObject({ type: z.string(), text: z.string() })).nullish(),
  /** Opaque blob; `null`/absent unless `include: ["reasoning.encrypted_content"]` was sent. */
  encrypted_content: z.string().nullish(),
  status: z.string().optional(),
});
/** A `reasoning` item. */
export type ReasoningItem = z.infer<typeof ReasoningItemSchema>;

/** A `function_call` item. `arguments` is a JSON **string**, not an object. */
export const FunctionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: z.string().optional(),
});
/** A `function_call` item. */
export type FunctionCallItem = z.infer<typeof FunctionCallItemSchema>;

/** The output of a function call: a string or an array of content parts. */
export const FunctionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  id: z.string().optional(),
  call_id: z.string(),
  output: z.union([z.string(), z.array(MessageContentSchema)]),
});
/** A `function_call_output` item. */
export type FunctionCallOutputItem = z.infer<typeof FunctionCallOutputItemSchema>;

/** A `custom_tool_call` item: free-form `input` text for a custom (grammar) tool. */
export const CustomToolCallItemSchema = z.looseObject({
  type: z.literal('custom_tool_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
  status: z.string().optional(),
});
/** A `custom_tool_call` item. */
export type CustomToolCallItem = z.infer<typeof CustomToolCallItemSchema>;

/** The output of a custom tool call. */
export const CustomToolCallOutputItemSchema = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  id: z.string().optional(),
  call_id: z.string(),
  output: z.union([z.string(), z.array(MessageContentSchema)]),
});
/** A `custom_tool_call_output` item. */
export type CustomToolCallOutputItem = z.infer<typeof CustomToolCallOutputItemSchema>;

/** The `exec` action of a `local_shell_call`. `timeout_ms` is in milliseconds. */
export const LocalShellExecActionSchema = z.looseObject({
  type: z.literal('exec'),
  command: z.array(z.string()),
  env: z.record(z.string(), z.string()).nullish(),
  timeout_ms: z.number().nullish(),
  working_directory: z.string().nullish(),
  user: z.string().nullish(),
});

/** A `local_shell_call` item. */
export const LocalShellCallItemSchema = z.looseObject({
  type: z.literal('local_shell_call'),
  id: z.string().nullish(),
  call_id: z.string().nullish(),
  status: z.string(),
  action: LocalShellExecActionSchema,
});
/** A `local_shell_call` item. */
export type LocalShellCallItem = z.infer<typeof LocalShellCallItemSchema>;

/** A `web_search_call` item (built-in tool); `action` is passed through untyped. */
export const WebSearchCallItemSchema = z.looseObject({
  type: z.literal('web_search_call'),
  id: z.string().optional(),
  status: z.string().optional(),
  action: z.unknown().optional(),
});
/** A `web_search_call` item. */
export type WebSearchCallItem = z.infer<typeof WebSearchCallItemSchema>;

/**
 * A `compaction` item: the opaque summary of the history it replaced (id `cmp_…`). Sent back
 * unchanged as input.
 */
export const CompactionItemSchema = z.looseObject({
  type: z.literal('compaction'),
  id: z.string().optional(),
  encrypted_content: z.string(),
});
/** A `compaction` item. */
export type CompactionItem = z.infer<typeof CompactionItemSchema>;

/** A `compaction_trigger` item (input only, must be the last item): asks the server to compact. */
export const CompactionTriggerItemSchema = z.looseObject({ type: z.literal('compaction_trigger') });
/** A `compaction_trigger` item. */
export type CompactionTriggerItem = z.infer<typeof CompactionTriggerItemSchema>;

/** An `item_reference` item: refers to a stored item by id. */
export const ItemReferenceItemSchema = z.looseObject({ type: z.literal('item_reference'), id: z.string() });
/** An `item_reference` item. */
export type ItemReferenceItem = z.infer<typeof ItemReferenceItemSchema>;

/** An item whose type this package does not model; every field is kept unchanged. */
export const UnknownItemSchema = z.looseObject({ type: z.string() });
/** An item of a type this package does not model. */
export type UnknownItem = z.infer<typeof UnknownItemSchema>;

/** The item types validated strictly by {@link ResponseItemSchema}. */
export const KNOWN_ITEM_TYPES: ReadonlySet<string> = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'local_shell_call',
  'web_search_call',
  'compaction',
  'compaction_trigger',
  'item_reference',
]);

/** The known item types, discriminated on `type`. */
export const KnownResponseItemSchema = z.discriminatedUnion('type', [
  MessageItemSchema,
  ReasoningItemSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  CustomToolCallItemSchema,
  CustomToolCallOutputItemSchema,
  LocalShellCallItemSchema,
  WebSearchCallItemSchema,
  CompactionItemSchema,
  CompactionTriggerItemSchema,
  ItemReferenceItemSchema,
]);
/** One of the known item types. */
export type KnownResponseItem = z.infer<typeof KnownResponseItemSchema>;

/** An item of a type not in {@link KNOWN_ITEM_TYPES} (so a malformed known item is not mistaken for an unknown one). */
export const UnknownItemFallbackSchema = UnknownItemSchema.refine((item) => !KNOWN_ITEM_TYPES.has(item.type), { message: 'malformed item of a known type' });

/**
 * Any input or output item. Known types must match their schema (a `function_call` without
 * `call_id` is rejected); unknown types pass through unchanged. Objects are loose: fields this
 * package does not model survive parsing.
 */
export const ResponseItemSchema = z.union([
  KnownResponseItemSchema,
  UnknownItemFallbackSchema,
]);
/** Any input or output item (known, or unknown and carried through). */
export type ResponseItem = z.infer<typeof ResponseItemSchema>;
