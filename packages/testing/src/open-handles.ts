/**
 * Active resources of this process counted by type (`process.getActiveResourcesInfo()`): sockets,
 * timers, servers. Take one as a baseline before a test and pass it to {@link settledLeaks} after.
 */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * Resource types whose count grew over `baseline` (as `"<type> +<n>"`), after letting asynchronous
 * closes settle (≈1 s at most). An empty array means nothing leaked.
 */
export async function settledLeaks(baseline: Map<string, number>): Promise<string[]> {
  let leaks: string[] = [];
  for (let attempt = 0; attempt < 50; attempt += 1) {
    leaks = [];
    for (const [type, count] of activeResources()) {
      const before = baseline.get(type) ?? 0;
      if (count > before) leaks.push(`${type} +${count - before}`);
    }
    if (leaks.length === 0) return leaks;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return leaks;
}
