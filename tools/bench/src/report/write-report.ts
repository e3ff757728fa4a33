// Writes a report's Markdown and its SVG chart side by side, and renders the short console
// summary printed at the end of a run.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from './markdown.ts';
import type { BenchReport } from './report-types.ts';
import { renderChart } from './svg-chart.ts';

/** File names of a written report. */
export interface ReportFiles {
  readonly markdown: string;
  readonly chart: string;
}

/** Writes `<directory>/<baseName>.md` and `<directory>/<baseName>-chart.svg`. */
export async function writeReport(report: BenchReport, directory: string, baseName: string): Promise<ReportFiles> {
  await mkdir(directory, { recursive: true });
  const chartName = `${baseName.toLowerCase()}-chart.svg`;
  const markdown = join(directory, `${baseName}.md`);
  const chart = join(directory, chartName);
  const subtitle = `Modelwire ${report.profile} benchmark run, Node.js ${report.machine.node}, ${report.machine.date.slice(0, 10)}, ${report.machine.cpus} CPUs (load average up to ${report.machine.loadPeak.toFixed(1)})`;
  await writeFile(chart, renderChart(report.chart, subtitle));
  await writeFile(markdown, renderMarkdown(report, chartName));
  return { markdown, chart };
}

/** The headline figures of every section, one line each, for the terminal. */
export function consoleSummary(report: BenchReport): string {
  const lines: string[] = [];
  for (const section of report.sections) {
    lines.push(section.title);
    if (section.error !== undefined) lines.push(`  did not run: ${section.error}`);
    for (const headline of section.headlines) {
      const verdict = headline.met === undefined ? '' : `  (target ${headline.target}: ${headline.met ? 'met' : 'MISSED'})`;
      lines.push(`  ${headline.label}: ${headline.value}${verdict}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
