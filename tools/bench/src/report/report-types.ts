// The shape of a benchmark report: sections (one per benchmark) with rows measured against the
// section's anchor and headline figures checked against their targets.

/** How big a run is: the real thing, a smoke run under two minutes, or a test-sized run. */
export type Profile = 'full' | 'quick' | 'tiny';

/** One contender (or one measured figure) of a section. */
export interface ReportRow {
  readonly name: string;
  /** Median over the rounds, in milliseconds (timed rows). */
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  /** Rounds measured. */
  readonly rounds?: number;
  /** Median divided by the anchor's median (1 for the anchor itself). */
  readonly ratio?: number;
  /** A non-timing figure (bytes, counts), already formatted. */
  readonly value?: string;
  /** Whether this row is the section's anchor. */
  readonly anchor?: boolean;
}

/** A headline figure of a section, with its target when it has one. */
export interface Headline {
  readonly label: string;
  /** The figure, formatted. */
  readonly value: string;
  /** The target, formatted (e.g. `≤ 1.60×`); absent when the figure is only reported. */
  readonly target?: string;
  /** Whether the target was met; absent without a target. */
  readonly met?: boolean;
}

/** One benchmark's results. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  /** What was measured and against which anchor. */
  readonly description: string;
  readonly rows: readonly ReportRow[];
  readonly headlines: readonly Headline[];
  /** The failure when the benchmark could not run. */
  readonly error?: string;
  /** Wall time of the benchmark, in milliseconds. */
  readonly durationMs: number;
}

/** Data behind the SVG chart. */
export interface ChartData {
  /** Bytes uploaded per request over one long tool loop. */
  readonly bytesPerRequest: { readonly continuation: readonly number[]; readonly fullResend: readonly number[] } | null;
  /** First-event latency per contender, in milliseconds (all rounds). */
  readonly firstEventLatency: readonly { readonly name: string; readonly roundsMs: readonly number[] }[] | null;
  /** Client CPU per event (microseconds, median round) of each end-to-end contender, by arrival pattern. */
  readonly endToEnd: readonly { readonly pattern: string; readonly contenders: readonly { readonly name: string; readonly path: 'http' | 'websocket'; readonly cpuUsPerEvent: number }[] }[] | null;
}

/** Where and when the report was made. */
export interface MachineInfo {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  /** 1-minute load average at the start and at the end of the run. */
  readonly loadStart: number;
  readonly loadEnd: number;
  /** Highest 1-minute load average sampled (every 5 s) during the run. */
  readonly loadPeak: number;
}

/** A whole run. */
export interface BenchReport {
  readonly profile: Profile;
  readonly machine: MachineInfo;
  readonly sections: readonly ReportSection[];
  readonly chart: ChartData;
  /** Wall time of the whole run, in milliseconds. */
  readonly durationMs: number;
}
