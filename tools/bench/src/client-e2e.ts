// Benchmark: streamed responses end to end with the server in a child process, so that the
// figures are the client's alone. For every client this process measures its own CPU time
// (`process.cpuUsage`, user + system, every thread) per event, and the wall time per response
// (request to terminal event). The same generated responses (258 events each by default) reach
// every client; the server writes them in three arrival patterns (see e2e-server.ts): the
// whole response in one write, one write per event back to back, and one event per
// millisecond. Contenders run interleaved (round 1 of each, then round 2, …):
//   HTTP/SSE:  openai-node `responses.create({ stream: true })` (anchor), the AI SDK's
//              `streamText` on its OpenAI Responses model, Modelwire's ModelClient;
//   WebSocket: openai-node `ResponsesWS` (anchor), a raw `ws` client + `JSON.parse` (a floor
//              that does strictly less), a lean reader + `JSON.parse` (shared/lean-ws-reader.ts:
//              frames parsed straight from the socket's 'data' events, the floor without `ws`'s
//              receiver), Modelwire's ModelClient on its session socket.
// Then permessage-deflate: the transport's `connectWebSocket` (push mode, what the client's
// router reads from) with and without the extension, one write per event: CPU per event,
// wall time, and the bytes the server wrote.
//
//   node tools/bench/src/client-e2e.ts [--quick] [--only name,name] [--patterns burst,per-event,paced]
//
// Imports the built packages (see main.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import WebSocket from 'ws';
import { ModelClient, noopClientTelemetry, type Prompt, type TurnContext } from '@modelwire/client';
import { connectWebSocket, type WebSocketImplementation } from '@modelwire/transport';
import { ARRIVAL_PATTERNS, DEFAULT_DELTAS, type ArrivalPattern } from './e2e-server.ts';
import { openLeanWebSocket } from './shared/lean-ws-reader.ts';
import { median } from './shared/measure.ts';

export const OPENAI_HTTP = 'openai-node responses.create (SSE)';
export const AI_SDK_HTTP = 'AI SDK streamText (HTTP/SSE)';
export const MODELWIRE_HTTP = 'modelwire ModelClient (HTTP/SSE)';
export const OPENAI_WS = 'openai-node ResponsesWS';
export const RAW_WS = 'raw ws + JSON.parse (floor)';
export const LEAN_WS = 'lean reader + JSON.parse (floor)';
export const MODELWIRE_WS = 'modelwire ModelClient (WebSocket)';
export const TRANSPORT_NATIVE = 'connectWebSocket push mode (native reader)';
export const TRANSPORT_WS = 'connectWebSocket push mode (ws)';
export const DEFLATE_OFF = 'connectWebSocket, no permessage-deflate';
export const DEFLATE_ON = 'connectWebSocket, permessage-deflate';

/** Options of {@link runE2eBench}. */
export interface E2eBenchOptions {
  /** Responses per round and contender, by arrival pattern. */
  readonly responses?: Partial<Record<ArrivalPattern, number>>;
  /** Text deltas per response (events = deltas + 8). Default 250. */
  readonly deltas?: number;
  readonly rounds?: number;
  readonly warmupRounds?: number;
  /** Patterns to measure (default all three). */
  readonly patterns?: readonly ArrivalPattern[];
  /** Measure permessage-deflate too (default true). */
  readonly deflate?: boolean;
  /** Only these contenders, by name (default all seven; each path's anchor is always measured). */
  readonly only?: readonly string[];
}

/** One contender's figures in one pattern (medians over the timed rounds). */
export interface E2eFigures {
  readonly name: string;
  readonly path: 'http' | 'websocket';
  readonly anchor: boolean;
  /** Client CPU time per event, microseconds: median, fastest and slowest round. */
  readonly cpuUsPerEvent: number;
  readonly cpuUsPerEventMin: number;
  readonly cpuUsPerEventMax: number;
  /** Wall time per response, milliseconds (median round). */
  readonly wallMsPerResponse: number;
  /** CPU per event divided by the anchor's of the same path: median of per-round ratios. */
  readonly cpuRatio: number;
  /** Wall time per response divided by the anchor's of the same path: median of per-round ratios. */
  readonly wallRatio: number;
  readonly rounds: number;
}

