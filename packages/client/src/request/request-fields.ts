import { InvalidArgumentError } from '@modelwire/errors';
import type { Prompt } from '../types/prompt.js';
import type { RequestOptions } from '../types/request-options.js';
import type { TurnContext, Verbosity } from '../types/turn-context.js';

/**
 * The non-input fields of a Responses request (PROTOCOL §1): everything except `input`,
 * `stream`, `previous_response_id` and the WebSocket-only `type`/`client_metadata`/`generate`.
 * These are the fields whose equality incremental continuation requires: every one of them,
 * the caller's request options and `extraBody` included, is part of the continuation check.
 */
export interface RequestFields extends Omit<RequestOptions, 'extraBody' | 'store' | 'include' | 'prompt_cache_key' | 'text' | 'reasoning' | 'service_tier'> {
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
  /**
   * For models that support reasoning (`effort`/`summary` omitted when unset/`"none"`), merged
   * with `options.reasoning`; present for any model when the options set it.
   */
  readonly reasoning?: Readonly<Record<string, unknown>>;
  /** `["reasoning.encrypted_content"]` with reasoning (needed with `store:false`), then `options.include`. */
  readonly include: readonly string[];
  /** `false` unless `options.store` asks for storage. */
  readonly store: boolean;
  /** `options.service_tier`, else `TurnContext.serviceTier`; absent when neither is set. */
  readonly service_tier?: string;
  /** `options.prompt_cache_key`, else the conversation id (requests of one conversation share the cache). */
  readonly prompt_cache_key: string;
  /** Verbosity (supported models only), the structured-output format and `options.text`; absent when none. */
  readonly text?: Readonly<Record<string, unknown>>;
  /** `options.extraBody`, sent as given after the typed fields. */
  readonly [extraField: string]: unknown;
}

/** `include` value that asks for reasoning to come back encrypted (needed with `store:false`). */
export const INCLUDE_ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/**
 * Body fields the client owns or types: `extraBody` may not set them (the typed field, or the
 * client's own logic, decides them).
 */
const RESERVED_BODY_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'instructions',
  'input',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'stream',
  'previous_response_id',
  'type',
  'client_metadata',
  'generate',
  'stream_id',
]);

/**
 * The typed request option names: every key of {@link RequestOptions} but `extraBody`, that is
 * the body fields the client types and sends under their wire names (for callers that sort a
 * whole request body into options, such as an SDK adapter).
 */
export const REQUEST_OPTION_NAMES = [
  'max_output_tokens',
  'temperature',
  'top_p',
  'top_logprobs',
  'max_tool_calls',
  'metadata',
  'store',
  'truncation',
  'safety_identifier',
  'user',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'include',
  'text',
  'reasoning',
  'context_management',
  'conversation',
  'background',
  'service_tier',
  'stream_options',
  'prompt',
  'moderation',
  'image',
  'access_programs',
] as const satisfies readonly Exclude<keyof RequestOptions, 'extraBody'>[];

// Compile-time check: an option added to `RequestOptions` without being listed above fails the build.
const everyOptionListed: Exclude<keyof RequestOptions, (typeof REQUEST_OPTION_NAMES)[number] | 'extraBody'> extends never ? true : false = true;
void everyOptionListed;

const TYPED_OPTION_FIELDS: ReadonlySet<string> = new Set(REQUEST_OPTION_NAMES);

/**
 * Builds the non-input request fields from the prompt (and its options), the turn context and
 * the session's conversation id (the default prompt cache key).
 *
 * - `reasoning` (and `include: ["reasoning.encrypted_content"]`) only when the model supports
 *   reasoning or the options set it; `reasoning.summary` omitted for `"none"`, `effort` omitted
 *   for `null`; `options.reasoning` fields replace the turn's.
 * - `text.verbosity` only when the model supports verbosity and the turn (or, when the turn
 *   leaves it `undefined`, the session default `sessionVerbosity`) sets one; `text.format` as
 *   `json_schema` when the prompt has an output schema; `options.text` fields replace both.
 * - `store: false` unless the options say otherwise; settings are resent in full every time.
 *
 * @throws InvalidArgumentError when the options conflict with the prompt (`text.format` with
 *   `outputSchema`, `context_management` with `compactThreshold`) or `extraBody` sets a field
 *   that is typed or owned by the client.
 */
