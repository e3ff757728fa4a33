import { ErrorCode, type HeaderRecord, ModelwireError, redactHeaders, redactText } from '@modelwire/errors';

/** How many bytes of an error response body are kept: 64 KiB. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Statuses that are worth retrying by default: request timeout, conflict, rate limit, server errors. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Options of {@link HttpStatusError}. */
export interface HttpStatusErrorOptions {
  /** The response status (a 3xx, 4xx or 5xx; for a refused WebSocket upgrade, whatever replaced 101). */
  status: number;
  /** The response headers, lower-case names. They are stored redacted (no cookie or credential survives). */
  headers?: HeaderRecord;
  /** The response body as text. Kept up to {@link MAX_ERROR_BODY_BYTES} (UTF-8 bytes); longer bodies are cut and `bodyTruncated` is set. */
  body?: string;
  /** Whether the body was already cut by the reader (it stopped reading at the cap). */
  bodyTruncated?: boolean;
  /** Overrides the default retryability (408, 409, 429 and ≥ 500 are retryable; everything else is not). */
  retryable?: boolean;
  /** What was being done, for the message, e.g. `POST https://host/v1/responses`. No query strings with secrets. */
  context?: string;
  /** The underlying failure, if any. */
  cause?: unknown;
}

/**
 * The server answered with a status that is not a success: a 3xx (redirects are never
 * followed, so credentials never travel to another location), a 4xx or a 5xx, on an HTTP
 * request or on a refused WebSocket upgrade (401, 426, 429, 5xx … instead of 101).
 *
 * Retryable by default for 408, 409, 429 and 5xx (the statuses openai-node and Codex retry);
 * the layer above refines this with `x-should-retry` and the error body's `code`.
 */
export class HttpStatusError extends ModelwireError {
  /** The HTTP status code. */
  readonly status: number;
  /** Response headers (lower-case names), with credential-bearing values replaced by `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The response body text, at most {@link MAX_ERROR_BODY_BYTES} bytes, credentials redacted. Empty when there was none. */
  readonly body: string;
  /** True when the body was longer than the cap and was cut. */
  readonly bodyTruncated: boolean;
  /** The server's request id (`x-request-id`), for support tickets; `undefined` when absent. */
  readonly requestId: string | undefined;

  constructor(options: HttpStatusErrorOptions) {
    const headers = redactHeaders(lowerCaseNames(options.headers ?? {}));
    const { text, truncated } = capUtf8(redactText(options.body ?? ''), MAX_ERROR_BODY_BYTES);
    const requestId = headers['x-request-id'];
    const where = options.context === undefined ? '' : ` (${options.context})`;
    super(ErrorCode.HttpStatus, `HTTP ${options.status}${where}${requestId === undefined ? '' : ` request id ${requestId}`}`, {
      cause: options.cause,
      retryable: options.retryable ?? isRetryableStatus(options.status),
    });
    this.status = options.status;
    this.headers = headers;
    this.body = text;
    this.bodyTruncated = truncated || options.bodyTruncated === true;
    this.requestId = requestId;
  }

  protected override details(): Record<string, unknown> {
    return { status: this.status, requestId: this.requestId, headers: this.headers, body: this.body, bodyTruncated: this.bodyTruncated };
  }
}

function lowerCaseNames(headers: HeaderRecord): HeaderRecord {
  const result: Record<string, string | readonly string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function capUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no measurement.
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
