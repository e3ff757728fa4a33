/**
 * One Responses item (input or output), discriminated by `type`. The set of item types is
 * open: unknown types are carried through unchanged, so the client only relies on `type`.
 *
 * Items are treated as immutable values. The continuation logic fingerprints each item object
 * once and caches the result by identity; mutating an item after it was sent is not supported.
 */
export interface ResponseItem {
  /** The item type, e.g. `"message"`, `"function_call"`, `"reasoning"`, `"compaction"`. */
  readonly type: string;
  /** Every other field of the item, as sent on the wire. */
  readonly [field: string]: unknown;
}

/**
 * The API's easy input message: `{ role, content }` with `content` a string or content parts,
 * `type` optional. `assistant` is allowed (earlier answers given back as history).
 */
export interface EasyInputMessage {
  readonly type?: 'message';
  readonly role: 'user' | 'assistant' | 'system' | 'developer';
  readonly content: string | readonly { readonly type: string; readonly [field: string]: unknown }[];
  /** Assistant message phase, when known. */
  readonly phase?: 'commentary' | 'final_answer' | null;
}

/** What `Prompt.input` accepts: any item, or an easy input message. */
export type ResponseInputItem = ResponseItem | EasyInputMessage;

/** A tool definition as sent in `tools` (function, custom, web_search, local_shell, …). */
export interface ToolSpec {
  /** The tool type, e.g. `"function"`. */
  readonly type: string;
  /** Every other field of the definition, as sent on the wire. */
  readonly [field: string]: unknown;
}

/** A structured-output request: becomes `text.format = {type:"json_schema", name, schema, strict}`. */
export interface OutputSchema {
  /** Name of the schema (`^[A-Za-z0-9_-]{1,64}$`). */
  readonly name: string;
  /** The JSON Schema the final message must satisfy. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Whether the server enforces the schema strictly. Default `true`. */
  readonly strict?: boolean;
}

/**
 * What one model call sends: the whole input so far plus the settings of the call. The client
 * decides whether the wire request carries all of `input` or only its new tail (incremental
 * continuation); the caller always passes the full input.
 */
export interface Prompt {
  /**
   * The full input: the committed history followed by the new items. Passing the same array
   * extended by `push` (append-only) or a new array both work; extending the same array lets
   * the continuation check skip the already-fingerprinted prefix entirely. A string is one
   * user message, as the API reads it.
   */
  readonly input: string | readonly ResponseInputItem[];
  /** System instructions; sent on every request (they are never inherited). */
  readonly instructions: string;
  /** Tool definitions. An empty array sends `tools: []`. */
  readonly tools: readonly ToolSpec[];
  /** Whether the model may call several tools in one response. */
  readonly parallelToolCalls: boolean;
  /** `tool_choice`; default `"auto"`. */
  readonly toolChoice?: string | Readonly<Record<string, unknown>>;
  /** Structured output for the final message; `null`/`undefined` means free text. */
  readonly outputSchema?: OutputSchema | null;
  /**
   * Server-side automatic compaction threshold in tokens (`context_management`); must be at
   * least 1000. `undefined` sends nothing.
   */
  readonly compactThreshold?: number;
}

/** A prompt whose input is an item array (what the client works with after validation). */
export interface ResolvedPrompt extends Omit<Prompt, 'input'> {
  readonly input: readonly ResponseItem[];
}
