// `npm test`: every check of the workspace, then one summary line over all test projects.
//
// 1. `nx sync:check` (TypeScript project references match the project graph);
// 2. `nx run-many -t build typecheck lint check-package test --skip-sync` (run even when step 1
//    failed, so that every test still runs and counts; packaging is checked by publint
//    and @arethetypeswrong/cli on every built package);
// 3. the sum of the vitest JSON reports (<project>/reports/vitest.json): `N passed, N failed, N skipped`.
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

for (const path of reportPaths()) rmSync(path);
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
if (failures.length > 0) console.error(`\nfailed steps: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length > 0 || failed > 0 ? 1 : 0);
