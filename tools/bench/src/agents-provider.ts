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
import { createModelwireFetch } from '@modelwire/fetch';
import { startResponsesServer, TOOL_LOOP_INSTRUCTIONS, type ResponsesWireFigures } from '@modelwire/testing';
import { Agent, OpenAIResponsesModel, type Model, type ModelRequest, type StreamEvent } from '@openai/agents';
import OpenAI from 'openai';
import {
  agentsLoopInput,
  agentsShellTool,
  benchClientOptions,
  describeWireFigures,
  interleavedRounds,
  roundFigures,
  runAgentsLoop,
  sdkLoopArguments,
  sdkLoopSizes,
  summariseRounds,
  type SdkLoopBenchOptions,
  type SdkRoundFigures,
} from './shared/sdk-loop.ts';

/** The paths compared. */
export const AGENTS_PATHS = ['default (HTTP)', '@modelwire/fetch', '@modelwire/agents'] as const;
export type AgentsPath = (typeof AGENTS_PATHS)[number];
/** The anchor. */
export const AGENTS_DEFAULT_PATH: AgentsPath = 'default (HTTP)';

/** Options of {@link runAgentsProviderBench}: rounds per path, model calls per run, earlier conversation, warm-up rounds. */
export type AgentsProviderBenchOptions = SdkLoopBenchOptions;

/** What one path did: wire figures per run (last round), latencies and run times medianed over the timed rounds. */
export interface AgentsPathFigures extends ResponsesWireFigures {
  readonly path: AgentsPath;
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

async function oneRound(path: AgentsPath, steps: number, historyKiB: number): Promise<SdkRoundFigures> {
  const server = await startResponsesServer({ tokenDelayMs: 0 });
  const fetch = path === '@modelwire/fetch' ? createModelwireFetch(benchClientOptions(server)) : null;
  const modelwire = path === '@modelwire/agents' ? new ModelwireProvider(benchClientOptions(server)) : null;
  const latencies: number[] = [];
  try {
    // The session starts before the user asks: the pre-connect is done by then.
    await (fetch?.client ?? modelwire?.client)?.preconnect();
    const model =
      modelwire !== null ? modelwire.getModel('gpt-4.1') : new OpenAIResponsesModel(new OpenAI({ apiKey: 'sk-bench', baseURL: server.url, maxRetries: 0, ...(fetch === null ? {} : { fetch }) }), 'gpt-4.1');
    const agent = new Agent({ name: 'bench agent', instructions: TOOL_LOOP_INSTRUCTIONS, model: timedModel(model, latencies), tools: [agentsShellTool()] });
    const started = performance.now();
    const answered = await runAgentsLoop(agent, agentsLoopInput(historyKiB, steps), steps);
    return roundFigures(server, latencies, performance.now() - started, answered);
  } finally {
    await fetch?.close();
    await modelwire?.close();
    await server.close();
  }
}

export async function runAgentsProviderBench(options: AgentsProviderBenchOptions = {}): Promise<AgentsProviderBenchResult> {
  const sizes = sdkLoopSizes(options);
  const byPath = await interleavedRounds(AGENTS_PATHS, sizes, (path) => oneRound(path, sizes.steps, sizes.historyKiB));
  const paths = AGENTS_PATHS.map((path): AgentsPathFigures => {
    const { firstMs, loopMs, ...figures } = summariseRounds(byPath.get(path)!);
    return { path, ...figures, firstEventMs: firstMs, runMs: loopMs };
  });
  const [plain, fetch, provider] = paths as [AgentsPathFigures, AgentsPathFigures, AgentsPathFigures];
  return {
    steps: sizes.steps,
    rounds: sizes.rounds,
    paths,
    bytesRatio: plain.requestBytes / provider.requestBytes,
    bytesVsFetch: fetch.requestBytes / provider.requestBytes,
    firstEventRatio: provider.firstEventMs / plain.firstEventMs,
    firstEventVsFetch: provider.firstEventMs / fetch.firstEventMs,
  };
}

/** One line per path, as printed and reported. */
export function describeAgentsPath(figures: AgentsPathFigures): string {
  return `${describeWireFigures(figures)}, first event ${figures.firstEventMs.toFixed(2)} ms, run ${figures.runMs.toFixed(0)} ms${figures.answered ? '' : ' (NOT ANSWERED)'}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runAgentsProviderBench(sdkLoopArguments());
  console.log(`\n@openai/agents run() of ${result.steps} model calls (streamed), ${result.rounds} rounds`);
  for (const figures of result.paths) console.log(`  ${figures.path}: ${describeAgentsPath(figures)}`);
  console.log(`  request bytes: ${result.bytesRatio.toFixed(1)}× fewer than default, ${result.bytesVsFetch.toFixed(2)}× fewer than @modelwire/fetch`);
  console.log(`  first event: ${result.firstEventRatio.toFixed(2)}× default, ${result.firstEventVsFetch.toFixed(2)}× @modelwire/fetch (@modelwire/agents / other)`);
}
