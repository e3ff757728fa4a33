import type { CompletedResponse, ModelClient, ModelClientSession, Prompt, ResponseStream, TurnContext } from '@modelwire/client';
import { ResponseError, type ResponseEvent } from '@modelwire/protocol';
import { computeBackoffMs, delay, ErrorCode, ModelwireError, toAbortError, type BackoffOptions, type ConnectionClosedError } from '@modelwire/transport';
import type { SessionEvent } from '../events/session-event.js';
import type { SessionServices } from '../services/session-services.js';

/** Longest server-requested wait honoured before a stream retry, in milliseconds. */
export const MAX_STREAM_RETRY_DELAY_MS = 60_000;

/** Inputs of {@link streamWithRetries}. */
export interface StreamRequest {
  readonly services: SessionServices;
  /** The turn's client session (sticky token, continuation). */
  readonly turn: ModelClientSession;
  readonly prompt: Prompt;
  /** The turn's context, passed unchanged to every attempt. */
  readonly context: TurnContext;
  readonly turnId: string;
  /** The turn's signal. */
  readonly signal: AbortSignal;
  /** Backoff between retries without a server hint. */
  readonly backoff: BackoffOptions;
  /** Receives the forwarded deltas, `retrying` and `transport_fallback` events. */
  readonly emit: (event: SessionEvent) => void;
}

/**
 * Streams one model request to completion, retrying failed streams (ARCHITECTURE §3.6).
 *
 * Deltas are forwarded as they arrive. On a retryable failure the attempt's partial output is
 * dropped (only a completed response's output is ever returned, so nothing partial reaches the
 * history), a `retrying` event is emitted, and after the server's delay hint (capped) or the
 * backoff the request is sent again. The budget is the provider's `streamMaxRetries` per
 * request and transport: when the WebSocket exhausts it, the session switches to HTTP through
 * the client (fallback reason `stream_retries_exhausted`) and HTTP starts with a fresh budget.
 * A WebSocket close that itself switches the session to HTTP (1009) after output began is
 * re-streamed at once over HTTP with a fresh budget too, whatever its own `retryable` says.
 * Every re-stream (after a backoff, or at once after a switch) is reported first to the
 * turn's telemetry with `onStreamRetry` (attempt counted per request, across transports). A
 * fatal error, an exhausted HTTP budget or an abort rejects with the typed error.
 */
export async function streamWithRetries(request: StreamRequest): Promise<CompletedResponse> {
  const { services, turn, prompt, context, turnId, signal, emit } = request;
  return retryStream({
    client: services.client,
    turn,
    context,
    signal,
    backoff: request.backoff,
    maxRetries: services.client.provider.streamMaxRetries,
    open: () => turn.stream(prompt, context, { signal }),
    onEvent: (event) => forward(event, turnId, emit),
    onRetrying: (retry) => emit({ type: 'retrying', turnId, ...retry }),
    reportFallback: () => reportFallback(services, turnId, emit),
  });
}

/** What a `retrying` session event says (without its turn id). */
export type RetryingReport = Omit<Extract<SessionEvent, { type: 'retrying' }>, 'type' | 'turnId'>;

/** One request streamed with retries by {@link retryStream}. */
export interface RetriedStream<T> {
  readonly client: ModelClient;
  /** The client session the request streams on (its fallback switch is used). */
  readonly turn: ModelClientSession;
  /** The turn's context (its telemetry gets `onStreamRetry`). */
  readonly context: TurnContext;
  readonly signal: AbortSignal;
  readonly backoff: BackoffOptions;
  /** Stream retries per transport (the WebSocket's, then HTTP's after a switch). */
  readonly maxRetries: number;
  /** Starts one attempt. */
  open(): ResponseStream<T>;
  /** Receives every event of every attempt, as it arrives. */
  onEvent(event: ResponseEvent): void;
  /** Told before each retry that waits (not before a re-stream at once after a switch to HTTP). */
  onRetrying(report: RetryingReport): void;
  /** Called after each attempt, to report a switch of the session to HTTP. */
  reportFallback(): void;
}

/**
 * The retry loop of {@link streamWithRetries}, for any request that streams: retryable failures
 * are retried up to `maxRetries` per transport (after the server's delay hint, capped, or the
 * backoff); when the WebSocket exhausts its budget the session switches to HTTP, which starts
 * with a fresh budget; a failure that itself switched the session to HTTP (1009) is re-streamed
 * at once. A fatal error, an exhausted HTTP budget or an abort rejects with the typed error.
 */
