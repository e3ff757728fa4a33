import type { ErrorClassification } from '../errors/error-classification.js';
import type { OutputMessageContent, OutputTextAnnotation } from '../items/content-parts.js';
import type { ReasoningText } from '../items/context-items.js';
import type { ResponseItem } from '../items/response-item.js';
import type { ShellCommandOutput } from '../items/shell-items.js';
import type { RateLimitSnapshot } from '../rate-limits/rate-limit-snapshot.js';

/** Token usage of a completed response, in tokens (camelCase, details flattened). */
export interface ResponseUsage {
  /** Tokens of the whole input, cached ones included. */
  readonly inputTokens: number;
  /** Input tokens served from the prompt cache (0 when not reported). */
  readonly cachedInputTokens: number;
  /** Tokens generated, reasoning included. */
  readonly outputTokens: number;
  /** Output tokens spent on reasoning (0 when not reported). */
  readonly reasoningOutputTokens: number;
  /** Input plus output tokens. */
  readonly totalTokens: number;
}

/**
 * Whose input a `tool_call_input_delta` / `tool_call_input_done` streams: the JSON arguments of a
 * `function_call` or an `mcp_call`, the text input of a `custom_tool_call`, the code of a
 * `code_interpreter_call`, the diff of an `apply_patch_call` operation.
 */
export type ToolInputKind = 'function' | 'custom' | 'mcp' | 'code_interpreter' | 'apply_patch';

/**
 * The built-in (server-side) tool a `hosted_tool_progress` event reports on. `mcp_list_tools` is
 * the server listing an MCP server's tools; `compaction` is server-side compaction producing its
 * `compaction` item.
 */
export type HostedToolKind = 'web_search' | 'file_search' | 'code_interpreter' | 'image_generation' | 'mcp_call' | 'mcp_list_tools' | 'compaction';

/**
 * The progress a `hosted_tool_progress` event reports: `in_progress` (the call started), then
 * `searching` (web and file search), `interpreting` (code interpreter), `generating` (image
 * generation) or `compacting`, and `completed` or `failed` (MCP only).
 */
export type HostedToolStatus = 'in_progress' | 'searching' | 'interpreting' | 'generating' | 'compacting' | 'completed' | 'failed';

/** Where a piece of an output item's content belongs. */
interface ContentLocation {
  /** The output item's id (`msg_…`, `rs_…`). */
  readonly itemId: string;
  /** The item's position in the response output. */
  readonly outputIndex: number;
  /** The content part's position in the item. */
  readonly contentIndex: number;
}

/** Where a piece of a reasoning summary belongs. */
interface SummaryLocation {
  readonly itemId: string;
  readonly outputIndex: number;
  /** The summary part's position in the reasoning item. */
  readonly summaryIndex: number;
}

/** Where a shell command belongs: the `shell_call` item's position and the command's. */
interface ShellCommandLocation {
  readonly outputIndex: number;
  /** The command's position in the call. */
  readonly commandIndex: number;
}

/**
 * What the client reports to its caller, independent of the transport (HTTP/SSE or
 * WebSocket). Produced by `mapStreamEvent` from decoded stream events and by
 * `responseEventsFromHeaders` from response headers. Discriminated by `type`.
 *
 * Every member of the API's stream event union has its event here except `response.in_progress`
 * (it repeats `response.created`'s snapshot); terminal failures (`error`, `response.failed`,
 * `response.incomplete`) become `failed`, which `ResponseStream` turns into the typed error it
 * throws. `STREAM_EVENT_COVERAGE` lists the mapping type by type. Events of a type this version
 * does not know arrive as `unknown`.
 */
