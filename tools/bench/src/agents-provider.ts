// Benchmark: @openai/agents on @modelwire/agents against its default path and against
// @modelwire/fetch. One streamed 20-step tool loop (`run()` with a shell tool) that starts from
// 24 KiB of earlier conversation runs against a loopback server on three paths: the SDK as it
// ships (`OpenAIResponsesModel` over `new OpenAI()`: HTTP/SSE, the whole conversation on every
// step; the anchor), the same model over `new OpenAI({ fetch: createModelwireFetch(…) })`, and
// `ModelwireProvider.getModel()` (no fetch, no HTTP serialisation). Measured at the server:
// WebSocket handshakes, HTTP connections, request bytes, incremental requests; at the model:
// the latency from each `getStreamedResponse()` call to its first event, the same point on
// every path. Paths run interleaved, round by round.
//
//   node tools/bench/src/agents-provider.ts [--rounds N] [--steps N]
//
// Build the packages first (`npm run bench` does it).
import { ModelwireProvider } from '@modelwire/agents';
import { staticTokenAuth } from '@modelwire/client';
import { createModelwireFetch } from '@modelwire/fetch';
import { startResponsesServer } from '@modelwire/testing';
import { Agent, assistant, OpenAIResponsesModel, Runner, tool, user, type AgentInputItem, type Model, type ModelRequest, type StreamEvent } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { median } from './shared/measure.ts';

/** The paths compared. */
export const AGENTS_PATHS = ['default (HTTP)', '@modelwire/fetch', '@modelwire/agents'] as const;
export type AgentsPath = (typeof AGENTS_PATHS)[number];
/** The anchor. */
export const AGENTS_DEFAULT_PATH: AgentsPath = 'default (HTTP)';

/** Options of {@link runAgentsProviderBench}. */
export interface AgentsProviderBenchOptions {
  /** Timed rounds per path. Default 5. */
  rounds?: number;
  /** Model calls per run (tool calls + the final answer). Default 20. */
  steps?: number;
  /** Earlier conversation the run starts from, in KiB of JSON. Default 24. */
  historyKiB?: number;
  /** Untimed rounds first. Default 1. */
  warmupRounds?: number;
}

/** What one path did: per run (last round) or medianed over the timed rounds. */
export interface AgentsPathFigures {
  readonly path: AgentsPath;
  readonly handshakes: number;
  readonly httpConnections: number;
  readonly requests: number;
  readonly incrementalRequests: number;
  readonly requestBytes: number;
  /** Median latency from `getStreamedResponse()` to its first event, in milliseconds (every call of every round). */
  readonly firstEventMs: number;
  /** Median wall time of a whole run, in milliseconds. */
  readonly runMs: number;
  /** Whether every round ended with the run's final answer. */
  readonly answered: boolean;
}

export interface AgentsProviderBenchResult {
  readonly steps: number;
  readonly rounds: number;
  readonly paths: readonly AgentsPathFigures[];
  /** Request bytes: default / provider, and @modelwire/fetch / provider. */
  readonly bytesRatio: number;
  readonly bytesVsFetch: number;
  /** First-event latency: provider / default, and provider / @modelwire/fetch. */
  readonly firstEventRatio: number;
  readonly firstEventVsFetch: number;
}

const INSTRUCTIONS = 'You are a coding agent. Use the shell tool to inspect the repository before answering.';
const TOOL_OUTPUT = Array.from({ length: 12 }, (_, index) => `-rw-r--r--  1 dev dev  ${1200 + index * 37}  Jan 12 10:${10 + index}  module-${index}.ts`).join('\n');

function earlierConversation(kib: number): AgentInputItem[] {
  const items: AgentInputItem[] = [];
  let bytes = 0;
  for (let index = 0; bytes < kib * 1024; index += 1) {
    const text =
      index % 2 === 0
        ? `Earlier question ${index}: what does the package in folder ${index} do, and how are its tests organised?`
        : `Earlier answer ${index}: the package exposes one entry point, keeps its tests next to the sources, and its README lists the options it takes.`;
    bytes += text.length + 40;
    items.push(index % 2 === 0 ? user(text) : assistant(text));
  }
  return items;
}

/** `model`, recording the latency from each streamed call to its first event. */
function timedModel(model: Model, latencies: number[]): Model {
  return {
    getResponse: (request) => model.getResponse(request),
    async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
      const started = performance.now();
      let first = true;
      for await (const event of model.getStreamedResponse(request)) {
        if (first) {
          first = false;
          latencies.push(performance.now() - started);
        }
        yield event;
      }
    },
  };
}

interface RoundFigures {
  handshakes: number;
  httpConnections: number;
  requests: number;
  incrementalRequests: number;
  requestBytes: number;
  latencies: number[];
  runMs: number;
  answered: boolean;
}

