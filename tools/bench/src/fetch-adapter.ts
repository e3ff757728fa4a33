// Benchmark: the SDKs people already use, through @modelwire/fetch against their default path.
// For each SDK (the openai package, the AI SDK's OpenAI Responses model, @openai/agents) one
// streamed 20-step tool loop that starts from 24 KiB of earlier conversation runs against a
// loopback server, over the SDK's own HTTP path (the anchor: a full resend on every step) and
// through the adapter (the session's pre-connected WebSocket, continuation). Measured at the
// server: WebSocket handshakes and HTTP connections, request bytes, incremental requests; at
// the SDK's fetch: the latency from each request to its first SSE bytes. Contenders run
// interleaved, round by round.
//
//   node tools/bench/src/fetch-adapter.ts [--rounds N] [--steps N]
//
// Build the packages first (`npm run bench` does it).
import { createOpenAI } from '@ai-sdk/openai';
import { createModelwireFetch, type FetchFunction } from '@modelwire/fetch';
import { earlierConversation, startResponsesServer, TOOL_LOOP_INSTRUCTIONS, TOOL_OUTPUT, type ResponsesWireFigures } from '@modelwire/testing';
import { Agent, OpenAIResponsesModel } from '@openai/agents';
import { stepCountIs, streamText } from 'ai';
import OpenAI from 'openai';
import {
  agentsLoopInput,
  agentsShellTool,
  aiSdkShellTool,
  benchClientOptions,
  describeWireFigures,
  interleavedRounds,
  roundFigures,
  runAgentsLoop,
  sdkLoopArguments,
  sdkLoopSizes,
  summariseRounds,
  toolLoopPrompt,
  type SdkLoopBenchOptions,
  type SdkRoundFigures,
} from './shared/sdk-loop.ts';

/** The SDKs compared, by name. */
export const SDKS = ['openai', 'ai-sdk', 'agents'] as const;
export type SdkName = (typeof SDKS)[number];
/** The anchor path: the SDK as it ships (HTTP/SSE, the whole conversation every step). */
export const DEFAULT_PATH = 'default (HTTP)';
/** The adapter path. */
export const ADAPTER_PATH = '@modelwire/fetch';

/** Options of {@link runFetchAdapterBench}: rounds per SDK and path, steps per loop, earlier conversation, warm-up rounds. */
export type FetchAdapterBenchOptions = SdkLoopBenchOptions;

/** What one SDK on one path did: wire figures of the last round (see `ResponsesWireFigures`), latencies and loop times medianed over the timed rounds. */
export interface PathFigures extends ResponsesWireFigures {
  /** Median latency from a request to its first SSE bytes at the SDK's fetch, in milliseconds (every request of every round). */
  readonly firstEventMs: number;
  /** Median wall time of a whole loop, in milliseconds. */
  readonly loopMs: number;
  /** Whether every round ended with the loop's final answer. */
  readonly answered: boolean;
}

export interface SdkFigures {
  readonly sdk: SdkName;
  readonly defaultPath: PathFigures;
  readonly adapter: PathFigures;
  /** defaultPath.requestBytes / adapter.requestBytes. */
  readonly bytesRatio: number;
  /** adapter.firstEventMs / defaultPath.firstEventMs. */
  readonly firstEventRatio: number;
  /** adapter.loopMs / defaultPath.loopMs. */
  readonly loopRatio: number;
}

export interface FetchAdapterBenchResult {
  readonly steps: number;
  readonly rounds: number;
  readonly sdks: readonly SdkFigures[];
}

