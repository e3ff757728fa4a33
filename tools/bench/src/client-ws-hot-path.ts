// Benchmark: the client's WebSocket hot path alone, in memory: frame text → JSON → validation →
// event → queue → caller, through a real `ModelClient` whose socket is an in-memory
// `WireSocket` that answers every `response.create` with the frames of a generated response
// (258 events), without a network or a server. Anchor: `JSON.parse` of the same frames plus a
// callback per event, the least any client does. Two deliveries: every frame of a response in
// one task (a burst read), and one frame per task (`setImmediate` between frames, as when each
// event arrives in its own read). No network noise, so hot-path changes can be measured
// one by one.
//
//   node tools/bench/src/client-ws-hot-path.ts [--responses N] [--rounds N]
//
// Imports the built packages (see main.ts).
import { ModelClient, noopClientTelemetry, type Prompt, type TurnContext, type WireSocket } from '@modelwire/client';
import { responseEvents } from './e2e-server.ts';
import { median } from './shared/measure.ts';
import { numberArgument } from './shared/cli.ts';

export const JSON_PARSE_CALLBACK = 'JSON.parse + a callback per event';
export const MODELWIRE_CLIENT = 'ModelClient over an in-memory socket';

/** How the in-memory socket hands a response's frames to the client. */
export type Delivery = 'one task per response' | 'one task per frame';
export const DELIVERIES: readonly Delivery[] = ['one task per response', 'one task per frame'];

/** Options of {@link runWsHotPathBench}. */
export interface WsHotPathBenchOptions {
  /** Responses per round. Default 60. */
  readonly responses?: number;
  /** Text deltas per response (events = deltas + 8). Default 250. */
  readonly deltas?: number;
  readonly rounds?: number;
  readonly warmupRounds?: number;
}

/** Figures of one delivery (CPU per event, microseconds, medians over the rounds). */
export interface WsHotPathFigures {
  readonly delivery: Delivery;
  readonly anchorUsPerEvent: number;
  readonly clientUsPerEvent: number;
  readonly clientMinUsPerEvent: number;
  readonly clientMaxUsPerEvent: number;
  /** Client / anchor. */
  readonly ratio: number;
}

/** What {@link runWsHotPathBench} measured. */
export interface WsHotPathBenchResult {
  readonly eventsPerResponse: number;
  readonly responsesPerRound: number;
  readonly rounds: number;
  readonly deliveries: readonly WsHotPathFigures[];
}

const MODEL = 'gpt-bench';
const context: TurnContext = {
  model: { slug: MODEL, supportsReasoning: false, supportsVerbosity: false, contextWindow: 128_000 },
  reasoningEffort: null,
  reasoningSummary: 'auto',
  turnMetadata: { turn_id: 'hot-path' },
  telemetry: noopClientTelemetry,
};
const prompt: Prompt = { input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Explain.' }] }], instructions: 'You are a coding agent.', tools: [], parallelToolCalls: false };

const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An in-memory socket: each `response.create` is answered with the next prepared response's frames. */
class MemorySocket implements WireSocket {
  readonly upgradeHeaders: Readonly<Record<string, string>> = {};
  isOpen = true;
  delivery: Delivery = 'one task per response';
  readonly #responses: string[][];
  #next = 0;
  #onFrame: (text: string) => void = () => undefined;

  constructor(responses: string[][]) {
    this.#responses = responses;
  }

  send(_text: string): void {
    const frames = this.#responses[this.#next % this.#responses.length]!;
    this.#next += 1;
    void this.#deliver(frames);
  }

  async #deliver(frames: readonly string[]): Promise<void> {
    await nextTask();
    if (this.delivery === 'one task per response') {
      for (const text of frames) this.#onFrame(text);
      return;
    }
    for (const text of frames) {
      this.#onFrame(text);
      await nextTask();
    }
  }

  listen(onFrame: (text: string) => void): void {
    this.#onFrame = onFrame;
  }

  close(): void {
    this.isOpen = false;
  }
}

