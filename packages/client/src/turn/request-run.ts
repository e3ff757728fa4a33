import { ErrorCode, HttpStatusError, ModelwireError, delay, toAbortError } from '@modelwire/transport';
import { attemptHttp } from '../http/http-attempt.js';
import { attemptWebSocket } from '../ws/websocket-attempt.js';
import type { RequestContext } from './request-context.js';
import { FallbackTrigger, StaleSocket, WarmUpSkipped } from './request-errors.js';
import { decideRetry } from './retry-policy.js';
import type { CompletedResponse } from './response-stream.js';

/**
 * One `stream()` call: the request phase with its retries (auth refresh, backoff, fallback to
 * HTTP, transparent full resend on `previous_response_not_found`), then the stream phase,
 * which is never replayed here.
 */
export class RequestRun {
  readonly #context: RequestContext;

  constructor(context: RequestContext) {
    this.#context = context;
  }

  /** Runs the request to its end; rejects with a typed Modelwire error. */
  async run(): Promise<CompletedResponse> {
    const context = this.#context;
    const { services, signal, telemetry } = context;
    let retries = 0;
    let refreshed = false;
    let connectionLimitRetried = false;
    let staleSocketRetried = false;
    for (;;) {
      // A background request goes over HTTP even on a WebSocket session (the WebSocket mode does
      // not support it); the socket, its continuation state and the session's transport stay as they are.
      const useWebSocket = services.usesWebSocket && !context.httpOnly;
      // A warm-up exists only on the WebSocket; once the session is on HTTP there is nothing to do.
      if (!useWebSocket && !context.options.generate) throw new WarmUpSkipped();
      const attemptStarted = services.clock.now();
      const report = (error: unknown, willRetry: boolean): void =>
        telemetry.onRequestAttempt({
          transport: useWebSocket ? 'websocket' : 'http',
          endpoint: 'responses',
          attempt: retries + 1,
          status: statusOf(error),
          durationMs: services.clock.now() - attemptStarted,
          error: error instanceof Error ? error : null,
          willRetry,
        });
      try {
        return useWebSocket ? await attemptWebSocket(context, retries + 1) : await attemptHttp(context, retries + 1);
      } catch (thrown) {
        if (signal.aborted) throw toAbortError(signal.reason);
        // A server may echo the credentials it was sent in an error: scrub them before the
        // failure reaches telemetry or the caller.
        if (thrown instanceof StaleSocket && !staleSocketRetried && !context.streaming) {
          // A kept-alive socket that died while idle: the request never reached a response.
          staleSocketRetried = true;
          report(services.redactSecrets(thrown.failure), true);
          continue;
        }
        const unwrapped = thrown instanceof StaleSocket ? thrown.failure : thrown;
        const caught = unwrapped instanceof FallbackTrigger ? new FallbackTrigger(unwrapped.reason, services.redactSecrets(unwrapped.failure)) : services.redactSecrets(unwrapped);
        if (caught instanceof FallbackTrigger) {
          // The switch is session-wide even when this stream already produced output; that
          // output is not replayed here (the caller re-streams, over HTTP from now on).
          report(caught.failure, !context.streaming);
          services.fallback.activate(caught.reason, telemetry);
          if (context.streaming) throw caught.failure;
          retries = 0;
          continue;
        }
        const error = caught;
        if (context.streaming) throw error;
        if (isUnauthorized(error) && !refreshed) {
          refreshed = true;
          const refreshedOk = await services.refreshAuth(signal).catch(() => false);
          report(error, refreshedOk);
          if (refreshedOk) continue;
          throw error;
        }
        if (ModelwireError.isInstance(error) && error.code === ErrorCode.ConnectionLimitReached && !connectionLimitRetried) {
          // The socket reached its age limit: a new socket and a full request, at once.
          connectionLimitRetried = true;
          report(error, true);
          continue;
        }
        const budget = services.provider.requestMaxRetries;
        const decision = decideRetry(error, retries + 1, budget, services.random);
        report(error, decision.retry);
        if (!decision.retry) {
          const retryable = ModelwireError.isInstance(error) && error.retryable;
          if (useWebSocket && retryable && retries >= budget) {
            // WebSocket budget exhausted: the session switches to HTTP, with a fresh budget.
            services.fallback.activate('request_retries_exhausted', telemetry);
            retries = 0;
            continue;
          }
          throw error;
        }
        retries += 1;
        await delay(decision.delayMs, signal);
      }
    }
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
