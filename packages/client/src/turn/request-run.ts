import {
  classifyHttpError,
  classifyStreamEnd,
  decodeEvent,
  errorFromClassification,
  mapStreamEvent,
  responseEventsFromHeaders,
  type ResponseEvent,
  type ResponseUsage,
  type StreamEvent,
} from '@modelwire/protocol';
import {
  ConnectionClosedError,
  ErrorCode,
  HttpStatusError,
  ModelwireError,
  delay,
  toAbortError,
} from '@modelwire/transport';
import type { SessionServices } from '../client/session-services.js';
import type { ContinuationDecision } from '../continuation/continuation-tracker.js';
import { fingerprintRequestFields } from '../continuation/continuation-tracker.js';
import { buildRequestFields, type RequestFields } from '../request/request-fields.js';
import { buildPerRequestValues, RequestHeader } from '../request/request-headers.js';
import type { ClientTelemetry, FallbackReason, FullRequestReason, TransportKind } from '../telemetry/client-telemetry.js';
import type { Prompt, ResponseItem } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import type { ResponsesConnection } from '../ws/responses-connection.js';
import type { EventQueue } from './event-queue.js';
import { decideRetry } from './retry-policy.js';
import type { CompletedResponse } from './response-stream.js';
import type { StickyRoutingToken } from './sticky-routing-token.js';

/** Thrown inside a run to switch the session to HTTP and go on there. */
class FallbackTrigger extends Error {
  readonly reason: FallbackReason;
  readonly failure: unknown;
  constructor(reason: FallbackReason, failure: unknown) {
    super(`falling back to HTTP: ${reason}`);
    this.reason = reason;
    this.failure = failure;
  }
}

/** Result of reading one WebSocket response. */
type WebSocketOutcome = { readonly kind: 'completed'; readonly result: CompletedResponse } | { readonly kind: 'resend_full' };

/** Events that do not end the request phase (they may repeat harmlessly on a retry). */
const HEADER_EVENT_TYPES: ReadonlySet<ResponseEvent['type']> = new Set(['rate_limits', 'server_model', 'models_etag', 'turn_state', 'reasoning_included']);

/** Per-run options. */
export interface RunOptions {
  /** `false` sends a warm-up (`generate:false`, WebSocket only). */
  readonly generate: boolean;
}

/**
 * One `stream()` call: the request phase with its retries (auth refresh, backoff, fallback to
 * HTTP, transparent full resend on `previous_response_not_found`), then the stream phase,
 * which is never replayed here.
 */
export class RequestRun {
  readonly #services: SessionServices;
  readonly #sticky: StickyRoutingToken;
  readonly #prompt: Prompt;
  readonly #turn: TurnContext;
  readonly #telemetry: ClientTelemetry;
  readonly #queue: EventQueue<ResponseEvent>;
  readonly #signal: AbortSignal;
  readonly #options: RunOptions;
  readonly #fields: RequestFields;
  readonly #fieldsFingerprint: string;
  /** Set once an event that ends the request phase was handed to the caller. */
  #streaming = false;
  #lastEventAt = 0;

  constructor(
    services: SessionServices,
    sticky: StickyRoutingToken,
    prompt: Prompt,
    turn: TurnContext,
    telemetry: ClientTelemetry,
    queue: EventQueue<ResponseEvent>,
    signal: AbortSignal,
    options: RunOptions,
  ) {
    this.#services = services;
    this.#sticky = sticky;
    this.#prompt = prompt;
    this.#turn = turn;
    this.#telemetry = telemetry;
    this.#queue = queue;
    this.#signal = signal;
    this.#options = options;
    this.#fields = buildRequestFields(prompt, turn, services.conversationId, services.verbosity);
    this.#fieldsFingerprint = fingerprintRequestFields(this.#fields);
  }

