import { HeaderName } from '../headers/header-names.js';
import { readHeader, type HeaderSource } from '../headers/read-header.js';
import { rateLimitSnapshotFromHeaders, type RateLimitSnapshot } from '../rate-limits/rate-limit-snapshot.js';
import { errorDetailsOf, errorHeadersOf, errorStatusOf, type ErrorDetails, type ErrorEvent } from '../schemas/error-payload.js';
import type { ResponseFailedEvent, ResponseIncompleteEvent } from '../schemas/stream-events.js';
import type { ErrorClassification, ErrorKind, ErrorSource } from './error-classification.js';
import { parseRetryDelayFromHeaders, parseRetryDelayFromMessage } from './retry-delay-hint.js';

/** Extra context for classification that is not in the payload itself. */
export interface ClassifyOptions {
  /** Response headers (HTTP response, or the upgrade response of the socket). */
  readonly headers?: HeaderSource;
  /** The request id when already known (otherwise read from `x-request-id`). */
  readonly requestId?: string;
  /** Current time in epoch milliseconds, for `resets_in_seconds`; defaults to `Date.now()`. */
  readonly nowMs?: number;
}

/** Error codes (and types) that decide the kind on their own, whatever the status. */
const KIND_BY_CODE: ReadonlyMap<string, ErrorKind> = new Map<string, ErrorKind>([
  ['context_length_exceeded', 'context_window_exceeded'],
  ['insufficient_quota', 'quota_exceeded'],
  ['usage_not_included', 'usage_not_included'],
  ['usage_limit_reached', 'usage_limit_reached'],
  ['previous_response_not_found', 'previous_response_not_found'],
  ['codex_previous_response_stale', 'previous_response_not_found'],
  ['websocket_connection_limit_reached', 'connection_limit_reached'],
  ['server_is_overloaded', 'server_overloaded'],
  ['slow_down', 'server_overloaded'],
  ['rate_limit_exceeded', 'retryable'],
  ['server_error', 'retryable'],
  ['websocket_stream_limit_reached', 'retryable'],
  ['invalid_prompt', 'invalid_request'],
  ['invalid_encrypted_content', 'invalid_request'],
]);

const RETRYABLE_BY_KIND: Readonly<Record<ErrorKind, boolean>> = {
  context_window_exceeded: false,
  quota_exceeded: false,
  usage_not_included: false,
  usage_limit_reached: false,
  invalid_request: false,
  unauthorized: false,
  previous_response_not_found: false,
  connection_limit_reached: true,
  server_overloaded: true,
  retryable: true,
  stream_incomplete: true,
};

/**
 * Messages that say the previous response is gone although the code does not (servers that
 * send no code, or a generic `invalid_request_error`): "Invalid previous_response_id …",
 * "Invalid 'previous_response_id' …", "Previous response with id '…' not found.".
 */
const PREVIOUS_RESPONSE_GONE = /^\s*invalid\s+'?previous_response_id'?|previous response with id\b.*\bnot found/i;

function kindFromStatus(status: number | undefined): ErrorKind | undefined {
  if (status === undefined || status < 400) return undefined;
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 408 || status === 409 || status === 429 || status >= 500) return 'retryable';
  return 'invalid_request';
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function usageLimitResetsAt(details: ErrorDetails, rateLimits: RateLimitSnapshot | undefined, nowMs: number): number | undefined {
  if (typeof details.resets_at === 'number' && Number.isFinite(details.resets_at)) return details.resets_at;
  if (typeof details.resets_in_seconds === 'number' && Number.isFinite(details.resets_in_seconds)) {
    return Math.round(nowMs / 1000 + details.resets_in_seconds);
  }
  // Otherwise the window that is used up tells when it resets.
  const exhausted = [rateLimits?.primary, rateLimits?.secondary].filter((window) => window !== undefined && window.usedPercent >= 100);
  const resets = exhausted.map((window) => window?.resetsAt).filter((value): value is number => value !== undefined);
  return resets.length > 0 ? Math.max(...resets) : undefined;
}

