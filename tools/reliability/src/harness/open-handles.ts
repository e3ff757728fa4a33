/**
 * Open-handle accounting through `process.getActiveResourcesInfo()`: a snapshot taken before a
 * case, compared with the state after everything was closed.
 */

/** Counts of active resources by type (`TCPSocketWrap`, `Timeout`, `TCPServerWrap`, …). */
export type ResourceCounts = ReadonlyMap<string, number>;

/** The process's active resources right now, counted by type. */
export function activeResources(): ResourceCounts {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * Resource types that grew compared with `baseline` (`"TCPSocketWrap +1"`), after giving
 * closing handles up to `settleMs` milliseconds to go. Empty when nothing leaked.
 */
export async function leakedResources(baseline: ResourceCounts, settleMs = 2_000): Promise<string[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const leaks: string[] = [];
    for (const [type, count] of activeResources()) {
      const before = baseline.get(type) ?? 0;
      if (count > before) leaks.push(`${type} +${count - before}`);
    }
    if (leaks.length === 0 || Date.now() >= deadline) return leaks;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