/** Figures of one arrival pattern. */
export interface E2ePatternResult {
  readonly pattern: ArrivalPattern;
  readonly responsesPerRound: number;
  readonly contenders: readonly E2eFigures[];
}

/** Figures of the permessage-deflate comparison. */
export interface DeflateResult {
  readonly contenders: readonly E2eFigures[];
  /** Bytes the server wrote per response, without and with the extension. */
  readonly bytesPerResponse: { readonly off: number; readonly on: number };
}

/** What {@link runE2eBench} measured. */
export interface E2eBenchResult {
  readonly eventsPerResponse: number;
  readonly patterns: readonly E2ePatternResult[];
  readonly deflate: DeflateResult | null;
}

/** A client under measurement: `run(n)` streams `n` responses and returns how many completed. */
interface Contender {
  readonly name: string;
  readonly path: 'http' | 'websocket';
  readonly anchor: boolean;
  run(responses: number): Promise<number>;
  close(): Promise<void>;
}

const INSTRUCTIONS = 'You are a coding agent.';
const TEXT = 'Explain what this repository does.';
const MODEL = 'gpt-bench';

const context: TurnContext = {
  model: { slug: MODEL, supportsReasoning: false, supportsVerbosity: false, contextWindow: 128_000 },
  reasoningEffort: null,
  reasoningSummary: 'auto',
  turnMetadata: { turn_id: 'e2e' },
  telemetry: noopClientTelemetry,
};
const prompt: Prompt = { input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: TEXT }] }], instructions: INSTRUCTIONS, tools: [], parallelToolCalls: false };

/** Starts the replay server in a child process; resolves with its port and the child. */
export async function forkE2eServer(deltas: number): Promise<{ port: number; child: ChildProcess; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./e2e-server.ts', import.meta.url));
  const child = fork(script, [], { execArgv: [], env: { ...process.env, E2E_DELTAS: String(deltas) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(([code]) => Promise.reject(new Error(`the replay server exited with ${String(code)} before listening`)))])) as [{ port: number }];
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.send('stop');
    await exited;
  };
  return { port: message.port, child, stop };
}

function modelwireContender(name: string, baseUrl: string, webSocket: boolean): Contender {
  const client = new ModelClient({ provider: { baseUrl, supportsWebSockets: webSocket }, auth: { getToken: () => 'sk-bench' }, conversationId: `e2e-${webSocket ? 'ws' : 'http'}`, sessionSource: { kind: 'cli' } });
  return {
    name,
    path: webSocket ? 'websocket' : 'http',
    anchor: false,
    async run(responses) {
      let completed = 0;
      for (let index = 0; index < responses; index += 1) {
        for await (const event of client.newTurn().stream(prompt, context)) if (event.type === 'completed') completed += 1;
      }
      return completed;
    },
    close: () => client.close(),
  };
}

function openaiHttpContender(baseURL: string): Contender {
  const openai = new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 });
  return {
    name: OPENAI_HTTP,
    path: 'http',
    anchor: true,
    async run(responses) {
      let completed = 0;
      for (let index = 0; index < responses; index += 1) {
        const stream = await openai.responses.create({ model: MODEL, instructions: INSTRUCTIONS, input: TEXT, store: false, stream: true });
        for await (const event of stream) if (event.type === 'response.completed') completed += 1;
      }
      return completed;
    },
    close: async () => undefined,
  };
}

