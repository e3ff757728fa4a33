// Runs the whole benchmark harness on tiny inputs so it cannot rot: every benchmark core runs,
// the report and its chart are rendered and written. No timing is asserted.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import type { BenchReport } from './report-types.ts';
import { runSuite } from './run-suite.ts';
import { SUITE } from './suite.ts';
import { niceStep, renderChart } from './svg-chart.ts';
import { consoleSummary, writeReport } from './write-report.ts';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe('benchmark harness (tiny profile)', { timeout: 120_000 }, () => {
  it('runs every benchmark, then writes a report and a chart that show them', async () => {
    const lines: string[] = [];
    const report = await runSuite({ profile: 'tiny', log: (line) => lines.push(line) });
    expect(report.sections.map((section) => section.id)).toEqual(SUITE.map((entry) => entry.id));
    for (const section of report.sections) {
      expect(section.error, section.id).toBeUndefined();
      expect(section.rows.length, section.id).toBeGreaterThan(0);
      expect(section.headlines.length, section.id).toBeGreaterThan(0);
    }
    expect(lines.filter((line) => line.includes('done in'))).toHaveLength(SUITE.length);
    const scale = report.sections.find((section) => section.id === 'scale')!;
    expect(scale.headlines[0]).toMatchObject({ label: 'errors', value: '0', met: true });
    expect(report.chart.bytesPerRequest?.continuation).toHaveLength(4);
    expect(report.chart.bytesPerRequest?.fullResend).toHaveLength(4);
    // The full resend grows with the history; continuation sends less once the loop runs.
    const { continuation, fullResend } = report.chart.bytesPerRequest!;
    expect(fullResend.at(-1)!).toBeGreaterThan(fullResend[0]!);
    expect(continuation.at(-1)!).toBeLessThan(fullResend.at(-1)!);
    expect(report.chart.firstEventLatency?.map((contender) => contender.roundsMs.length)).toEqual([2, 2, 2]);
    expect(report.chart.endToEnd?.map((group) => [group.pattern, group.contenders.length])).toEqual([['burst', 7], ['per-event', 7], ['paced', 7]]);

    const directory = await mkdtemp(join(tmpdir(), 'bench-report-'));
    directories.push(directory);
    const files = await writeReport(report, directory, 'REPORT');
    const markdown = await readFile(files.markdown, 'utf8');
    expect(markdown).toContain(`| Node.js | ${process.version} |`);
    expect(markdown).toContain('![Bytes per request over a long tool loop');
    expect(markdown).toContain('(report-chart.svg)');
    for (const entry of SUITE) expect(markdown).toContain(`### ${entry.title}`);
    expect(markdown).toMatch(/\| JSON\.parse alone — anchor \| [\d.]+ ms \| [\d.]+–[\d.]+ \| 1\.00× \| 1 \|/);
    expect(markdown).toContain('| measure | value | ratio to anchor |\n|---|--:|--:|\n| sessions × requests per turn | 5 × 3 |  |');
    const svg = await readFile(files.chart, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('pre-connected');
    expect(svg).toContain('Client CPU per event, server in a child process');
    expect(consoleSummary(report)).toContain('errors: 0  (target 0: met)');
  });
});

describe('report rendering', () => {
  const report: BenchReport = {
    profile: 'full',
    machine: { date: '2026-01-02T03:04:05.678Z', node: 'v24.0.0', platform: 'linux', cpu: 'Test CPU', cpus: 2, memoryGiB: 8, loadStart: 5, loadEnd: 1, loadPeak: 6.5 },
    durationMs: 90_000,
    chart: { bytesPerRequest: null, firstEventLatency: null, endToEnd: null },
    sections: [
      {
        id: 'a',
        title: 'Alpha',
        description: 'What alpha measures.',
        durationMs: 1000,
        rows: [
          { name: 'anchor', medianMs: 10, minMs: 9, maxMs: 12, rounds: 7, ratio: 1, anchor: true },
          { name: 'ours | fast', medianMs: 5, minMs: 4.5, maxMs: 6, rounds: 7, ratio: 0.5 },
        ],
        headlines: [
          { label: 'ours / anchor', value: '0.50×', target: '≤ 1.00×', met: true },
          { label: 'slower thing', value: '3.00×', target: '≤ 2.00×', met: false },
        ],
      },
      { id: 'b', title: 'Beta', description: 'Broken.', durationMs: 5, rows: [], headlines: [], error: 'Error: boom' },
    ],
  };

  it('renders machine, load warning, targets (met and missed), tables and failures', () => {
    const markdown = renderMarkdown(report, 'chart.svg');
    expect(markdown).toContain('on 2026-01-02 03:04:05 UTC; the whole run took 1.5 minutes');
    expect(markdown).toContain('| load average (1 min) | 5.00 at the start, 1.00 at the end, 6.50 at most |');
    expect(markdown).toContain('The machine was shared and loaded');
    expect(markdown).toContain('| Alpha | ours / anchor | 0.50× | ≤ 1.00× | met |');
    expect(markdown).toContain('| Alpha | slower thing | 3.00× | ≤ 2.00× | **missed** |');
    expect(markdown).toContain('| Beta | did not run | | | ✗ |');
    expect(markdown).toContain('| anchor — anchor | 10.0 ms | 9.00–12.0 | 1.00× | 7 |');
    expect(markdown).toContain('| ours \\| fast | 5.00 ms | 4.50–6.00 | 0.50× | 7 |');
    expect(markdown).toContain('**Did not run:** Error: boom');
  });

  it('draws placeholders without data and picks round axis steps', () => {
    const svg = renderChart(report.chart, 'subtitle & more');
    expect(svg).toContain('not measured in this run');
    expect(svg).toContain('subtitle &amp; more');
    expect([niceStep(100), niceStep(7), niceStep(0.9), niceStep(0)]).toEqual([20, 2, 0.2, 1]);
  });
});

describe('npm run bench flags', () => {
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));
  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--only', 'scale,nope'], "unknown benchmark 'nope'"],
  ])('rejects %j with exit code 2 before building anything', (args, message) => {
    const run = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MODELWIRE_SKIP_BUILD: '1' } });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  it('lists every benchmark id in --help', () => {
    const run = spawnSync(process.execPath, [main, '--help'], { encoding: 'utf8', env: { ...process.env, MODELWIRE_SKIP_BUILD: '1' } });
    expect(run.status).toBe(0);
    for (const entry of SUITE) expect(run.stdout).toContain(entry.id);
  });
});
