import type { ResponseUsage } from '@modelwire/protocol';
import { InvalidArgumentError } from '@modelwire/transport';

/** Automatic compaction settings (session-scoped). */
export interface AutoCompactionOptions {
  /** Whether the session compacts on its own. Default `true` (it only acts when the model's context window is known). */
  readonly enabled?: boolean;
  /**
   * Fraction of the model's context window at which the history is compacted before the next
   * request: compaction runs when the last completed response's `totalTokens` reaches
   * `fraction × contextWindow`. In (0, 1]. Default `0.9`.
   */
  readonly fraction?: number;
}

/** The default fraction of the context window that triggers automatic compaction. */
export const DEFAULT_AUTO_COMPACT_FRACTION = 0.9;

/** {@link AutoCompactionOptions} with defaults applied and validated. */
export interface ResolvedAutoCompaction {
  /** Whether automatic compaction is on. */
  readonly enabled: boolean;
  /** Fraction of the context window that triggers it, in (0, 1]. */
  readonly fraction: number;
}

/** Applies defaults; rejects a fraction outside (0, 1]. */
export function resolveAutoCompaction(options: AutoCompactionOptions | undefined): ResolvedAutoCompaction {
  const fraction = options?.fraction ?? DEFAULT_AUTO_COMPACT_FRACTION;
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) {
    throw new InvalidArgumentError({ path: 'autoCompaction.fraction', message: 'must be a number in (0, 1]' });
  }
  return { enabled: options?.enabled ?? true, fraction };
}

/**
 * Whether the history must be compacted before the next request: the last usage is known, the
 * model's context window is known, and the usage reached the configured fraction of it.
 */
export function shouldAutoCompact(policy: ResolvedAutoCompaction, lastUsage: ResponseUsage | null, contextWindow: number | null): boolean {
  if (!policy.enabled || lastUsage === null || contextWindow === null || contextWindow <= 0) return false;
  return lastUsage.totalTokens >= policy.fraction * contextWindow;
}
