import { classifyHttpError, errorFromClassification } from '@modelwire/protocol';
import { combineSignals, delay, ErrorCode, HttpStatusError, ModelwireError, toAbortError } from '@modelwire/transport';
import type { SessionServices } from '../client/session-services.js';
import { turnMetadataJson, RequestHeader } from '../request/request-headers.js';
import { safeTelemetry, type ClientTelemetry } from '../telemetry/client-telemetry.js';
import { decideRetry } from '../turn/retry-policy.js';
import type { TurnContext } from '../types/turn-context.js';

/** Default longest wait for a unary answer, in milliseconds (memory-trace summaries). */
export const UNARY_TIMEOUT_MS = 600_000;

/**
 * POSTs a JSON body to `{base}/{endpoint}` over HTTP with the session headers, the turn's
 * metadata, request-phase retries and one auth refresh after a 401. Returns the parsed body.
 * `timeoutMs` bounds each attempt, from the request to the end of the answer (default
 * {@link UNARY_TIMEOUT_MS}); past it the attempt fails with a retryable `idle_timeout`.
 */
export async function postUnary(
  services: SessionServices,
  endpoint: string,
  payload: unknown,
  turn: TurnContext,
  signal: AbortSignal | undefined,
  timeoutMs: number = UNARY_TIMEOUT_MS,
): Promise<unknown> {
  const telemetry = safeTelemetry(turn.telemetry, services.redactSecrets);
  const combined = combineSignals(signal, services.lifetime);
  telemetry.onRequestStart?.({ endpoint });
  try {
    const body = await postWithRetries(services, endpoint, payload, turn, telemetry, combined.signal, timeoutMs);
    telemetry.onRequestEnd?.({ endpoint, outcome: 'completed', error: null, responseId: null });
    return body;
  } catch (error) {
    telemetry.onRequestEnd?.({ endpoint, outcome: combined.signal.aborted ? 'aborted' : 'failed', error: error instanceof Error ? error : null, responseId: null });
    throw error;
  } finally {
    combined.dispose();
  }
}

async function postWithRetries(
  services: SessionServices,
  endpoint: string,
  payload: unknown,
  turn: TurnContext,
  telemetry: ClientTelemetry,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<unknown> {
  let retries = 0;
  let refreshed = false;
  const text = JSON.stringify(payload);
  for (;;) {
    const started = services.clock.now();
    try {
      const auth = await services.authHeaders(signal);
      const headers = {
        ...services.headers.http,
        ...auth,
        'content-type': 'application/json',
        accept: 'application/json',
        [RequestHeader.TurnMetadata]: turnMetadataJson(turn),
      };
      const response = await services.http.postJson(`${services.provider.baseUrl}/${endpoint}`, {
        headers,
        credentialHeaders: Object.keys(auth),
        body: text,
        compress: services.compressRequests,
        idleTimeoutMs: timeoutMs,
        signal,
      });
      telemetry.onRequestAttempt({ transport: 'http', endpoint, attempt: retries + 1, status: response.status, durationMs: services.clock.now() - started, error: null, willRetry: false });
      return response.body;
    } catch (caught) {
      if (signal.aborted) throw toAbortError(signal.reason);
      // A server may echo the credentials it was sent in an error: scrub them first.
      const error = services.redactSecrets(
        caught instanceof HttpStatusError
          ? errorFromClassification(classifyHttpError({ status: caught.status, body: caught.body, headers: caught.headers }), { cause: caught })
          : caught,
      );
      const status = caught instanceof HttpStatusError ? caught.status : null;
      const report = (willRetry: boolean): void =>
        telemetry.onRequestAttempt({ transport: 'http', endpoint, attempt: retries + 1, status, durationMs: services.clock.now() - started, error: error instanceof Error ? error : null, willRetry });
      if (ModelwireError.isInstance(error) && error.code === ErrorCode.Unauthorized && !refreshed) {
        refreshed = true;
        const ok = await services.refreshAuth(signal).catch(() => false);
        report(ok);
        if (ok) continue;
        throw error;
      }
      const decision = decideRetry(error, retries + 1, services.provider.requestMaxRetries, services.random);
      report(decision.retry);
      if (!decision.retry) throw error;
      retries += 1;
      await delay(decision.delayMs, signal);
    }
  }
}
