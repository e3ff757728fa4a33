import { ErrorCode, ModelwireError } from '@modelwire/errors';
import type { RateLimitSnapshot } from '../rate-limits/rate-limit-snapshot.js';
import type { ErrorClassification, ErrorKind } from './error-classification.js';

const CODE_BY_KIND: Readonly<Record<ErrorKind, ErrorCode>> = {
  context_window_exceeded: ErrorCode.ContextWindowExceeded,
  quota_exceeded: ErrorCode.QuotaExceeded,
  usage_not_included: ErrorCode.UsageNotIncluded,
  usage_limit_reached: ErrorCode.UsageLimitReached,
  invalid_request: ErrorCode.InvalidRequest,
  unauthorized: ErrorCode.Unauthorized,
  previous_response_not_found: ErrorCode.PreviousResponseNotFound,
  connection_limit_reached: ErrorCode.ConnectionLimitReached,
  server_overloaded: ErrorCode.ServerOverloaded,
  retryable: ErrorCode.Retryable,
  stream_incomplete: ErrorCode.StreamIncomplete,
};

/** The Modelwire {@link ErrorCode} for a classification. */
export function errorCodeOf(classification: ErrorClassification): ErrorCode {
  if (classification.kind === 'stream_incomplete' && classification.source === 'response_incomplete') return ErrorCode.ResponseIncomplete;
  if (classification.kind === 'retryable' && classification.source === 'response_failed') return ErrorCode.ResponseFailed;
  return CODE_BY_KIND[classification.kind];
}

function describe(classification: ErrorClassification): string {
  const parts: string[] = [classification.kind.replaceAll('_', ' ')];
  if (classification.status !== undefined) parts.push(`(HTTP ${classification.status})`);
  if (classification.code !== undefined) parts.push(`[${classification.code}]`);
  const head = parts.join(' ');
  return classification.message ? `${head}: ${classification.message}` : head;
}

/**
 * A failure reported by the Responses API, built from an {@link ErrorClassification}. `code` is
 * the Modelwire code (see {@link errorCodeOf}); `serverCode` is the server's own code. The
 * message is redacted by the base class.
 */
export class ResponseError extends ModelwireError {
  /** The classification this error was built from (data, safe to inspect). */
  readonly classification: ErrorClassification;
  /** The kind of failure. */
  readonly kind: ErrorKind;
  /** HTTP status (WebSocket: the error frame's `status`); `undefined` when none. */
  readonly status: number | undefined;
  /** The server's request id (`x-request-id`); `undefined` when unknown. */
  readonly requestId: string | undefined;
  /** The server's error code (or type); `undefined` when none. */
  readonly serverCode: string | undefined;
  /** The server's delay hint in milliseconds; `undefined` when none. */
  readonly delayMs: number | undefined;

  constructor(classification: ErrorClassification, options: { cause?: unknown } = {}) {
    super(errorCodeOf(classification), describe(classification), { retryable: classification.retryable, cause: options.cause });
    this.classification = classification;
    this.kind = classification.kind;
    this.status = classification.status;
    this.requestId = classification.requestId;
    this.serverCode = classification.code;
    this.delayMs = classification.delayMs;
  }

  protected override details(): Record<string, unknown> {
    return {
      kind: this.kind,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.requestId !== undefined ? { requestId: this.requestId } : {}),
      ...(this.serverCode !== undefined ? { serverCode: this.serverCode } : {}),
      ...(this.delayMs !== undefined ? { delayMs: this.delayMs } : {}),
    };
  }
}

/** The input does not fit the model's context window. Fatal. */
export class ContextWindowExceededError extends ResponseError {}
/** The account has no quota left. Fatal. */
export class QuotaExceededError extends ResponseError {}
/** The plan does not include this usage. Fatal. */
export class UsageNotIncludedError extends ResponseError {}
/** The request was rejected as invalid. Fatal. */
export class InvalidRequestError extends ResponseError {}
/** The credentials were refused. */
export class UnauthorizedError extends ResponseError {}
/** `previous_response_id` is unknown to this connection; resend the full input. */
export class PreviousResponseNotFoundError extends ResponseError {}
/** The WebSocket reached its age limit; use a new socket. */
export class ConnectionLimitReachedError extends ResponseError {}
/** The server is overloaded; retry later. */
export class ServerOverloadedError extends ResponseError {}
/** A transient failure; retry with backoff (honouring `delayMs`). */
export class RetryableResponseError extends ResponseError {}
/** The response was truncated or the stream was cut. */
export class StreamIncompleteError extends ResponseError {}

/** A usage limit was reached; carries the reset time and rate limits when known. */
export class UsageLimitReachedError extends ResponseError {
  /** When the limit resets, in Unix epoch seconds; `undefined` when unknown. */
  readonly resetsAt: number | undefined;
  /** The rate-limit snapshot sent with the error, when any. */
  readonly rateLimits: RateLimitSnapshot | undefined;

  constructor(classification: ErrorClassification, options: { cause?: unknown } = {}) {
    super(classification, options);
    this.resetsAt = classification.kind === 'usage_limit_reached' ? classification.resetsAt : undefined;
    this.rateLimits = classification.kind === 'usage_limit_reached' ? classification.rateLimits : undefined;
  }
}

const CLASS_BY_KIND: Readonly<Record<ErrorKind, new (classification: ErrorClassification, options?: { cause?: unknown }) => ResponseError>> = {
  context_window_exceeded: ContextWindowExceededError,
  quota_exceeded: QuotaExceededError,
  usage_not_included: UsageNotIncludedError,
  usage_limit_reached: UsageLimitReachedError,
  invalid_request: InvalidRequestError,
  unauthorized: UnauthorizedError,
  previous_response_not_found: PreviousResponseNotFoundError,
  connection_limit_reached: ConnectionLimitReachedError,
  server_overloaded: ServerOverloadedError,
  retryable: RetryableResponseError,
  stream_incomplete: StreamIncompleteError,
};

/** Builds the typed error for a classification (the subclass matches `classification.kind`). */
export function errorFromClassification(classification: ErrorClassification, options: { cause?: unknown } = {}): ResponseError {
  return new CLASS_BY_KIND[classification.kind](classification, options);
}
