// Soak: many concurrent agent sessions run tool-loop turns against one loopback Responses
// server while a share of all handshakes and requests hit a random fault (see soak-faults.ts).
// Every session is a full `@modelwire/core-session` session with pre-connect, telemetry-free.
//
//   node tools/bench/src/soak.ts [--sessions N] [--turns N] [--fault-rate R] [--seed N] [--http-share R] [--timeout-ms N] [--server-process]
//
// Reported: turns completed and failed (a failure must carry one of the injected fatal codes or
// be a retryable error after every retry: several faults in a row on one request),
// stream retries, extra requests, fallbacks to HTTP, lost and duplicated history items (must be
// 0), tool runs that do not match committed calls (must be 0), sticky-routing violations (must
// be 0), server connections and process handles open after close (must be 0), and RSS growth.
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
  /** Server-side connections still open after every session closed (must be 0). */
  readonly openConnectionsAfterClose: number;
  /** Process handles left over after everything closed, by type (must be empty). */
  readonly leakedHandles: readonly string[];
  readonly rssStartBytes: number;
  readonly rssEndBytes: number;
  /** RSS after each round (after a forced GC when available), in bytes: the trajectory of the growth. */
  readonly rssAfterRounds: readonly number[];
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
  const rssAfterRounds: number[] = [];
  try {
    for (let index = 0; index < sessionCount; index += 1) {
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
        conversationId: `soak-${index}`,
        model: { slug: 'gpt-soak', supportsReasoning: true, supportsVerbosity: true, contextWindow: 400_000 },
        reasoningEffort: 'low',
        instructions: 'You are one of many agents under fault injection.',
        tools: [shellTool(owner)],
        retryBackoff: { baseMs: 20, maxMs: 400 },
        client: { random: jitter },
      });
      const entry: SoakSession = { session, inputs: [], completedItems: [], toolRuns: 0 };
      Object.defineProperty(entry, 'toolRuns', { get: () => owner.toolRuns });
      soakSessions.push(entry);
    }

    for (let turn = 0; turn < turns; turn += 1) {
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
      requests += harvest.requests;
      handshakes += harvest.handshakes;
      collect();
      rssAfterRounds.push(process.memoryUsage.rss());
    }
  } finally {
    await Promise.all(soakSessions.map((entry) => entry.session.close()));
    summary = await server.close();
  }
  const wallMs = performance.now() - started;

  let lostItems = 0;
  let duplicatedItems = 0;
  let toolRunMismatches = 0;
  const historySamples: string[] = [];
  for (const entry of soakSessions) {
    const history = entry.session.history;
    const findings = checkHistory(history, entry.inputs, entry.completedItems);
    lostItems += findings.lost;
    duplicatedItems += findings.duplicated;
    for (const detail of findings.details) if (historySamples.length < 5) historySamples.push(detail);
    const committedCalls = history.filter((item) => item.type === 'function_call').length;
    if (committedCalls !== entry.toolRuns) toolRunMismatches += 1;
  }
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
    openConnectionsAfterClose: summary.openConnections,
    leakedHandles: leaked,
    rssStartBytes,
    rssEndBytes: memoryEnd.rss,
    rssAfterRounds,
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
    `  sticky violations      ${report.stickyViolations}`,
    `  open after close       ${report.openConnectionsAfterClose} server connections, handles ${report.leakedHandles.length === 0 ? 'none' : report.leakedHandles.join(', ')}`,
    `  RSS                    ${mib(report.rssStartBytes)} → ${mib(report.rssEndBytes)} (growth ${mib(report.rssEndBytes - report.rssStartBytes)}, peak ${mib(report.rssPeakBytes)}); ${report.serverRssBytes === undefined ? '' : `server process ${mib(report.serverRssBytes)}; `}heap used ${mib(report.heapStartBytes)} → ${mib(report.heapEndBytes)}, committed ${mib(report.heapTotalStartBytes)} → ${mib(report.heapTotalEndBytes)}, external ${mib(report.externalStartBytes)} → ${mib(report.externalEndBytes)}${report.gcForced ? ' (after forced GC)' : ' (no forced GC)'}`,
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
  });
  console.log(`\n${formatSoakReport(report).join('\n')}`);
  const broken = report.lostItems + report.duplicatedItems + report.unexpectedFailures + report.toolRunMismatches + report.stickyViolations + report.openConnectionsAfterClose + report.leakedHandles.length;
  if (broken > 0) process.exitCode = 1;
}

if (import.meta.main) await main();
