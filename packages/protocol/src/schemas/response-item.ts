import { z } from 'zod';

// Runtime checks of items, for what crosses the wire: the client checks the caller's input items
// with them (field paths in errors) and decodes output items with them. The static types are the
// hand-written interfaces in `../items/` (`ResponseItem`); these schemas check the fields the
// client, the turn loop and the loopback server read (`call_id`, `arguments`, `role`, …) and
// trust the rest to the server. The set is open: item types without a schema here are carried
// through unchanged (see UnknownItemSchema), and every object is loose so that fields added by
// the server survive a round trip (with `store: false`, items must go back verbatim).

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

/** The roles the API accepts for a message; any other role is rejected. */
export const MessageRoleSchema = z.enum(['user', 'assistant', 'system', 'developer'], { error: 'must be "user", "assistant", "system" or "developer"' });

/**
 * A `message` item. Input roles are `user`, `system`, `developer`; output messages have
 * role `assistant`. `content` is an array of parts, or (input only) a plain string.
 */
export const MessageItemSchema = z.looseObject({
  type: z.literal('message'),
  /** Server-assigned id (`msg_…`); absent on client-built input items. */
  id: z.string().optional(),
  role: MessageRoleSchema,
  content: z.union([z.string(), z.array(MessageContentSchema)]),
  /** `in_progress` | `completed` | `incomplete` on output items. */
  status: z.string().optional(),
  /** Assistant message phase (for example `commentary` or `final_answer`), when the model reports one. */
  phase: z.string().nullish(),
});

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

/** A `function_call` item. `arguments` is a JSON **string**, not an object. */
export const FunctionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: z.string().optional(),
});

/** The output of a function call: a string or an array of content parts. */
export const FunctionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  id: z.string().nullish(),
  call_id: z.string().nullish(),
  output: z.union([z.string(), z.array(MessageContentSchema)]),
});

/** A `custom_tool_call` item: free-form `input` text for a custom (grammar) tool. */
export const CustomToolCallItemSchema = z.looseObject({
  type: z.literal('custom_tool_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
  status: z.string().optional(),
});

/** The output of a custom tool call. */
export const CustomToolCallOutputItemSchema = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  id: z.string().optional(),
  call_id: z.string(),
  output: z.union([z.string(), z.array(MessageContentSchema)]),
});

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

/** A `web_search_call` item (built-in tool); `action` is passed through untyped. */
export const WebSearchCallItemSchema = z.looseObject({
  type: z.literal('web_search_call'),
  id: z.string().optional(),
  status: z.string().optional(),
  action: z.unknown().optional(),
});

/**
 * A `compaction` item: the opaque summary of the history it replaced (id `cmp_…`). Sent back
 * unchanged as input.
 */
export const CompactionItemSchema = z.looseObject({
  type: z.literal('compaction'),
  id: z.string().optional(),
  encrypted_content: z.string(),
});

/** A `compaction_trigger` item (input only, must be the last item): asks the server to compact. */
export const CompactionTriggerItemSchema = z.looseObject({ type: z.literal('compaction_trigger') });

/** An `item_reference` item: refers to a stored item by id. */
export const ItemReferenceItemSchema = z.looseObject({ type: z.literal('item_reference'), id: z.string() });

/** The output of a `local_shell_call` (`id` is the call's id). */
export const LocalShellCallOutputItemSchema = z.looseObject({ type: z.literal('local_shell_call_output'), id: z.string(), output: z.string() });

/** A `shell_call` item: `action.commands` to run. */
export const ShellCallItemSchema = z.looseObject({
  type: z.literal('shell_call'),
  id: z.string().nullish(),
  call_id: z.string(),
  action: z.looseObject({ commands: z.array(z.string()) }),
});

/** A `shell_call_output` item: one entry per command. */
export const ShellCallOutputItemSchema = z.looseObject({
  type: z.literal('shell_call_output'),
  id: z.string().nullish(),
  call_id: z.string(),
  output: z.array(z.looseObject({ stdout: z.string(), stderr: z.string(), outcome: z.looseObject({ type: z.string() }) })),
});

