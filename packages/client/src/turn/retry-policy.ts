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
export function decideRetry(error: unknown, retryNumber: number, maxRetries: number, random: () => number): RetryDecision {
  if (retryNumber > maxRetries || !ModelwireError.isInstance(error)) return { retry: false, delayMs: 0 };
  const headers = headersOf(error);
  const shouldRetry = headers === undefined ? undefined : parseShouldRetry(headers);
  const retry = shouldRetry ?? error.retryable;
  if (!retry) return { retry: false, delayMs: 0 };
  const hinted = headers === undefined ? undefined : parseRetryAfterMs(headers, { maxMs: MAX_RETRY_AFTER_MS });
  const fromMessage = error instanceof ResponseError && error.delayMs !== undefined ? Math.min(error.delayMs, MAX_RETRY_AFTER_MS) : undefined;
  return { retry: true, delayMs: hinted ?? fromMessage ?? computeBackoffMs(retryNumber, { random }) };
}
