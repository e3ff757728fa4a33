// Runs the suite one benchmark after the other (never in parallel: they would disturb each
// other's timings) and gathers the report.
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { BenchReport, ChartData, MachineInfo, Profile, ReportSection } from './report-types.ts';
import { SUITE, type SuiteEntry } from './suite.ts';

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  readonly profile: Profile;
  /** Only these entry ids (default: all). */
  readonly only?: readonly string[];
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** The entries to run (default: {@link SUITE}); a seam for tests. */
  readonly entries?: readonly SuiteEntry[];
}

/** Where the run happens. */
export function machineInfo(loadStart: number, loadPeak: number): MachineInfo {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()} ${process.arch}`,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cpus: cpuList.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadStart,
    loadEnd: loadavg()[0] ?? 0,
    loadPeak: Math.max(loadPeak, loadavg()[0] ?? 0),
  };
}

/** Runs every (selected) benchmark and returns the report. */
export async function runSuite(options: RunSuiteOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const loadStart = loadavg()[0] ?? 0;
  let loadPeak = loadStart;
  const loadSampler = setInterval(() => {
    loadPeak = Math.max(loadPeak, loadavg()[0] ?? 0);
  }, 5_000);
  loadSampler.unref();
  const started = performance.now();
  const entries = (options.entries ?? SUITE).filter((entry) => options.only === undefined || options.only.includes(entry.id));
  const sections: ReportSection[] = [];
  let chart: ChartData = { bytesPerRequest: null, firstEventLatency: null, endToEnd: null };
  for (const [index, entry] of entries.entries()) {
    log(`[${index + 1}/${entries.length}] ${entry.title} …`);
    const entryStarted = performance.now();
    try {
      const output = await entry.run(options.profile);
      const durationMs = performance.now() - entryStarted;
      sections.push({ id: entry.id, title: entry.title, description: entry.description, ...output.section, durationMs });
      chart = { ...chart, ...output.chart };
      const missed = output.section.headlines.filter((headline) => headline.met === false).length;
      log(`      done in ${(durationMs / 1000).toFixed(1)} s${missed > 0 ? ` (${missed} target${missed === 1 ? '' : 's'} missed)` : ''}`);
    } catch (error) {
      const durationMs = performance.now() - entryStarted;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      sections.push({ id: entry.id, title: entry.title, description: entry.description, rows: [], headlines: [], error: message, durationMs });
      log(`      failed after ${(durationMs / 1000).toFixed(1)} s: ${message}`);
    }
  }
  clearInterval(loadSampler);
  return { profile: options.profile, machine: machineInfo(loadStart, loadPeak), sections, chart, durationMs: performance.now() - started };
}
