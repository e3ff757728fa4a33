import type { Prompt } from '../types/prompt.js';
import type { TurnContext, Verbosity } from '../types/turn-context.js';

/**
 * The non-input fields of a Responses request (PROTOCOL §1): everything except `input`,
 * `stream`, `previous_response_id` and the WebSocket-only `type`/`client_metadata`/`generate`.
 * These are the fields whose equality incremental continuation requires.
 */
export interface RequestFields {
  /** The model slug (`TurnContext.model.slug`). */
  readonly model: string;
  /** System instructions, resent on every request (never inherited). */
  readonly instructions: string;
  /** Tool definitions, as given in the prompt. */
  readonly tools: Prompt['tools'];
  /** `"auto"` unless the prompt sets one. */
  readonly tool_choice: NonNullable<Prompt['toolChoice']>;
  /** Whether the model may call several tools in one response. */
  readonly parallel_tool_calls: boolean;
  /** Present only for models that support reasoning; `effort`/`summary` omitted when unset/`"none"`. */
  readonly reasoning?: { readonly effort?: string; readonly summary?: string };
  /** `["reasoning.encrypted_content"]` with reasoning (needed with `store:false`), else `[]`. */
  readonly include: readonly string[];
  /** Always `false`: the client never asks the server to store responses. */
  readonly store: false;
  /** `TurnContext.serviceTier`, when set. */
  readonly service_tier?: string;
  /** The conversation id, so requests of one conversation share the prompt cache. */
  readonly prompt_cache_key: string;
  /** Verbosity (supported models only) and the structured-output format; absent when neither. */
  readonly text?: {
    readonly verbosity?: string;
    readonly format?: { readonly type: 'json_schema'; readonly name: string; readonly schema: unknown; readonly strict: boolean };
  };
  /** Server-side automatic compaction (`Prompt.compactThreshold`), when set. */
  readonly context_management?: readonly { readonly type: 'compaction'; readonly compact_threshold: number }[];
}

/** `include` value that asks for reasoning to come back encrypted (needed with `store:false`). */
export const INCLUDE_ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/**
 * Builds the non-input request fields from the prompt, the turn context and the session's
 * conversation id (the prompt cache key).
 *
 * - `reasoning` (and `include: ["reasoning.encrypted_content"]`) only when the model supports
 *   reasoning; `reasoning.summary` omitted for `"none"`, `effort` omitted for `null`.
 * - `text.verbosity` only when the model supports verbosity and the turn (or, when the turn
 *   leaves it `undefined`, the session default `sessionVerbosity`) sets one.
 * - `text.format` as `json_schema` when the prompt has an output schema.
 * - `store: false` always; settings are resent in full every time (never inherited).
 */
export function buildRequestFields(prompt: Prompt, turn: TurnContext, conversationId: string, sessionVerbosity?: Verbosity): RequestFields {
  const supportsReasoning = turn.model.supportsReasoning;
  const reasoning = supportsReasoning
    ? {
        ...(turn.reasoningEffort === null ? {} : { effort: turn.reasoningEffort }),
        ...(turn.reasoningSummary === 'none' ? {} : { summary: turn.reasoningSummary }),
      }
    : undefined;
  // `null` on the turn means "none"; `undefined` falls back to the session default.
  const requested = turn.verbosity === undefined ? sessionVerbosity : turn.verbosity;
  const verbosity = turn.model.supportsVerbosity && requested ? requested : undefined;
  const schema = prompt.outputSchema ?? undefined;
  const text =
    verbosity !== undefined || schema !== undefined
      ? {
          ...(verbosity === undefined ? {} : { verbosity }),
          ...(schema === undefined
            ? {}
            : { format: { type: 'json_schema' as const, name: schema.name, schema: schema.schema, strict: schema.strict ?? true } }),
        }
      : undefined;
  if (prompt.compactThreshold !== undefined && (!Number.isInteger(prompt.compactThreshold) || prompt.compactThreshold < 1000)) {
    throw new RangeError('prompt.compactThreshold must be an integer of at least 1000');
  }
  return {
    model: turn.model.slug,
    instructions: prompt.instructions,
    tools: prompt.tools,
    tool_choice: prompt.toolChoice ?? 'auto',
    parallel_tool_calls: prompt.parallelToolCalls,
    ...(reasoning === undefined ? {} : { reasoning }),
    include: reasoning === undefined ? [] : [INCLUDE_ENCRYPTED_REASONING],
    store: false,
    ...(turn.serviceTier === undefined ? {} : { service_tier: turn.serviceTier }),
    prompt_cache_key: conversationId,
    ...(text === undefined ? {} : { text }),
    ...(prompt.compactThreshold === undefined
      ? {}
      : { context_management: [{ type: 'compaction' as const, compact_threshold: prompt.compactThreshold }] }),
  };
}
