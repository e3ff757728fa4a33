// Measurement helpers shared by the benchmarks: several rounds, medians, and ratios against
// anchors measured in the same run.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The result of timing one contender over several rounds. */
export interface Measurement {
  name: string;
  /** Milliseconds per round, in the order measured. */
  roundsMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Times `run` for `rounds` rounds after `warmupRounds` untimed ones. Contenders that are to be
 * compared should be measured interleaved (see {@link measureInterleaved}) so that machine
 * noise hits them alike.
 */
export async function measure(name: string, run: () => unknown, rounds = 7, warmupRounds = 2): Promise<Measurement> {
  const [result] = await measureInterleaved([{ name, run }], rounds, warmupRounds);
  return result!;
}

/** Times several contenders round-robin: round 1 of each, then round 2 of each, and so on. */
export async function measureInterleaved(
  contenders: readonly { name: string; run: () => unknown }[],
  rounds = 7,
  warmupRounds = 2,
): Promise<Measurement[]> {
  const times = contenders.map(() => [] as number[]);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const [index, contender] of contenders.entries()) {
      const start = performance.now();
      await contender.run();
      const elapsed = performance.now() - start;
      if (round >= warmupRounds) times[index]!.push(elapsed);
    }
  }
  return contenders.map((contender, index) => {
    const roundsMs = times[index]!;
    return { name: contender.name, roundsMs, medianMs: median(roundsMs), minMs: Math.min(...roundsMs), maxMs: Math.max(...roundsMs) };
  });
}

/** Prints a small table: median, min–max, and the ratio of each median to the anchor's. */
export function printComparison(title: string, measurements: readonly Measurement[], anchorName: string, unitsPerRound?: { count: number; unit: string }): void {
  const anchor = measurements.find((m) => m.name === anchorName);
  console.log(`\n${title}`);
  for (const m of measurements) {
    const ratio = anchor ? (m.medianMs / anchor.medianMs).toFixed(2) : 'n/a';
    const rate = unitsPerRound ? `  ${Math.round((unitsPerRound.count / m.medianMs) * 1000).toLocaleString('en-US')} ${unitsPerRound.unit}/s` : '';
    console.log(`  ${m.name.padEnd(40)} median ${m.medianMs.toFixed(1).padStart(9)} ms  (${m.minMs.toFixed(1)}–${m.maxMs.toFixed(1)})  ${ratio}× ${anchorName}${rate}`);
  }
}

/** A `gc()` function when one can be obtained (Node's `--expose-gc`, set at run time). */
export function garbageCollector(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
