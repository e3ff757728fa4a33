import { getHeader, type HeaderSource } from './header-lookup.js';

/** Options of {@link parseRetryAfterMs}. */
export interface RetryAfterOptions {
  /**
   * The longest delay honoured, in milliseconds. Larger hints are clamped to this value (so a
   * caller can compare with it to detect "longer than I am willing to wait"). Default 60 000,
   * as openai-node.
   */
  maxMs?: number;
  /** The current time in epoch milliseconds, for `Retry-After` HTTP dates. Default `Date.now()`. */
  now?: number;
}

/** The default cap of {@link parseRetryAfterMs}: 60 seconds. */
export const DEFAULT_RETRY_AFTER_MAX_MS = 60_000;

/**
 * The server's retry hint, in milliseconds, or `undefined` when there is no usable hint.
 *
 * Reads `retry-after-ms` first (a non-negative decimal number of milliseconds, an OpenAI
 * extension), then `retry-after` as either delta-seconds (decimals accepted) or an HTTP date
 * (a date in the past means 0). Unparseable values are ignored. The result is clamped to
 * `[0, maxMs]`.
 */
export function parseRetryAfterMs(headers: HeaderSource, options: RetryAfterOptions = {}): number | undefined {
  const maxMs = options.maxMs ?? DEFAULT_RETRY_AFTER_MAX_MS;
  const clamp = (ms: number): number => Math.min(maxMs, Math.max(0, Math.round(ms)));
  const milliseconds = getHeader(headers, 'retry-after-ms')?.trim();
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds)) return clamp(Number(milliseconds));
  const retryAfter = getHeader(headers, 'retry-after')?.trim();
  if (retryAfter === undefined || retryAfter === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return clamp(Number(retryAfter) * 1000);
  // An HTTP date always names a weekday or month; this keeps `-1` and other numbers out of Date.parse.
  if (!/[a-z]/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return clamp(date - (options.now ?? Date.now()));
}

/**
 * The server's explicit retry verdict from `x-should-retry`: `true` or `false` (case-insensitive),
 * or `undefined` when the header is absent or holds anything else. When present it overrides
 * the status-based default, as in openai-node.
 */
export function parseShouldRetry(headers: HeaderSource): boolean | undefined {
  const value = getHeader(headers, 'x-should-retry')?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