export type ResponseEvent =
  /** The server accepted the request (`response.created`). */
  | { readonly type: 'created'; readonly responseId: string }
  /** The request waits in the server's queue (`response.queued`, background requests). */
  | { readonly type: 'queued'; readonly responseId: string }
  /** An output item started; `item` may still be partial. */
  | { readonly type: 'output_item_added'; readonly outputIndex: number; readonly item: ResponseItem }
  /** An output item is final: this is the item to commit to history. */
  | { readonly type: 'output_item_done'; readonly outputIndex: number; readonly item: ResponseItem }
  /** A content part of a message (text or refusal) or of reasoning (raw text) starts; `part` is its empty first form. */
  | ({ readonly type: 'content_part_added'; readonly part: OutputMessageContent | ReasoningText } & ContentLocation)
  /** A content part is final (text parts carry their annotations). */
  | ({ readonly type: 'content_part_done'; readonly part: OutputMessageContent | ReasoningText } & ContentLocation)
  /** A piece of assistant text. */
  | ({ readonly type: 'output_text_delta'; readonly delta: string } & ContentLocation)
  /** The whole text of an assistant text part. */
  | ({ readonly type: 'output_text_done'; readonly text: string } & ContentLocation)
  /**
   * A citation or file path attached to an assistant text part while it streams (web search,
   * file search, code interpreter files). `annotationIndex` counts the part's annotations;
   * `annotation` is the wire object, typed as the API documents it (compatible servers may
   * leave fields out: xAI's `url_citation` carries only `url`); `null` when the server sent none.
   */
  | ({ readonly type: 'output_text_annotation_added'; readonly annotationIndex: number; readonly annotation: OutputTextAnnotation | null } & ContentLocation)
  /** A piece of a refusal (the model declines; the part is a `refusal`, not text). */
  | ({ readonly type: 'refusal_delta'; readonly delta: string } & ContentLocation)
  /** The whole refusal. */
  | ({ readonly type: 'refusal_done'; readonly refusal: string } & ContentLocation)
  /** A piece of a reasoning summary. */
  | ({ readonly type: 'reasoning_summary_delta'; readonly delta: string } & SummaryLocation)
  /** The whole text of a reasoning summary part. */
  | ({ readonly type: 'reasoning_summary_done'; readonly text: string } & SummaryLocation)
  /** A new reasoning summary section starts (a UI shows a section break). */
  | ({ readonly type: 'reasoning_summary_part_added' } & SummaryLocation)
  /** A reasoning summary section is final. */
  | ({ readonly type: 'reasoning_summary_part_done'; readonly text: string } & SummaryLocation)
  /** A piece of raw reasoning text (models that expose it). */
  | ({ readonly type: 'reasoning_content_delta'; readonly delta: string } & ContentLocation)
  /** The whole raw reasoning text of a content part. */
  | ({ readonly type: 'reasoning_content_done'; readonly text: string } & ContentLocation)
  /** A piece of a tool call's input (see {@link ToolInputKind}). */
  | { readonly type: 'tool_call_input_delta'; readonly toolKind: ToolInputKind; readonly itemId: string; readonly outputIndex: number; readonly delta: string }
  /** A tool call's whole input (arguments, input text, code or diff). */
  | { readonly type: 'tool_call_input_done'; readonly toolKind: ToolInputKind; readonly itemId: string; readonly outputIndex: number; readonly input: string }
  /** A built-in tool call (run by the server) made progress; its result arrives as the item's `output_item_done`. */
  | { readonly type: 'hosted_tool_progress'; readonly tool: HostedToolKind; readonly status: HostedToolStatus; readonly itemId: string; readonly outputIndex: number }
  /**
   * A preview of an image being generated: base64 image data (`imageBase64`) in the format the
   * tool asked for. `partialImageIndex` counts the previews from 0. The optional fields echo the
   * tool's settings when the server sends them.
   */
  | {
      readonly type: 'image_generation_partial_image';
      readonly itemId: string;
      readonly outputIndex: number;
      readonly partialImageIndex: number;
      readonly imageBase64: string;
      readonly outputFormat?: string;
      readonly size?: string;
      readonly quality?: string;
      readonly background?: string;
    }
  /** A command of a `shell_call` starts (`command` is usually empty). */
  | ({ readonly type: 'shell_command_added'; readonly command: string } & ShellCommandLocation)
  /** A piece of a shell command. */
  | ({ readonly type: 'shell_command_delta'; readonly delta: string } & ShellCommandLocation)
  /** A shell command is complete. */
  | ({ readonly type: 'shell_command_done'; readonly command: string } & ShellCommandLocation)
  /** Pieces of a command's output, run by the server's container (`''` when the piece has none). */
  | ({ readonly type: 'shell_output_delta'; readonly itemId: string; readonly stdout: string; readonly stderr: string } & ShellCommandLocation)
  /** A command's whole output and how it ended, run by the server's container. */
  | ({ readonly type: 'shell_output_done'; readonly itemId: string; readonly output: readonly ShellCommandOutput[] } & ShellCommandLocation)
  /** A piece of the audio answer, base64-encoded audio bytes. */
  | { readonly type: 'audio_delta'; readonly delta: string }
  /** The audio answer is complete. */
  | { readonly type: 'audio_done' }
  /** A piece of the audio answer's transcript. */
  | { readonly type: 'audio_transcript_delta'; readonly delta: string }
  /** The audio transcript is complete. */
  | { readonly type: 'audio_transcript_done' }
  /**
   * An event of a type this version does not know (a newer API event, a provider's own), passed
   * through: `originalType` is its JSON `type`, `payload` the decoded object, unchanged. It
   * carries no response output, and a stream of only such events shows no response progress.
   */
  | { readonly type: 'unknown'; readonly originalType: string; readonly payload: Readonly<Record<string, unknown>> }
  /** The account's rate-limit state (headers or `codex.rate_limits`). */
  | { readonly type: 'rate_limits'; readonly snapshot: RateLimitSnapshot }
  /** The model that actually serves the request (`openai-model`). */
  | { readonly type: 'server_model'; readonly model: string }
  /** The version tag of the server's model list (`x-models-etag`); refetch the list when it changes. */
  | { readonly type: 'models_etag'; readonly etag: string }
  /** The sticky-routing token of this turn (`x-codex-turn-state`); the first value of a turn wins. */
  | { readonly type: 'turn_state'; readonly turnState: string }
  /** Whether the server already accounts for reasoning in the context (`x-reasoning-included`). */
  | { readonly type: 'reasoning_included'; readonly included: boolean }
  /** The response completed (success terminal). `usage` is `undefined` when the server sent none. */
  | { readonly type: 'completed'; readonly responseId: string; readonly usage: ResponseUsage | undefined }
  /** The response ended in failure (`error`, `response.failed`, `response.incomplete`): terminal. */
  | { readonly type: 'failed'; readonly error: ErrorClassification };

/** The `type` of a {@link ResponseEvent}. */
export type ResponseEventType = ResponseEvent['type'];

/** The {@link ResponseEvent} with the given `type`. */
export type ResponseEventOf<T extends ResponseEventType> = Extract<ResponseEvent, { readonly type: T }>;
