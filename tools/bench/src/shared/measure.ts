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

/** One contender's per-round ratios to the anchor (see {@link measurePairedRounds}). */
export interface RoundRatios {
  name: string;
  /** The contender's time divided by the anchor's, round by round, in the order measured. */
  perRound: number[];
  /** Median of {@link perRound}: the figure to report. */
  median: number;
  /** First and third quartile of {@link perRound}: the spread to report with it. */
  p25: number;
  p75: number;
  /**
   * A 95 % confidence interval of {@link median} (distribution-free: the order statistics
   * about n/2 ± 0.98·√n of the sorted per-round ratios). The quartiles say how much one round
   * moves with the machine's load; this says how far the median itself may be off, which
   * narrows with more rounds while the quartiles do not.
   */
  ci95: { low: number; high: number };
}

/** What {@link measurePairedRounds} measured. */
export interface PairedMeasurement {
  /** Per contender, CPU milliseconds per round (the anchor included). */
  measurements: Measurement[];
  /** Per contender other than the anchor, its round-by-round ratios to the anchor. */
  ratios: RoundRatios[];
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** The distribution-free 95 % confidence interval of the median of `values` (see {@link RoundRatios.ci95}). */
export function medianConfidenceInterval(values: readonly number[]): { low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const half = 0.98 * Math.sqrt(n);
  // The 1-based ranks ⌊n/2 − 0.98·√n⌋ and ⌈1 + n/2 + 0.98·√n⌉ (normal approximation of the binomial).
  const low = Math.max(0, Math.floor(n / 2 - half) - 1);
  const high = Math.min(n - 1, Math.ceil(n / 2 + half));
  return { low: sorted[low]!, high: sorted[high]! };
}

/** CPU time of this process (user + system, every thread, so garbage-collector helpers count) in milliseconds. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Times synchronous contenders in paired rounds and reports, for each, the **median of its
 * per-round ratios** to the anchor. Every round runs every contender once, back to back, in
 * alternating order (anchor first in even rounds, last in odd ones), after `warmupRounds`
 * untimed rounds that let the optimising compiler settle. Time is the process's CPU time
 * (`process.cpuUsage`), not wall time: on a shared machine a contender that is descheduled
 * mid-round is not charged for it. A ratio taken within one round compares the contenders
 * under the same load, heap state and CPU frequency; its median over many short rounds is far
 * steadier than the ratio of two medians taken over a few long rounds.
 */
export function measurePairedRounds(contenders: readonly { name: string; run: () => void }[], anchorName: string, rounds: number, warmupRounds: number): PairedMeasurement {
  const anchorIndex = contenders.findIndex((contender) => contender.name === anchorName);
  if (anchorIndex < 0) throw new Error(`no contender named ${anchorName}`);
  const times = contenders.map(() => [] as number[]);
  const order = contenders.map((_, index) => index);
  const reversed = [...order].reverse();
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const index of round % 2 === 0 ? order : reversed) {
      const start = cpuMs();
      contenders[index]!.run();
      const elapsed = cpuMs() - start;
      if (round >= warmupRounds) times[index]!.push(elapsed);
    }
  }
  const anchorTimes = times[anchorIndex]!;
  const measurements = contenders.map((contender, index) => {
    const roundsMs = times[index]!;
    return { name: contender.name, roundsMs, medianMs: median(roundsMs), minMs: Math.min(...roundsMs), maxMs: Math.max(...roundsMs) };
  });
  const ratios = contenders
    .map((contender, index) => ({ contender, index }))
    .filter(({ index }) => index !== anchorIndex)
    .map(({ contender, index }) => {
      // A round the CPU clock could not resolve (0 ms for the anchor) says nothing: left out.
      const perRound = times[index]!.flatMap((ms, round) => (anchorTimes[round]! > 0 ? [ms / anchorTimes[round]!] : []));
      return { name: contender.name, perRound, median: median(perRound), p25: quantile(perRound, 0.25), p75: quantile(perRound, 0.75), ci95: medianConfidenceInterval(perRound) };
    });
  return { measurements, ratios };
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
