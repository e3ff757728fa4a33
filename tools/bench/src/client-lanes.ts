// Lanes: 8 concurrent sub-agent turns on one WebSocket (8 lanes, `stream_id`) against the same
// 8 turns on 8 sockets (the client with `laneLimits.maxInFlight: 1`, one response per socket),
// measured interleaved in the same run against one loopback server whose WebSocket handshakes
// are delayed (standing in for TCP + TLS). Both start from a session whose socket is already
// open (the parent's). Per round: the median time from `stream()` to the first event over the
// 8 turns, the handshakes, and the bytes on the wire (frames both ways plus the upgrade
// request headers; TCP and TLS overhead not counted).
//
//   node tools/bench/src/client-lanes.ts [--rounds N] [--handshake-ms N]
import { ModelClient, type Prompt } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { turnContext } from './client-first-turn-latency.ts';
import { median, printComparison, type Measurement } from './shared/measure.ts';

export const LANES = '8 lanes, one socket';
export const SOCKETS = '8 sockets (anchor)';

export interface LanesBenchOptions {
  readonly rounds?: number;
  readonly warmupRounds?: number;
  /** Delay of every WebSocket handshake, in milliseconds. Default 100. */
  readonly handshakeDelayMs?: number;
  /** Concurrent sub-agent turns. Default 8. */
  readonly agents?: number;
}

/** Per-contender figures, medians over the rounds. */
export interface LanesFigures {
  readonly handshakesPerRound: number;
  readonly bytesPerRound: number;
}

export interface LanesBenchResult {
  measurements: Measurement[];
  figures: Record<string, LanesFigures>;
  /** First-event latency, lanes / sockets (median of per-round medians). */
  latencyRatio: number;
  /** Bytes, lanes / sockets. */
  bytesRatio: number;
}

const prompt = (index: number): Prompt => ({ input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `sub-agent task ${index}` }] }], instructions: 'be brief', tools: [], parallelToolCalls: false });

function newClient(server: ResponsesServer, oneResponsePerSocket: boolean): ModelClient {
  return new ModelClient({
    provider: { baseUrl: server.url, supportsWebSockets: true },
    auth: { getToken: () => 'bench-token' },
    conversationId: `conv-${Math.random().toString(36).slice(2)}`,
    sessionSource: { kind: 'cli' },
    ...(oneResponsePerSocket ? { laneLimits: { maxInFlight: 1 } } : {}),
  });
}

let turnCounter = 0;

/** Milliseconds from `stream()` to the first event of one sub-agent turn; drains the response. */
async function timeFirstEvent(client: ModelClient, index: number): Promise<number> {
  turnCounter += 1;
  const started = performance.now();
  const stream = client.newTurn({ subagent: 'collab_spawn' }).stream(prompt(index), turnContext(`turn-${turnCounter}`));
  let first = Number.NaN;
  for await (const _event of stream) if (Number.isNaN(first)) first = performance.now() - started;
  return first;
}

/** Bytes of the upgrade requests recorded from `from` on: request line and headers. */
function upgradeBytes(server: ResponsesServer, from: number): number {
  let bytes = 0;
  for (const handshake of server.recording.handshakes.slice(from)) {
    bytes += 'GET /v1/responses HTTP/1.1\r\n\r\n'.length;
    for (const [name, value] of Object.entries(handshake.headers)) bytes += name.length + 4 + String(value ?? '').length;
  }
  return bytes;
}

export async function runLanesBench(options: LanesBenchOptions = {}): Promise<LanesBenchResult> {
  const rounds = options.rounds ?? 9;
  const warmupRounds = options.warmupRounds ?? 2;
  const agents = options.agents ?? 8;
  const server = await startResponsesServer({ handshakeDelayMs: options.handshakeDelayMs ?? 100, answerChars: 40 });
  const clients: Record<string, ModelClient> = { [LANES]: newClient(server, false), [SOCKETS]: newClient(server, true) };
  const times: Record<string, number[]> = { [LANES]: [], [SOCKETS]: [] };
  const handshakes: Record<string, number[]> = { [LANES]: [], [SOCKETS]: [] };
  const bytes: Record<string, number[]> = { [LANES]: [], [SOCKETS]: [] };
  try {
    // The parent's socket, open before the sub-agents start.
    for (const client of Object.values(clients)) {
      await client.preconnect();
      await timeFirstEvent(client, -1);
    }
    for (let round = 0; round < warmupRounds + rounds; round += 1) {
      for (const name of [LANES, SOCKETS]) {
        const client = clients[name]!;
        const handshakesBefore = server.recording.counters.handshakes;
        const listBefore = server.recording.handshakes.length;
        const bytesBefore = server.recording.counters.bytesReceived + server.recording.counters.bytesSent;
        const firsts = await Promise.all(Array.from({ length: agents }, (_, index) => timeFirstEvent(client, index)));
        if (round < warmupRounds) continue;
        times[name]!.push(median(firsts));
        handshakes[name]!.push(server.recording.counters.handshakes - handshakesBefore);
        bytes[name]!.push(server.recording.counters.bytesReceived + server.recording.counters.bytesSent - bytesBefore + upgradeBytes(server, listBefore));
      }
    }
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.close()));
    await server.close();
  }
  const measurements = [LANES, SOCKETS].map((name) => {
    const roundsMs = times[name]!;
    return { name, roundsMs, medianMs: median(roundsMs), minMs: Math.min(...roundsMs), maxMs: Math.max(...roundsMs) };
  });
  const figures = Object.fromEntries([LANES, SOCKETS].map((name) => [name, { handshakesPerRound: median(handshakes[name]!), bytesPerRound: median(bytes[name]!) }]));
  return {
    measurements,
    figures,
    latencyRatio: measurements[0]!.medianMs / measurements[1]!.medianMs,
    bytesRatio: figures[LANES]!.bytesPerRound / figures[SOCKETS]!.bytesPerRound,
  };
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const handshakeDelayMs = argument('--handshake-ms') ?? 100;
  const result = await runLanesBench({ handshakeDelayMs, ...(argument('--rounds') === undefined ? {} : { rounds: argument('--rounds')! }) });
  printComparison(`8 concurrent sub-agent turns: stream() → first event, median per round (handshake delayed ${handshakeDelayMs} ms)`, result.measurements, SOCKETS);
  for (const [name, figures] of Object.entries(result.figures)) console.log(`  ${name}: ${figures.handshakesPerRound} handshakes, ${figures.bytesPerRound} bytes per round`);
  console.log(`\n  first-event latency, lanes / sockets = ${result.latencyRatio.toFixed(3)}×`);
  console.log(`  bytes, lanes / sockets = ${result.bytesRatio.toFixed(3)}×`);
}
