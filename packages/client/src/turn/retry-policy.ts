import { computeBackoffMs, HttpStatusError, ModelwireError, parseRetryAfterMs, parseShouldRetry } from '@modelwire/transport';
import { ResponseError } from '@modelwire/protocol';

/** Longest server-requested delay honoured before a retry, in milliseconds (as openai-node). */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Whether and when to retry a failed request phase. */
export interface RetryDecision {
  readonly retry: boolean;
  /** Delay before the retry, in milliseconds. */
  readonly delayMs: number;
}

function headersOf(error: unknown): Readonly<Record<string, string>> | undefined {
  if (error instanceof HttpStatusError) return error.headers;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof HttpStatusError ? cause.headers : undefined;
}

/**
 * Request-phase retry policy (ARCHITECTURE §3.6): transport failures and 408/409/429/5xx are
 * retried with exponential backoff and jitter; `x-should-retry` overrides the status-based
 * verdict; `retry-after-ms`/`retry-after` (capped at {@link MAX_RETRY_AFTER_MS}) or the
 * server's "try again in" hint replaces the computed delay.
 *
 * @param retryNumber 1 for the first retry.
 */
export function decideRetry(error: unknown, retryNumber: number, maxRetries: number, random: () => number, nowMs?: number): RetryDecision {
  if (retryNumber > maxRetries) return { retry: false, delayMs: 0 };
  const delayMs = retryDelayFor(error, retryNumber, random, { ...(nowMs === undefined ? {} : { nowMs }) });
  return delayMs === null ? { retry: false, delayMs: 0 } : { retry: true, delayMs };
}

/** Options of {@link retryDelayFor}. */
export interface RetryDelayOptions {
  /** The current time in epoch milliseconds, for a `Retry-After` HTTP date. Default `Date.now()`. */
  readonly nowMs?: number;
  /** Retry whatever the error's own verdict says (a refused upgrade retried before a fallback). Default `false`. */
  readonly force?: boolean;
}

/**
 * The wait before retry number `retryNumber` of a failed request phase, in milliseconds, or
 * `null` when the failure is not to be retried: `x-should-retry` overrides the error's
 * `retryable`; the server's `retry-after-ms`, then `retry-after` (seconds or an HTTP date),
 * then the "try again in" hint of its message (each capped at {@link MAX_RETRY_AFTER_MS})
 * replace the backoff (200 ms · 2ⁿ⁻¹ ± 10 %).
 */
export function retryDelayFor(error: unknown, retryNumber: number, random: () => number, options: RetryDelayOptions = {}): number | null {
  if (!ModelwireError.isInstance(error)) return null;
  const headers = headersOf(error);
  const shouldRetry = headers === undefined ? undefined : parseShouldRetry(headers);
  const retry = options.force === true || (shouldRetry ?? error.retryable);
  if (!retry) return null;
  const hinted = headers === undefined ? undefined : parseRetryAfterMs(headers, { maxMs: MAX_RETRY_AFTER_MS, ...(options.nowMs === undefined ? {} : { now: options.nowMs }) });
  const fromMessage = error instanceof ResponseError && error.delayMs !== undefined ? Math.min(error.delayMs, MAX_RETRY_AFTER_MS) : undefined;
  return hinted ?? fromMessage ?? computeBackoffMs(retryNumber, { random });
}
