import type { CompletedResponse, ModelClientSession, Prompt, RequestBudget, RequestWait, ResponseStream, TurnContext } from '@modelwire/client';
import { ResponseError, type ResponseEvent } from '@modelwire/protocol';
import { computeBackoffMs, ModelwireError, toAbortError, type BackoffOptions } from '@modelwire/transport';
import type { SessionEvent } from '../events/session-event.js';
import type { SessionServices } from '../services/session-services.js';
import type { TurnSteering } from '../session/turn-steering.js';

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
  /**
   * Receives the forwarded stream events (text, reasoning and refusal deltas, annotations, tool
   * input, built-in tool progress, partial images), `retrying`, `waiting_for_network` and
   * `transport_fallback`.
   */
  readonly emit: (event: SessionEvent) => void;
  /** Steering of the turn: its commit points enter the history (see `TurnSteering.onCommitted`). */
  readonly steering?: TurnSteering;
}

/**
 * Streams one model request to completion, retrying failed streams (ARCHITECTURE §3.6).
 *
 * The request has one attempt budget and one deadline (`ModelClientSession.createRequestBudget`),
 * shared with the client's own retries before the response starts, so that the provider's
 * `requestMaxRetries` and `streamMaxRetries` never multiply. The client decides about failures
 * before the response started (it retried them within the budget already, or they are final);
 * this loop decides about failures after it started.
 *
 * Deltas are forwarded as they arrive. On a retryable failure after the response started, the
 * attempt's partial output is dropped (only a completed response's output is ever returned, so
 * nothing partial reaches the history), a `retrying` event says what failed and how much of
 * what the caller saw is discarded, and after the server's delay hint (capped) or the backoff
 * the request is sent again, while the budget's count stays within `streamMaxRetries` and the
 * wait ends before the deadline. When the WebSocket runs out, the session switches to HTTP
 * through the client (fallback reason `stream_retries_exhausted`) and HTTP starts a fresh
 * count. A failure that itself moved the session to HTTP (close 1009, garbled frames) is
 * re-streamed at once over HTTP with a fresh count, whatever its own `retryable` says. A
 * connection failure waited out under the client's waiting-for-network policy is reported as a
 * `waiting_for_network` event before the wait. Every re-stream is reported first to the turn's
 * telemetry with `onStreamRetry` (attempt counted per request, across transports). A fatal
 * error, an exhausted HTTP budget, a passed deadline or an abort rejects with the typed error.
 */
export async function streamWithRetries(request: StreamRequest): Promise<CompletedResponse> {
  const { services, turn, prompt, context, turnId, signal, emit } = request;
  return retryStream({
    turn,
    context,
    signal,
    backoff: request.backoff,
    open: (budget) => turn.stream(prompt, context, { signal, budget, ...(request.steering === undefined ? {} : { onSteerCommitted: request.steering.onCommitted }) }),
    ...(request.steering === undefined ? {} : { beforeOpen: () => (request.steering as TurnSteering).settleCommits() }),
    onEvent: (event) => forward(event, turnId, emit),
    onRetrying: (retry) => emit({ type: 'retrying', turnId, ...retry }),
    onWait: (wait) => {
      // A switch the client made before this wait (its WebSocket budget ran out) is told first.
      reportFallback(services, turnId, emit);
      reportWait(wait, turnId, emit);
    },
    reportFallback: () => reportFallback(services, turnId, emit),
  });
}

/** What a `retrying` session event says (without its turn id). */
export type RetryingReport = Omit<Extract<SessionEvent, { type: 'retrying' }>, 'type' | 'turnId'>;

/** One request streamed with retries by {@link retryStream}. */
export interface RetriedStream<T> {
  /** The client session the request streams on (its budget and fallback switch are used). */
  readonly turn: ModelClientSession;
  /** The turn's context (its telemetry gets `onStreamRetry`). */
  readonly context: TurnContext;
  readonly signal: AbortSignal;
  readonly backoff: BackoffOptions;
  /**
   * Stream retries per transport (the WebSocket's, then HTTP's after a switch), at most the
   * provider's `streamMaxRetries`. Default: the provider's.
   */
  readonly maxStreamRetries?: number;
  /** Awaited before each attempt (history commits made during an earlier attempt). */
  beforeOpen?(): Promise<void>;
  /** Starts one attempt with the request's budget (pass it to `stream`/`compact`). */
  open(budget: RequestBudget): ResponseStream<T>;
  /** Receives every event of every attempt, as it arrives; `true` when it was a delta forwarded to the caller. */
  onEvent(event: ResponseEvent): boolean;
  /** Told before each retry that waits (not before a re-stream at once after a switch to HTTP). */
  onRetrying(report: RetryingReport): void;
  /** Told before each wait of the client's retries (network waits included). */
  onWait?(wait: RequestWait): void;
  /** Called after each attempt, to report a switch of the session to HTTP. */
  reportFallback(): void;
}

/**
 * The retry loop of {@link streamWithRetries}, for any request that streams (a turn's request, a
 * compaction v2): one attempt budget and deadline for the whole request, shared with the
 * client's retries before the response starts; failures after it started are retried here within
 * the stream count, the WebSocket's exhaustion switches the session to HTTP with a fresh count,
 * and a failure that itself moved the session to HTTP is re-streamed at once.
 */
