// Soak: many concurrent agent sessions run tool-loop turns against one loopback Responses
// server while a share of all handshakes and requests hit a random fault (see soak-faults.ts).
// Every session is a full `@modelwire/core-session` session with pre-connect, telemetry-free.
//
//   node tools/bench/src/soak.ts [--sessions N] [--turns N] [--fault-rate R] [--seed N] [--http-share R] [--timeout-ms N] [--server-process] [--session-turns N]
//
// Reported: turns completed and failed (a failure must carry one of the injected fatal codes or
// be a retryable error after every retry: several faults in a row on one request),
// stream retries, extra requests, fallbacks to HTTP, lost and duplicated history items (must be
// 0), tool runs that do not match committed calls (must be 0), sticky-routing violations (must
// be 0), server connections and process handles open after close (must be 0), and memory: RSS,
// heap and external memory after every round, and their least-squares slopes per turn after
// the warm-up. With --session-turns N every session is replaced after N turns (staggered), so
// that what sessions legitimately hold (their histories) stays bounded and the slope measures
// what accumulates.
// The loopback server runs in the same process (or, with --server-process, in a child process so
// that the memory figures are the client's alone); its recording is emptied after every round.
// Imports the built packages (`nx run-many -t build`); vitest resolves them to source.
import type { ResponseItem } from '@modelwire/client';
import { createSession, type Session, type ToolDefinition } from '@modelwire/core-session';
import { checkHistory } from './soak-history.ts';
import { garbageCollector } from './shared/measure.ts';
import { EXPECTED_FATAL_CODES, seededRandom } from './soak-faults.ts';
import { startChildProcessSoakServer, startInProcessSoakServer, type SoakServerSummary } from './soak-server.ts';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Concurrent sessions. Default 100. */
  readonly sessions?: number;
  /** Turns per session (each a tool loop: a tool call, then the answer). Default 20. */
  readonly turns?: number;
  /** Share of handshakes and requests that hit a random fault, in [0, 1]. Default 0.1. */
  readonly faultRate?: number;
  /** Seed of the fault picker and of the clients' jitter. Default 1. */
  readonly seed?: number;
  /** Share of sessions that start on HTTP instead of the WebSocket, in [0, 1]. Default 0.2. */
  readonly httpShare?: number;
  /** Idle and connect timeouts of every provider, in milliseconds. Default 1 000. */
  readonly timeoutMs?: number;
  /**
   * Run the loopback server in a child process, so that the memory figures are the client's
   * alone. Needs the built packages. Default `false` (same process).
   */
  readonly serverInChildProcess?: boolean;
  /**
   * Turns a session runs before it is closed (its history checked) and replaced by a new one,
   * staggered over the sessions. Bounds what the sessions legitimately hold (their histories),
   * so that the memory slope measures what accumulates across sessions. Default: never.
   */
  readonly sessionTurns?: number;
  /**
   * Rounds left out of the slope fit as warm-up, as a share of all rounds. Default 0.5: the V8
   * heap and the allocator grow to their high-water marks in the first part of a run.
   */
  readonly warmupShare?: number;
  /** Print a progress line to stderr every 10 rounds. Default false. */
  readonly progress?: boolean;
}

