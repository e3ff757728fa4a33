// Detects handles (sockets, servers, timers) that a test file leaves open: take a snapshot of
// `process.getActiveResourcesInfo()` before, and compare after everything was closed.

/** A count of active resources by type. */
export type ResourceCounts = Map<string, number>;

/** The active resources of this process, counted by type. */
export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = new Map();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Types whose count grew compared with `baseline`, e.g. `['TCPSocketWrap +1']`. */
export function leakedResources(baseline: ResourceCounts): string[] {
  const leaks: string[] = [];
  for (const [type, count] of activeResources()) {
    const before = baseline.get(type) ?? 0;
    if (count > before) leaks.push(`${type} +${count - before}`);
  }
  return leaks;
}

/**
 * Waits (up to about one second, polling) for handles closed asynchronously to be released,
 * then returns whatever is still leaked. Closing a socket takes a turn of the event loop, so
 * an immediate snapshot would report handles that are already on their way out.
 */
export async function settledLeaks(baseline: ResourceCounts): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const leaks = leakedResources(baseline);
    if (leaks.length === 0) return leaks;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return leakedResources(baseline);
}
