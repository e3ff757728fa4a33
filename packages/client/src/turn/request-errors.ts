import { classifyHttpError, errorFromClassification, rateLimitsFromHeaders } from '@modelwire/protocol';
import { HttpStatusError, type ModelwireError } from '@modelwire/transport';
import type { FallbackReason } from '../telemetry/client-telemetry.js';
import type { RequestContext } from './request-context.js';

/** Thrown inside an attempt to switch the session to HTTP and go on there. */
export class FallbackTrigger extends Error {
  readonly reason: FallbackReason;
  readonly failure: unknown;
  constructor(reason: FallbackReason, failure: unknown) {
    super(`falling back to HTTP: ${reason}`);
    this.reason = reason;
    this.failure = failure;
  }
}

/**
 * A WebSocket upgrade answered with a status that refuses the WebSocket but may be passing
 * (400, 403, 5xx, …): retried within the request's attempt budget like any retryable failure,
 * then the session moves to HTTP (`upgrade_refused`) instead of failing the request.
 */
export class UpgradeRefused extends Error {
  readonly failure: ModelwireError;
  constructor(failure: ModelwireError) {
    super(failure.message);
    this.failure = failure;
  }
}

/**
 * Ends a warm-up without a request: the session uses HTTP (or has just switched to it, for
 * example on a 426 during the warm-up's own upgrade), and HTTP has no warm-up. `prewarm`
 * answers it with `null`.
 */
export class WarmUpSkipped extends Error {
  constructor() {
    super('no warm-up over HTTP');
  }
}

/** A response the server itself ended with a failure (the socket stays clean). */
export class ResponseEndedError extends Error {
  readonly failure: ModelwireError;
  constructor(failure: ModelwireError) {
    super(failure.message);
    this.failure = failure;
  }
}

/**
 * A reused WebSocket turned out to be closed before any frame of the response arrived (the
 * server closed it right after the previous response, or while it sat idle): the request run
 * goes on at once on a new socket, once per request, without spending its retry budget.
 */
export class StaleSocket extends Error {
  readonly failure: ModelwireError;
  constructor(failure: ModelwireError) {
    super(failure.message);
    this.failure = failure;
  }
}

/** Turns an `HttpStatusError` into the protocol's typed error (keeping it as the cause). */
export function toResponseErrorIfHttp(error: unknown): unknown {
  if (!(error instanceof HttpStatusError)) return error;
  const classification = classifyHttpError({ status: error.status, body: error.body, headers: error.headers });
  return errorFromClassification(classification, { cause: error });
}

/**
 * Hands the caller the rate-limit snapshot (`x-codex-primary-*`, …) the headers of a refused
 * request or upgrade carry, as a usage-limit 429 does, before its error: the same `rate_limits`
 * event an `error` frame with these headers gives. Nothing for other failures.
 */
export function emitRateLimitsOfRefusal(context: RequestContext, error: unknown): void {
  if (!(error instanceof HttpStatusError)) return;
  const event = rateLimitsFromHeaders(error.headers);
  if (event !== undefined) context.emit(event);
}