export async function retryStream<T>(request: RetriedStream<T>): Promise<T> {
  const { client, turn, context, signal } = request;
  const max = request.maxRetries;
  let retries = 0;
  /** Re-streams of this request so far, across transports (the `attempt` of `onStreamRetry`). */
  let restreams = 0;
  const reportRetry = (error: ModelwireError, delayMs: number): void => {
    restreams += 1;
    try {
      context.telemetry.onStreamRetry?.({ attempt: restreams, delayMs, error });
    } catch {
      // Telemetry must not affect the turn.
    }
  };
  for (;;) {
    let finishedItems = 0;
    const onWebSocket = client.usesWebSocket;
    try {
      const stream = request.open();
      try {
        for await (const event of stream) {
          if (event.type === 'output_item_done') finishedItems += 1;
          request.onEvent(event);
        }
        return await stream.result;
      } finally {
        await stream[Symbol.asyncDispose]();
      }
    } catch (error) {
      if (signal.aborted) throw toAbortError(signal.reason);
      request.reportFallback();
      // The client switched to HTTP during this attempt (1009, 426, its own exhausted request
      // retries): HTTP starts with a fresh stream budget.
      const switchedToHttp = onWebSocket && !client.usesWebSocket;
      if (switchedToHttp) retries = 0;
      if (switchedToHttp && isFallbackCause(error)) {
        // The failure itself moved the session to HTTP (a WebSocket closed with 1009 after
        // output began): whatever it is, HTTP is a different path. The partial output is
        // dropped and the request streams again at once over HTTP.
        reportRetry(error, 0);
        continue;
      }
      if (!isRetryable(error)) throw error;
      if (retries >= max) {
        if (!client.usesWebSocket || !turn.trySwitchToHttpFallback(context.telemetry)) throw error;
        // Re-streamed at once over HTTP, with a fresh budget (the `finally` reports the switch).
        retries = 0;
        reportRetry(error, 0);
        continue;
      }
      retries += 1;
      const delayMs = retryDelayMs(error, retries, request.backoff);
      request.onRetrying({ attempt: retries, max, reason: error.message, code: error.code, delayMs, discardedItems: finishedItems });
      reportRetry(error, delayMs);
      await delay(delayMs, signal);
    } finally {
      request.reportFallback();
    }
  }
}

function forward(event: ResponseEvent, turnId: string, emit: (event: SessionEvent) => void): void {
  switch (event.type) {
    case 'output_text_delta':
      emit({ type: 'text_delta', turnId, itemId: event.itemId, delta: event.delta });
      return;
    case 'reasoning_summary_delta':
      emit({ type: 'reasoning_delta', turnId, itemId: event.itemId, kind: 'summary', delta: event.delta });
      return;
    case 'reasoning_content_delta':
      emit({ type: 'reasoning_delta', turnId, itemId: event.itemId, kind: 'content', delta: event.delta });
      return;
    default:
      return;
  }
}

/** Emits the session's `transport_fallback` event when the session switched to HTTP and nobody reported it yet. */
export function reportFallback(services: SessionServices, turnId: string, emit: (event: SessionEvent) => void): void {
  const reason = services.takeFallbackReport();
  if (reason !== null) emit({ type: 'transport_fallback', turnId, reason });
}

/**
 * Whether a failure is the WebSocket close that switches the session to HTTP (close code 1009,
 * "message too big"). Before output began the client goes on over HTTP itself; after, the
 * failure reaches this loop. A failure of the HTTP request that follows a switch inside the
 * same attempt (426, exhausted request retries) is not one: it keeps its own verdict.
 */
function isFallbackCause(error: unknown): error is ModelwireError {
  // By brand and code, not `instanceof`: the error may come from another copy of the package.
  return ModelwireError.isInstance(error) && error.code === ErrorCode.ConnectionClosed && (error as Partial<ConnectionClosedError>).closeCode === 1009;
}

function isRetryable(error: unknown): error is ModelwireError {
  return ModelwireError.isInstance(error) && error.retryable;
}

/** The server's hint (capped at {@link MAX_STREAM_RETRY_DELAY_MS}) or exponential backoff. */
function retryDelayMs(error: ModelwireError, retry: number, backoff: BackoffOptions): number {
  if (error instanceof ResponseError && error.delayMs !== undefined) return Math.min(Math.max(0, error.delayMs), MAX_STREAM_RETRY_DELAY_MS);
  return computeBackoffMs(retry, backoff);
}
