import type { ClientTelemetry, ModelClient, TurnContext } from '@modelwire/client';
import { passThroughModelInfo, type ResponsesBodyRequest } from '../request/responses-body.js';
import { ResponseRelay, type SseSink } from '../sse/response-relay.js';
import type { TurnLease } from '../turns/session-turns.js';
import { apiErrorAnswer } from './error-response.js';
import { linkedAbortController, streamAttempts, type AttemptObserver, type AttemptOutcome } from './stream-attempts.js';

/** What streaming one request through a turn needs (see {@link runAttempts}). */
export interface AttemptContext {
  readonly client: ModelClient;
  /** The request; its `model` names the model, its prompt is streamed as given. */
  readonly request: ResponsesBodyRequest;
  /** The turn the request runs in. */
  readonly lease: TurnLease;
  readonly telemetry: ClientTelemetry;
}

/** What one served request needs from the adapter. */
export interface ServeContext extends AttemptContext {
  /** The request's signal (the SDK's abort), if any. */
  readonly signal: AbortSignal | undefined;
  /**
   * Sends the original request to the API unchanged: for a body the client's validation refuses
   * (the API then answers it, with its own error when it refuses it too).
   */
  readonly passThrough: () => Promise<Response>;
}

/** Chunks of SSE a streaming body queues for a slow reader before the request stops being read. */
const STREAM_HIGH_WATER_MARK = 256;

const encoder = new TextEncoder();

function turnContextOf(context: AttemptContext): TurnContext {
  return {
    model: passThroughModelInfo(context.request.model),
    reasoningEffort: null,
    reasoningSummary: 'none',
    verbosity: null,
    turnMetadata: context.lease.turnMetadata,
    telemetry: context.telemetry,
  };
}

/** The relay as the observer of {@link streamAttempts}: events handed to its sink as they arrive, with the reader's backpressure. */
function observerOf(relay: ResponseRelay): AttemptObserver {
  return {
    offer: (event) => relay.offer(event),
    event: () => relay.ready(),
    get producedOutput() {
      return relay.producedOutput;
    },
    // The server ended the response itself (`response.incomplete`, or a failure the caller has).
    get endedByServer() {
      return relay.terminalWritten || relay.answer !== null;
    },
    newAttempt: () => relay.newAttempt(),
  };
}

/**
 * Streams the request through the lease's turn with the adapters' retry rules (see
 * {@link streamAttempts}), handing every event to the relay (and through it to its sink).
 */
export function runAttempts(context: AttemptContext, relay: ResponseRelay, signal: AbortSignal, prompt: ResponsesBodyRequest['prompt']): Promise<AttemptOutcome> {
  return streamAttempts({ client: context.client, turn: context.lease.turn, prompt, turnContext: turnContextOf(context), telemetry: context.telemetry, signal }, observerOf(relay));
}

/** Ends a request's lease: `complete` with the response when it completed, `release` otherwise. */
export function finishLease(lease: TurnLease, outcome: AttemptOutcome): void {
  if (outcome.kind === 'completed') lease.complete(outcome.result.output, outcome.result.responseId);
  else lease.release();
}

/** The answer for a request that failed before anything was sent back, or the rejection a network failure gives. */
function failureResponse(outcome: Extract<AttemptOutcome, { kind: 'failed' }>, relay: ResponseRelay): Response {
  const answer = apiErrorAnswer(outcome.error, relay.heldFailure, outcome.retried);
  if (answer === null) throw new TypeError('fetch failed', { cause: outcome.error });
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
}

/**
 * Serves a non-streaming request: the JSON of the final response (`response.completed`'s, or
 * `response.incomplete`'s `response`, status 200), or the API's error answer.
 */
export async function serveJson(context: ServeContext): Promise<Response> {
  const relay = new ResponseRelay(null);
  const { controller, dispose } = linkedAbortController(context.signal);
  let outcome: AttemptOutcome;
  try {
    outcome = await runAttempts(context, relay, controller.signal, context.request.prompt);
  } finally {
    dispose();
  }
  finishLease(context.lease, outcome);
  if (outcome.kind === 'refused') return context.passThrough();
  if (controller.signal.aborted) throw controller.signal.reason;
  const answer = relay.answer;
  if (outcome.kind !== 'failed' && answer !== null) {
    return new Response(JSON.stringify(answer['response']), { status: 200, headers: { 'content-type': 'application/json', ...relay.headers } });
  }
  return failureResponse(outcome.kind === 'failed' ? outcome : { kind: 'failed', error: new TypeError('the response ended without an answer'), retried: false }, relay);
}

/**
 * Serves a streaming request: resolves with a 200 `text/event-stream` response once the first
 * event is ready (the events then stream as they arrive, as the API sends them), or with the
 * API's error answer when the request failed before any event. A failure after output began
 * ends the body with a `TypeError` ("terminated", the failure as `cause`), as a cut HTTP stream
 * does; the request's abort signal, or cancelling the body, aborts the request.
 */
export function serveStream(context: ServeContext): Promise<Response> {
  const { controller: abort, dispose } = linkedAbortController(context.signal);
  let body!: ReadableStreamDefaultController<Uint8Array>;
  let wanted: (() => void) | null = null;
  const sink: SseSink = {
    write: (text) => body.enqueue(encoder.encode(text)),
    ready: () => ((body.desiredSize ?? 1) > 0 ? Promise.resolve() : new Promise<void>((resolve) => (wanted = resolve))),
  };
  const readable = new ReadableStream<Uint8Array>(
    {
      start: (controller) => {
        body = controller;
      },
      pull: () => {
        const wake = wanted;
        wanted = null;
        wake?.();
      },
      cancel: (reason) => {
        abort.abort(reason);
        const wake = wanted;
        wanted = null;
        wake?.();
      },
    },
    { highWaterMark: STREAM_HIGH_WATER_MARK },
  );
  return new Promise<Response>((resolve, reject) => {
    const respond = (): void => resolve(new Response(readable, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...relay.headers } }));
    const relay = new ResponseRelay(sink, respond);
    void runAttempts(context, relay, abort.signal, context.request.prompt).then((outcome) => {
      dispose();
      finishLease(context.lease, outcome);
      if (outcome.kind === 'refused') {
        context.passThrough().then(resolve, reject);
        return;
      }
      if (abort.signal.aborted) {
        if (relay.started) body.error(abort.signal.reason);
        else reject(abort.signal.reason);
        return;
      }
      if (outcome.kind !== 'failed') {
        if (relay.started) body.close();
        else reject(new TypeError('fetch failed', { cause: new Error('the response ended without an event') }));
        return;
      }
      if (relay.started) {
        // Started but no output yet: the failure the server sent is what the API would have streamed.
        if (relay.writeHeld()) body.close();
        else body.error(new TypeError('terminated', { cause: outcome.error }));
        return;
      }
      try {
        resolve(failureResponse(outcome, relay));
      } catch (error) {
        reject(error);
      }
    }, (unexpected: unknown) => {
      // Not a request failure (those are outcomes): a bug. Nothing may hang on it.
      dispose();
      context.lease.release();
      if (relay.started) body.error(unexpected);
      else reject(unexpected);
    });
  });
}