export function buildRequestFields(prompt: Prompt, turn: TurnContext, conversationId: string, sessionVerbosity?: Verbosity): RequestFields {
  checkShape(prompt, turn, conversationId);
  const { extraBody, store, include, prompt_cache_key: promptCacheKey, text: textOptions, reasoning: reasoningOptions, service_tier: serviceTier, ...options } =
    prompt.options ?? {};
  checkConflicts(prompt);
  const turnReasoning = turn.model.supportsReasoning
    ? {
        ...(turn.reasoningEffort === null ? {} : { effort: turn.reasoningEffort }),
        ...(turn.reasoningSummary === 'none' ? {} : { summary: turn.reasoningSummary }),
      }
    : undefined;
  const reasoning = reasoningOptions === undefined ? turnReasoning : { ...turnReasoning, ...reasoningOptions };
  // `null` on the turn means "none"; `undefined` falls back to the session default.
  const requested = turn.verbosity === undefined ? sessionVerbosity : turn.verbosity;
  const verbosity = turn.model.supportsVerbosity && requested ? requested : undefined;
  const schema = prompt.outputSchema ?? undefined;
  const derivedText = {
    ...(verbosity === undefined ? {} : { verbosity }),
    ...(schema === undefined ? {} : { format: { type: 'json_schema' as const, name: schema.name, schema: schema.schema, strict: schema.strict ?? true } }),
  };
  const text = textOptions === undefined ? derivedText : { ...derivedText, ...textOptions };
  const includes = new Set<string>(reasoning === undefined ? [] : [INCLUDE_ENCRYPTED_REASONING]);
  for (const entry of include ?? []) includes.add(entry);
  const tier = serviceTier ?? turn.serviceTier;
  return {
    ...extraFields(extraBody),
    ...options,
    model: turn.model.slug,
    instructions: prompt.instructions,
    tools: prompt.tools,
    tool_choice: prompt.toolChoice ?? 'auto',
    parallel_tool_calls: prompt.parallelToolCalls,
    ...(reasoning === undefined ? {} : { reasoning }),
    include: [...includes],
    store: store ?? false,
    ...(tier === undefined ? {} : { service_tier: tier }),
    prompt_cache_key: promptCacheKey ?? conversationId,
    ...(Object.keys(text).length === 0 ? {} : { text }),
    ...(prompt.compactThreshold === undefined
      ? {}
      : { context_management: [{ type: 'compaction' as const, compact_threshold: prompt.compactThreshold }] }),
  };
}

/**
 * The shape this building block reads (the full schemas run at `ModelClientSession.stream`):
 * a wrong value fails with an `InvalidArgumentError` naming it, not a `TypeError` from deep inside.
 */
function checkShape(prompt: Prompt, turn: TurnContext, conversationId: string): void {
  if (typeof prompt !== 'object' || prompt === null) throw new InvalidArgumentError({ path: 'prompt', message: 'must be an object' });
  if (prompt.options !== undefined && (typeof prompt.options !== 'object' || prompt.options === null)) throw new InvalidArgumentError({ path: 'prompt.options', message: 'must be an object' });
  if (typeof turn !== 'object' || turn === null) throw new InvalidArgumentError({ path: 'turnContext', message: 'must be an object' });
  if (typeof turn.model !== 'object' || turn.model === null || typeof turn.model.slug !== 'string' || turn.model.slug.length === 0) {
    throw new InvalidArgumentError({ path: 'turnContext.model.slug', message: 'must be a non-empty string' });
  }
  if (typeof conversationId !== 'string' || conversationId.length === 0) throw new InvalidArgumentError({ path: 'conversationId', message: 'must be a non-empty string' });
}

function checkConflicts(prompt: Prompt): void {
  if (prompt.compactThreshold !== undefined && (!Number.isInteger(prompt.compactThreshold) || prompt.compactThreshold < 1000)) {
    throw new InvalidArgumentError({ path: 'prompt.compactThreshold', message: 'must be an integer of at least 1000' });
  }
  const options = prompt.options;
  if (options === undefined) return;
  if (options.text?.format !== undefined && prompt.outputSchema != null) {
    throw new InvalidArgumentError({ path: 'prompt.options.text.format', message: 'conflicts with prompt.outputSchema; set one of them' });
  }
  if (options.context_management !== undefined && prompt.compactThreshold !== undefined) {
    throw new InvalidArgumentError({ path: 'prompt.options.context_management', message: 'conflicts with prompt.compactThreshold; set one of them' });
  }
}

function extraFields(extraBody: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> {
  if (extraBody === undefined) return {};
  for (const key of Object.keys(extraBody)) {
    if (RESERVED_BODY_FIELDS.has(key)) {
      throw new InvalidArgumentError({ path: `prompt.options.extraBody.${key}`, message: 'is set by the client and cannot be overridden' });
    }
    if (TYPED_OPTION_FIELDS.has(key)) {
      throw new InvalidArgumentError({ path: `prompt.options.extraBody.${key}`, message: `is a typed option: set prompt.options.${key} instead` });
    }
  }
  return extraBody;
}