async function oneRound(path: AgentsPath, steps: number, historyKiB: number): Promise<RoundFigures> {
  const server = await startResponsesServer({ tokenDelayMs: 0 });
  const provider = { provider: { baseUrl: server.url, supportsWebSockets: true }, auth: staticTokenAuth('sk-bench') };
  const fetch = path === '@modelwire/fetch' ? createModelwireFetch(provider) : null;
  const modelwire = path === '@modelwire/agents' ? new ModelwireProvider(provider) : null;
  const latencies: number[] = [];
  try {
    // The session starts before the user asks: the pre-connect is done by then.
    await (fetch?.client ?? modelwire?.client)?.preconnect();
    const model =
      modelwire !== null ? modelwire.getModel('gpt-4.1') : new OpenAIResponsesModel(new OpenAI({ apiKey: 'sk-bench', baseURL: server.url, maxRetries: 0, ...(fetch === null ? {} : { fetch }) }), 'gpt-4.1');
    const shell = tool({ name: 'shell', description: 'Runs a shell command.', parameters: z.object({ command: z.string() }), execute: () => TOOL_OUTPUT });
    const agent = new Agent({ name: 'bench agent', instructions: INSTRUCTIONS, model: timedModel(model, latencies), tools: [shell] });
    const started = performance.now();
    const result = await new Runner({ tracingDisabled: true }).run(agent, [...earlierConversation(historyKiB), user(`run ${steps - 1} times: ls -la src`)], { stream: true, maxTurns: steps });
    for await (const _event of result) {
      // drained
    }
    await result.completed;
    const runMs = performance.now() - started;
    const requests = server.recording.requests.filter((request) => request.endpoint === 'responses');
    return {
      handshakes: server.recording.handshakes.length,
      httpConnections: new Set(requests.filter((request) => request.transport === 'http').map((request) => request.connectionId)).size,
      requests: requests.length,
      incrementalRequests: requests.filter((request) => typeof (request.body as Record<string, unknown>)['previous_response_id'] === 'string').length,
      requestBytes: requests.reduce((sum, request) => sum + request.decodedBytes, 0),
      latencies,
      runMs,
      answered: String(result.finalOutput ?? '').includes('Done.'),
    };
  } finally {
    await fetch?.close();
    await modelwire?.close();
    await server.close();
  }
}

function summarise(path: AgentsPath, rounds: readonly RoundFigures[]): AgentsPathFigures {
  const last = rounds.at(-1)!;
  return {
    path,
    handshakes: last.handshakes,
    httpConnections: last.httpConnections,
    requests: last.requests,
    incrementalRequests: last.incrementalRequests,
    requestBytes: last.requestBytes,
    firstEventMs: median(rounds.flatMap((round) => round.latencies)),
    runMs: median(rounds.map((round) => round.runMs)),
    answered: rounds.every((round) => round.answered),
  };
}

export async function runAgentsProviderBench(options: AgentsProviderBenchOptions = {}): Promise<AgentsProviderBenchResult> {
  const rounds = options.rounds ?? 5;
  const warmupRounds = options.warmupRounds ?? 1;
  const steps = options.steps ?? 20;
  const historyKiB = options.historyKiB ?? 24;
  const byPath = new Map<AgentsPath, RoundFigures[]>(AGENTS_PATHS.map((path) => [path, []]));
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const path of AGENTS_PATHS) {
      const figures = await oneRound(path, steps, historyKiB);
      if (round >= warmupRounds) byPath.get(path)!.push(figures);
    }
  }
  const paths = AGENTS_PATHS.map((path) => summarise(path, byPath.get(path)!));
  const [plain, fetch, provider] = paths as [AgentsPathFigures, AgentsPathFigures, AgentsPathFigures];
  return {
    steps,
    rounds,
    paths,
    bytesRatio: plain.requestBytes / provider.requestBytes,
    bytesVsFetch: fetch.requestBytes / provider.requestBytes,
    firstEventRatio: provider.firstEventMs / plain.firstEventMs,
    firstEventVsFetch: provider.firstEventMs / fetch.firstEventMs,
  };
}

/** One line per path, as printed and reported. */
export function describeAgentsPath(figures: AgentsPathFigures): string {
  return `${figures.handshakes} handshakes, ${figures.httpConnections} HTTP connections, ${(figures.requestBytes / 1024).toFixed(1)} KiB in ${figures.requests} requests (${figures.incrementalRequests} incremental), first event ${figures.firstEventMs.toFixed(2)} ms, run ${figures.runMs.toFixed(0)} ms${figures.answered ? '' : ' (NOT ANSWERED)'}`;
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runAgentsProviderBench({
    ...(argument('--rounds') === undefined ? {} : { rounds: argument('--rounds')! }),
    ...(argument('--steps') === undefined ? {} : { steps: argument('--steps')! }),
  });
  console.log(`\n@openai/agents run() of ${result.steps} model calls (streamed), ${result.rounds} rounds`);
  for (const figures of result.paths) console.log(`  ${figures.path}: ${describeAgentsPath(figures)}`);
  console.log(`  request bytes: ${result.bytesRatio.toFixed(1)}× fewer than default, ${result.bytesVsFetch.toFixed(2)}× fewer than @modelwire/fetch`);
  console.log(`  first event: ${result.firstEventRatio.toFixed(2)}× default, ${result.firstEventVsFetch.toFixed(2)}× @modelwire/fetch (@modelwire/agents / other)`);
}
