import { ErrorCode, type HeaderRecord, ModelwireError, redactHeaders } from '@modelwire/errors';

/** Options of {@link RedirectRefusedError}. */
export interface RedirectRefusedErrorOptions {
  /** The 3xx status. */
  readonly status: number;
  /** The response headers (lower-case names); stored redacted. `location` names the target. */
  readonly headers?: HeaderRecord;
  /** The URL of the request, to resolve a relative `Location` against. */
  readonly requestUrl: URL;
  /** What was being done, for the message, e.g. `POST https://host/v1/responses` (no query). */
  readonly context: string;
  readonly cause?: unknown;
}

/**
 * The server answered with a redirect (3xx). Redirects are never followed: the request's
 * credentials must not travel to another location, and a Responses endpoint that moved is a
 * configuration to fix, not something to chase on every request. Not retryable.
 *
 * `targetHost` names where the server pointed (the host of `Location`, never its path, query
 * or credentials); `null` when the answer had no usable `Location`.
 */
export class RedirectRefusedError extends ModelwireError {
  /** The 3xx status. */
  readonly status: number;
  /** The host (with port when one was given) of the redirect target; `null` without a usable `Location`. */
  readonly targetHost: string | null;
  /** Response headers (lower-case names), credential-bearing values replaced by `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The server's request id (`x-request-id`), when sent. */
  readonly requestId: string | undefined;

  constructor(options: RedirectRefusedErrorOptions) {
    const headers = redactHeaders(lowerCaseNames(options.headers ?? {}));
    const targetHost = hostOf(headers['location'], options.requestUrl);
    const target = targetHost === null ? 'without a Location' : `to ${targetHost}`;
    super(ErrorCode.RedirectRefused, `HTTP ${options.status} redirect ${target} refused (${options.context}); redirects are never followed: point the base URL at the final address`, {
      cause: options.cause,
      retryable: false,
    });
    this.status = options.status;
    this.targetHost = targetHost;
    this.headers = headers;
    this.requestId = headers['x-request-id'];
  }

  protected override details(): Record<string, unknown> {
    return { status: this.status, targetHost: this.targetHost, requestId: this.requestId };
  }
}

function lowerCaseNames(headers: HeaderRecord): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return result;
}

function hostOf(location: string | undefined, base: URL): string | null {
  if (location === undefined || location.trim() === '') return null;
  try {
    return new URL(location.trim(), base).host || null;
  } catch {
    return null;
  }
}
