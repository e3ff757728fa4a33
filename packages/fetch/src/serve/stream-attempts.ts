import { InvalidArgumentError, ModelwireError, type ClientTelemetry, type CompletedResponse, type ModelClient, type ModelClientSession, type Prompt, type RawResponseEvent, type ResponseEvent, type ResponseStream, type TurnContext } from '@modelwire/client';
import { computeBackoffMs, delay } from '@modelwire/transport';

/** What {@link streamAttempts} reports to its caller while the attempts of one request run. */
export interface AttemptObserver {
  /** Every raw event of every attempt, as the server sent it (`StreamOptions.onRawEvent`). */
  offer(event: RawResponseEvent): void;
  /** Every typed event; the next one is read once the returned promise settles (backpressure). */
  event(event: ResponseEvent): Promise<void> | void;
  /** Whether the caller already saw output of the response: the request can no longer be sent again unseen. */
  readonly producedOutput: boolean;
  /**
   * Whether the server ended the response itself with a terminal event the caller already
   * handed on or keeps (`response.incomplete`, a failure after output): not sent again.
   */
  readonly endedByServer: boolean;
  /** The request is about to be sent again: forget the failed attempt's outcome. */
  newAttempt(): void;
}

/** How the attempts of one request ended. */
export type AttemptOutcome =
  | { readonly kind: 'completed'; readonly result: CompletedResponse }
  /** The server ended the response itself (see {@link AttemptObserver.endedByServer}). */
  | { readonly kind: 'ended' }
  /** `retried`: the retry budget was spent on this failure. On abort, `error` is the signal's reason. */
  | { readonly kind: 'failed'; readonly error: unknown; readonly retried: boolean }
  /** The client refused the prompt before any I/O (`InvalidArgumentError`, the first attempt only). */
  | { readonly kind: 'refused'; readonly error: InvalidArgumentError };

/** One request of an adapter: where it streams and with what. */
export interface AttemptRequest {
  readonly client: ModelClient;
  readonly turn: ModelClientSession;
  readonly prompt: Prompt;
  readonly turnContext: TurnContext;
  readonly telemetry: ClientTelemetry;
  readonly signal: AbortSignal;
}

/**
 * Streams one request through `turn`, sending it again (at most `provider.streamMaxRetries`
 * times per transport, with backoff, then once more over HTTP after a session-wide switch)
 * when it fails with a retryable error before the caller saw any output: a socket closed
 * after `response.created`, a `server_error` before the first item. The client itself already
 * absorbs a 426 (fallback to HTTP), `previous_response_not_found` (full resend) and failures
 * before the first event (request-phase retries). Shared by the SDK adapters.
 */
export async function streamAttempts(request: AttemptRequest, observer: AttemptObserver): Promise<AttemptOutcome> {
  const { client, turn, signal } = request;
  const max = client.provider.streamMaxRetries;
  let retries = 0;
  for (let attempt = 0; ; attempt += 1) {
    const onWebSocket = client.usesWebSocket;
    let stream: ResponseStream;
    try {
      stream = turn.stream(request.prompt, request.turnContext, { signal, onRawEvent: (event) => observer.offer(event) });
    } catch (error) {
      if (attempt === 0 && error instanceof InvalidArgumentError) return { kind: 'refused', error };
      return { kind: 'failed', error, retried: false };
    }
    try {
      for await (const event of stream) await observer.event(event);
      return { kind: 'completed', result: await stream.result };
    } catch (error) {
      if (signal.aborted) return { kind: 'failed', error: signal.reason, retried: false };
      if (observer.endedByServer) return { kind: 'ended' };
      const retryable = ModelwireError.isInstance(error) && error.retryable;
      if (observer.producedOutput || !retryable) return { kind: 'failed', error, retried: false };
      // The client switched the session to HTTP during this attempt: HTTP gets a fresh budget.
      if (onWebSocket && !client.usesWebSocket) retries = 0;
      if (retries < max) {
        retries += 1;
        observer.newAttempt();
        await delay(computeBackoffMs(retries), signal).catch(() => undefined);
        if (signal.aborted) return { kind: 'failed', error: signal.reason, retried: false };
        continue;
      }
      if (client.usesWebSocket && turn.trySwitchToHttpFallback(request.telemetry)) {
        retries = 0;
        observer.newAttempt();
        continue;
      }
      return { kind: 'failed', error, retried: true };
    } finally {
      await stream[Symbol.asyncDispose]();
    }
  }
}

/**
 * An `AbortController` that aborts with `signal` (the caller's) too; `dispose()` removes the
 * listener from `signal` once the request ended.
 */
export function linkedAbortController(signal: AbortSignal | undefined): { readonly controller: AbortController; readonly dispose: () => void } {
  const controller = new AbortController();
  if (signal === undefined) return { controller, dispose: () => undefined };
  if (signal.aborted) {
    controller.abort(signal.reason);
    return { controller, dispose: () => undefined };
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => signal.removeEventListener('abort', onAbort) };
}
