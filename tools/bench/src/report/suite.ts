// Every benchmark of the repository as one suite: each entry imports its benchmark's core
// (which measures its contenders and anchors interleaved, in the same run), sizes it for the
// profile, and turns its result into a report section. An entry that fails becomes a section
// with its error; the others still run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { E2eFigures } from '../client-e2e.ts';
import type { PathFigures } from '../fetch-adapter.ts';
import type { ScaleBenchResult } from '../scale.ts';
import type { SoakReport } from '../soak.ts';
import { runExportInChild } from '../shared/child-process.ts';
import type { Measurement } from '../shared/measure.ts';
import type { ChartData, Headline, Profile, ReportRow, ReportSection } from './report-types.ts';

/** What an entry hands back besides its section. */
export interface EntryOutput {
  readonly section: Omit<ReportSection, 'durationMs' | 'id' | 'title' | 'description'>;
  readonly chart?: Partial<ChartData>;
}

/** One benchmark of the suite. */
export interface SuiteEntry {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  run(profile: Profile): Promise<EntryOutput>;
}

/** Runs scale.ts in a child Node process and reads its JSON result line. */
function runScaleInChild(sessions: number, requestsPerTurn: number): ScaleBenchResult {
  const script = fileURLToPath(new URL('../scale.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--expose-gc', script, '--json', '--sessions', String(sessions), '--requests', String(requestsPerTurn)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`scale.ts exited with ${child.status ?? child.signal}: ${child.stderr.trim().slice(-500)}`);
  return JSON.parse(line) as ScaleBenchResult;
}

const pick = <T>(profile: Profile, sizes: Record<Profile, T>): T => sizes[profile];

/** Rows from interleaved measurements, with ratios against `anchor`. */
export function timedRows(measurements: readonly Measurement[], anchor: string): ReportRow[] {
  const anchorMedian = measurements.find((m) => m.name === anchor)?.medianMs ?? Number.NaN;
  return measurements.map((m) => ({ name: m.name, medianMs: m.medianMs, minMs: m.minMs, maxMs: m.maxMs, rounds: m.roundsMs.length, ratio: m.medianMs / anchorMedian, anchor: m.name === anchor }));
}

/** A headline checked against an upper (`≤`) or lower (`≥`) bound. */
export function ratioHeadline(label: string, value: number, bound?: { at: number; kind: '≤' | '≥' }): Headline {
  const formatted = `${value.toFixed(2)}×`;
  if (bound === undefined) return { label, value: formatted };
  const met = bound.kind === '≤' ? value <= bound.at : value >= bound.at;
  return { label, value: formatted, target: `${bound.kind} ${bound.at.toFixed(2)}×`, met };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const count = (value: number): string => value.toLocaleString('en-US');

const kibPerTurn = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB/turn`;

/** The soak's report as a section (also used by `npm run soak`). */
export function soakSection(report: SoakReport, profile: Profile): EntryOutput['section'] {
  const failed = Object.values(report.turnsFailed).reduce((sum, value) => sum + value, 0);
  const zero = (label: string, value: number, detail = ''): Headline => ({ label, value: `${value}${detail}`, target: '0', met: value === 0 });
  const slopes = report.slopes;
  const slopeTarget = profile === 'full' ? { target: '≤ 1.00 KiB/turn' } : {};
  const slopeHeadline = (label: string, bytesPerTurn: number): Headline => ({ label, value: kibPerTurn(bytesPerTurn), ...slopeTarget, ...(profile === 'full' ? { met: bytesPerTurn <= 1024 } : {}) });
  const every = Math.max(1, Math.round(report.memoryAfterRounds.length / 10));
  return {
    rows: [
      { name: 'sessions × turns', value: `${count(report.sessions)} concurrent × ${count(report.turnsPlanned / report.sessions)} rounds = ${count(report.turnsPlanned)} turns (${count(report.sessionsCreated)} sessions created)` },
      { name: 'faults injected', value: `${count(report.faultsTotal)} into ${count(report.faultTargets.handshakes)} handshakes + ${count(report.faultTargets.requests)} requests` },
      { name: 'turns completed', value: `${count(report.turnsCompleted)} of ${count(report.turnsPlanned)}` },
      { name: 'turns failed (by code)', value: `${failed}${failed > 0 ? ` (${Object.entries(report.turnsFailed).map(([code, value]) => `${code} ${value}`).join(', ')})` : ''}` },
      { name: 'stream retries', value: count(report.streamRetries) },
      { name: 'requests (beyond the completed ones)', value: `${count(report.requests)} (${count(report.extraRequests)})` },
      { name: 'fallbacks to HTTP', value: count(report.fallbacks) },
      { name: 'RSS start → end (peak)', value: `${mib(report.rssStartBytes)} → ${mib(report.rssEndBytes)} (${mib(report.rssPeakBytes)})` },
      { name: 'heap used / committed / external, start → end', value: `${mib(report.heapStartBytes)} → ${mib(report.heapEndBytes)} / ${mib(report.heapTotalStartBytes)} → ${mib(report.heapTotalEndBytes)} / ${mib(report.externalStartBytes)} → ${mib(report.externalEndBytes)}` },
      {
        name: 'after rounds (turns: RSS, heap used, MiB)',
        value: report.memoryAfterRounds
          .filter((_, index) => index === 0 || (index + 1) % every === 0)
          .map((sample) => `${count(sample.turns)}: ${(sample.rss / 1024 / 1024).toFixed(0)}, ${(sample.heapUsed / 1024 / 1024).toFixed(1)}`)
          .join('; '),
      },
      { name: 'slope fit', value: `rounds ${report.memoryAfterRounds.length - slopes.rounds + 1}–${report.memoryAfterRounds.length} (turns ${count(slopes.fromTurn)}–${count(slopes.toTurn)})${report.mallocArenaMax === undefined ? '' : `, MALLOC_ARENA_MAX=${report.mallocArenaMax}`}` },
      { name: 'wall time', value: `${(report.wallMs / 1000).toFixed(1)} s` },
    ],
    headlines: [
      zero('failures without an injected fatal cause', report.unexpectedFailures, report.unexpectedFailureSamples.length > 0 ? ` (${report.unexpectedFailureSamples.slice(0, 2).join('; ')})` : ''),
      zero('history items lost', report.lostItems),
      zero('history items duplicated', report.duplicatedItems),
      zero('tool runs not matching committed calls', report.toolRunMismatches),
      zero('sticky-routing violations', report.stickyViolations, report.stickySamples.length > 0 ? ` (${report.stickySamples.slice(0, 2).join('; ')})` : ''),
      zero('connections and handles open after close', report.openConnectionsAfterClose + report.leakedHandles.length),
      slopeHeadline('RSS slope after warm-up', slopes.rss),
      slopeHeadline('heap used + external slope after warm-up', slopes.heapAndExternal),
      { label: 'other slopes', value: `heap used ${kibPerTurn(slopes.heapUsed)}, heap committed ${kibPerTurn(slopes.heapTotal)}, external ${kibPerTurn(slopes.external)}, RSS over the last three quarters ${kibPerTurn(slopes.rssLastThreeQuarters)}` },
    ],
  };
}

/** How the decode benches measure (their section descriptions say it). */
const PAIRED_ROUNDS =
  'Measured in paired rounds: each round runs both contenders once over the same texts, back to back, in alternating order, after 20 untimed warm-up rounds; time is the process\'s CPU time (process.cpuUsage, user + system). The figure is the median of the per-round ratios, shown with a 95 % confidence interval of that median and the interquartile range of the rounds; the table\'s medians and ratio are per contender, for reference.';

const DECODE_SIZES: Record<Profile, { events?: number; rounds?: number; warmupRounds?: number }> = {
  full: {},
  quick: { events: 10_000, rounds: 40, warmupRounds: 10 },
  tiny: { events: 300, rounds: 3, warmupRounds: 0 },
};

/** The decode benches' headlines: the median per-round ratio against its target, and its spread. */
function decodeHeadlines(label: string, result: { ratio: number; ratioQuartiles: { p25: number; p75: number }; ratioCi95: { low: number; high: number } }): Headline[] {
  return [
    ratioHeadline(label, result.ratio, { at: 1.25, kind: '≤' }),
    { label: `${label}, 95 % confidence interval of the median`, value: `${result.ratioCi95.low.toFixed(2)}–${result.ratioCi95.high.toFixed(2)}×` },
    { label: `${label}, per-round ratios, interquartile range`, value: `${result.ratioQuartiles.p25.toFixed(2)}–${result.ratioQuartiles.p75.toFixed(2)}×` },
  ];
}

/** The suite, in the order it runs (cheap, CPU-bound benchmarks first). */
export const SUITE: readonly SuiteEntry[] = [
  {
    id: 'protocol-decode',
    title: 'Protocol: decode + validate + map stream events',
    description: `decodeEvent + mapStreamEvent (with the options the client passes, every mapped event read) on generated Responses events (JSON text), against JSON.parse alone on the same texts. ${PAIRED_ROUNDS} 150 rounds of 20,000 events.`,
    async run(profile) {
      const { runProtocolDecodeBench, JSON_PARSE } = await import('../protocol-decode.ts');
      const result = await runProtocolDecodeBench(pick(profile, DECODE_SIZES));
      return {
        section: {
          rows: timedRows(result.measurements, JSON_PARSE),
          headlines: [...decodeHeadlines('decode + map / JSON.parse', result), { label: 'events per round (all decoded ok)', value: `${count(result.eventCount)} (${result.decodedOk === result.eventCount ? 'yes' : `no: ${result.decodedOk}`})` }],
        },
      };
    },
  },
  {
    id: 'protocol-decode-recorded',
    title: 'Protocol: decode + validate + map the recorded API streams',
    description: `The same per-event work on the real recorded Responses streams in ../shared/conformance (every JSON line of every file, once per round), against JSON.parse alone on the same lines. ${PAIRED_ROUNDS} 450 rounds of one pass over the recordings. Skipped, and said so, when the recordings are absent.`,
    async run(profile) {
      const { runProtocolDecodeBench, JSON_PARSE, RecordingsMissingError } = await import('../protocol-decode.ts');
      let result;
      try {
        result = await runProtocolDecodeBench({ recordings: true, ...pick(profile, DECODE_SIZES) });
      } catch (error) {
        if (!(error instanceof RecordingsMissingError)) throw error;
        process.stderr.write(`bench: ${error.message}\n`);
        return { section: { rows: [{ name: 'recordings', value: 'skipped: none found' }], headlines: [{ label: 'decode + map / JSON.parse on the recordings', value: `skipped (${error.message})` }] } };
      }
      const recorded = result.recorded!;
      return {
        section: {
          rows: timedRows(result.measurements, JSON_PARSE),
          headlines: [
            ...decodeHeadlines('decode + map / JSON.parse on the recordings', result),
            { label: 'recordings', value: `${recorded.files} files, ${count(recorded.lines)} JSON lines (${recorded.invalidLines} non-JSON lines left out), ${count(result.eventCount)} events per round, ${count(result.decodedOk)} decoded ok` },
          ],
        },
      };
    },
  },
  {
    id: 'transport-sse',
    title: 'Transport: SSE decoding',
    description: 'Bytes → events with parsed JSON, a generated Responses stream cut into 1–16 KiB chunks; anchors: openai-node Stream.fromSSEResponse and JSON.parse alone on the extracted data.',
    async run(profile) {
      const { runSseBench, JSON_PARSE } = await import('../transport-sse.ts');
      const result = await runSseBench(pick(profile, { full: {}, quick: { events: 30_000, rounds: 5, warmupRounds: 1 }, tiny: { events: 300, rounds: 1, warmupRounds: 0 } }));
      return {
        section: {
          rows: timedRows(result.measurements, JSON_PARSE),
          headlines: [
            ratioHeadline('speed-up over openai-node', result.speedupOverOpenai, { at: 3, kind: '≥' }),
            ratioHeadline('SseDecoder / JSON.parse', result.ratioToJsonParse, { at: 1.4, kind: '≤' }),
            ratioHeadline('decodeSseStream (async) / JSON.parse', result.asyncRatioToJsonParse),
            { label: 'stream', value: `${count(result.eventCount)} events, ${mib(result.bytes)}, ${count(result.chunkCount)} chunks` },
          ],
        },
      };
    },
  },
  {
    id: 'transport-ws',
    title: 'Transport: WebSocket receive',
    description: 'Receive + JSON.parse of Responses events from one loopback ws server, pull mode (frames(), an async iterator) and push mode (listen(), the synchronous callback the client router uses) on the native reader (default) and on implementation \'ws\'; anchor: a raw ws client with a message listener; a lean reader (frames parsed straight from the socket\'s data events) is the floor without ws\'s receiver.',
    async run(profile) {
      const { runWsBench, RAW_WS } = await import('../transport-ws.ts');
      const result = await runWsBench(pick(profile, { full: {}, quick: { frames: 20_000, rounds: 5, warmupRounds: 1 }, tiny: { frames: 200, rounds: 1, warmupRounds: 0 } }));
      return {
        section: {
          rows: timedRows(result.measurements, RAW_WS),
          headlines: [
            ratioHeadline('modelwire frames() / raw ws', result.ratioToRawWs),
            ratioHeadline('modelwire listen() / raw ws', result.pushRatioToRawWs),
            ratioHeadline("modelwire listen(), implementation 'ws' / raw ws", result.pushWsRatioToRawWs),
            ratioHeadline('lean reader / raw ws', result.leanRatioToRawWs),
            { label: 'frames per round', value: count(result.frameCount) },
          ],
        },
      };
    },
  },
  {
    id: 'transport-http',
    title: 'Transport: HTTP request latency',
    description: 'Sequential POST → SSE (20 events) over loopback on the session\'s kept-alive HttpClient; anchor: a fresh connection per request.',
    async run(profile) {
      const { runHttpBench, KEPT_ALIVE, FRESH } = await import('../transport-http.ts');
      const result = await runHttpBench(pick(profile, { full: {}, quick: { requests: 100, rounds: 5, warmupRounds: 1 }, tiny: { requests: 5, rounds: 1, warmupRounds: 0 } }));
      return {
        section: {
          rows: timedRows(result.measurements, FRESH),
          headlines: [
            { label: 'per request, kept-alive', value: `${result.perRequestMs[KEPT_ALIVE]!.toFixed(3)} ms` },
            { label: 'per request, fresh connection', value: `${result.perRequestMs[FRESH]!.toFixed(3)} ms` },
            ratioHeadline('fresh / kept-alive', result.freshOverKeptAlive),
            { label: 'connections accepted', value: Object.entries(result.connectionsAccepted).map(([name, value]) => `${name}: ${value}`).join(', ') },
          ],
        },
      };
    },
  },
  {
    id: 'client-first-turn',
    title: 'Client: first-turn latency (submit → first event)',
    description: 'Loopback server with every WebSocket handshake delayed 100 ms (standing in for TCP + TLS); anchor: a warm socket already open. Pre-connected: a new session that pre-connected before the submit. No pre-connect: a new session whose first request pays the handshake.',
    async run(profile) {
      const { runFirstTurnLatencyBench, WARM } = await import('../client-first-turn-latency.ts');
      const result = await runFirstTurnLatencyBench(pick(profile, { full: {}, quick: {}, tiny: { rounds: 2, warmupRounds: 0, handshakeDelayMs: 5 } }));
      return {
        section: {
          rows: timedRows(result.measurements, WARM),
          headlines: [
            {
              label: `share of the ${result.handshakeDelayMs} ms handshake pre-connect hides from the first request`,
              value: `${(result.hiddenShare * 100).toFixed(2)} %`,
              target: '≥ 99 %',
              met: result.hiddenShare >= 0.99,
            },
            { label: 'handshake cost in the first request (no pre-connect − warm socket, medians)', value: `${result.handshakeCostMs.toFixed(2)} ms` },
            { label: 'left with pre-connect (pre-connected − warm socket, medians)', value: `${result.preconnectedExtraMs.toFixed(3)} ms` },
            ratioHeadline('pre-connected / warm socket (sub-millisecond times)', result.preconnectedOverWarm),
            { label: 'handshakes per contender', value: Object.entries(result.handshakes).map(([name, value]) => `${name}: ${value}`).join(', ') },
          ],
        },
        chart: { firstEventLatency: result.measurements.map((m) => ({ name: m.name, roundsMs: m.roundsMs })) },
      };
    },
  },
  {
    id: 'client-lanes',
    title: 'Client: 8 concurrent sub-agent turns, 8 lanes on one socket vs 8 sockets',
    description: 'Loopback server with every WebSocket handshake delayed 100 ms (standing in for TCP + TLS); a session whose socket is already open starts 8 sub-agent turns at once. Lanes: one socket, 8 `stream_id` lanes. Anchor: 8 sockets (the client with laneLimits.maxInFlight 1). First-event latency is the median over the 8 turns of a round; bytes are frames both ways plus upgrade request headers (TCP and TLS not counted).',
    async run(profile) {
      const { runLanesBench, SOCKETS, LANES } = await import('../client-lanes.ts');
      const result = await runLanesBench(pick(profile, { full: {}, quick: { rounds: 3, warmupRounds: 1 }, tiny: { rounds: 1, warmupRounds: 0, handshakeDelayMs: 5 } }));
      return {
        section: {
          rows: timedRows(result.measurements, SOCKETS),
          headlines: [
            ratioHeadline('first-event latency, lanes / 8 sockets', result.latencyRatio, { at: 1, kind: '≤' }),
            ratioHeadline('bytes, lanes / 8 sockets', result.bytesRatio),
            { label: 'handshakes per round', value: `${LANES}: ${result.figures[LANES]?.handshakesPerRound}, ${SOCKETS}: ${result.figures[SOCKETS]?.handshakesPerRound}` },
          ],
        },
      };
    },
  },
  {
    id: 'client-upload-bytes',
    title: 'Client: upload over a tool loop',
    description: 'Request bytes the server received over a tool loop that starts from 20 KiB of history: incremental continuation (WebSocket) against a full resend on every request (HTTP); anchor: full resend.',
    async run(profile) {
      const { runUploadBytesBench } = await import('../client-upload-bytes.ts');
      const result = await runUploadBytesBench(pick(profile, { full: {}, quick: {}, tiny: { requests: 4, historyKiB: 4 } }));
      const row = (name: string, figures: { bytes: number; requests: number; incrementalRequests: number }, anchor: boolean): ReportRow => ({
        name,
        value: `${kib(figures.bytes)} in ${figures.requests} requests (${figures.incrementalRequests} incremental)`,
        ratio: figures.bytes / result.fullResend.bytes,
        anchor,
      });
      return {
        section: {
          rows: [row('full resend (HTTP)', result.fullResend, true), row('continuation (WebSocket)', result.continuation, false)],
          headlines: [ratioHeadline('full resend / continuation', result.ratio, { at: 20, kind: '≥' })],
        },
      };
    },
  },
  {
    id: 'client-continuation-decision',
    title: 'Client: continuation bookkeeping as history grows',
    description: 'Decide + begin + one output item + complete per request, histories of 10, 1 000 and 10 000 items, append-only and copied input arrays; anchor: append-only at 10 items.',
    async run(profile) {
      const { runContinuationDecisionBench } = await import('../client-continuation-decision.ts');
      const result = await runContinuationDecisionBench(pick(profile, { full: {}, quick: { rounds: 5, warmupRounds: 1, loopsPerRound: 5 }, tiny: { sizes: [10, 100], requests: 5, loopsPerRound: 2, rounds: 1, warmupRounds: 0 } }));
      const anchor = result.measurements[0]?.name ?? '';
      return {
        section: {
          rows: timedRows(result.measurements, anchor),
          headlines: [
            ratioHeadline('append-only, largest / smallest history', result.appendOnlyRatio, { at: 2, kind: '≤' }),
            ratioHeadline('copied arrays, largest / smallest history', result.copiedRatio),
            { label: 'every request incremental', value: result.allIncremental ? 'yes' : 'no', target: 'yes', met: result.allIncremental },
            { label: 'requests per round', value: count(result.requestsPerRound) },
          ],
        },
      };
    },
  },
  {
    id: 'client-e2e',
    title: 'Client: streamed responses end to end, server in a child process',
    description: 'The same generated responses (258 events each: 250 text deltas of 8 characters plus the lifecycle) from a replay server in a child process, so this process measures the clients alone: CPU time of this process per event (process.cpuUsage, user + system) and wall time per response, request to terminal event. Three arrival patterns: the whole response in one write, one write per event back to back, one event per millisecond (paced). HTTP/SSE: openai-node responses.create (stream: true, the anchor), the AI SDK\'s streamText, ModelClient. WebSocket: openai-node ResponsesWS (the anchor), raw ws + JSON.parse (a floor doing strictly less), a lean reader + JSON.parse (frames parsed straight from the socket\'s data events: the floor without ws\'s receiver), the transport\'s connectWebSocket in push mode on its native reader (the default) and on implementation \'ws\' (what the reader alone saves), ModelClient on its session socket. All nine interleaved round by round; ratios are to the anchor of the same path and pattern. Then permessage-deflate on the transport\'s connectWebSocket (push mode, what the client reads from; without it the native reader, the default, with it ws, the only implementation that negotiates it), one write per event: CPU, wall time and the bytes the server wrote.',
    async run(profile) {
      const { runE2eBench, figuresOf, MODELWIRE_WS, OPENAI_HTTP, MODELWIRE_HTTP, AI_SDK_HTTP, RAW_WS, LEAN_WS, TRANSPORT_NATIVE, TRANSPORT_WS, DEFLATE_ON } = await import('../client-e2e.ts');
      const result = await runE2eBench(
        pick(profile, {
          full: {},
          quick: { responses: { burst: 10, 'per-event': 10, paced: 2 }, rounds: 5, warmupRounds: 1 },
          tiny: { responses: { burst: 1, 'per-event': 1, paced: 1 }, deltas: 10, rounds: 1, warmupRounds: 0 },
        }),
      );
      const figureRow = (prefix: string, figures: E2eFigures): ReportRow => ({
        name: `${prefix}${figures.name}`,
        value: `${figures.cpuUsPerEvent.toFixed(2)} µs CPU/event (${figures.cpuUsPerEventMin.toFixed(2)}–${figures.cpuUsPerEventMax.toFixed(2)}), ${figures.wallMsPerResponse.toFixed(2)} ms/response (${figures.wallRatio.toFixed(2)}× wall)`,
        ratio: figures.cpuRatio,
        anchor: figures.anchor,
      });
      const rows: ReportRow[] = [];
      const headlines: Headline[] = [];
      const bound = (at: number): { at: number; kind: '≤' } | undefined => (profile === 'tiny' ? undefined : { at, kind: '≤' });
      for (const pattern of result.patterns) {
        for (const path of ['http', 'websocket'] as const) for (const figures of pattern.contenders.filter((candidate) => candidate.path === path)) rows.push(figureRow(`${pattern.pattern} · `, figures));
        headlines.push(
          ratioHeadline(`${pattern.pattern}: WebSocket CPU per event, modelwire / ResponsesWS`, figuresOf(pattern, MODELWIRE_WS).cpuRatio, bound(0.8)),
          ratioHeadline(`${pattern.pattern}: HTTP CPU per event, modelwire / openai-node`, figuresOf(pattern, MODELWIRE_HTTP).cpuRatio, bound(0.7)),
        );
      }
      for (const pattern of result.patterns) {
        const cpu = (name: string): number => figuresOf(pattern, name).cpuUsPerEvent;
        headlines.push({
          label: `${pattern.pattern}: other CPU ratios`,
          value: `modelwire WebSocket / raw ws ${(cpu(MODELWIRE_WS) / cpu(RAW_WS)).toFixed(2)}×, lean reader / raw ws ${(cpu(LEAN_WS) / cpu(RAW_WS)).toFixed(2)}×, connectWebSocket native reader / ws ${(cpu(TRANSPORT_NATIVE) / cpu(TRANSPORT_WS)).toFixed(2)}×, AI SDK / openai-node ${(cpu(AI_SDK_HTTP) / cpu(OPENAI_HTTP)).toFixed(2)}×, modelwire HTTP / AI SDK ${(cpu(MODELWIRE_HTTP) / cpu(AI_SDK_HTTP)).toFixed(2)}×; wall per response modelwire / anchor: WebSocket ${figuresOf(pattern, MODELWIRE_WS).wallRatio.toFixed(2)}×, HTTP ${figuresOf(pattern, MODELWIRE_HTTP).wallRatio.toFixed(2)}×`,
        });
      }
      headlines.push({ label: 'responses per round per contender', value: result.patterns.map((pattern) => `${pattern.pattern} ${pattern.responsesPerRound}`).join(', ') + ` (${result.eventsPerResponse} events each)` });
      if (result.deflate !== null) {
        for (const figures of result.deflate.contenders) rows.push(figureRow('deflate · ', figures));
        const { off, on } = result.deflate.bytesPerResponse;
        headlines.push(
          { label: 'permessage-deflate: bytes per response on the wire', value: `${kib(off)} without, ${kib(on)} with (${((1 - on / off) * 100).toFixed(0)} % saved)` },
          ratioHeadline('permessage-deflate: CPU per event, with / without', figuresOf(result.deflate, DEFLATE_ON).cpuRatio),
          ratioHeadline('permessage-deflate: wall per response, with / without', figuresOf(result.deflate, DEFLATE_ON).wallRatio),
        );
      }
      return {
        section: { rows, headlines },
        chart: { endToEnd: result.patterns.map((pattern) => ({ pattern: pattern.pattern, contenders: pattern.contenders.filter((figures) => figures.name !== TRANSPORT_NATIVE && figures.name !== TRANSPORT_WS).map((figures) => ({ name: figures.name, path: figures.path, cpuUsPerEvent: figures.cpuUsPerEvent })) })) },
      };
    },
  },
  {
    id: 'client-ws-hot-path',
    title: 'Client: the WebSocket hot path in memory',
    description: 'A real ModelClient whose socket is an in-memory WireSocket answering every response.create with a generated response (258 events): frame text → JSON → validation → event → queue → caller, without network or server, CPU of this process per event. Anchor: JSON.parse of the same frames plus a callback per event. Frames delivered all in one task, and one per task (setImmediate between frames).',
    async run(profile) {
      const { runWsHotPathBench } = await import('../client-ws-hot-path.ts');
      const result = await runWsHotPathBench(pick(profile, { full: {}, quick: { responses: 20, rounds: 5, warmupRounds: 1 }, tiny: { responses: 1, deltas: 10, rounds: 1, warmupRounds: 0 } }));
      return {
        section: {
          rows: result.deliveries.flatMap((figures) => [
            { name: `${figures.delivery} · JSON.parse + callback`, value: `${figures.anchorUsPerEvent.toFixed(2)} µs CPU/event`, ratio: 1, anchor: true },
            { name: `${figures.delivery} · ModelClient`, value: `${figures.clientUsPerEvent.toFixed(2)} µs CPU/event (${figures.clientMinUsPerEvent.toFixed(2)}–${figures.clientMaxUsPerEvent.toFixed(2)})`, ratio: figures.ratio },
          ]),
          headlines: [
            ...result.deliveries.map((figures) => ratioHeadline(`${figures.delivery}: ModelClient / JSON.parse + callback`, figures.ratio)),
            ...result.deliveries.map((figures) => ({ label: `${figures.delivery}: client cost above the anchor`, value: `${(figures.clientUsPerEvent - figures.anchorUsPerEvent).toFixed(2)} µs/event` })),
            { label: 'responses per round', value: `${result.responsesPerRound} of ${result.eventsPerResponse} events, ${result.rounds} rounds` },
          ],
        },
      };
    },
  },
  {
    id: 'fetch-adapter',
    title: 'Fetch adapter: the SDKs people use, through @modelwire/fetch',
    description: 'A streamed 20-step tool loop from 24 KiB of earlier conversation, per SDK (the openai package, the AI SDK\'s OpenAI Responses model, @openai/agents), against one loopback server: through the adapter (pre-connected session WebSocket, continuation) and over the SDK\'s own HTTP path (the anchor: a full resend on every step). Handshakes, connections and request bytes at the server; first-event latency (request → first SSE bytes) at the SDK\'s fetch, every request of every round.',
    async run(profile) {
      const { runFetchAdapterBench, DEFAULT_PATH, ADAPTER_PATH } = await import('../fetch-adapter.ts');
      const { describeWireFigures } = await import('../shared/sdk-loop.ts');
      const result = await runFetchAdapterBench(pick(profile, { full: {}, quick: { rounds: 2 }, tiny: { rounds: 1, warmupRounds: 0, steps: 4, historyKiB: 4 } }));
      const row = (sdk: string, path: string, figures: PathFigures, anchor: boolean, ratio: number): ReportRow => ({
        name: `${sdk}: ${path}`,
        value: `${describeWireFigures(figures, kib)}, first event ${figures.firstEventMs.toFixed(2)} ms${figures.answered ? '' : ', not answered'}`,
        ratio,
        anchor,
      });
      return {
        section: {
          rows: result.sdks.flatMap((entry) => [row(entry.sdk, DEFAULT_PATH, entry.defaultPath, true, 1), row(entry.sdk, ADAPTER_PATH, entry.adapter, false, entry.adapter.requestBytes / entry.defaultPath.requestBytes)]),
          headlines: [
            ...result.sdks.map((entry) => ratioHeadline(`${entry.sdk}: request bytes, default / adapter`, entry.bytesRatio, profile === 'tiny' ? undefined : { at: 10, kind: '≥' })),
            ...result.sdks.map((entry) => ratioHeadline(`${entry.sdk}: first-event latency, adapter / default (median)`, entry.firstEventRatio)),
            {
              label: 'WebSocket handshakes per loop through the adapter',
              value: result.sdks.map((entry) => `${entry.sdk}: ${entry.adapter.handshakes}`).join(', '),
              target: '1 each',
              met: result.sdks.every((entry) => entry.adapter.handshakes === 1),
            },
          ],
        },
      };
    },
  },
  {
    id: 'ai-sdk-provider',
    title: 'AI SDK provider: createModelwire() against createOpenAI()',
    description: 'The AI SDK\'s streamText: a 20-step tool loop from 24 KiB of earlier conversation against one loopback server, over the AI SDK\'s own HTTP path (createOpenAI(), the anchor), over @modelwire/fetch (createOpenAI({ fetch })) and through the @modelwire/ai-sdk provider (createModelwire()). Handshakes, connections and request bytes at the server; first-part latency (doStream call → first part after stream-start) by a middleware around each path\'s model, every request of every round.',
    async run(profile) {
      const { runAiSdkProviderBench } = await import('../ai-sdk-provider.ts');
      const { describeWireFigures } = await import('../shared/sdk-loop.ts');
      const result = await runAiSdkProviderBench(pick(profile, { full: {}, quick: { rounds: 2 }, tiny: { rounds: 1, warmupRounds: 0, steps: 4, historyKiB: 4 } }));
      const [anchor, viaFetch, provider] = result.paths;
      return {
        section: {
          rows: result.paths.map((figures, index) => ({
            name: figures.path,
            value: `${describeWireFigures(figures, kib)}, first part ${figures.firstPartMs.toFixed(2)} ms, loop ${figures.loopMs.toFixed(0)} ms${figures.answered ? '' : ', not answered'}`,
            ratio: figures.requestBytes / anchor!.requestBytes,
            anchor: index === 0,
          })),
          headlines: [
            ratioHeadline('request bytes, createOpenAI() / createModelwire()', anchor!.requestBytes / provider!.requestBytes, profile === 'tiny' ? undefined : { at: 10, kind: '≥' }),
            ratioHeadline('first-part latency, createModelwire() / createOpenAI() (median)', provider!.firstPartMs / anchor!.firstPartMs),
            ratioHeadline('first-part latency, createModelwire() / createOpenAI({ fetch }) (median)', provider!.firstPartMs / viaFetch!.firstPartMs),
            ratioHeadline('loop time, createModelwire() / createOpenAI() (median)', provider!.loopMs / anchor!.loopMs),
            { label: 'WebSocket handshakes per loop through the provider', value: String(provider!.handshakes), target: '1', met: provider!.handshakes === 1 },
          ],
        },
      };
    },
  },
  {
    id: 'agents-provider',
    title: '@openai/agents on @modelwire/agents',
    description: 'A streamed 20-step agent run (a shell tool) from 24 KiB of earlier conversation against one loopback server, on three paths: the SDK as it ships (OpenAIResponsesModel over new OpenAI(), the anchor: a full resend on every step), the same model over new OpenAI({ fetch: createModelwireFetch() }), and ModelwireProvider.getModel() (no fetch, no HTTP serialisation). Handshakes, connections and request bytes at the server; first-event latency (getStreamedResponse() → first event) at the model, every call of every round.',
    async run(profile) {
      const { runAgentsProviderBench, describeAgentsPath, AGENTS_DEFAULT_PATH } = await import('../agents-provider.ts');
      const result = await runAgentsProviderBench(pick(profile, { full: {}, quick: { rounds: 2 }, tiny: { rounds: 1, warmupRounds: 0, steps: 4, historyKiB: 4 } }));
      const anchor = result.paths.find((figures) => figures.path === AGENTS_DEFAULT_PATH)!;
      return {
        section: {
          rows: result.paths.map((figures) => ({ name: figures.path, value: describeAgentsPath(figures), ratio: figures.requestBytes / anchor.requestBytes, anchor: figures === anchor })),
          headlines: [
            ratioHeadline('request bytes, default / @modelwire/agents', result.bytesRatio, profile === 'tiny' ? undefined : { at: 10, kind: '≥' }),
            ratioHeadline('request bytes, @modelwire/fetch / @modelwire/agents', result.bytesVsFetch),
            ratioHeadline('first-event latency, @modelwire/agents / default (median)', result.firstEventRatio),
            ratioHeadline('first-event latency, @modelwire/agents / @modelwire/fetch (median)', result.firstEventVsFetch),
            { label: 'WebSocket handshakes per run through the provider', value: String(result.paths.at(-1)!.handshakes), target: '1', met: result.paths.at(-1)!.handshakes === 1 },
          ],
        },
      };
    },
  },
  {
    id: 'otel-overhead',
    title: 'OpenTelemetry overhead',
    description:
      'Decode + map + the client\'s telemetry reports per event; anchor: no telemetry. With @modelwire/otel and no SDK registered (the no-op API), and with an SDK and in-memory exporters. Measured in paired rounds: each round runs the three contenders without an SDK once over the same events, back to back, in alternating order, after 20 untimed warm-up rounds; time is the process\'s CPU time. The SDK contender is timed against the anchor in a pass of its own (200 rounds), so that its garbage is not charged to a neighbour. The figures are medians of the per-round ratios (600 rounds of 5,000 events), the no-SDK one with a 95 % confidence interval of that median and the interquartile range of the rounds; the table\'s medians and ratios are per contender, for reference.',
    async run(profile) {
      const { runOtelOverheadBench, NO_TELEMETRY } = await import('../otel-overhead.ts');
      const result = await runOtelOverheadBench(pick(profile, { full: {}, quick: { events: 10_000, rounds: 40, warmupRounds: 5 }, tiny: { events: 600, rounds: 1, warmupRounds: 0 } }));
      return {
        section: {
          rows: timedRows(result.measurements, NO_TELEMETRY),
          headlines: [
            ratioHeadline('otel without SDK / no telemetry (median of per-round ratios)', result.noSdkRatio, { at: 1.05, kind: '≤' }),
            { label: 'otel without SDK / no telemetry, 95 % confidence interval of the median', value: `${result.noSdkRatioCi95.low.toFixed(3)}–${result.noSdkRatioCi95.high.toFixed(3)}×` },
            { label: 'otel without SDK / no telemetry, per-round ratios, interquartile range', value: `${result.noSdkRatioQuartiles.p25.toFixed(2)}–${result.noSdkRatioQuartiles.p75.toFixed(2)}×` },
            ratioHeadline('otel without SDK / client reports to no-op (what otel adds)', result.noSdkOverClientNoopRatio),
            ratioHeadline('client reports to no-op / no telemetry', result.clientNoopRatio),
            ratioHeadline('otel with SDK / no telemetry', result.sdkRatio),
          ],
        },
      };
    },
  },
  {
    id: 'session-journal',
    title: 'Session journal: cost per fsync policy',
    description: 'Tool-loop turns of one session on the loopback server (WebSocket), journaled to a JSONL file with fsync "none", "turn" and "commit"; anchor: the same session without a store. Then single-record commits alone: one by one with fsync "commit", in bursts of 8 (group commit), against fsync "none". The journal directory is in the OS temp directory (its disk decides the fdatasync cost).',
    async run(profile) {
      const { runSessionJournalBench, NO_STORE, APPENDS_NONE } = await import('../session-journal.ts');
      const result = await runSessionJournalBench(pick(profile, { full: { rounds: 11, warmupRounds: 2 }, quick: { turns: 8, rounds: 5, warmupRounds: 1 }, tiny: { turns: 1, appends: 16, rounds: 1, warmupRounds: 0 } }));
      return {
        section: {
          rows: [...timedRows(result.sessions, NO_STORE), ...timedRows(result.appendsAlone, APPENDS_NONE)],
          headlines: [
            ...(['none', 'turn', 'commit'] as const).map((policy) => ratioHeadline(`journaled, fsync "${policy}" / no store (median; fastest rounds ${result.sessionMinRatios[policy].toFixed(2)}×)`, result.sessionRatios[policy])),
            ratioHeadline('group commit: one by one / bursts of 8 (fsync "commit")', result.groupCommitSpeedup),
            { label: 'per commit (median)', value: Object.entries(result.msPerCommit).map(([name, ms]) => `${name}: ${(ms * 1000).toFixed(0)} µs`).join('; ') },
          ],
        },
      };
    },
  },
  {
    id: 'scale',
    title: 'Scale: concurrent sessions in one process',
    description: 'Full core-session sessions (own ModelClient, pre-connected WebSocket, tools, history), all running a tool-loop turn at once against one loopback server in the same process. Per-session memory includes the server\'s side of each socket.',
    async run(profile) {
      const size = pick(profile, { full: { sessions: 1000, requestsPerTurn: 10 }, quick: { sessions: 250, requestsPerTurn: 10 }, tiny: { sessions: 5, requestsPerTurn: 3 } });
      // A process of its own (with a real --expose-gc), so that memory left over by the
      // benchmarks before it does not count; the tiny profile runs in-process (tests).
      const result = profile === 'tiny' ? await (await import('../scale.ts')).runScaleBench(size) : runScaleInChild(size.sessions, size.requestsPerTurn);
      return {
        section: {
          rows: [
            { name: 'sessions × requests per turn', value: `${count(result.sessions)} × ${result.requestsPerTurn}` },
            { name: 'requests answered (incremental)', value: `${count(result.requests)} (${count(result.incrementalRequests)})` },
            { name: 'WebSocket handshakes', value: count(result.handshakes) },
            { name: 'setup: create + pre-connect all', value: `${result.setupMs.toFixed(0)} ms` },
            { name: 'wall time of the concurrent turns', value: `${result.wallMs.toFixed(0)} ms (${count(Math.round((result.requests / result.wallMs) * 1000))} requests/s)` },
            { name: 'peak RSS', value: mib(result.peakRssBytes) },
            { name: 'heap per idle session', value: `${kib(result.heapPerIdleSessionBytes)}${result.gcForced ? '' : ' (no forced GC)'}` },
            { name: 'RSS per idle session', value: kib(result.rssPerIdleSessionBytes) },
          ],
          headlines: [
            { label: 'errors', value: `${result.errors}${result.errorSamples.length > 0 ? ` (${result.errorSamples.join('; ')})` : ''}`, target: '0', met: result.errors === 0 },
            { label: 'wall time', value: `${result.wallMs.toFixed(0)} ms` },
            { label: 'peak RSS', value: mib(result.peakRssBytes) },
          ],
        },
      };
    },
  },
  {
    id: 'soak',
    title: 'Soak: a long run of concurrent sessions under random faults',
    description: 'Concurrent core-session sessions run tool-loop turns against one loopback server in a child process (so the memory figures are the client\'s alone) while a share of all handshakes and requests hit a random fault (seeded); part of the sessions start on HTTP. Every session is closed (its history checked) and replaced after 20 turns, staggered, so that what sessions legitimately hold stays bounded and the memory slope measures what accumulates. Idle and connect timeouts are 3 s in the full run. Memory is sampled after every round (forced GC); slopes are least-squares fits over the second half of the run (the first half is warm-up). No anchor: invariants and slopes.',
    async run(profile) {
      const size = pick(profile, {
        full: { sessions: 200, turns: 100, sessionTurns: 20, timeoutMs: 3_000, serverInChildProcess: true, progress: true },
        quick: { sessions: 40, turns: 10, sessionTurns: 5, serverInChildProcess: true, progress: true },
        tiny: { sessions: 4, turns: 3, sessionTurns: 2, faultRate: 0.3, seed: 7, timeoutMs: 500 },
      });
      // Full and quick runs in a process of their own, like scale; the tiny profile in-process (tests).
      const report = profile === 'tiny' ? await (await import('../soak.ts')).runSoak(size) : runExportInChild<SoakReport>(new URL('../soak.ts', import.meta.url), 'runSoak', size);
      return { section: soakSection(report, profile) };
    },
  },
  {
    id: 'bytes-series',
    title: 'Chart data: bytes per request over a long tool loop',
    description: 'One core-session turn whose model calls a tool on every request (600-character tool outputs), over the WebSocket (continuation) and over HTTP (full resend); bytes per request as the loopback server received them.',
    async run(profile) {
      const { runBytesSeries } = await import('./bytes-series.ts');
      const series = await runBytesSeries({ requests: pick(profile, { full: 60, quick: 60, tiny: 4 }) });
      const total = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0);
      return {
        section: {
          rows: [
            { name: 'full resend (HTTP)', value: `${kib(total(series.fullResend))} total, last request ${kib(series.fullResend.at(-1) ?? 0)}`, anchor: true, ratio: 1 },
            { name: 'continuation (WebSocket)', value: `${kib(total(series.continuation))} total, last request ${kib(series.continuation.at(-1) ?? 0)}`, ratio: total(series.continuation) / total(series.fullResend) },
          ],
          headlines: [ratioHeadline('full resend / continuation', total(series.fullResend) / total(series.continuation))],
        },
        chart: { bytesPerRequest: series },
      };
    },
  },
];
