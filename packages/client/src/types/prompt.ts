import type { ResponseInput, ResponseItem } from '@modelwire/protocol';
import type { RequestOptions } from './request-options.js';

/** The item types come from `@modelwire/protocol` (one closed union, discriminated by `type`). */
export type { EasyInputMessage, ResponseInput, ResponseInputItem, ResponseItem } from '@modelwire/protocol';

/** A tool definition as sent in `tools` (function, custom, web_search, local_shell, …). */
export interface ToolSpec {
  /** The tool type, e.g. `"function"`. */
  readonly type: string;
  /** Every other field of the definition, as sent on the wire. */
  readonly [field: string]: unknown;
}

/** The hosted tools `tool_choice` can force by type. */
export type HostedToolType =
  | 'file_search'
  | 'web_search_preview'
  | 'web_search_preview_2025_03_11'
  | 'computer'
  | 'computer_use'
  | 'computer_use_preview'
  | 'image_generation'
  | 'code_interpreter'
  | 'mcp';

/**
 * `tool_choice`: `"auto"` (the model decides), `"none"`, `"required"` (some tool), or one tool
 * (a function or custom tool by name, a hosted tool by type, an MCP server's tool), or a subset
 * of the tools (`allowed_tools`).
 */
export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { readonly type: 'function'; readonly name: string }
  | { readonly type: 'custom'; readonly name: string }
  | { readonly type: HostedToolType }
  | { readonly type: 'mcp'; readonly server_label: string; readonly name?: string | null }
  | { readonly type: 'allowed_tools'; readonly mode: 'auto' | 'required'; readonly tools: readonly Readonly<Record<string, unknown>>[] }
  | { readonly type: 'apply_patch' }
  | { readonly type: 'shell' }
  | { readonly type: 'programmatic_tool_calling' };

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
  readonly input: ResponseInput;
  /** System instructions; sent on every request (they are never inherited). */
  readonly instructions: string;
  /** Tool definitions. An empty array sends `tools: []`. */
  readonly tools: readonly ToolSpec[];
  /** Whether the model may call several tools in one response. */
  readonly parallelToolCalls: boolean;
  /** `tool_choice`; default `"auto"`. */
  readonly toolChoice?: ToolChoice;
  /** Structured output for the final message; `null`/`undefined` means free text. */
  readonly outputSchema?: OutputSchema | null;
  /**
   * Server-side automatic compaction threshold in tokens (`context_management`); must be at
   * least 1000. `undefined` sends nothing.
   */
  readonly compactThreshold?: number;
  /**
   * Further fields of the request body (`max_output_tokens`, `temperature`, `metadata`,
   * `store`, `background`, …) under their wire names, plus `extraBody` for fields newer than
   * this version. See {@link RequestOptions}.
   */
  readonly options?: RequestOptions;
}

/** A prompt whose input is an item array (what the client works with after validation). */
export interface ResolvedPrompt extends Omit<Prompt, 'input'> {
  readonly input: readonly ResponseItem[];
}
