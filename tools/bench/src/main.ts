// `npm run bench`: every benchmark of the repository, each against its anchors in the same
// run, then tools/bench/REPORT.md and its SVG chart. `--quick` is a smoke run (under two
// minutes) written to tools/bench/reports/ instead, so it never replaces the real report.
//
//   npm run bench [-- --quick] [-- --only id,id]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensurePackagesBuilt } from '@modelwire/checks/ensure-built';
import { SUITE } from './report/suite.ts';

const BENCH_ROOT = fileURLToPath(new URL('../', import.meta.url));
const IDS = SUITE.map((entry) => entry.id);

const HELP = `Usage: npm run bench -- [options]

Runs every benchmark against its anchors in the same run (several rounds, medians) and writes
tools/bench/REPORT.md with its chart (see tools/bench/README.md).

Options:
  --quick          smoke run with small inputs (under two minutes); written to
                   tools/bench/reports/REPORT.quick.md instead of REPORT.md
  --only <ids>     comma-separated benchmarks to run: ${IDS.join(', ')}
  -h, --help       show this help
`;

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nRun 'npm run bench -- --help' for the options.\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  }));
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const only = values.only?.split(',').map((id) => id.trim()).filter((id) => id !== '');
for (const id of only ?? []) if (!IDS.includes(id)) usage(`unknown benchmark '${id}'; choose from: ${IDS.join(', ')}`);

try {
  ensurePackagesBuilt();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const { runSuite } = await import('./report/run-suite.ts');
const { consoleSummary, writeReport } = await import('./report/write-report.ts');
const profile = values.quick ? 'quick' : 'full';
console.log(`Modelwire benchmarks (${profile} run, node ${process.version})`);
const report = await runSuite({ profile, ...(only === undefined ? {} : { only }), log: (line) => console.log(line) });
const files = values.quick || only !== undefined ? await writeReport(report, `${BENCH_ROOT}reports`, values.quick ? 'REPORT.quick' : 'REPORT.partial') : await writeReport(report, BENCH_ROOT, 'REPORT');
console.log(`\n${consoleSummary(report)}`);
console.log(`Report: ${files.markdown}\nChart:  ${files.chart}\nTotal:  ${(report.durationMs / 1000).toFixed(0)} s`);
if (report.sections.some((section) => section.error !== undefined)) process.exitCode = 1;