/** A fetch that records, per call, the time from the call to the first body bytes. */
function timedFetch(inner: FetchFunction, latencies: number[]): FetchFunction {
  return async (input, init) => {
    const started = performance.now();
    const response = await inner(input, init);
    if (response.body === null || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) return response;
    const reader = response.body.getReader();
    let first = true;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        if (first) {
          first = false;
          latencies.push(performance.now() - started);
        }
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Runs one streamed tool loop of `steps` requests with `sdk`; resolves with whether it ended with the final answer. */
async function toolLoop(sdk: SdkName, baseURL: string, fetch: FetchFunction, historyKiB: number, steps: number): Promise<boolean> {
  if (sdk === 'openai') {
    const client = new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0, fetch });
    const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'shell', description: 'Runs a shell command.', strict: false, parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }];
    const input: OpenAI.Responses.ResponseInputItem[] = [...earlierConversation(historyKiB), { role: 'user', content: toolLoopPrompt(steps) }];
    for (let step = 0; step < steps; step += 1) {
      let response: OpenAI.Responses.Response | undefined;
      for await (const event of await client.responses.create({ model: 'gpt-4.1', instructions: TOOL_LOOP_INSTRUCTIONS, input, tools, stream: true })) {
        if (event.type === 'response.completed') response = event.response;
      }
      if (response === undefined) return false;
      input.push(...(response.output as OpenAI.Responses.ResponseInputItem[]));
      const calls = response.output.filter((item) => item.type === 'function_call');
      if (calls.length === 0) return JSON.stringify(response.output).includes('Done.');
      for (const call of calls) input.push({ type: 'function_call_output', call_id: call.call_id, output: TOOL_OUTPUT });
    }
    return false;
  }
  if (sdk === 'ai-sdk') {
    const provider = createOpenAI({ apiKey: 'sk-bench', baseURL, fetch });
    const result = streamText({
      model: provider.responses('gpt-4.1'),
      system: TOOL_LOOP_INSTRUCTIONS,
      messages: [...earlierConversation(historyKiB), { role: 'user', content: toolLoopPrompt(steps) }],
      maxRetries: 0,
      stopWhen: stepCountIs(steps),
      tools: { shell: aiSdkShellTool() },
    });
    return (await result.text).includes('Done.');
  }
  const agent = new Agent({ name: 'bench agent', instructions: TOOL_LOOP_INSTRUCTIONS, model: new OpenAIResponsesModel(new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0, fetch }), 'gpt-4.1'), tools: [agentsShellTool()] });
  return runAgentsLoop(agent, agentsLoopInput(historyKiB, steps), steps);
}

async function oneRound(sdk: SdkName, adapter: boolean, steps: number, historyKiB: number): Promise<SdkRoundFigures> {
  const server = await startResponsesServer({ tokenDelayMs: 0 });
  const latencies: number[] = [];
  const modelwire = adapter ? createModelwireFetch(benchClientOptions(server)) : null;
  try {
    // The session starts before the user asks: the adapter's pre-connect is done by then.
    await modelwire?.client.preconnect();
    const fetch = timedFetch(modelwire ?? globalThis.fetch.bind(globalThis), latencies);
    const started = performance.now();
    const answered = await toolLoop(sdk, server.url, fetch, historyKiB, steps);
    return roundFigures(server, latencies, performance.now() - started, answered);
  } finally {
    await modelwire?.close();
    await server.close();
  }
}

function summarise(rounds: readonly SdkRoundFigures[]): PathFigures {
  const { firstMs, ...figures } = summariseRounds(rounds);
  return { ...figures, firstEventMs: firstMs };
}

export async function runFetchAdapterBench(options: FetchAdapterBenchOptions = {}): Promise<FetchAdapterBenchResult> {
  const sizes = sdkLoopSizes(options);
  const sdks: SdkFigures[] = [];
  for (const sdk of SDKS) {
    const byPath = await interleavedRounds([false, true], sizes, (adapter) => oneRound(sdk, adapter, sizes.steps, sizes.historyKiB));
    const defaultPath = summarise(byPath.get(false)!);
    const adapter = summarise(byPath.get(true)!);
    sdks.push({
      sdk,
      defaultPath,
      adapter,
      bytesRatio: defaultPath.requestBytes / adapter.requestBytes,
      firstEventRatio: adapter.firstEventMs / defaultPath.firstEventMs,
      loopRatio: adapter.loopMs / defaultPath.loopMs,
    });
  }
  return { steps: sizes.steps, rounds: sizes.rounds, sdks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runFetchAdapterBench(sdkLoopArguments());
  console.log(`\nSDK tool loops of ${result.steps} requests (streamed), ${result.rounds} rounds: ${DEFAULT_PATH} → ${ADAPTER_PATH}`);
  for (const { sdk, defaultPath, adapter, bytesRatio, firstEventRatio, loopRatio } of result.sdks) {
    const describe = (figures: PathFigures): string =>
      `${describeWireFigures(figures)}, first event ${figures.firstEventMs.toFixed(2)} ms, loop ${figures.loopMs.toFixed(0)} ms${figures.answered ? '' : ' (NOT ANSWERED)'}`;
    console.log(`\n${sdk}\n  ${DEFAULT_PATH}: ${describe(defaultPath)}\n  ${ADAPTER_PATH}: ${describe(adapter)}`);
    console.log(`  request bytes ${bytesRatio.toFixed(1)}× fewer; first event ${firstEventRatio.toFixed(2)}×; loop ${loopRatio.toFixed(2)}× (adapter / default)`);
  }
}