/** Runs both deliveries, client and anchor interleaved per round. Prints nothing. */
export async function runWsHotPathBench(options: WsHotPathBenchOptions = {}): Promise<WsHotPathBenchResult> {
  const responsesPerRound = options.responses ?? 60;
  const rounds = options.rounds ?? 7;
  const warmupRounds = options.warmupRounds ?? 2;
  const deltas = options.deltas ?? 250;
  const eventsPerResponse = deltas + 8;
  // Distinct response ids for every request of the run: the router treats a finished id as stale.
  const totalResponses = responsesPerRound * (rounds + warmupRounds) * DELIVERIES.length;
  const responses = Array.from({ length: totalResponses }, (_, index) => responseEvents(index + 1, MODEL, deltas));
  const socket = new MemorySocket(responses);
  const client = new ModelClient({
    provider: { baseUrl: 'http://127.0.0.1:9/v1', supportsWebSockets: true },
    auth: { getToken: () => 'sk-bench' },
    conversationId: 'hot-path',
    sessionSource: { kind: 'cli' },
    webSocketConnector: async () => socket,
  });
  let sink = 0;
  let anchorResponse = 0;
  const anchorRound = async (delivery: Delivery): Promise<void> => {
    const onEvent = (event: { type: string }): void => {
      sink ^= event.type.length;
    };
    for (let index = 0; index < responsesPerRound; index += 1) {
      const frames = responses[anchorResponse % responses.length]!;
      anchorResponse += 1;
      await nextTask();
      for (const text of frames) {
        onEvent(JSON.parse(text) as { type: string });
        if (delivery === 'one task per frame') await nextTask();
      }
    }
  };
  const clientRound = async (): Promise<void> => {
    for (let index = 0; index < responsesPerRound; index += 1) {
      let completed = false;
      for await (const event of client.newTurn().stream(prompt, context)) if (event.type === 'completed') completed = true;
      if (!completed) throw new Error('a response of the in-memory socket did not complete');
    }
  };
  const cpu = async (run: () => Promise<void>): Promise<number> => {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / (responsesPerRound * eventsPerResponse);
  };
  const figures: WsHotPathFigures[] = [];
  try {
    for (const delivery of DELIVERIES) {
      socket.delivery = delivery;
      const anchor: number[] = [];
      const measured: number[] = [];
      for (let round = 0; round < warmupRounds + rounds; round += 1) {
        const anchorUs = await cpu(() => anchorRound(delivery));
        const clientUs = await cpu(clientRound);
        if (round < warmupRounds) continue;
        anchor.push(anchorUs);
        measured.push(clientUs);
      }
      const anchorUsPerEvent = median(anchor);
      const clientUsPerEvent = median(measured);
      figures.push({ delivery, anchorUsPerEvent, clientUsPerEvent, clientMinUsPerEvent: Math.min(...measured), clientMaxUsPerEvent: Math.max(...measured), ratio: clientUsPerEvent / anchorUsPerEvent });
    }
  } finally {
    await client.close();
  }
  if (sink === 0.5) console.log('unreachable');
  return { eventsPerResponse, responsesPerRound, rounds, deliveries: figures };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const responses = numberArgument(args, '--responses');
  const rounds = numberArgument(args, '--rounds');
  const result = await runWsHotPathBench({ ...(responses === undefined ? {} : { responses }), ...(rounds === undefined ? {} : { rounds }) });
  for (const figures of result.deliveries) {
    console.log(
      `${figures.delivery.padEnd(24)} client ${figures.clientUsPerEvent.toFixed(2)} µs/event (${figures.clientMinUsPerEvent.toFixed(2)}–${figures.clientMaxUsPerEvent.toFixed(2)}), anchor ${figures.anchorUsPerEvent.toFixed(2)} µs/event: ${figures.ratio.toFixed(2)}×`,
    );
  }
}
