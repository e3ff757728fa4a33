// Benchmark: what journaling a session costs, per fsync policy.
//
//   node tools/bench/src/session-journal.ts [--quick] [--turns N] [--rounds N]
//
// 1. Session turns. A session runs tool-loop turns against the loopback Responses server (one
//    process, WebSocket): each turn commits its input, a response with a tool call, the tool's
//    output and the final response. Contenders, measured interleaved in the same run:
//    - the same session without a store (the anchor);
//    - journaled to a JSONL file with fsync "none", "turn" and "commit" (the default).
// 2. Appends alone. 240 single-record commits on one journal: awaited one by one with fsync
//    "commit" (one fdatasync each), in bursts of 8 made together (group commit: one write and
//    one fdatasync per burst), and with fsync "none" (the anchor: the write(2) alone).
// Absolute figures depend on the disk (tmpfs makes fdatasync free); compare ratios within one run.
// Imports the built packages: run `nx run-many -t build` first (vitest resolves source).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession, JsonlSessionStore, type FsyncPolicy, type RolloutRecord, type SessionStore } from '@modelwire/core-session';
import { startResponsesServer } from '@modelwire/testing';
import { measureInterleaved, printComparison, type Measurement } from './shared/measure.ts';
import { numberArgument } from './shared/cli.ts';

/** Options of {@link runSessionJournalBench}. */
export interface SessionJournalBenchOptions {
  /** Tool-loop turns per round of the session contenders. Default 20. */
  turns?: number;
  /** Single-record commits per round of the append contenders. Default 240. */
  appends?: number;
  /** Timed rounds per contender. Default 7. */
  rounds?: number;
  /** Untimed warm-up rounds per contender. Default 2. */
  warmupRounds?: number;
  /** Where the journals go. Default: a new directory in the OS temp directory (deleted after). */
  directory?: string;
}

/** What {@link runSessionJournalBench} measured. */
export interface SessionJournalBenchResult {
  turns: number;
  appends: number;
  sessions: Measurement[];
  appendsAlone: Measurement[];
  /** Median of each journaled session contender / median without a store. */
  sessionRatios: Record<FsyncPolicy, number>;
  /** The same ratios on the fastest rounds (less sensitive to a busy machine). */
  sessionMinRatios: Record<FsyncPolicy, number>;
  /** Milliseconds per commit of the append contenders (median round / appends). */
  msPerCommit: Record<string, number>;
  /** Median of one-by-one fsync "commit" appends / median of bursts of 8 (what group commit saves). */
  groupCommitSpeedup: number;
}

export const NO_STORE = 'no store';
export const sessionContender = (policy: FsyncPolicy): string => `JSONL, fsync "${policy}"`;
export const APPENDS_NONE = 'appends, fsync "none"';
export const APPENDS_ONE_BY_ONE = 'appends one by one, fsync "commit"';
export const APPENDS_GROUPED = 'appends in bursts of 8, fsync "commit"';

const POLICIES: readonly FsyncPolicy[] = ['none', 'turn', 'commit'];

