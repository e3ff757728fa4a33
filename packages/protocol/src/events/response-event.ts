import type { ErrorClassification } from '../errors/error-classification.js';
import type { RateLimitSnapshot } from '../rate-limits/rate-limit-snapshot.js';
import type { ResponseItem } from '../items/response-item.js';

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
 * What the client reports to its caller, independent of the transport (HTTP/SSE or
 * WebSocket). Produced by `mapStreamEvent` from decoded stream events and by
 * `responseEventsFromHeaders` from response headers. Discriminated by `type`.
 */
export type ResponseEvent =
  /** The server accepted the request (`response.created`). */
  | { readonly type: 'created'; readonly responseId: string }
  /** An output item started; `item` may still be partial. */
  | { readonly type: 'output_item_added'; readonly outputIndex: number; readonly item: ResponseItem }
  /** An output item is final: this is the item to commit to history. */
  | { readonly type: 'output_item_done'; readonly outputIndex: number; readonly item: ResponseItem }
  /** A piece of assistant text. */
  | { readonly type: 'output_text_delta'; readonly itemId: string; readonly outputIndex: number; readonly contentIndex: number; readonly delta: string }
  /** A piece of a reasoning summary. */
  | { readonly type: 'reasoning_summary_delta'; readonly itemId: string; readonly outputIndex: number; readonly summaryIndex: number; readonly delta: string }
  /** A piece of raw reasoning text. */
  | { readonly type: 'reasoning_content_delta'; readonly itemId: string; readonly outputIndex: number; readonly contentIndex: number; readonly delta: string }
  /** A new reasoning summary section starts (a UI shows a section break). */
  | { readonly type: 'reasoning_summary_part_added'; readonly itemId: string; readonly outputIndex: number; readonly summaryIndex: number }
  /** A piece of a tool call's input: JSON arguments of a function call, or the text input of a custom tool call. */
  | { readonly type: 'tool_call_input_delta'; readonly toolKind: 'function' | 'custom'; readonly itemId: string; readonly outputIndex: number; readonly delta: string }
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
