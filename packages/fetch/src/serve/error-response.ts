import { HttpStatusError, ResponseError, type RawResponseEvent } from '@modelwire/client';

/** Headers of an API error response that tell an SDK how to retry, kept from the server's answer. */
const KEPT_ERROR_HEADERS: ReadonlySet<string> = new Set(['retry-after', 'retry-after-ms', 'x-request-id', 'x-should-retry']);
const KEPT_ERROR_HEADER_PREFIXES: readonly string[] = ['x-ratelimit-'];

/** An error answer as the API sends it before a stream starts: a status and `{ error: { message, type, param, code } }`. */
export interface ApiErrorAnswer {
  readonly status: number;
  readonly body: { readonly error: Readonly<Record<string, unknown>> };
  readonly headers: Readonly<Record<string, string>>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The HTTP status the API answers an error code with, for failures that name a code but no status. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  usage_limit_reached: 429,
  server_error: 500,
  server_is_overloaded: 503,
  slow_down: 503,
  invalid_api_key: 401,
};

/** The status for a failure event without one: from its code, else 400 for a known request error, else 500. */
function statusForCode(code: string | undefined): number {
  if (code === undefined) return 500;
  return STATUS_BY_CODE[code] ?? 400;
}

/** The API's error `type` for a status, for errors whose own `type` is not known. */
export function errorTypeForStatus(status: number, code: string | undefined): string {
  if (code === 'insufficient_quota') return 'insufficient_quota';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The answer the API would have sent for a request that failed before its stream started, so
 * that an SDK raises the error type it raises for the API (openai-node: `BadRequestError` for
 * 400, `AuthenticationError` for 401, `RateLimitError` for 429, `InternalServerError` for 5xx;
 * the AI SDK: `APICallError` with that status). `null` when the failure has no HTTP meaning (a
 * connection that could not be opened or was cut): the fetch then rejects, as it would for a
 * network failure.
 *
 * - A failure event the server sent (a WebSocket `error` frame, which carries `status`, or a
 *   `response.failed`): its status and its `error` object, as sent.
 * - An HTTP error the client met (an HTTP/SSE request, a refused WebSocket upgrade): its status,
 *   its JSON body when it has one, and its retry headers.
 * - Any other `ResponseError` with a status: that status and an error object built from it.
 *
 * `retried` (the client spent its retry budget on this failure) adds `x-should-retry: false`,
 * so that an SDK does not repeat the retries the client already made.
 */
export function apiErrorAnswer(error: unknown, failureEvent: RawResponseEvent | null, retried: boolean): ApiErrorAnswer | null {
  const answer = fromEvent(failureEvent, error) ?? fromHttpError(error) ?? fromResponseError(error);
  if (answer === null) return null;
  return retried ? { ...answer, headers: { ...answer.headers, 'x-should-retry': 'false' } } : answer;
}

function fromEvent(event: RawResponseEvent | null, error: unknown): ApiErrorAnswer | null {
  if (event === null) return null;
  const fallbackStatus = error instanceof ResponseError ? error.status : undefined;
  if (event.type === 'response.failed') {
    const response = event['response'];
    const failure = isRecord(response) && isRecord(response['error']) ? response['error'] : {};
    const code = typeof failure['code'] === 'string' ? failure['code'] : undefined;
    const status = fallbackStatus ?? (code === undefined ? 500 : statusForCode(code));
    return { status, body: { error: { message: failure['message'] ?? '', type: errorTypeForStatus(status, code), param: null, code: code ?? null } }, headers: {} };
  }
  const nested = isRecord(event['error']) ? event['error'] : null;
  const source = nested ?? event;
  const code = typeof source['code'] === 'string' ? source['code'] : undefined;
  const status = numberOf(event['status']) ?? numberOf(event['status_code']) ?? fallbackStatus ?? statusForCode(code);
  const body = {
    message: source['message'] ?? '',
    type: typeof source['type'] === 'string' && source['type'] !== 'error' ? source['type'] : errorTypeForStatus(status, code),
    param: source['param'] ?? null,
    code: code ?? null,
  };
  const headers = headersOf(isRecord(event['headers']) ? event['headers'] : isRecord(nested?.['headers']) ? nested['headers'] : {});
  return { status, body: { error: body }, headers };
}

function fromHttpError(error: unknown): ApiErrorAnswer | null {
  const http = error instanceof HttpStatusError ? error : error instanceof ResponseError && error.cause instanceof HttpStatusError ? error.cause : null;
  if (http === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(http.body);
  } catch {
    parsed = undefined;
  }
  const serverCode = error instanceof ResponseError ? error.serverCode : undefined;
  const body = isRecord(parsed) && isRecord(parsed['error'])
    ? (parsed as ApiErrorAnswer['body'])
    : { error: { message: http.body, type: errorTypeForStatus(http.status, serverCode), param: null, code: serverCode ?? null } };
  return { status: http.status, body, headers: headersOf(http.headers) };
}

function fromResponseError(error: unknown): ApiErrorAnswer | null {
  if (!(error instanceof ResponseError) || error.status === undefined) return null;
  const { status, classification } = error;
  return {
    status,
    body: { error: { message: classification.message, type: errorTypeForStatus(status, classification.code), param: classification.param ?? null, code: classification.code ?? null } },
    headers: {},
  };
}

function headersOf(source: Readonly<Record<string, unknown>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    const lower = name.toLowerCase();
    if (typeof value !== 'string') continue;
    if (KEPT_ERROR_HEADERS.has(lower) || KEPT_ERROR_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))) headers[lower] = value;
  }
  return headers;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599 ? value : undefined;
}
