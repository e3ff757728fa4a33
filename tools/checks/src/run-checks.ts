// `npm test`: every check of the workspace, then one summary line over all test projects.
//
// 1. `nx sync:check` (TypeScript project references match the project graph);
// 2. `nx run-many -t build typecheck lint check-package test --skip-sync` (run even when step 1
//    failed, so that every test still runs and counts; packaging is checked by publint
//    and @arethetypeswrong/cli on every built package);
// 3. the sum of the vitest JSON reports (<project>/reports/vitest.json): `N passed, N failed, N skipped`,
//    preceded by the conformance tier's line: what it replayed from ../shared/conformance, or
//    `conformance: skipped (no recordings)` when that folder is missing.
// Exits non-zero when any step failed, after printing the summary.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');

function run(args: string[]): number {
  console.log(`\n> nx ${args.join(' ')}`);
  const result = spawnSync('nx', args, { cwd: workspaceRoot, stdio: 'inherit', shell: false, env: process.env });
  if (result.error) {
    console.error(result.error.message);
    return 1;
  }
  return result.status ?? 1;
}

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

function reportPaths(): string[] {
  const paths: string[] = [];
  for (const group of ['packages', 'tools']) {
    const groupDir = join(workspaceRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const project of readdirSync(groupDir)) {
      const path = join(groupDir, project, 'reports', 'vitest.json');
      if (existsSync(path)) paths.push(path);
    }
  }
  return paths;
}

/** Where the conformance tier (tools/reliability/src/conformance) writes its counts, one file per part. */
const conformanceReports = join(workspaceRoot, 'tools', 'reliability', 'reports');
const conformanceFolder = join(workspaceRoot, '..', 'shared', 'conformance');

function conformanceReportPaths(): string[] {
  if (!existsSync(conformanceReports)) return [];
  return readdirSync(conformanceReports)
    .filter((name) => name.startsWith('conformance-') && name.endsWith('.json'))
    .map((name) => join(conformanceReports, name));
}

/** One line about the conformance tier; `null` when it should have run and wrote nothing. */
function conformanceLine(): string | null {
  if (!existsSync(conformanceFolder)) return 'conformance: skipped (no recordings)';
  const parts = conformanceReportPaths().map((path) => JSON.parse(readFileSync(path, 'utf8')) as { part: string; recordings?: number; responses?: number });
  if (parts.length === 0) return null;
  const recordings = Math.max(...parts.map((part) => part.recordings ?? 0));
  const replayed = parts
    .sort((a, b) => a.part.localeCompare(b.part))
    .map((part) => `${part.part} ${part.responses ?? 0}`)
    .join(', ');
  return `conformance: ${recordings} recordings; responses replayed per part: ${replayed}`;
}

for (const path of [...reportPaths(), ...conformanceReportPaths()]) rmSync(path);
const failures: string[] = [];
if (run(['sync:check']) !== 0) failures.push('nx sync:check');
if (run(['run-many', '-t', 'build', 'typecheck', 'lint', 'check-package', 'test', '--outputStyle=static', '--skip-sync']) !== 0) {
  failures.push('nx run-many');
}

let passed = 0;
let failed = 0;
let skipped = 0;
const reports = reportPaths();
for (const path of reports) {
  const report = JSON.parse(readFileSync(path, 'utf8')) as VitestJsonReport;
  passed += report.numPassedTests;
  // A test file that fails to load counts as a failure even though it reports no test.
  failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  skipped += report.numPendingTests + report.numTodoTests;
}
if (reports.length === 0) failures.push('no test report was written');
const conformance = conformanceLine();
if (conformance === null) failures.push(`the conformance tier wrote no report although ${conformanceFolder} exists`);
if (failures.length > 0) console.error(`\nfailed steps: ${failures.join(', ')}`);
if (conformance !== null) console.log(conformance);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length > 0 || failed > 0 ? 1 : 0);