/** Runs the benchmark and returns its measurements (prints nothing). */
export async function runSessionJournalBench(options: SessionJournalBenchOptions = {}): Promise<SessionJournalBenchResult> {
  const turns = options.turns ?? 20;
  const appends = options.appends ?? 240;
  const rounds = options.rounds ?? 7;
  const warmupRounds = options.warmupRounds ?? 2;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'modelwire-bench-journal-')));
  const server = await startResponsesServer();
  try {
    const runTurns = (store: SessionStore | undefined) => async (): Promise<void> => {
      const session = createSession({
        provider: { baseUrl: server.url, supportsWebSockets: true },
        auth: { getToken: () => 'bench-token' },
        model: { slug: 'gpt-bench', supportsReasoning: true, supportsVerbosity: false, contextWindow: null },
        instructions: 'You are a benchmark agent.',
        ...(store === undefined ? {} : { store }),
        tools: [{ kind: 'function', name: 'shell', description: 'Runs a command', parameters: { type: 'object', properties: { command: { type: 'string' } } }, handler: (args) => `ran ${String((args as { command?: unknown }).command)}` }],
      });
      try {
        for (let turn = 0; turn < turns; turn += 1) await session.submit(`run: step ${turn}`).result;
      } finally {
        await session.close();
      }
    };
    const sessions = await measureInterleaved(
      [{ name: NO_STORE, run: runTurns(undefined) }, ...POLICIES.map((policy) => ({ name: sessionContender(policy), run: runTurns(new JsonlSessionStore({ directory, fsync: policy })) }))],
      rounds,
      warmupRounds,
    );

    const record = (index: number): RolloutRecord => ({ timestamp: new Date(0).toISOString(), type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `commit ${index} `.repeat(20) }] } });
    const meta: RolloutRecord = { timestamp: new Date(0).toISOString(), type: 'session_meta', payload: { id: 'bench', timestamp: new Date(0).toISOString(), originator: 'modelwire', source: 'exec', instructions: '', settings: { model: { slug: 'm' }, reasoning_effort: null, reasoning_summary: 'auto', verbosity: null, turn_metadata: {}, parallel_tool_calls: false, output_schema: null } } };
    let sessionNumber = 0;
    const runAppends = (policy: FsyncPolicy, burst: number) => async (): Promise<void> => {
      sessionNumber += 1;
      const log = new JsonlSessionStore({ directory, fsync: policy }).create(`appends-${sessionNumber}`);
      try {
        await log.append([meta], { commit: true });
        for (let index = 0; index < appends; index += burst) {
          await Promise.all(Array.from({ length: Math.min(burst, appends - index) }, (_, offset) => log.append([record(index + offset)], { commit: true })));
        }
      } finally {
        await log.close();
      }
    };
    const appendsAlone = await measureInterleaved(
      [
        { name: APPENDS_NONE, run: runAppends('none', 1) },
        { name: APPENDS_ONE_BY_ONE, run: runAppends('commit', 1) },
        { name: APPENDS_GROUPED, run: runAppends('commit', 8) },
      ],
      rounds,
      warmupRounds,
    );
    const medianOf = (list: readonly Measurement[], name: string): number => list.find((m) => m.name === name)?.medianMs ?? Number.NaN;
    const anchor = medianOf(sessions, NO_STORE);
    const fastest = (name: string): number => sessions.find((m) => m.name === name)?.minMs ?? Number.NaN;
    return {
      turns,
      appends,
      sessions,
      appendsAlone,
      sessionRatios: Object.fromEntries(POLICIES.map((policy) => [policy, medianOf(sessions, sessionContender(policy)) / anchor])) as Record<FsyncPolicy, number>,
      sessionMinRatios: Object.fromEntries(POLICIES.map((policy) => [policy, fastest(sessionContender(policy)) / fastest(NO_STORE)])) as Record<FsyncPolicy, number>,
      msPerCommit: Object.fromEntries(appendsAlone.map((m) => [m.name, m.medianMs / appends])),
      groupCommitSpeedup: medianOf(appendsAlone, APPENDS_ONE_BY_ONE) / medianOf(appendsAlone, APPENDS_GROUPED),
    };
  } finally {
    await server.close();
    if (options.directory === undefined) await rm(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const turns = numberArgument(args, '--turns') ?? (quick ? 8 : undefined);
  const rounds = numberArgument(args, '--rounds') ?? (quick ? 5 : undefined);
  const result = await runSessionJournalBench({ ...(turns !== undefined ? { turns } : {}), ...(rounds !== undefined ? { rounds } : {}), ...(quick ? { warmupRounds: 1 } : {}) });
  printComparison(`session journal: ${result.turns} tool-loop turns per round (4 commits each), loopback WebSocket (node ${process.version})`, result.sessions, NO_STORE, { count: result.turns, unit: 'turns' });
  printComparison(`appends alone: ${result.appends} single-record commits per round`, result.appendsAlone, APPENDS_NONE, { count: result.appends, unit: 'commits' });
  console.log(`\n  journaled / no store (median): ${POLICIES.map((policy) => `fsync "${policy}" ${result.sessionRatios[policy].toFixed(2)}×`).join(', ')}`);
  console.log(`  journaled / no store (fastest rounds): ${POLICIES.map((policy) => `fsync "${policy}" ${result.sessionMinRatios[policy].toFixed(2)}×`).join(', ')}`);
  console.log(`  per commit: ${Object.entries(result.msPerCommit).map(([name, ms]) => `${name} ${(ms * 1000).toFixed(0)} µs`).join('; ')}`);
  console.log(`  group commit: bursts of 8 are ${result.groupCommitSpeedup.toFixed(2)}× faster than one by one`);
}

if (import.meta.main) await main();
