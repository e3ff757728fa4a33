import { noopClientTelemetry, type ClientTelemetry, type ModelClient, type RawResponseEvent, type TurnMetadata } from '@modelwire/client';
import { finishLease, linkedAbortController, requestFromResponsesBody, ResponseRelay, runAttempts, type AttemptContext, type AttemptOutcome, type ResponsesBodyResult, type SessionTurns } from '@modelwire/fetch';
import type OpenAI from 'openai';
import { APIUserAbortError } from 'openai';
import { EventQueue } from './event-queue.js';
import { failureError, streamFailureError } from './api-errors.js';

/** The options `OpenAIResponsesModel` passes with `responses.create` (the rest of openai-node's are ignored). */
export interface ResponsesCreateOptions {
  readonly signal?: AbortSignal | null;
}

/** A Responses body as `OpenAIResponsesModel` builds it (the JSON object it would send). */
export type ResponsesCreateBody = Readonly<Record<string, unknown>>;

/** What {@link SessionResponses.create} resolves with: the event stream, the response, or the pass-through client's answer. */
export type ResponsesCreateResult = AsyncIterable<RawResponseEvent> | Record<string, unknown>;

/** What {@link SessionResponses} needs from its owner. */
export interface SessionResponsesOptions {
  readonly client: ModelClient;
  readonly turns: SessionTurns;
  /** The telemetry of a turn (called per request with the turn's metadata). */
  readonly telemetryFor?: (turn: TurnMetadata) => ClientTelemetry;
  /**
   * The OpenAI client a request the session cannot serve goes to, unchanged (see
   * {@link SessionResponses.create}); called when the first such request comes.
   */
  readonly passThrough: () => OpenAI;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The `responses.create` of an OpenAI client, served by a session-scoped `ModelClient` without
 * HTTP: the body object becomes the client's prompt as it is, and the events the client
 * receives come back as the objects openai-node would have parsed from the API's SSE. This is
 * what `OpenAIResponsesModel` of `@openai/agents` calls, so the SDK builds its requests and reads
 * the answers exactly as over its own HTTP path (item conversion, tools, settings, usage,
 * tracing), while the wire is the session's.
 *
 * - **Served** (`ModelClient`): a body with a `model`, through the conversation and turn
 *   `SessionTurns` finds for its input (continuation decided by the client: only the new items
 *   go out on the session's socket). A body naming `previous_response_id` is served when that
 *   response is the last of a conversation the session follows: the request then carries that
 *   conversation's items plus the new ones, and the client continues the same response on the
 *   wire.
 * - **Passed through** (to the `passThrough` client, the SDK's own HTTP path): a
 *   `previous_response_id` the session does not know, `background: true`, a body the client's
 *   validation refuses (the API then answers with its own error), and the other bodies
 *   `requestFromResponsesBody` cannot serve.
 * - **Streamed** (`stream: true`): resolves once the first event arrives with an async
 *   iterable of the events as the API sends them over HTTP (WebSocket-only events left out,
 *   `sequence_number` from 0, one `response.created` when a request was sent again after a
 *   failure before any output). An `error` event after output throws `APIError`, as
 *   openai-node does; a connection cut after output throws `TypeError('terminated')` with the
 *   Modelwire error as `cause`, as a cut HTTP body does; the signal's abort ends the iteration
 *   quietly, as openai-node's stream does.
 * - **Not streamed**: the final response object (`response.completed`'s or
 *   `response.incomplete`'s `response`).
 * - **Failures before any event** reject with the error openai-node raises for the API's answer
 *   (`BadRequestError`, `RateLimitError`, … with the API's status, error body and retry
 *   headers; `APIConnectionError` when no server answered; `APIUserAbortError` on abort).
 */
export class SessionResponses {
  readonly #client: ModelClient;
  readonly #turns: SessionTurns;
  readonly #telemetryFor: (turn: TurnMetadata) => ClientTelemetry;
  readonly #passThrough: () => OpenAI;
  #passThroughClient: OpenAI | null = null;

  constructor(options: SessionResponsesOptions) {
    this.#client = options.client;
    this.#turns = options.turns;
    this.#telemetryFor = options.telemetryFor ?? (() => noopClientTelemetry);
    this.#passThrough = options.passThrough;
  }

  /** `responses.create(body, { signal })`, served as described on the class. */
  async create(body: ResponsesCreateBody, options: ResponsesCreateOptions = {}): Promise<ResponsesCreateResult> {
    const outcome = this.#servable(body);
    if (!outcome.ok) return this.#passOn(body, options);
    const request = outcome.request;
    // Throws the client's `ClosedError` once it is closed.
    const lease = this.#turns.begin(request.prompt.input);
    const context = {
      client: this.#client,
      request: { ...request, prompt: { ...request.prompt, input: lease.input } },
      lease,
      telemetry: this.#telemetryFor(lease.turnMetadata),
    };
    const signal = options.signal ?? undefined;
    const passOn = (): Promise<ResponsesCreateResult> => this.#passOn(body, options);
    return request.stream ? streamed(context, signal, passOn) : buffered(context, signal, passOn);
  }

  /** The body as a prompt; a `previous_response_id` of a followed conversation becomes that conversation's items. */
  #servable(body: ResponsesCreateBody): ResponsesBodyResult {
    const outcome = requestFromResponsesBody(body);
    const previous = body['previous_response_id'];
    if (outcome.ok || outcome.reason !== 'previous_response_id' || typeof previous !== 'string') return outcome;
    const history = this.#turns.historyBefore(previous);
    if (history === null) return outcome;
    const input = body['input'];
    const added: unknown[] = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
    return requestFromResponsesBody({ ...body, previous_response_id: undefined, input: [...history, ...added] });
  }

  #passOn(body: ResponsesCreateBody, options: ResponsesCreateOptions): Promise<ResponsesCreateResult> {
    this.#passThroughClient ??= this.#passThrough();
    const params = body as unknown as OpenAI.Responses.ResponseCreateParams;
    return Promise.resolve(this.#passThroughClient.responses.create(params, options.signal ? { signal: options.signal } : {})) as unknown as Promise<ResponsesCreateResult>;
  }
}

/** Attaches the request id as openai-node does (`_request_id`, not enumerable). */
function withRequestId<T extends object>(value: T, requestId: string | undefined): T {
  if (requestId !== undefined && !Object.hasOwn(value, '_request_id')) Object.defineProperty(value, '_request_id', { value: requestId, enumerable: false });
  return value;
}

async function buffered(context: AttemptContext, signal: AbortSignal | undefined, passOn: () => Promise<ResponsesCreateResult>): Promise<ResponsesCreateResult> {
  const relay = new ResponseRelay(null);
  const { controller, dispose } = linkedAbortController(signal);
  let outcome: AttemptOutcome;
  try {
    outcome = await runAttempts(context, relay, controller.signal, context.request.prompt);
  } finally {
    dispose();
  }
  finishLease(context.lease, outcome);
  if (outcome.kind === 'refused') return passOn();
  if (controller.signal.aborted) throw new APIUserAbortError();
  const answer = relay.answer;
  if (outcome.kind !== 'failed' && answer !== null && isRecord(answer['response'])) {
    return withRequestId({ ...answer['response'] }, relay.headers['x-request-id']);
  }
  throw failureError(outcome.kind === 'failed' ? outcome : { error: new Error('the response ended without an answer'), retried: false }, relay.heldFailure);
}

function streamed(context: AttemptContext, signal: AbortSignal | undefined, passOn: () => Promise<ResponsesCreateResult>): Promise<ResponsesCreateResult> {
  const { controller: abort, dispose } = linkedAbortController(signal);
  const queue = new EventQueue<RawResponseEvent>(() => abort.abort(new APIUserAbortError()));
  return new Promise<ResponsesCreateResult>((resolve, reject) => {
    const relay = new ResponseRelay({ event: (event) => queue.push(event), ready: () => queue.ready() }, () => resolve(eventsOf(queue, relay)));
    void runAttempts(context, relay, abort.signal, context.request.prompt).then(
      (outcome) => {
        dispose();
        finishLease(context.lease, outcome);
        if (outcome.kind === 'refused') {
          passOn().then(resolve, reject);
          return;
        }
        if (abort.signal.aborted) {
          // openai-node's stream ends quietly on its own signal; before any event the call rejects.
          if (relay.started) queue.end();
          else reject(new APIUserAbortError());
          return;
        }
        if (outcome.kind !== 'failed') {
          if (relay.started) queue.end();
          else reject(failureError({ error: new Error('the response ended without an event'), retried: false }, null));
          return;
        }
        if (relay.started) {
          // Started, no output yet: the failure the server sent is what the API would have streamed.
          if (relay.writeHeld()) queue.end();
          else queue.end(new TypeError('terminated', { cause: outcome.error }));
          return;
        }
        reject(failureError(outcome, relay.heldFailure));
      },
      (unexpected: unknown) => {
        // Not a request failure (those are outcomes): a bug. Nothing may hang on it.
        dispose();
        context.lease.release();
        if (relay.started) queue.end(unexpected);
        else reject(unexpected);
      },
    );
  });
}

/** Terminal events whose `response` carries the request id, as openai-node attaches it. */
const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * The queued events as openai-node's stream yields them: an `error` event throws, and the
 * terminal event's `response` carries the request id (`_request_id`, from the WebSocket's
 * `response.metadata`), as the SDK attaches the `x-request-id` header's over HTTP.
 */
async function* eventsOf(queue: EventQueue<RawResponseEvent>, relay: ResponseRelay): AsyncGenerator<RawResponseEvent> {
  for await (const event of queue) {
    if (event.type === 'error') throw streamFailureError(event, relay.headers);
    const response = event['response'];
    if (TERMINAL_EVENT_TYPES.has(event.type) && isRecord(response)) withRequestId(response, relay.headers['x-request-id']);
    yield event;
  }
}