function aiSdkContender(baseURL: string): Contender {
  const provider = createOpenAI({ apiKey: 'sk-bench', baseURL });
  return {
    name: AI_SDK_HTTP,
    path: 'http',
    anchor: false,
    async run(responses) {
      let completed = 0;
      for (let index = 0; index < responses; index += 1) {
        const result = streamText({ model: provider.responses(MODEL), system: INSTRUCTIONS, prompt: TEXT, maxRetries: 0, providerOptions: { openai: { store: false } } });
        for await (const part of result.fullStream) {
          if (part.type === 'error') throw part.error instanceof Error ? part.error : new Error(String(part.error));
          if (part.type === 'finish') completed += 1;
        }
      }
      return completed;
    },
    close: async () => undefined,
  };
}

/** Sends one `response.create` per response on one socket and waits for its `response.completed`. */
function socketRunner(send: (message: string) => void): { onEvent: (type: unknown) => void; run: (responses: number) => Promise<number> } {
  let waiting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  const request = JSON.stringify({ type: 'response.create', model: MODEL, instructions: INSTRUCTIONS, input: TEXT, store: false });
  return {
    onEvent(type) {
      if (type === 'response.completed') waiting?.resolve();
      else if (type === 'error') waiting?.reject(new Error('error event'));
    },
    async run(responses) {
      for (let index = 0; index < responses; index += 1) {
        await new Promise<void>((resolve, reject) => {
          waiting = { resolve, reject };
          send(request);
        });
        waiting = null;
      }
      return responses;
    },
  };
}

function openaiWsContender(baseURL: string): Contender {
  const openai = new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 });
  const socket = new ResponsesWS(openai);
  socket.on('error', () => undefined);
  const runner = socketRunner(() => socket.send({ type: 'response.create', model: MODEL, instructions: INSTRUCTIONS, input: TEXT, store: false }));
  socket.on('event', (event) => runner.onEvent(event.type));
  return { name: OPENAI_WS, path: 'websocket', anchor: true, run: runner.run, close: async () => socket.close({ code: 1000, reason: 'done' }) };
}

async function rawWsContender(url: string): Promise<Contender> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await once(socket, 'open');
  const runner = socketRunner((message) => socket.send(message));
  socket.on('message', (data) => runner.onEvent((JSON.parse(String(data)) as { type?: unknown }).type));
  return {
    name: RAW_WS,
    path: 'websocket',
    anchor: false,
    run: runner.run,
    close: async () => {
      socket.close();
      if (socket.readyState !== WebSocket.CLOSED) await once(socket, 'close');
    },
  };
}

async function leanWsContender(url: string): Promise<Contender> {
  const socket = await openLeanWebSocket(url);
  const runner = socketRunner((message) => socket.send(message));
  socket.onText = (text) => runner.onEvent((JSON.parse(text) as { type?: unknown }).type);
  return { name: LEAN_WS, path: 'websocket', anchor: false, run: runner.run, close: () => socket.close() };
}

async function transportContender(name: string, url: string, perMessageDeflate: boolean, anchor: boolean, implementation?: WebSocketImplementation): Promise<Contender> {
  const connection = await connectWebSocket(url, { pingIntervalMs: null, perMessageDeflate, ...(implementation === undefined ? {} : { implementation }) });
  let onEvent: (type: unknown) => void = () => undefined;
  const runner = socketRunner((message) => {
    connection.send(message).catch(() => undefined);
  });
  onEvent = runner.onEvent;
  connection.listen({ onText: (text) => onEvent((JSON.parse(text) as { type?: unknown }).type), onClose: () => undefined });
  return { name, path: 'websocket', anchor, run: runner.run, close: () => connection.close() };
}

/**
 * Times every contender round-robin; CPU per event and wall per response per round. The order
 * is reversed every other round, so that the garbage one contender leaves for the collector
 * (whose background threads count in process CPU) falls on each of its neighbours in turn.
 * Ratios to the anchor are medians of per-round ratios (each contender against the anchor of
 * the same round), which cancels what a round shares (machine load, heap state).
 */
