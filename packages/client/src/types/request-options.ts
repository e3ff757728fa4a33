import type { InputFileContent, InputImageContent, InputTextContent, JsonSchemaOutputFormat, ReasoningEffortLevel, TextOutputFormat } from '@modelwire/protocol';

/** What `include` may ask the server to add to a response. */
export type ResponseIncludable =
  | 'reasoning.encrypted_content'
  | 'message.output_text.logprobs'
  | 'message.input_image.image_url'
  | 'file_search_call.results'
  | 'web_search_call.results'
  | 'web_search_call.action.sources'
  | 'computer_call_output.output.image_url'
  | 'code_interpreter_call.outputs';

/** Processing tier of a request (`service_tier`). */
export type ServiceTier = 'auto' | 'default' | 'flex' | 'scale' | 'priority' | 'fast' | 'ultrafast';

/** The `reasoning` object of a request; set fields replace what the turn context gives. */
export interface ReasoningOptions {
  readonly effort?: ReasoningEffortLevel;
  /** Reasoning summary; leave out for none. */
  readonly summary?: 'auto' | 'concise' | 'detailed';
  /** Which earlier reasoning the model sees. */
  readonly context?: 'auto' | 'current_turn' | 'all_turns';
  /** Reasoning mode of models that offer several (`standard`, `pro`). */
  readonly mode?: 'standard' | 'pro' | (string & {});
}

/** JSON mode: the final message is some JSON object (prefer a `json_schema` format). */
export interface JsonObjectOutputFormat {
  readonly type: 'json_object';
}

/** The `text` object of a request; set fields replace what the turn context and the prompt give. */
export interface TextOptions {
  /** Length and detail of the answer. */
  readonly verbosity?: 'low' | 'medium' | 'high';
  /** Output format; conflicts with `Prompt.outputSchema` (set one of them). */
  readonly format?: TextOutputFormat | JsonSchemaOutputFormat | JsonObjectOutputFormat;
}

/** One entry of `context_management`: server-side compaction past `compact_threshold` tokens. */
export interface ContextManagementEntry {
  readonly type: 'compaction' | (string & {});
  /** In tokens; at least 1000. */
  readonly compact_threshold?: number;
}

/** A stored prompt template, with values for its variables. */
export interface PromptTemplateReference {
  readonly id: string;
  readonly version?: string;
  readonly variables?: Readonly<Record<string, string | InputTextContent | InputImageContent | InputFileContent>>;
}

/** Moderation of the input and output of the response. */
export interface ModerationOptions {
  readonly model: string;
  readonly policy?: {
    readonly input?: { readonly mode: 'score' | 'block' };
    readonly output?: { readonly mode: 'score' | 'block' };
  };
}

/** Prompt-cache behaviour beyond the retention policy. */
export interface PromptCacheOptions {
  readonly mode?: 'implicit' | 'explicit';
  /** Minimum lifetime of cached prefixes. */
  readonly ttl?: '30m' | '12h';
  readonly prewarm?: boolean;
  readonly comparison_response_id?: string;
}

/**
 * Fields of the `POST /responses` body that the caller sets, under their wire names and typed as
 * the API reads them (`Prompt.options`). The fields the client owns are not here: `model`
 * (`TurnContext.model`), `instructions`, `input`, `tools`, `tool_choice` and
 * `parallel_tool_calls` (`Prompt`), `stream` and `previous_response_id` (the client's choice).
 *
 * Lifetime: these are settings of one request, like the rest of the `Prompt`; a turn loop that
 * keeps them fixed passes the same object every time. Compaction and memory-trace summaries do
 * not send them. They are non-input fields: changing any of them between two requests makes the
 * next WebSocket request a full one (never a `previous_response_id` continuation).
 *
 * `undefined` (or a missing key) sends nothing and leaves the API default, except where the
 * client has its own default (noted per field).
 */
export interface RequestOptions {
  /** Upper bound of generated tokens, reasoning tokens included (an integer of at least 16). */
  readonly max_output_tokens?: number;
  /** Sampling temperature, 0 to 2. */
  readonly temperature?: number;
  /** Nucleus sampling mass, 0 to 1. */
  readonly top_p?: number;
  /** Alternatives reported per output token, 0 to 20 (with `include: ["message.output_text.logprobs"]`). */
  readonly top_logprobs?: number;
  /** Upper bound of built-in tool calls in the response (a positive integer). */
  readonly max_tool_calls?: number;
  /** At most 16 pairs; keys up to 64 characters, values up to 512. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Whether the server stores the response. Client default: `false`. */
  readonly store?: boolean;
  /** `auto` drops the oldest items when the input exceeds the context window; `disabled` fails instead. */
  readonly truncation?: 'auto' | 'disabled';
  /** A stable, hashed id of the end user (at most 128 characters), for abuse detection. */
  readonly safety_identifier?: string;
  /** Deprecated by the API in favour of `safety_identifier` and `prompt_cache_key`. */
  readonly user?: string;
  /** Replaces the client's prompt cache key (default: the session's conversation id). */
  readonly prompt_cache_key?: string;
  /** Maximum retention of cached prefixes. */
  readonly prompt_cache_retention?: 'in_memory' | '24h';
  readonly prompt_cache_options?: PromptCacheOptions;
  /**
   * Added to what the client includes itself (`reasoning.encrypted_content` whenever reasoning
   * is sent); duplicates are sent once.
   */
  readonly include?: readonly ResponseIncludable[];
  /** Replaces, field by field, the `text` the client builds (verbosity of the turn, `Prompt.outputSchema`). */
  readonly text?: TextOptions;
  /**
   * Replaces, field by field, the `reasoning` the client builds from the turn context. Sent even
   * when the model's capabilities say it has no reasoning (the explicit value wins).
   */
  readonly reasoning?: ReasoningOptions;
  /** Server-side compaction; conflicts with `Prompt.compactThreshold` (set one of them). */
  readonly context_management?: readonly ContextManagementEntry[];
  /**
   * A stored conversation (its id, or `{ id }`): the server prepends its items and appends this
   * response's. The API does not combine it with `previous_response_id`, so every WebSocket
   * request that names a conversation is a full one.
   */
  readonly conversation?: string | { readonly id: string };
  /**
   * Run the response in the background. The WebSocket mode does not support it, so a request
   * with `background: true` always goes over HTTP (on a WebSocket session too; the socket and
   * its continuation state are left alone). Aborting the stream stops reading, not the response.
   */
  readonly background?: boolean;
  /** Replaces `TurnContext.serviceTier` for this request. */
  readonly service_tier?: ServiceTier;
  /** `include_obfuscation: false` drops the padding the server adds to delta events. */
  readonly stream_options?: { readonly include_obfuscation?: boolean };
  /** A stored prompt template. */
  readonly prompt?: PromptTemplateReference;
  /** Moderation of input and output. */
  readonly moderation?: ModerationOptions;
  /** Image input handling. */
  readonly image?: { readonly context_compression?: 'auto' | 'enabled' | 'disabled' };
  /** Domain-specific access programs. */
  readonly access_programs?: { readonly cyber?: 'standard' | 'daybreak_blue' | 'daybreak_red' };
  /**
   * Further body fields, sent as given (JSON values), for fields newer than this version. A key
   * that is typed above, or that the client owns (`model`, `input`, `stream`, …), is rejected
   * with an `InvalidArgumentError`: set the typed field instead.
   */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}
