/** Active resources of this process counted by type (`process.getActiveResourcesInfo()`). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Types whose count grew over `baseline`, after letting asynchronous closes settle (≈1 s at most). */
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