/** An `apply_patch_call` item: one file operation. */
export const ApplyPatchCallItemSchema = z.looseObject({
  type: z.literal('apply_patch_call'),
  id: z.string().nullish(),
  call_id: z.string(),
  operation: z.looseObject({ type: z.string(), path: z.string() }),
});

/** An `apply_patch_call_output` item. */
export const ApplyPatchCallOutputItemSchema = z.looseObject({
  type: z.literal('apply_patch_call_output'),
  id: z.string().nullish(),
  call_id: z.string(),
  status: z.string(),
});

/** An `mcp_approval_response` item: the caller's decision. */
export const McpApprovalResponseItemSchema = z.looseObject({ type: z.literal('mcp_approval_response'), approval_request_id: z.string(), approve: z.boolean() });

/** An item whose type has no schema here; every field is kept unchanged. */
export const UnknownItemSchema = z.looseObject({ type: z.string() });

/**
 * The item schemas by type: the item types whose fields are checked. Items of any other type
 * (including types the static `ResponseItem` union models but nothing here reads) pass with a
 * string `type` only.
 */
export const ITEM_SCHEMAS = {
  message: MessageItemSchema,
  reasoning: ReasoningItemSchema,
  function_call: FunctionCallItemSchema,
  function_call_output: FunctionCallOutputItemSchema,
  custom_tool_call: CustomToolCallItemSchema,
  custom_tool_call_output: CustomToolCallOutputItemSchema,
  local_shell_call: LocalShellCallItemSchema,
  local_shell_call_output: LocalShellCallOutputItemSchema,
  shell_call: ShellCallItemSchema,
  shell_call_output: ShellCallOutputItemSchema,
  apply_patch_call: ApplyPatchCallItemSchema,
  apply_patch_call_output: ApplyPatchCallOutputItemSchema,
  web_search_call: WebSearchCallItemSchema,
  mcp_approval_response: McpApprovalResponseItemSchema,
  compaction: CompactionItemSchema,
  compaction_trigger: CompactionTriggerItemSchema,
  item_reference: ItemReferenceItemSchema,
} as const;

/** The item types validated strictly by {@link ResponseItemSchema} (the keys of {@link ITEM_SCHEMAS}). */
export const VALIDATED_ITEM_TYPES: ReadonlySet<string> = new Set(Object.keys(ITEM_SCHEMAS));

/** The validated item types, discriminated on `type`. */
export const ValidatedItemSchema = z.discriminatedUnion('type', Object.values(ITEM_SCHEMAS) as [typeof MessageItemSchema, ...(typeof MessageItemSchema)[]]);

/** An item of a type not in {@link VALIDATED_ITEM_TYPES} (so a malformed validated item is not mistaken for an unknown one). */
export const UnknownItemFallbackSchema = UnknownItemSchema.refine((item) => !VALIDATED_ITEM_TYPES.has(item.type), { message: 'malformed item of a known type' });

/**
 * Any item with a `type` (output items, and input items as the client sends them). Validated
 * types must match their schema (a `function_call` without `call_id` is rejected); other types
 * pass through unchanged. Objects are loose: fields not modelled here survive parsing.
 */
export const ResponseItemSchema = z.union([ValidatedItemSchema, UnknownItemFallbackSchema]);

/** The easy input message: `{ role, content }` without `type` (the API reads it as a message). */
export const EasyInputMessageSchema = MessageItemSchema.extend({ type: z.undefined().optional() });

/** An item reference without `type`: `{ id }`. */
export const TypelessItemReferenceSchema = z.looseObject({ type: z.null().optional(), id: z.string() });

/**
 * Any input item the API accepts: an item with a `type`, an easy input message without one,
 * or an item reference without one.
 */
export const ResponseInputItemSchema = z.union([ResponseItemSchema, EasyInputMessageSchema, TypelessItemReferenceSchema]);