interface ClassifyInput {
  readonly source: ErrorSource;
  readonly details: ErrorDetails;
  readonly status: number | undefined;
  readonly headers: HeaderSource | undefined;
  readonly requestId: string | undefined;
  readonly nowMs: number;
  /** The kind when neither code nor status decides. */
  readonly fallback: ErrorKind;
}

function classify(input: ClassifyInput): ErrorClassification {
  const { details, status, headers } = input;
  const code = stringOrUndefined(details.code);
  const type = stringOrUndefined(details.type);
  const byCode = (code !== undefined ? KIND_BY_CODE.get(code) : undefined) ?? (type !== undefined ? KIND_BY_CODE.get(type) : undefined);
  const gone = byCode === undefined && PREVIOUS_RESPONSE_GONE.test(stringOrUndefined(details.message) ?? '') ? 'previous_response_not_found' : undefined;
  let kind: ErrorKind = byCode ?? gone ?? kindFromStatus(status) ?? (type === 'invalid_request_error' ? 'invalid_request' : input.fallback);
  let retryable = RETRYABLE_BY_KIND[kind];

  // The server's explicit opinion (`x-should-retry`) wins over the status and the code, so the
  // error carries the same verdict as the client's own retry decision (which reads the header
  // too) and no layer above retries what the server said not to. A request refused as invalid
  // that the server says to retry is a transient failure.
  const shouldRetry = headers === undefined ? undefined : readHeader(headers, HeaderName.ShouldRetry)?.trim().toLowerCase();
  if (shouldRetry === 'true') {
    if (kind === 'invalid_request') kind = 'retryable';
    retryable = true;
  } else if (shouldRetry === 'false') {
    retryable = false;
  }

  const message = stringOrUndefined(details.message) ?? '';
  const requestId = input.requestId ?? (headers ? stringOrUndefined(readHeader(headers, HeaderName.RequestId)) : undefined);
  const param = stringOrUndefined(details.param);
  let delayMs: number | undefined;
  if (retryable) {
    delayMs = parseRetryDelayFromHeaders(headers);
    if (delayMs === undefined && (code === 'rate_limit_exceeded' || kind === 'retryable' || kind === 'server_overloaded')) {
      delayMs = parseRetryDelayFromMessage(message);
    }
  }
  const base = {
    source: input.source,
    retryable,
    message,
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : type !== undefined ? { code: type } : {}),
    ...(param !== undefined ? { param } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(delayMs !== undefined ? { delayMs } : {}),
  };

  if (kind === 'usage_limit_reached') {
    const rateLimits = headers ? rateLimitSnapshotFromHeaders(headers) : undefined;
    const resetsAt = usageLimitResetsAt(details, rateLimits, input.nowMs);
    const planType = stringOrUndefined(details.plan_type) ?? rateLimits?.planType;
    return {
      ...base,
      kind,
      ...(resetsAt !== undefined ? { resetsAt } : {}),
      ...(rateLimits !== undefined ? { rateLimits } : {}),
      ...(planType !== undefined ? { planType } : {}),
    };
  }
  if (kind === 'stream_incomplete') return { ...base, kind, reason: code ?? 'unknown' };
  return { ...base, kind };
}

/**
 * Classifies an `error` stream event, in any shape (nested `error:{…}`, wrapped with top-level
 * `headers`, or flat): every shape of the same error classifies the same. On the WebSocket a
 * non-2xx `status` (or `status_code`) means the same as that HTTP status; the headers the event
 * carries (top level or `error.headers`, see `errorHeadersOf`) count as the response headers
 * (rate limits, request id, `x-should-retry`) in place of `options.headers`. An `error` with an
 * unrecognised code and no status is retryable.
 */
export function classifyErrorEvent(event: ErrorEvent, options: ClassifyOptions = {}): ErrorClassification {
  const details = errorDetailsOf(event);
  const given = errorStatusOf(event);
  const status = given !== undefined && given >= 400 ? given : undefined;
  return classify({
    source: 'error_event',
    details,
    status,
    headers: errorHeadersOf(event) ?? options.headers,
    requestId: options.requestId,
    nowMs: options.nowMs ?? Date.now(),
    fallback: 'retryable',
  });
}

/**
 * Classifies a `response.failed` event from `response.error.code`. Codes that name a fatal
 * condition give that kind; anything else is retryable (the delay hint is parsed from
 * `rate_limit_exceeded` messages).
 */