  /** Runs the request to its end; rejects with a typed Modelwire error. */
  async run(): Promise<CompletedResponse> {
    const services = this.#services;
    let retries = 0;
    let refreshed = false;
    let connectionLimitRetried = false;
    for (;;) {
      const useWebSocket = services.webSocketsEnabled && !services.fallback.isActive;
      if (!useWebSocket && !this.#options.generate) throw new ModelwireError(ErrorCode.InvalidArgument, 'a warm-up needs the WebSocket transport');
      const attemptStarted = services.clock.now();
      try {
        return useWebSocket ? await this.#attemptWebSocket(retries + 1) : await this.#attemptHttp(retries + 1);
      } catch (caught) {
        if (this.#signal.aborted) throw toAbortError(this.#signal.reason);
        if (caught instanceof FallbackTrigger) {
          // The switch is session-wide even when this stream already produced output; that
          // output is not replayed here (the caller re-streams, over HTTP from now on).
          this.#reportAttempt(useWebSocket, retries + 1, caught.failure, attemptStarted, !this.#streaming);
          services.fallback.activate(caught.reason, this.#telemetry);
          if (this.#streaming) throw caught.failure;
          retries = 0;
          continue;
        }
        const error = caught;
        if (this.#streaming) throw error;
        if (isUnauthorized(error) && !refreshed) {
          refreshed = true;
          const refreshedOk = await services.refreshAuth(this.#signal).catch(() => false);
          this.#reportAttempt(useWebSocket, retries + 1, error, attemptStarted, refreshedOk);
          if (refreshedOk) continue;
          throw error;
        }
        if (error instanceof ModelwireError && error.code === ErrorCode.ConnectionLimitReached && !connectionLimitRetried) {
          // The socket reached its age limit: a new socket and a full request, at once.
          connectionLimitRetried = true;
          this.#reportAttempt(useWebSocket, retries + 1, error, attemptStarted, true);
          continue;
        }
        const budget = services.provider.requestMaxRetries;
        const decision = decideRetry(error, retries + 1, budget, services.random);
        this.#reportAttempt(useWebSocket, retries + 1, error, attemptStarted, decision.retry);
        if (!decision.retry) {
          const retryable = ModelwireError.isInstance(error) && error.retryable;
          if (useWebSocket && retryable && retries >= budget) {
            services.fallback.activate('retries_exhausted', this.#telemetry);
            retries = 0;
            continue;
          }
          throw error;
        }
        retries += 1;
        await delay(decision.delayMs, this.#signal);
      }
    }
  }

  #reportAttempt(webSocket: boolean, attempt: number, error: unknown, startedAt: number, willRetry: boolean): void {
    this.#telemetry.onRequestAttempt({
      transport: webSocket ? 'websocket' : 'http',
      endpoint: 'responses',
      attempt,
      status: statusOf(error),
      durationMs: this.#services.clock.now() - startedAt,
      error: error instanceof Error ? error : null,
      willRetry,
    });
  }

  // ---------------------------------------------------------------- WebSocket

  async #attemptWebSocket(attempt: number): Promise<CompletedResponse> {
    const services = this.#services;
    const started = services.clock.now();
    let acquired;
    try {
      acquired = await services.socket.acquire(this.#signal);
    } catch (error) {
      this.#telemetry.onWebSocketConnect({ durationMs: services.clock.now() - started, reused: false, error: error instanceof Error ? error : null });
      if (error instanceof HttpStatusError && error.status === 426) throw new FallbackTrigger('upgrade_required', error);
      throw toResponseErrorIfHttp(error);
    }
    const { connection, reused } = acquired;
    this.#telemetry.onWebSocketConnect({ durationMs: reused ? 0 : connection.connectMs, reused, error: null });
    if (!reused) this.#captureSticky(connection.upgradeHeaders[RequestHeader.TurnState]);
    connection.beginResponse();
    try {
      let forced: FullRequestReason | null = null;
      for (;;) {
        const decision: ContinuationDecision =
          forced === null ? connection.tracker.decide({ fieldsFingerprint: this.#fieldsFingerprint, input: this.#prompt.input }) : { mode: 'full', reason: forced };
        this.#sendCreate(connection, decision);
        this.#telemetry.onRequestAttempt({
          transport: 'websocket',
          endpoint: 'responses',
          attempt,
          status: null,
          durationMs: services.clock.now() - started,
          error: null,
          willRetry: false,
        });
        const outcome = await this.#readWebSocketResponse(connection, decision);
        if (outcome.kind === 'completed') return outcome.result;
        forced = 'previous_response_not_found';
      }
    } catch (error) {
      connection.tracker.reset();
      if (error instanceof ResponseEndedError) {
        // The server ended that response itself (error frame, failed, incomplete): the socket is
        // clean, unless it reached its age limit (the server closes it; never reuse it).
        connection.endResponse();
        if (error.failure.code === ErrorCode.ConnectionLimitReached || error.failure.code === ErrorCode.Unauthorized) {
          void connection.close(1000, 'connection not reusable');
        }
        throw error.failure;
      }
      // Aborted, idle, cut, undecodable: never reuse a half-read socket.
      void connection.close(1000, 'response abandoned');
      if (error instanceof ConnectionClosedError && error.closeCode === 1009) throw new FallbackTrigger('message_too_big', error);
      throw error;
    } finally {
      services.socket.release(connection);
    }
  }

  #sendCreate(connection: ResponsesConnection, decision: ContinuationDecision): void {
    const input = decision.mode === 'incremental' ? decision.delta : this.#prompt.input;
    const message: Record<string, unknown> = {
      type: 'response.create',
      ...this.#fields,
      input,
      ...(decision.mode === 'incremental' ? { previous_response_id: decision.previousResponseId } : {}),
      client_metadata: buildPerRequestValues(this.#turn, this.#sticky.value),
      ...(this.#options.generate ? {} : { generate: false }),
    };
    this.#telemetry.onContinuationDecision(
      decision.mode === 'incremental'
        ? { mode: 'incremental', sentItems: input.length, totalItems: this.#prompt.input.length }
        : { mode: 'full', reason: decision.reason, sentItems: input.length, totalItems: this.#prompt.input.length },
    );
    connection.tracker.begin({ fieldsFingerprint: this.#fieldsFingerprint, input: this.#prompt.input });
    this.#lastEventAt = this.#services.clock.now();
    connection.send(JSON.stringify(message));
  }

  async #readWebSocketResponse(connection: ResponsesConnection, decision: ContinuationDecision): Promise<WebSocketOutcome> {
    const output: ResponseItem[] = [];
    const idleTimeoutMs = this.#services.provider.streamIdleTimeoutMs;
    for (;;) {
      const frame = await connection.nextFrame(this.#signal, idleTimeoutMs);
      const event = this.#decode(frame, 'websocket');
      if (event === null) continue;
      const mapped = mapStreamEvent(event, { headers: connection.upgradeHeaders });
      for (const item of mapped) {
        if (item.type === 'failed') {
          if (item.error.kind === 'previous_response_not_found' && decision.mode === 'incremental' && !this.#streaming) {
            return { kind: 'resend_full' };
          }
          throw new ResponseEndedError(errorFromClassification(item.error));
        }
        if (item.type === 'output_item_done') {
          connection.tracker.addOutputItem(item.item);
          output.push(item.item);
        }
        if (item.type === 'completed') {
          connection.tracker.complete(item.responseId);
          connection.endResponse();
          return { kind: 'completed', result: this.#complete(item.responseId, item.usage, output, 'websocket', decision.mode === 'incremental') };
        }
        this.#emit(item);
      }
    }
  }

  // ---------------------------------------------------------------- HTTP

  async #attemptHttp(attempt: number): Promise<CompletedResponse> {
    const services = this.#services;
    const started = services.clock.now();
    const headers: Record<string, string> = {
      ...services.headers.http,
      ...(await services.authHeaders(this.#signal)),
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...buildPerRequestValues(this.#turn, this.#sticky.value),
    };
    const body = JSON.stringify({ ...this.#fields, input: this.#prompt.input, stream: true });
    this.#telemetry.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: this.#prompt.input.length, totalItems: this.#prompt.input.length });
    let response;
    try {
      response = await services.http.postStream(services.responsesUrl, {
        headers,
        body,
        compress: services.compressRequests,
        idleTimeoutMs: services.provider.streamIdleTimeoutMs,
        signal: this.#signal,
      });
    } catch (error) {
      throw toResponseErrorIfHttp(error);
    }
    this.#telemetry.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt, status: response.status, durationMs: services.clock.now() - started, error: null, willRetry: false });
    this.#lastEventAt = services.clock.now();
    for (const event of responseEventsFromHeaders(response.headers)) {
      if (event.type === 'turn_state') this.#captureSticky(event.turnState);
      this.#emit(event);
    }
    const output: ResponseItem[] = [];
    for await (const data of response.events) {
      if (data === '[DONE]') continue;
      const event = this.#decode(data, 'http');
      if (event === null) continue;
      for (const item of mapStreamEvent(event, { headers: response.headers })) {
        if (item.type === 'failed') throw errorFromClassification(item.error);
        if (item.type === 'output_item_done') output.push(item.item);
        if (item.type === 'completed') return this.#complete(item.responseId, item.usage, output, 'http', false);
        this.#emit(item);
      }
    }
    throw errorFromClassification(classifyStreamEnd(response.headers['x-request-id'] === undefined ? {} : { requestId: response.headers['x-request-id'] }));
  }

  // ---------------------------------------------------------------- shared

  #decode(text: string, transport: TransportKind): StreamEvent | null {
    const decoded = decodeEvent(text);
    const now = this.#services.clock.now();
    if (!decoded.ok) {
      throw new ModelwireError(ErrorCode.DecodeFailed, `undecodable ${transport} event (${decoded.error.reason}): ${decoded.error.message}`, { retryable: true });
    }
    const kind = decoded.event.type === 'unknown' ? decoded.event.originalType : decoded.event.type;
    this.#telemetry.onStreamEvent({ transport, kind, durationMs: now - this.#lastEventAt });
    this.#lastEventAt = now;
    return decoded.event;
  }

  #captureSticky(value: string | undefined): void {
    this.#sticky.capture(value);
  }

  #emit(event: ResponseEvent): void {
    if (event.type === 'turn_state') this.#captureSticky(event.turnState);
    if (!HEADER_EVENT_TYPES.has(event.type)) this.#streaming = true;
    this.#queue.push(event);
  }

  #complete(responseId: string, usage: ResponseUsage | undefined, output: readonly ResponseItem[], transport: TransportKind, incremental: boolean): CompletedResponse {
    if (usage !== undefined) {
      this.#telemetry.onTokenUsage({ ...usage, model: this.#turn.model.slug, responseId });
    }
    this.#queue.push({ type: 'completed', responseId, usage });
    return { responseId, output, usage, transport, incremental };
  }
}

/** A response the server itself ended with a failure (the socket stays clean). */
class ResponseEndedError extends Error {
  readonly failure: ModelwireError;
  constructor(failure: ModelwireError) {
    super(failure.message);
    this.failure = failure;
  }
}

function isUnauthorized(error: unknown): boolean {
  return ModelwireError.isInstance(error) && error.code === ErrorCode.Unauthorized;
}

function statusOf(error: unknown): number | null {
  if (error instanceof HttpStatusError) return error.status;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

/** Turns an `HttpStatusError` into the protocol's typed error (keeping it as the cause). */
function toResponseErrorIfHttp(error: unknown): unknown {
  if (!(error instanceof HttpStatusError)) return error;
  const classification = classifyHttpError({ status: error.status, body: error.body, headers: error.headers });
  return errorFromClassification(classification, { cause: error });
}

