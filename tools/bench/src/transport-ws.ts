// Benchmark: WebSocket receive + JSON.parse throughput, frames/s, for Modelwire's
// `connectWebSocket(...)` in pull mode (`frames()`, an async iterator) and in push mode
// (`listen()`, a synchronous callback: what the client's response router uses) against a raw
// `ws` client ('message' listener) and a lean reader (shared/lean-ws-reader.ts: frames parsed
// straight from the socket's 'data' events, the floor without `ws`'s receiver) in the same run,
// all reading the same generated Responses events from one loopback `ws` server. Push mode runs
// on both implementations of `connectWebSocket` (the native reader, default, and `ws`).
//
//   node tools/bench/src/transport-ws.ts [--quick] [--frames N] [--rounds N]
//
// Build the transport package first (`nx build @modelwire/transport`); vitest resolves it to source.
import type { AddressInfo } from 'node:net';
import { connectWebSocket } from '@modelwire/transport';
import WebSocket, { WebSocketServer } from 'ws';
import { openLeanWebSocket } from './shared/lean-ws-reader.ts';
import { measureInterleaved, printComparison, type Measurement } from './shared/measure.ts';
import { generateResponsesStream } from './shared/responses-stream.ts';
import { numberArgument } from './shared/cli.ts';

/** Options of {@link runWsBench}. */
export interface WsBenchOptions {
  /** Frames the server sends per round. Default 100 000. */
  frames?: number;
  /** Timed rounds per contender. Default 7. */
  rounds?: number;
  /** Untimed warm-up rounds per contender. Default 2. */
  warmupRounds?: number;
}

/** What {@link runWsBench} measured. */
export interface WsBenchResult {
  frameCount: number;
  measurements: Measurement[];
  /** Modelwire pull mode (`frames()`) median / raw ws median (1.0 = same speed). */
  ratioToRawWs: number;
  /** Modelwire push mode (`listen()`, native reader) median / raw ws median. */
  pushRatioToRawWs: number;
  /** Modelwire push mode on the `ws` implementation median / raw ws median. */
  pushWsRatioToRawWs: number;
  /** Lean reader median / raw ws median (what reading frames without `ws`'s receiver saves). */
  leanRatioToRawWs: number;
  /** Frames each contender received in its last round (must equal `frameCount`). */
  framesSeen: Record<string, number>;
}

export const RAW_WS = 'raw ws client + JSON.parse';
export const MODELWIRE_WS = 'modelwire connectWebSocket + JSON.parse';
export const MODELWIRE_WS_PUSH = 'modelwire connectWebSocket listen() + JSON.parse';
export const MODELWIRE_WS_PUSH_WS = "modelwire connectWebSocket listen(), implementation 'ws', + JSON.parse";
export const LEAN_WS = 'lean reader + JSON.parse (floor)';

/** Starts a loopback server, runs both clients interleaved, closes everything. Prints nothing. */
export async function runWsBench(options: WsBenchOptions = {}): Promise<WsBenchResult> {
  const texts = generateResponsesStream(options.frames ?? 100_000).map((event) => JSON.stringify(event));
  const frameCount = texts.length;
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket) => {
    socket.on('message', () => {
      for (const text of texts) socket.send(text);
    });
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const framesSeen: Record<string, number> = {};
  let sink = 0;

  /** A contender fed by a callback: `onText` counts the frames of the round, `run` sends `go` and waits for all of them. */
  const callbackContender = (name: string, send: () => void): { onText: (text: string) => void; contender: { name: string; run: () => Promise<void> } } => {
    let round: { remaining: number; done: () => void } | undefined;
    return {
      onText: (text) => {
        sink ^= (JSON.parse(text) as { sequence_number: number }).sequence_number;
        if (round && --round.remaining === 0) round.done();
      },
      contender: {
        name,
        run: async () => {
          await new Promise<void>((resolve) => {
            round = { remaining: frameCount, done: resolve };
            send();
          });
          framesSeen[name] = frameCount - (round?.remaining ?? 0);
        },
      },
    };
  };

  const modelwire = await connectWebSocket(url, { pingIntervalMs: null, maxBufferedFrames: 4096 });
  const pushed = await connectWebSocket(url, { pingIntervalMs: null });
  const pushedRun = callbackContender(MODELWIRE_WS_PUSH, () => void pushed.send('go'));
  pushed.listen({ onText: pushedRun.onText, onClose: () => undefined });
  const pushedWs = await connectWebSocket(url, { pingIntervalMs: null, implementation: 'ws' });
  const pushedWsRun = callbackContender(MODELWIRE_WS_PUSH_WS, () => void pushedWs.send('go'));
  pushedWs.listen({ onText: pushedWsRun.onText, onClose: () => undefined });
  const raw = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    raw.once('open', () => resolve());
    raw.once('error', reject);
  });
  const rawRun = callbackContender(RAW_WS, () => raw.send('go'));
  raw.on('message', (data: Buffer) => rawRun.onText(data.toString('utf8')));
  const lean = await openLeanWebSocket(url);
  const leanRun = callbackContender(LEAN_WS, () => lean.send('go'));
  lean.onText = leanRun.onText;

  try {
    const measurements = await measureInterleaved(
      [
        rawRun.contender,
        leanRun.contender,
        {
          name: MODELWIRE_WS,
          run: async () => {
            await modelwire.send('go');
            let count = 0;
            for await (const frame of modelwire.frames()) {
              sink ^= (JSON.parse(frame) as { sequence_number: number }).sequence_number;
              count += 1;
              if (count === frameCount) break;
            }
            framesSeen[MODELWIRE_WS] = count;
          },
        },
        pushedRun.contender,
        pushedWsRun.contender,
      ],
      options.rounds ?? 7,
      options.warmupRounds ?? 2,
    );
    if (sink === 0.5) console.log('unreachable'); // keeps `sink` observable
    const median = (name: string): number => measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
    return { frameCount, measurements, ratioToRawWs: median(MODELWIRE_WS) / median(RAW_WS), pushRatioToRawWs: median(MODELWIRE_WS_PUSH) / median(RAW_WS), pushWsRatioToRawWs: median(MODELWIRE_WS_PUSH_WS) / median(RAW_WS), leanRatioToRawWs: median(LEAN_WS) / median(RAW_WS), framesSeen };
  } finally {
    await modelwire.close();
    await pushed.close();
    await pushedWs.close();
    await lean.close();
    await new Promise<void>((resolve) => {
      raw.once('close', () => resolve());
      raw.close();
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const result = await runWsBench({
    frames: numberArgument(args, '--frames') ?? (quick ? 20_000 : 100_000),
    rounds: numberArgument(args, '--rounds') ?? (quick ? 3 : 7),
    warmupRounds: quick ? 1 : 2,
  });
  printComparison(`WebSocket receive + parse: ${result.frameCount.toLocaleString('en-US')} Responses events per round over loopback (node ${process.version})`, result.measurements, RAW_WS, {
    count: result.frameCount,
    unit: 'frames',
  });
  console.log(`\n  modelwire frames() / raw ws: ${result.ratioToRawWs.toFixed(2)}× (1.00× = same speed)`);
  console.log(`  modelwire listen() / raw ws: ${result.pushRatioToRawWs.toFixed(2)}× (implementation 'ws': ${result.pushWsRatioToRawWs.toFixed(2)}×)`);
  console.log(`  lean reader / raw ws: ${result.leanRatioToRawWs.toFixed(2)}×`);
  console.log(`  frames seen per contender: ${JSON.stringify(result.framesSeen)}`);
}

if (import.meta.main) await main();
