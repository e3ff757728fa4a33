import { HeaderName } from '../headers/header-names.js';
import { readHeader, type HeaderSource } from '../headers/read-header.js';

const TRY_AGAIN_IN = /try again in\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?)\b/i;

/**
 * Parses the server's delay hint from a `rate_limit_exceeded` message ("Please try again in
 * 11.054s", "try again in 28ms"). Returns milliseconds, or `undefined` when there is none.
 * This is the one place a message is read: the code says *what* happened, only the message
 * says *how long* to wait.
 */
export function parseRetryDelayFromMessage(message: string | null | undefined): number | undefined {
  if (typeof message !== 'string') return undefined;
  const match = TRY_AGAIN_IN.exec(message);
  if (!match) return undefined;
  const amount = Number(match[1]);
  if (!Number.isFinite(amount)) return undefined;
  const unit = (match[2] ?? 's').toLowerCase();
  const milliseconds = unit.startsWith('m') ? amount : amount * 1000;
  return Math.round(milliseconds);
}

/**
 * Reads a delay hint from response headers: `retry-after-ms` (milliseconds) first, then
 * `retry-after` in seconds. HTTP-date forms of `retry-after` are left to the transport's
 * parser (they need a clock) and give `undefined` here.
 */
export function parseRetryDelayFromHeaders(headers: HeaderSource | undefined): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number(readHeader(headers, HeaderName.RetryAfterMs)?.trim() || Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const seconds = readHeader(headers, HeaderName.RetryAfter)?.trim();
  if (seconds !== undefined && /^\d+(?:\.\d+)?$/.test(seconds)) return Math.round(Number(seconds) * 1000);
  return undefined;
}
