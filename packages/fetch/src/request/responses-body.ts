import { REQUEST_OPTION_NAMES, type ModelInfo, type Prompt, type RequestOptions, type ResponseInputItem, type ToolChoice, type ToolSpec } from '@modelwire/client';

/** The typed request options of `@modelwire/client`: body fields under these names go to `Prompt.options` as they are. */
const TYPED_OPTIONS: ReadonlySet<string> = new Set(REQUEST_OPTION_NAMES);

/** Body fields that become `Prompt` fields or the model, not options. */
const PROMPT_FIELDS: ReadonlySet<string> = new Set(['model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'stream']);

/**
 * Body fields that a request served through the `ModelClient` cannot carry: the client owns
 * `previous_response_id` (it continues responses itself), and the WebSocket-only fields have no
 * meaning in an HTTP body (the API refuses them there).
 */
const UNSERVABLE_FIELDS: ReadonlySet<string> = new Set(['previous_response_id', 'type', 'client_metadata', 'generate', 'stream_id']);

/**
 * A `POST /responses` body (as an SDK sends it) turned into what a `ModelClientSession` takes:
 * the prompt (input, instructions, tools, every other field as a request option), the model,
 * and whether the caller asked for a stream.
 */
export interface ResponsesBodyRequest {
  /** The prompt: the body's full input and settings. */
  readonly prompt: Prompt & { readonly input: readonly ResponseInputItem[] };
  /** The `model` slug. */
  readonly model: string;
  /** `stream: true` in the body: the caller wants SSE; otherwise the JSON response. */
  readonly stream: boolean;
}

/** Why a body cannot be served through the client (the request then goes to the API unchanged). */
export type UnservableReason =
  /** The body is not a JSON object. */
  | 'not_json'
  /** No string `model` (a stored prompt template without one, say). */
  | 'no_model'
  /** `input` is neither a string nor an array of objects. */
  | 'invalid_input'
  /** The caller continues a response itself (`previous_response_id`). */
  | 'previous_response_id'
  /** A background response: polled over HTTP, nothing a session transport can add. */
  | 'background'
  /** A field only the WebSocket mode knows (`type`, `generate`, `stream_id`, `client_metadata`). */
  | 'websocket_field'
  /** `instructions`, `tools`, `tool_choice` or `parallel_tool_calls` of the wrong JSON type. */
  | 'invalid_field';

/** The outcome of {@link requestFromResponsesBody}. */
export type ResponsesBodyResult = { readonly ok: true; readonly request: ResponsesBodyRequest } | { readonly ok: false; readonly reason: UnservableReason };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a `POST {base}/responses` body (parsed JSON) into a prompt for `ModelClientSession.stream`,
 * keeping what the caller asked for:
 *
 * - `input` (a string or the full item array), `instructions` (`''` when absent: the client
 *   always sends the field), `tools` (`[]` when absent), `tool_choice`, `parallel_tool_calls`
 *   (`true` when absent, the API's default) become the prompt's fields; `model` the model slug.
 * - Every other field goes to `Prompt.options` under its wire name: the typed options of
 *   `@modelwire/client` as they are, the rest in `extraBody`. A `null` field is left out (the
 *   API reads `null` as unset).
 * - `store` is `true` when the body leaves it out, as on the API (the client's own default is
 *   `false`): an SDK that relies on stored responses (item references, `responses.retrieve`)
 *   keeps working.
 *
 * Not servable (the caller sends such a request to the API unchanged): a body that is not a
 * JSON object, has no string `model`, names its own `previous_response_id`, asks for a
 * `background` response, carries a WebSocket-only field, or has a prompt field of the wrong type.
 * Values the client's validation refuses are found when the prompt is streamed
 * (`InvalidArgumentError`).
 */
export function requestFromResponsesBody(body: unknown): ResponsesBodyResult {
  if (!isRecord(body)) return { ok: false, reason: 'not_json' };
  const model = body['model'];
  if (typeof model !== 'string' || model.length === 0) return { ok: false, reason: 'no_model' };
  for (const field of UNSERVABLE_FIELDS) {
    if (body[field] !== undefined && body[field] !== null) return { ok: false, reason: field === 'previous_response_id' ? 'previous_response_id' : 'websocket_field' };
  }
  if (body['background'] === true) return { ok: false, reason: 'background' };
  const input = body['input'];
  if (typeof input !== 'string' && !(Array.isArray(input) && input.every(isRecord))) return { ok: false, reason: 'invalid_input' };
  const instructions = body['instructions'] ?? '';
  const tools = body['tools'] ?? [];
  const parallelToolCalls = body['parallel_tool_calls'] ?? true;
  const toolChoice = body['tool_choice'] ?? undefined;
  if (typeof instructions !== 'string' || !Array.isArray(tools) || !tools.every(isRecord) || typeof parallelToolCalls !== 'boolean') return { ok: false, reason: 'invalid_field' };
  if (toolChoice !== undefined && typeof toolChoice !== 'string' && !isRecord(toolChoice)) return { ok: false, reason: 'invalid_field' };
  const options: Record<string, unknown> = {};
  const extraBody: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined || PROMPT_FIELDS.has(key) || UNSERVABLE_FIELDS.has(key)) continue;
    if (TYPED_OPTIONS.has(key)) options[key] = value;
    else extraBody[key] = value;
  }
  options['store'] ??= true;
  if (Object.keys(extraBody).length > 0) options['extraBody'] = extraBody;
  const prompt = {
    input: typeof input === 'string' ? [{ role: 'user', content: input }] : (input as unknown as ResponseInputItem[]),
    instructions,
    tools: tools as ToolSpec[],
    parallelToolCalls,
    ...(toolChoice === undefined ? {} : { toolChoice: toolChoice as ToolChoice }),
    options: options as RequestOptions,
  } satisfies ResponsesBodyRequest['prompt'];
  return { ok: true, request: { prompt, model, stream: body['stream'] === true } };
}

/**
 * The `ModelInfo` the adapter streams a body's request with: no capabilities, so the client
 * adds neither `reasoning` nor `text.verbosity` of its own; the body's `reasoning` and `text`
 * travel as request options and are sent as given.
 */
export function passThroughModelInfo(slug: string): ModelInfo {
  return { slug, supportsReasoning: false, supportsVerbosity: false, contextWindow: null };
}
