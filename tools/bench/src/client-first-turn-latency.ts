// Benchmark: first-turn latency, submit → first event, with the loopback server delaying every
// WebSocket handshake by 100 ms. Three contenders, measured interleaved in the same run:
// - warm socket: the session already served a request; its socket is idle and reused;
// - pre-connected: a new session called `preconnect()` at creation; the handshake finished
//   before the user submitted, and the first request adopts the socket;
// - no pre-connect: a new session whose first request pays for the handshake.
//
//   node tools/bench/src/client-first-turn-latency.ts [--rounds N] [--handshake-ms N]
//
// The figure: the share of the handshake that pre-connect hides from the first request,
// (no pre-connect − pre-connected) / (no pre-connect − warm socket), goal ≥ 99 %; the absolute
// times stand beside it. Build the client first (`nx build @modelwire/client`).
import { ModelClient, noopClientTelemetry, type Prompt, type TurnContext } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { median, printComparison, type Measurement } from './shared/measure.ts';

export const WARM = 'warm socket (reused)';
export const PRECONNECTED = 'pre-connected (new session)';
export const COLD = 'no pre-connect (new session)';

/** Options of {@link runFirstTurnLatencyBench}. */
export interface FirstTurnLatencyBenchOptions {
  rounds?: number;
  warmupRounds?: number;
  /** Handshake delay of the loopback server, in milliseconds. Default 100. */
  handshakeDelayMs?: number;
}

/** What {@link runFirstTurnLatencyBench} measured. */
export interface FirstTurnLatencyBenchResult {
  measurements: Measurement[];
  /** Median pre-connected over median warm socket (sub-millisecond times: reported only). */
  preconnectedOverWarm: number;
  /** The server's handshake delay, in milliseconds. */
  handshakeDelayMs: number;
  /** What the handshake adds to a first request without pre-connect: median no pre-connect − median warm socket, in milliseconds. */
  handshakeCostMs: number;
  /** What is left of it with pre-connect: median pre-connected − median warm socket, in milliseconds. */
  preconnectedExtraMs: number;
  /** Share of the handshake cost pre-connect hides from the first request: 1 − extra / cost, at most 1. */
  hiddenShare: number;
  /** Handshakes per contender over all timed rounds (pre-connected: before submit; cold: inside the timed request; warm: none). */
  handshakes: Record<string, number>;
}

const prompt: Prompt = {
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello.' }] }],
  instructions: 'You are a coding agent.',
  tools: [],
  parallelToolCalls: false,
};

export function turnContext(turnId: string): TurnContext {
  return {
    model: { slug: 'gpt-bench', supportsReasoning: true, supportsVerbosity: false, contextWindow: 272_000 },
    reasoningEffort: 'low',
    reasoningSummary: 'auto',
    turnMetadata: { turn_id: turnId },
    telemetry: noopClientTelemetry,
  };
}

function newClient(server: ResponsesServer): ModelClient {
  return new ModelClient({
    provider: { baseUrl: server.url, supportsWebSockets: true },
    auth: { getToken: () => 'bench-token' },
    conversationId: `conv-${Math.random().toString(36).slice(2)}`,
    sessionSource: { kind: 'cli' },
  });
}

let turnCounter = 0;

/** Milliseconds from `stream()` to the first event, then drains the response. */
async function timeFirstEvent(client: ModelClient): Promise<number> {
  turnCounter += 1;
  const started = performance.now();
  const stream = client.newTurn().stream(prompt, turnContext(`turn-${turnCounter}`));
  let first = Number.NaN;
  for await (const _event of stream) {
    if (Number.isNaN(first)) first = performance.now() - started;
  }
  return first;
}

export async function runFirstTurnLatencyBench(options: FirstTurnLatencyBenchOptions = {}): Promise<FirstTurnLatencyBenchResult> {
  const rounds = options.rounds ?? 15;
  const warmupRounds = options.warmupRounds ?? 3;
  const handshakeDelayMs = options.handshakeDelayMs ?? 100;
  const server = await startResponsesServer({ handshakeDelayMs, answerChars: 40 });
  const warmClient = newClient(server);
  const times: Record<string, number[]> = { [WARM]: [], [PRECONNECTED]: [], [COLD]: [] };
  const handshakes: Record<string, number> = { [WARM]: 0, [PRECONNECTED]: 0, [COLD]: 0 };
  const countHandshakes = async (name: string, run: () => Promise<number>, record: boolean): Promise<void> => {
    const before = server.recording.counters.handshakes;
    const ms = await run();
    if (!record) return;
    times[name]!.push(ms);
    handshakes[name]! += server.recording.counters.handshakes - before;
  };
  try {
    await timeFirstEvent(warmClient); // opens the warm socket
    for (let round = 0; round < warmupRounds + rounds; round += 1) {
      const record = round >= warmupRounds;
      await countHandshakes(WARM, () => timeFirstEvent(warmClient), record);
      await countHandshakes(
        PRECONNECTED,
        async () => {
          const client = newClient(server);
          // Session start: the owner pre-connects; the user submits after the handshake is done.
          await client.preconnect();
          try {
            return await timeFirstEvent(client);
          } finally {
            await client.close();
          }
        },
        record,
      );
      await countHandshakes(
        COLD,
        async () => {
          const client = newClient(server);
          try {
            return await timeFirstEvent(client);
          } finally {
            await client.close();
          }
        },
        record,
      );
    }
  } finally {
    await warmClient.close();
    await server.close();
  }
  const measurements = [WARM, PRECONNECTED, COLD].map((name) => {
    const roundsMs = times[name]!;
    return { name, roundsMs, medianMs: median(roundsMs), minMs: Math.min(...roundsMs), maxMs: Math.max(...roundsMs) };
  });
  const [warm, preconnected, cold] = measurements.map((m) => m.medianMs) as [number, number, number];
  const handshakeCostMs = cold - warm;
  const preconnectedExtraMs = preconnected - warm;
  // A pre-connected median below the warm socket's is noise (a loaded machine): all of the handshake was hidden, not more.
  const hiddenShare = Math.min(1, 1 - preconnectedExtraMs / handshakeCostMs);
  return { measurements, preconnectedOverWarm: preconnected / warm, handshakeDelayMs, handshakeCostMs, preconnectedExtraMs, hiddenShare, handshakes };
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const handshakeDelayMs = argument('--handshake-ms') ?? 100;
  const result = await runFirstTurnLatencyBench({
    handshakeDelayMs,
    ...(argument('--rounds') === undefined ? {} : { rounds: argument('--rounds')! }),
  });
  printComparison(`First-turn latency, submit → first event (handshake delayed ${handshakeDelayMs} ms)`, result.measurements, WARM);
  console.log(`\n  handshake in the first request: ${result.handshakeCostMs.toFixed(2)} ms without pre-connect, ${result.preconnectedExtraMs.toFixed(2)} ms left with it`);
  console.log(`  share pre-connect hides = ${(result.hiddenShare * 100).toFixed(2)} % (goal ≥ 99 %)`);
  console.log(`  handshakes per contender (pre-connected: done before submit): ${JSON.stringify(result.handshakes)}`);
}