/** Memory after one round (after a forced GC when available), with the turns run so far. */
export interface MemorySample {
  readonly turns: number;
  readonly rss: number;
  readonly heapUsed: number;
  /** V8 heap committed, used or not. */
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** Least-squares slopes of memory over turns after the warm-up, in bytes per turn. */
export interface MemorySlopes {
  /** Rounds fitted (after the warm-up) and the turns they span. */
  readonly rounds: number;
  readonly fromTurn: number;
  readonly toTurn: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  /** heapUsed + external: what JavaScript can reach, whatever the allocator keeps. */
  readonly heapAndExternal: number;
  /** The RSS slope over the last three quarters of the run (a shorter warm-up), for comparison. */
  readonly rssLastThreeQuarters: number;
}

/** The least-squares slope of `y` over `x`; `NaN` with fewer than two distinct points. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/** Fits the slopes of `samples` after leaving out the first `warmupShare` of them. */
export function memorySlopes(samples: readonly MemorySample[], warmupShare = 0.5): MemorySlopes {
  const after = (share: number): readonly MemorySample[] => samples.slice(Math.max(0, Math.min(samples.length - 2, Math.floor(samples.length * share))));
  const fitted = after(warmupShare);
  const of = (pick: (sample: MemorySample) => number, points = fitted): number => slope(points.map((sample) => [sample.turns, pick(sample)] as const));
  return {
    rounds: fitted.length,
    fromTurn: fitted[0]?.turns ?? 0,
    toTurn: fitted.at(-1)?.turns ?? 0,
    rss: of((sample) => sample.rss),
    heapUsed: of((sample) => sample.heapUsed),
    heapTotal: of((sample) => sample.heapTotal),
    external: of((sample) => sample.external),
    heapAndExternal: of((sample) => sample.heapUsed + sample.external),
    rssLastThreeQuarters: of((sample) => sample.rss, after(0.25)),
  };
}

/** What {@link runSoak} found. */
export interface SoakReport {
  readonly sessions: number;
  readonly turnsPlanned: number;
  readonly turnsCompleted: number;
  /** Failed turns by error code. */
  readonly turnsFailed: Readonly<Record<string, number>>;
  /**
   * Failed turns that ran out of retries: a retryable error after every retry of the request's one budget
   * (several faults in a row on one request). Expected at high fault rates, rare at 10 %.
   */
  readonly budgetExhausted: number;
  /** Failed turns that neither carry an injected fatal fault's code nor ran out of retries (must be 0). */
  readonly unexpectedFailures: number;
  readonly unexpectedFailureSamples: readonly string[];
  /** `retrying` events: streams the turn loop sent again. */
  readonly streamRetries: number;
  /** Responses requests the server received beyond those that completed (retries, resends). */
  readonly extraRequests: number;
  readonly requests: number;
  readonly handshakes: number;
  /** `transport_fallback` events (one per session at most). */
  readonly fallbacks: number;
  /** Faults injected, by name. */
  readonly faultsInjected: Readonly<Record<string, number>>;
  readonly faultsTotal: number;
  /** Handshakes and requests the injector saw. */
  readonly faultTargets: { readonly handshakes: number; readonly requests: number };
  readonly lostItems: number;
  readonly duplicatedItems: number;
  readonly historySamples: readonly string[];
  /** Sessions whose tool ran a different number of times than calls were committed (must be 0). */
  readonly toolRunMismatches: number;
  readonly stickyViolations: number;
  /** The first few sticky-routing violations the server recorded. */
  readonly stickySamples: readonly string[];
  /** Server-side connections still open after every session closed (must be 0). */
  readonly openConnectionsAfterClose: number;
  /** Process handles left over after everything closed, by type (must be empty). */
  readonly leakedHandles: readonly string[];
  readonly rssStartBytes: number;
  readonly rssEndBytes: number;
  /** RSS after each round (after a forced GC when available), in bytes: the trajectory of the growth. */
  readonly rssAfterRounds: readonly number[];
  /** Memory after each round (after a forced GC when available). */
  readonly memoryAfterRounds: readonly MemorySample[];
  /** Slopes of memory over turns after the warm-up. */
  readonly slopes: MemorySlopes;
  /** Sessions created over the run (more than `sessions` when they are recycled). */
  readonly sessionsCreated: number;
  /** `MALLOC_ARENA_MAX` of this process, when set. */
  readonly mallocArenaMax: string | undefined;
  readonly rssPeakBytes: number;
  readonly heapStartBytes: number;
  readonly heapEndBytes: number;
  /** V8 heap committed (used or not) at the start and the end, in bytes. */
  readonly heapTotalStartBytes: number;
  readonly heapTotalEndBytes: number;
  /** Memory outside the V8 heap (buffers) at the start and the end, in bytes. */
  readonly externalStartBytes: number;
  readonly externalEndBytes: number;
  readonly gcForced: boolean;
  /** Whether the server ran in a child process (the memory figures are then the client's alone). */
  readonly serverInChildProcess: boolean;
  /** RSS of the server's child process at the end; `undefined` in the same process. */
  readonly serverRssBytes: number | undefined;
  readonly wallMs: number;
}

/** One session of the soak and what it saw. */
interface SoakSession {
  readonly session: Session;
  readonly inputs: string[];
  readonly completedItems: ResponseItem[][];
  toolRuns: number;
}

function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

async function leakedHandles(baseline: ReadonlyMap<string, number>, settleMs: number): Promise<string[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const leaks: string[] = [];
    for (const [type, count] of handleCounts()) if (count > (baseline.get(type) ?? 0)) leaks.push(`${type} +${count - (baseline.get(type) ?? 0)}`);
    if (leaks.length === 0 || Date.now() >= deadline) return leaks;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function shellTool(owner: { toolRuns: number }): ToolDefinition {
  return {
    kind: 'function',
    name: 'shell',
    description: 'Runs a shell command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    handler: (args) => {
      owner.toolRuns += 1;
      return `ran: ${String((args as { command?: unknown }).command)}`;
    },
  };
}

/** Runs the soak (prints nothing) and reports what it found. */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const sessionCount = options.sessions ?? 100;
  const turns = options.turns ?? 20;
  const faultRate = options.faultRate ?? 0.1;
  const seed = options.seed ?? 1;
  const httpShare = options.httpShare ?? 0.2;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const gc = garbageCollector();
  const collect = (): void => {
    gc?.();
    gc?.();
  };
  collect();
  const baseline = handleCounts();
  const memoryStart = process.memoryUsage();
  const heapStartBytes = memoryStart.heapUsed;
  const rssStartBytes = memoryStart.rss;
  let rssPeakBytes = rssStartBytes;
  const sampler = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  }, 50);
  sampler.unref();
  const started = performance.now();

  const serverInChildProcess = options.serverInChildProcess ?? false;
  const server = serverInChildProcess ? await startChildProcessSoakServer(faultRate, seed) : await startInProcessSoakServer(faultRate, seed);
  let summary: SoakServerSummary | undefined;
  const jitter = seededRandom(seed + 1);
  const soakSessions: SoakSession[] = [];
  const failed: Record<string, number> = {};
  const unexpectedSamples: string[] = [];
  let unexpectedFailures = 0;
  let budgetExhausted = 0;
  let turnsCompleted = 0;
  let streamRetries = 0;
  let fallbacks = 0;
  let completedRequests = 0;
  let requests = 0;
  let handshakes = 0;
  let stickyViolations = 0;
  const stickySamples: string[] = [];
  const rssAfterRounds: number[] = [];
  const memoryAfterRounds: MemorySample[] = [];
  let sessionsCreated = 0;
  let turnsRun = 0;
  const findings = { lost: 0, duplicated: 0, toolRunMismatches: 0, samples: [] as string[] };
  /** Checks a session's history and tool runs (before it is dropped, or at the end). */
  const checkSession = (entry: SoakSession): void => {
    const history = entry.session.history;
    const found = checkHistory(history, entry.inputs, entry.completedItems);
    findings.lost += found.lost;
    findings.duplicated += found.duplicated;
    for (const detail of found.details) if (findings.samples.length < 5) findings.samples.push(detail);
    const committedCalls = history.filter((item) => item.type === 'function_call').length;
    if (committedCalls !== entry.toolRuns) findings.toolRunMismatches += 1;
  };
  const sessionTurns = options.sessionTurns;
  try {
    const newSession = (index: number): SoakSession => {
      sessionsCreated += 1;
      const owner = { toolRuns: 0 };
      let token = `soak-token-${index}`;
      let refreshes = 0;
      const session = createSession({
        provider: {
          name: 'loopback',
          baseUrl: server.url,
          supportsWebSockets: index >= Math.round(sessionCount * httpShare),
          streamIdleTimeoutMs: timeoutMs,
          websocketConnectTimeoutMs: timeoutMs,
          connectTimeoutMs: timeoutMs,
        },
        auth: {
          getToken: () => token,
          refresh: async () => {
            refreshes += 1;
            token = `soak-token-${index}-refreshed-${refreshes}`;
            return true;
          },
        },
        conversationId: `soak-${index}-${sessionsCreated}`,
        model: { slug: 'gpt-soak', supportsReasoning: true, supportsVerbosity: true, contextWindow: 400_000 },
        reasoningEffort: 'low',
        instructions: 'You are one of many agents under fault injection.',
        tools: [shellTool(owner)],
        retryBackoff: { baseMs: 20, maxMs: 400 },
        client: { random: jitter },
      });
      const entry: SoakSession = { session, inputs: [], completedItems: [], toolRuns: 0 };
      Object.defineProperty(entry, 'toolRuns', { get: () => owner.toolRuns });
      return entry;
    };
    for (let index = 0; index < sessionCount; index += 1) soakSessions.push(newSession(index));

    for (let turn = 0; turn < turns; turn += 1) {
      if (sessionTurns !== undefined && turn > 0) {
        // Staggered: a few sessions are replaced before every round.
        for (let index = 0; index < soakSessions.length; index += 1) {
          if ((turn + index) % sessionTurns !== 0) continue;
          const retired = soakSessions[index]!;
          await retired.session.close();
          checkSession(retired);
          soakSessions[index] = newSession(index);
        }
      }
      await Promise.all(
        soakSessions.map(async (entry, index) => {
          const input = `run: step ${index}.${turn}`;
          entry.inputs.push(input);
          const handle = entry.session.submit(input);
          for await (const event of handle) {
            if (event.type === 'retrying') streamRetries += 1;
            else if (event.type === 'transport_fallback') fallbacks += 1;
          }
          try {
            const result = await handle.result;
            turnsCompleted += 1;
            completedRequests += result.requests;
            entry.completedItems.push([...result.items]);
          } catch (error) {
            const code = String((error as { code?: unknown }).code ?? (error as Error).name);
            failed[code] = (failed[code] ?? 0) + 1;
            if ((error as { retryable?: unknown }).retryable === true) {
              budgetExhausted += 1;
            } else if (!EXPECTED_FATAL_CODES.has(code)) {
              unexpectedFailures += 1;
              if (unexpectedSamples.length < 5) unexpectedSamples.push(`${code}: ${(error as Error).message}`);
            }
          }
        }),
      );
      // Between rounds nothing is in flight: harvest the recording and empty it.
      const harvest = await server.harvest();
      stickyViolations += harvest.stickyViolations;
      for (const sample of harvest.stickySamples) if (stickySamples.length < 5) stickySamples.push(`round ${turn + 1}: ${sample}`);
      requests += harvest.requests;
      handshakes += harvest.handshakes;
      turnsRun += soakSessions.length;
      collect();
      const memory = process.memoryUsage();
      rssAfterRounds.push(memory.rss);
      memoryAfterRounds.push({ turns: turnsRun, rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, arrayBuffers: memory.arrayBuffers });
      if (options.progress === true && ((turn + 1) % 10 === 0 || turn + 1 === turns)) {
        process.stderr.write(`soak: round ${turn + 1}/${turns}, ${turnsRun} turns, RSS ${(memory.rss / 1024 / 1024).toFixed(0)} MiB, heap ${(memory.heapUsed / 1024 / 1024).toFixed(1)} MiB, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
      }
    }
  } finally {
    await Promise.all(soakSessions.map((entry) => entry.session.close()));
    summary = await server.close();
  }
  const wallMs = performance.now() - started;

  for (const entry of soakSessions) checkSession(entry);
  const { lost: lostItems, duplicated: duplicatedItems, toolRunMismatches, samples: historySamples } = findings;
  const faultsInjected = Object.fromEntries(Object.entries(summary.injected).sort((a, b) => b[1] - a[1]));
  soakSessions.length = 0;
  clearInterval(sampler);
  collect();
  const leaked = await leakedHandles(baseline, 3_000);
  collect();
  const memoryEnd = process.memoryUsage();
  return {
    sessions: sessionCount,
    turnsPlanned: sessionCount * turns,
    turnsCompleted,
    turnsFailed: failed,
    budgetExhausted,
    unexpectedFailures,
    unexpectedFailureSamples: unexpectedSamples,
    streamRetries,
    extraRequests: requests - completedRequests,
    requests,
    handshakes,
    fallbacks,
    faultsInjected,
    faultsTotal: Object.values(summary.injected).reduce((sum, count) => sum + count, 0),
    faultTargets: summary.targets,
    lostItems,
    duplicatedItems,
    historySamples,
    toolRunMismatches,
    stickyViolations,
    stickySamples,
    openConnectionsAfterClose: summary.openConnections,
    leakedHandles: leaked,
    rssStartBytes,
    rssEndBytes: memoryEnd.rss,
    rssAfterRounds,
    memoryAfterRounds,
    slopes: memorySlopes(memoryAfterRounds, options.warmupShare),
    sessionsCreated,
    mallocArenaMax: process.env['MALLOC_ARENA_MAX'],
    rssPeakBytes,
    heapStartBytes,
    heapEndBytes: memoryEnd.heapUsed,
    heapTotalStartBytes: memoryStart.heapTotal,
    heapTotalEndBytes: memoryEnd.heapTotal,
    externalStartBytes: memoryStart.external,
    externalEndBytes: memoryEnd.external,
    gcForced: gc !== null,
    serverInChildProcess,
    serverRssBytes: summary.serverRssBytes,
    wallMs,
  };
}

/** Bytes per turn as KiB per turn, signed. */
export function kibPerTurn(bytesPerTurn: number): string {
  return `${(bytesPerTurn / 1024).toFixed(3)} KiB/turn`;
}

/** The report as printable lines. */
export function formatSoakReport(report: SoakReport): string[] {
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const failedTotal = Object.values(report.turnsFailed).reduce((sum, count) => sum + count, 0);
  return [
    `Soak: ${report.sessions} concurrent sessions × ${report.turnsPlanned / report.sessions} tool-loop turns, ${report.faultsTotal} faults injected into ${report.faultTargets.handshakes} handshakes + ${report.faultTargets.requests} requests (node ${process.version}, ${(report.wallMs / 1000).toFixed(1)} s, server ${report.serverInChildProcess ? 'in a child process' : 'in the same process'})`,
    `  turns completed        ${report.turnsCompleted} / ${report.turnsPlanned}`,
    `  turns failed           ${failedTotal} ${JSON.stringify(report.turnsFailed)} (out of retries: ${report.budgetExhausted}; unexpected: ${report.unexpectedFailures}${report.unexpectedFailureSamples.length > 0 ? `: ${report.unexpectedFailureSamples.join('; ')}` : ''})`,
    `  stream retries         ${report.streamRetries}`,
    `  requests               ${report.requests} (${report.extraRequests} beyond the completed ones), ${report.handshakes} handshakes`,
    `  fallbacks to HTTP      ${report.fallbacks}`,
    `  lost / duplicated      ${report.lostItems} / ${report.duplicatedItems}${report.historySamples.length > 0 ? ` (${report.historySamples.join('; ')})` : ''}`,
    `  tool run mismatches    ${report.toolRunMismatches}`,
    `  sticky violations      ${report.stickyViolations}${report.stickySamples.length > 0 ? ` (${report.stickySamples.join('; ')})` : ''}`,
    `  open after close       ${report.openConnectionsAfterClose} server connections, handles ${report.leakedHandles.length === 0 ? 'none' : report.leakedHandles.join(', ')}`,
    `  RSS                    ${mib(report.rssStartBytes)} → ${mib(report.rssEndBytes)} (growth ${mib(report.rssEndBytes - report.rssStartBytes)}, peak ${mib(report.rssPeakBytes)}); ${report.serverRssBytes === undefined ? '' : `server process ${mib(report.serverRssBytes)}; `}heap used ${mib(report.heapStartBytes)} → ${mib(report.heapEndBytes)}, committed ${mib(report.heapTotalStartBytes)} → ${mib(report.heapTotalEndBytes)}, external ${mib(report.externalStartBytes)} → ${mib(report.externalEndBytes)}${report.gcForced ? ' (after forced GC)' : ' (no forced GC)'}`,
    `  slope after warm-up    RSS ${kibPerTurn(report.slopes.rss)} (last three quarters ${kibPerTurn(report.slopes.rssLastThreeQuarters)}), heap used ${kibPerTurn(report.slopes.heapUsed)}, heap committed ${kibPerTurn(report.slopes.heapTotal)}, external ${kibPerTurn(report.slopes.external)}, heap + external ${kibPerTurn(report.slopes.heapAndExternal)} (rounds ${report.memoryAfterRounds.length - report.slopes.rounds + 1}–${report.memoryAfterRounds.length}, turns ${report.slopes.fromTurn}–${report.slopes.toTurn}; ${report.sessionsCreated} sessions created${report.mallocArenaMax === undefined ? '' : `; MALLOC_ARENA_MAX=${report.mallocArenaMax}`})`,
    `  RSS after rounds       ${report.rssAfterRounds
      .map((bytes, index) => ({ bytes, round: index + 1 }))
      .filter(({ round }) => round === 1 || round % 5 === 0 || round === report.rssAfterRounds.length)
      .map(({ bytes, round }) => `${round}: ${(bytes / 1024 / 1024).toFixed(0)}`)
      .join(', ')} MiB`,
    `  faults                 ${Object.entries(report.faultsInjected).map(([name, count]) => `${name} ${count}`).join(', ')}`,
  ];
}

function numberArgument(args: readonly string[], name: string): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} needs a non-negative number`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const report = await runSoak({
    ...(numberArgument(args, '--sessions') === undefined ? {} : { sessions: numberArgument(args, '--sessions') as number }),
    ...(numberArgument(args, '--turns') === undefined ? {} : { turns: numberArgument(args, '--turns') as number }),
    ...(numberArgument(args, '--fault-rate') === undefined ? {} : { faultRate: numberArgument(args, '--fault-rate') as number }),
    ...(numberArgument(args, '--seed') === undefined ? {} : { seed: numberArgument(args, '--seed') as number }),
    ...(numberArgument(args, '--http-share') === undefined ? {} : { httpShare: numberArgument(args, '--http-share') as number }),
    ...(numberArgument(args, '--timeout-ms') === undefined ? {} : { timeoutMs: numberArgument(args, '--timeout-ms') as number }),
    serverInChildProcess: args.includes('--server-process'),
    ...(numberArgument(args, '--session-turns') === undefined ? {} : { sessionTurns: numberArgument(args, '--session-turns') as number }),
    progress: true,
  });
  console.log(`\n${formatSoakReport(report).join('\n')}`);
  const broken = report.lostItems + report.duplicatedItems + report.unexpectedFailures + report.toolRunMismatches + report.stickyViolations + report.openConnectionsAfterClose + report.leakedHandles.length;
  if (broken > 0) process.exitCode = 1;
}

if (import.meta.main) await main();
