import type { RateLimitSnapshot } from '../rate-limits/rate-limit-snapshot.js';

/** Where a classified failure came from. */
export type ErrorSource =
  /** An `error` stream event (SSE or WebSocket, either shape). */
  | 'error_event'
  /** A `response.failed` terminal event. */
  | 'response_failed'
  /** A `response.incomplete` terminal event. */
  | 'response_incomplete'
  /** A non-2xx HTTP response (or a refused WebSocket upgrade). */
  | 'http'
  /** The stream ended without a terminal event. */
  | 'stream_end';

/** Fields every classification carries. */
export interface ErrorClassificationBase {
  /** Where the failure came from. */
  readonly source: ErrorSource;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** The server's error message, as sent (may be empty). Never compare on it. */
  readonly message: string;
  /** HTTP status; on the WebSocket the error frame's `status`. `undefined` for stream events without one. */
  readonly status?: number;
  /** The server's error `code` (or its `type` when no code was sent). */
  readonly code?: string;
  /** The request parameter the server blamed, if any. */
  readonly param?: string;
  /** The server's request id (`x-request-id`), when known. */
  readonly requestId?: string;
  /** How long the server asked to wait before retrying, in milliseconds; `undefined` when it gave no hint. */
  readonly delayMs?: number;
}

/** The input does not fit the model's context window (`context_length_exceeded`). Fatal. */
export interface ContextWindowExceeded extends ErrorClassificationBase { readonly kind: 'context_window_exceeded' }
/** No quota left (`insufficient_quota`). Fatal. */
export interface QuotaExceeded extends ErrorClassificationBase { readonly kind: 'quota_exceeded' }
/** The plan does not include this usage (`usage_not_included`). Fatal. */
export interface UsageNotIncluded extends ErrorClassificationBase { readonly kind: 'usage_not_included' }
/** A usage limit was reached (`usage_limit_reached`). Fatal until `resetsAt`. */
export interface UsageLimitReached extends ErrorClassificationBase {
  readonly kind: 'usage_limit_reached';
  /** When the limit resets, in Unix epoch seconds; `undefined` when unknown. */
  readonly resetsAt?: number;
  /** The rate-limit snapshot sent with the error (headers), when any. */
  readonly rateLimits?: RateLimitSnapshot;
  /** The account's plan, when sent. */
  readonly planType?: string;
}
/** The request was rejected as invalid (400-class, `invalid_prompt`, `invalid_encrypted_content`, …). Fatal. */
export interface InvalidRequest extends ErrorClassificationBase { readonly kind: 'invalid_request' }
/** The credentials were refused (401/403). The client refreshes auth once, then it is fatal. */
export interface Unauthorized extends ErrorClassificationBase { readonly kind: 'unauthorized' }
/** `previous_response_id` is unknown to this connection: resend the full input once. */
export interface PreviousResponseNotFound extends ErrorClassificationBase { readonly kind: 'previous_response_not_found' }
/** The WebSocket reached its age limit: open a new socket and send a full request. */
export interface ConnectionLimitReached extends ErrorClassificationBase { readonly kind: 'connection_limit_reached' }
/** The server is overloaded (`server_is_overloaded`, `slow_down`): retry later. */
export interface ServerOverloaded extends ErrorClassificationBase { readonly kind: 'server_overloaded' }
/** A transient failure (rate limit, 5xx, `server_error`, an unrecognised failure): retry with backoff. */
export interface RetryableFailure extends ErrorClassificationBase { readonly kind: 'retryable' }
/** The response ended truncated (`response.incomplete`) or the stream ended without a terminal event. */
export interface StreamIncomplete extends ErrorClassificationBase {
  readonly kind: 'stream_incomplete';
  /** `incomplete_details.reason` (`max_output_tokens`, `content_filter`, …), or `eof` for a cut stream. */
  readonly reason: string;
}

/** What went wrong, as data: one of the fatal or recoverable kinds, discriminated by `kind`. */
export type ErrorClassification =
  | ContextWindowExceeded
  | QuotaExceeded
  | UsageNotIncluded
  | UsageLimitReached
  | InvalidRequest
  | Unauthorized
  | PreviousResponseNotFound
  | ConnectionLimitReached
  | ServerOverloaded
  | RetryableFailure
  | StreamIncomplete;

/** The `kind` of an {@link ErrorClassification}. */
export type ErrorKind = ErrorClassification['kind'];
