// `npm run soak`: the long soak alone (the same run as the soak of `npm run bench`: 200
// concurrent sessions × 100 rounds = 20 000 tool-loop turns under random faults, sessions
// replaced every 20 turns, 3-second idle and connect timeouts, the server in a child process), in a child process of its own with a
// real `--expose-gc`, printing its figures: invariants, memory after every tenth of the rounds,
// and the slopes over the second half. `--malloc-arena-max N` runs it with `MALLOC_ARENA_MAX=N`
// (glibc keeps fewer malloc arenas: shows which part of RSS growth is the allocator's).
//
//   npm run soak [-- --malloc-arena-max 2] [-- --sessions N --turns N --session-turns N]
import { parseArgs } from 'node:util';
import { ensurePackagesBuilt } from '@modelwire/checks/ensure-built';
import { runExportInChild } from './shared/child-process.ts';
import type { SoakOptions, SoakReport } from './soak.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    'malloc-arena-max': { type: 'string' },
    sessions: { type: 'string', default: '200' },
    turns: { type: 'string', default: '100' },
    'session-turns': { type: 'string', default: '20' },
  },
});
const positive = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
};
const options: SoakOptions = {
  sessions: positive('sessions', values.sessions),
  turns: positive('turns', values.turns),
  sessionTurns: positive('session-turns', values['session-turns']),
  timeoutMs: 3_000,
  serverInChildProcess: true,
  progress: true,
};
ensurePackagesBuilt();
const env = values['malloc-arena-max'] === undefined ? {} : { MALLOC_ARENA_MAX: String(positive('malloc-arena-max', values['malloc-arena-max'])) };
const { formatSoakReport } = await import('./soak.ts');
const report = runExportInChild<SoakReport>(new URL('./soak.ts', import.meta.url), 'runSoak', options, env);
console.log(formatSoakReport(report).join('\n'));
const broken = report.lostItems + report.duplicatedItems + report.unexpectedFailures + report.toolRunMismatches + report.stickyViolations + report.openConnectionsAfterClose + report.leakedHandles.length;
if (broken > 0) process.exitCode = 1;