export async function retryStream<T>(request: RetriedStream<T>): Promise<T> {
  const { turn, context, signal } = request;
  const budget = turn.createRequestBudget(request.maxStreamRetries === undefined ? undefined : { streamMaxRetries: request.maxStreamRetries });
  const max = budget.limits.streamMaxRetries;
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
  const onWait = request.onWait;
  const stopWaitReports = onWait === undefined ? () => undefined : budget.onWait((wait) => onWait(wait));
  try {
    for (;;) {
      let finishedItems = 0;
      let deltas = 0;
      try {
        await request.beforeOpen?.();
        const stream = request.open(budget);
        try {
          for await (const event of stream) {
            if (event.type === 'output_item_done') finishedItems += 1;
            if (request.onEvent(event)) deltas += 1;
          }
          return await stream.result;
        } finally {
          await stream[Symbol.asyncDispose]();
        }
      } catch (error) {
        if (signal.aborted) throw toAbortError(signal.reason);
        request.reportFallback();
        const failure = budget.lastFailure;
        // Before the response started the client decided already (retried within the budget, or final).
        if (failure === null || failure.phase !== 'stream' || !ModelwireError.isInstance(error)) throw error;
        if (failure.causedFallback) {
          // The failure itself moved the session to HTTP (a WebSocket closed with 1009, garbled
          // frames): whatever it is, HTTP is a different path. The partial output is dropped
          // and the request streams again at once over HTTP, with a fresh count.
          budget.resetForFallback();
          reportRetry(error, 0);
          continue;
        }
        if (!error.retryable) throw error;
        const plan = budget.plan(error, 'stream', (retry) => retryDelayMs(error, retry, request.backoff));
        if (!plan.retry) {
          if (plan.exhausted === 'deadline' || failure.transport !== 'websocket' || !turn.trySwitchToHttpFallback(context.telemetry)) throw error;
          // Re-streamed at once over HTTP, with a fresh count (the `finally` reports the switch).
          budget.resetForFallback();
          reportRetry(error, 0);
          continue;
        }
        request.onRetrying({
          attempt: plan.attempt,
          max,
          reason: error.message,
          code: error.code,
          transport: failure.transport,
          delayMs: plan.delayMs,
          discardedItems: finishedItems,
          discardedDeltas: deltas,
        });
        reportRetry(error, plan.delayMs);
        await budget.wait(plan, { phase: 'stream', transport: failure.transport, error }, signal);
      } finally {
        request.reportFallback();
      }
    }
  } finally {
    stopWaitReports();
  }
}

/** Forwards a delta as a session event; `true` when `event` was one. */
function forward(event: ResponseEvent, turnId: string, emit: (event: SessionEvent) => void): boolean {
  switch (event.type) {
    case 'output_text_delta':
      emit({ type: 'text_delta', turnId, itemId: event.itemId, delta: event.delta });
      return true;
    case 'reasoning_summary_delta':
      emit({ type: 'reasoning_delta', turnId, itemId: event.itemId, kind: 'summary', delta: event.delta });
      return true;
    case 'reasoning_content_delta':
      emit({ type: 'reasoning_delta', turnId, itemId: event.itemId, kind: 'content', delta: event.delta });
      return true;
    case 'refusal_delta':
      emit({ type: 'refusal_delta', turnId, itemId: event.itemId, delta: event.delta });
      return true;
    case 'output_text_annotation_added':
      if (event.annotation !== null) {
        emit({ type: 'text_annotation', turnId, itemId: event.itemId, contentIndex: event.contentIndex, annotationIndex: event.annotationIndex, annotation: event.annotation });
        return true;
      }
      return false;
    case 'tool_call_input_delta':
      emit({ type: 'tool_input_delta', turnId, itemId: event.itemId, toolKind: event.toolKind, delta: event.delta });
      return true;
    case 'hosted_tool_progress':
      emit({ type: 'hosted_tool_progress', turnId, itemId: event.itemId, tool: event.tool, status: event.status });
      return true;
    case 'image_generation_partial_image':
      emit({ type: 'image_partial', turnId, itemId: event.itemId, index: event.partialImageIndex, imageBase64: event.imageBase64, outputFormat: event.outputFormat ?? 'png' });
      return true;
    default:
      return false;
  }
}

/** A network wait of the client becomes a `waiting_for_network` event (ordinary backoff waits are telemetry only). */
function reportWait(wait: RequestWait, turnId: string, emit: (event: SessionEvent) => void): void {
  if (!wait.plan.waitingForNetwork) return;
  emit({
    type: 'waiting_for_network',
    turnId,
    attempt: wait.plan.attempt,
    delayMs: wait.plan.delayMs,
    transport: wait.transport,
    reason: wait.error.message,
    code: wait.error.code,
  });
}

export function reportFallback(services: SessionServices, turnId: string, emit: (event: SessionEvent) => void): void {
  const report = services.takeFallbackReport();
  if (report !== null) emit({ type: 'transport_fallback', turnId, reason: report.reason, ...(report.remembered ? { remembered: true as const } : {}) });
}

/** The server's hint (capped at {@link MAX_STREAM_RETRY_DELAY_MS}) or exponential backoff. */
function retryDelayMs(error: ModelwireError, retry: number, backoff: BackoffOptions): number {
  if (error instanceof ResponseError && error.delayMs !== undefined) return Math.min(Math.max(0, error.delayMs), MAX_STREAM_RETRY_DELAY_MS);
  return computeBackoffMs(retry, backoff);
}