async function measureContenders(contenders: readonly Contender[], responses: number, eventsPerResponse: number, rounds: number, warmupRounds: number): Promise<E2eFigures[]> {
  const cpu = contenders.map(() => [] as number[]);
  const wall = contenders.map(() => [] as number[]);
  const forward = [...contenders.keys()];
  const backward = [...forward].reverse();
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const index of round % 2 === 0 ? forward : backward) {
      const contender = contenders[index]!;
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      const completed = await contender.run(responses);
      const elapsed = performance.now() - wallStart;
      const used = process.cpuUsage(cpuStart);
      if (completed !== responses) throw new Error(`${contender.name}: ${completed} of ${responses} responses completed`);
      if (round < warmupRounds) continue;
      cpu[index]!.push((used.user + used.system) / (responses * eventsPerResponse));
      wall[index]!.push(elapsed / responses);
    }
  }
  const anchorOf = (path: 'http' | 'websocket'): number => contenders.findIndex((contender) => contender.path === path && contender.anchor);
  return contenders.map((contender, index) => {
    const anchor = anchorOf(contender.path);
    const cpuMedian = median(cpu[index]!);
    const wallMedian = median(wall[index]!);
    return {
      name: contender.name,
      path: contender.path,
      anchor: contender.anchor,
      cpuUsPerEvent: cpuMedian,
      cpuUsPerEventMin: Math.min(...cpu[index]!),
      cpuUsPerEventMax: Math.max(...cpu[index]!),
      wallMsPerResponse: wallMedian,
      cpuRatio: anchor < 0 ? Number.NaN : medianRatio(cpu[index]!, cpu[anchor]!),
      wallRatio: anchor < 0 ? Number.NaN : medianRatio(wall[index]!, wall[anchor]!),
      rounds,
    };
  });
}

/** Median of the per-round ratios `values[i] / anchors[i]`. */
function medianRatio(values: readonly number[], anchors: readonly number[]): number {
  return median(values.map((value, round) => value / anchors[round]!));
}

const DEFAULT_RESPONSES: Record<ArrivalPattern, number> = { burst: 40, 'per-event': 40, paced: 3 };

/** Forks the replay server, measures every pattern (and deflate), stops the server. Prints nothing. */
export async function runE2eBench(options: E2eBenchOptions = {}): Promise<E2eBenchResult> {
  const deltas = options.deltas ?? DEFAULT_DELTAS;
  const eventsPerResponse = deltas + 8;
  const rounds = options.rounds ?? 7;
  const warmupRounds = options.warmupRounds ?? 2;
  const server = await forkE2eServer(deltas);
  const http = (path: string): string => `http://127.0.0.1:${server.port}/${path}/v1`;
  const ws = (path: string): string => `ws://127.0.0.1:${server.port}/${path}/v1/responses`;
  try {
    const patterns: E2ePatternResult[] = [];
    for (const pattern of options.patterns ?? ARRIVAL_PATTERNS) {
      const responses = options.responses?.[pattern] ?? DEFAULT_RESPONSES[pattern];
      const wanted = (name: string): boolean => options.only === undefined || options.only.includes(name) || name === OPENAI_HTTP || name === OPENAI_WS;
      const httpWanted = options.only === undefined || options.only.some((name) => name === AI_SDK_HTTP || name === MODELWIRE_HTTP);
      const socketWanted = options.only === undefined || options.only.some((name) => [RAW_WS, LEAN_WS, MODELWIRE_WS, TRANSPORT_NATIVE, TRANSPORT_WS].includes(name));
      const contenders: Contender[] = [];
      if (httpWanted) contenders.push(openaiHttpContender(http(pattern)));
      if (httpWanted && wanted(AI_SDK_HTTP)) contenders.push(aiSdkContender(http(pattern)));
      if (httpWanted && wanted(MODELWIRE_HTTP)) contenders.push(modelwireContender(MODELWIRE_HTTP, http(pattern), false));
      if (socketWanted) contenders.push(openaiWsContender(http(pattern)));
      if (socketWanted && wanted(RAW_WS)) contenders.push(await rawWsContender(ws(pattern)));
      if (socketWanted && wanted(LEAN_WS)) contenders.push(await leanWsContender(ws(pattern)));
      if (socketWanted && wanted(TRANSPORT_WS)) contenders.push(await transportContender(TRANSPORT_WS, ws(pattern), false, false, 'ws'));
      if (socketWanted && wanted(TRANSPORT_NATIVE)) contenders.push(await transportContender(TRANSPORT_NATIVE, ws(pattern), false, false, 'native'));
      if (socketWanted && wanted(MODELWIRE_WS)) contenders.push(modelwireContender(MODELWIRE_WS, http(pattern), true));
      try {
        patterns.push({ pattern, responsesPerRound: responses, contenders: await measureContenders(contenders, responses, eventsPerResponse, rounds, warmupRounds) });
      } finally {
        for (const contender of contenders) await contender.close();
      }
    }
    let deflate: DeflateResult | null = null;
    if (options.deflate ?? true) {
      const responses = options.responses?.['per-event'] ?? DEFAULT_RESPONSES['per-event'];
      const bytesPerResponse = async (url: string, perMessageDeflate: boolean): Promise<number> => {
        const contender = await transportContender('bytes', url, perMessageDeflate, false);
        await fetch(`http://127.0.0.1:${server.port}/stats/reset`);
        await contender.run(responses);
        const { webSocketBytes } = (await (await fetch(`http://127.0.0.1:${server.port}/stats`)).json()) as { webSocketBytes: number };
        await contender.close();
        return webSocketBytes / responses;
      };
      const contenders = [await transportContender(DEFLATE_OFF, ws('per-event'), false, true), await transportContender(DEFLATE_ON, ws('per-event/deflate'), true, false)];
      try {
        deflate = {
          contenders: await measureContenders(contenders, responses, eventsPerResponse, rounds, warmupRounds),
          bytesPerResponse: { off: await bytesPerResponse(ws('per-event'), false), on: await bytesPerResponse(ws('per-event/deflate'), true) },
        };
      } finally {
        for (const contender of contenders) await contender.close();
      }
    }
    return { eventsPerResponse, patterns, deflate };
  } finally {
    await server.stop();
  }
}