export function classifyFailedResponse(event: Pick<ResponseFailedEvent, 'response'>, options: ClassifyOptions = {}): ErrorClassification {
  const error = event.response.error;
  return classify({
    source: 'response_failed',
    details: { code: error?.code ?? null, message: error?.message ?? null },
    status: undefined,
    headers: options.headers,
    requestId: options.requestId,
    nowMs: options.nowMs ?? Date.now(),
    fallback: 'retryable',
  });
}

/**
 * `response.incomplete` reasons that the same request would meet again: the output limit
 * (`max_output_tokens`) and the content filter (`content_filter`). Resending only truncates
 * again, so they are not retryable.
 */
const FINAL_INCOMPLETE_REASONS: ReadonlySet<string> = new Set(['max_output_tokens', 'content_filter']);

/**
 * Classifies a `response.incomplete` event: always `stream_incomplete`, with
 * `incomplete_details.reason` as `reason` (and `code`). Not retryable for `max_output_tokens`
 * and `content_filter` (a resend would be cut the same way); retryable for any other reason.
 */
export function classifyIncompleteResponse(event: Pick<ResponseIncompleteEvent, 'response'>, options: ClassifyOptions = {}): ErrorClassification {
  const reason = stringOrUndefined(event.response.incomplete_details?.reason) ?? 'unknown';
  const requestId = options.requestId ?? (options.headers ? stringOrUndefined(readHeader(options.headers, HeaderName.RequestId)) : undefined);
  return {
    kind: 'stream_incomplete',
    source: 'response_incomplete',
    reason,
    code: reason,
    retryable: !FINAL_INCOMPLETE_REASONS.has(reason),
    message: `response incomplete: ${reason}`,
    ...(requestId !== undefined ? { requestId } : {}),
  };
}

/**
 * The classification of a stream that ended (EOF, socket closed) without a terminal event: a
 * retryable failure, never a partial success.
 */
export function classifyStreamEnd(options: Pick<ClassifyOptions, 'requestId'> = {}): ErrorClassification {
  return {
    kind: 'stream_incomplete',
    source: 'stream_end',
    reason: 'eof',
    retryable: true,
    message: 'stream ended before a terminal event',
    ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
  };
}

/** A non-2xx HTTP response as seen by the classifier. */
export interface HttpErrorInput {
  /** The HTTP status (≥ 400; a refused WebSocket upgrade counts). */
  readonly status: number;
  /** The body: raw text, an already-parsed JSON value, or `undefined` when there was none. */
  readonly body?: unknown;
  /** The response headers. */
  readonly headers?: HeaderSource;
}

function detailsFromBody(body: unknown): ErrorDetails {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const error = (value as { error?: unknown }).error;
  const source = typeof error === 'object' && error !== null ? error : value;
  const record = source as Record<string, unknown>;
  const pick = (key: string): string | null => (typeof record[key] === 'string' ? (record[key] as string) : null);
  const number = (key: string): number | null => (typeof record[key] === 'number' ? (record[key] as number) : null);
  return {
    type: pick('type'),
    code: pick('code'),
    message: pick('message') ?? (typeof error === 'string' ? error : null),
    param: pick('param'),
    resets_at: number('resets_at'),
    resets_in_seconds: number('resets_in_seconds'),
    plan_type: pick('plan_type'),
  };
}

/**
 * Classifies a non-2xx HTTP response from its status, JSON body (`{"error":{type, code,
 * message, param}}`, unparseable bodies tolerated) and headers (`x-request-id`,
 * `retry-after-ms`/`retry-after`, `x-should-retry`, `x-codex-*` rate limits).
 */
export function classifyHttpError(input: HttpErrorInput, options: Omit<ClassifyOptions, 'headers'> = {}): ErrorClassification {
  return classify({
    source: 'http',
    details: detailsFromBody(input.body),
    status: input.status,
    headers: input.headers,
    requestId: options.requestId,
    nowMs: options.nowMs ?? Date.now(),
    fallback: input.status >= 400 && input.status < 500 ? 'invalid_request' : 'retryable',
  });
}
