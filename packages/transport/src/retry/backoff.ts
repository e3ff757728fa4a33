/** Parameters of {@link computeBackoffMs}. All optional; the defaults follow the Codex client. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. Default 200. */
  baseMs?: number;
  /** Growth per attempt. Default 2 (200, 400, 800, … ms). */
  factor?: number;
  /** Upper bound of the delay before jitter, in milliseconds. Default 10 000. */
  maxMs?: number;
  /**
   * Jitter as a fraction of the delay, applied symmetrically: 0.1 gives ±10 %. Default 0.1.
   * Jitter spreads retries of many clients so they do not hit the server in lockstep.
   */
  jitterRatio?: number;
  /** Source of randomness in [0, 1). Default `Math.random`; inject one for deterministic tests. */
  random?: () => number;
}

/** The documented defaults of {@link BackoffOptions}. */
export const DEFAULT_BACKOFF = { baseMs: 200, factor: 2, maxMs: 10_000, jitterRatio: 0.1 } as const;

/**
 * Exponential backoff with jitter: `min(baseMs · factor^(attempt-1), maxMs)`, then multiplied
 * by a random factor in `[1 - jitterRatio, 1 + jitterRatio]`, rounded to whole milliseconds.
 *
 * @param attempt The retry number, starting at 1 for the first retry. Values below 1 count as 1.
 * @returns The delay before that retry, in milliseconds (never negative).
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const jitterRatio = Math.min(1, Math.max(0, options.jitterRatio ?? DEFAULT_BACKOFF.jitterRatio));
  const random = options.random ?? Math.random;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const raw = Math.min(baseMs * factor ** exponent, maxMs);
  const jitter = 1 + jitterRatio * (2 * random() - 1);
  return Math.max(0, Math.round(raw * jitter));
}