/** The figures of `name` in a pattern. */
export function figuresOf(result: E2ePatternResult | DeflateResult, name: string): E2eFigures {
  const found = result.contenders.find((contender) => contender.name === name);
  if (found === undefined) throw new Error(`no figures for ${name}`);
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const onlyIndex = process.argv.indexOf('--only');
  const patternsIndex = process.argv.indexOf('--patterns');
  const result = await runE2eBench({
    ...(quick ? { responses: { burst: 10, 'per-event': 10, paced: 2 }, rounds: 5, warmupRounds: 1 } : {}),
    ...(onlyIndex < 0 ? {} : { only: process.argv[onlyIndex + 1]!.split(','), deflate: false }),
    ...(patternsIndex < 0 ? {} : { patterns: process.argv[patternsIndex + 1]!.split(',') as ArrivalPattern[] }),
  });
  const line = (figures: E2eFigures): string =>
    `  ${figures.name.padEnd(42)} ${figures.cpuUsPerEvent.toFixed(2).padStart(7)} µs/event (${figures.cpuUsPerEventMin.toFixed(2)}–${figures.cpuUsPerEventMax.toFixed(2)})  ${figures.cpuRatio.toFixed(2)}× CPU  ${figures.wallMsPerResponse.toFixed(2).padStart(7)} ms/response  ${figures.wallRatio.toFixed(2)}× wall`;
  for (const pattern of result.patterns) {
    console.log(`\n${pattern.pattern}: ${pattern.responsesPerRound} responses of ${result.eventsPerResponse} events per round`);
    for (const figures of pattern.contenders) console.log(line(figures));
  }
  if (result.deflate !== null) {
    console.log('\npermessage-deflate (one write per event)');
    for (const figures of result.deflate.contenders) console.log(line(figures));
    console.log(`  bytes per response: ${result.deflate.bytesPerResponse.off.toFixed(0)} without, ${result.deflate.bytesPerResponse.on.toFixed(0)} with`);
  }
}
