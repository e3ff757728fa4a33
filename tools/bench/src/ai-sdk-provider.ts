// Benchmark: the AI SDK's streamText tool loop on three paths against one loopback server:
// its own HTTP path (`createOpenAI()`, the anchor), the same provider over @modelwire/fetch
// (`createOpenAI({ fetch })`), and the @modelwire/ai-sdk provider (`createModelwire()`, no
// HTTP re-serialisation). One streamed 20-step tool loop from 24 KiB of earlier conversation
// per round, the paths interleaved round by round. Measured at the server: WebSocket
// handshakes, HTTP connections, request bytes, incremental requests; at the model (a
// middleware around each path's model, so that every path is timed at the same point): the
// latency from each doStream call to its first part after stream-start (the response's
// metadata, which both providers hand on with the response's first output).
//
//   node tools/bench/src/ai-sdk-provider.ts [--rounds N] [--steps N]
//
// Build the packages first (`npm run bench` does it).
import { createOpenAI } from '@ai-sdk/openai';
import { createModelwire } from '@modelwire/ai-sdk';
import { createModelwireFetch } from '@modelwire/fetch';
import { earlierConversation, startResponsesServer, TOOL_LOOP_INSTRUCTIONS, type ResponsesWireFigures } from '@modelwire/testing';
import { stepCountIs, streamText, wrapLanguageModel, type LanguageModel } from 'ai';
import {
  aiSdkShellTool,
  benchClientOptions,
  describeWireFigures,
  interleavedRounds,
  roundFigures,
  sdkLoopArguments,
  sdkLoopSizes,
  summariseRounds,
  toolLoopPrompt,
  type SdkLoopBenchOptions,
  type SdkRoundFigures,
} from './shared/sdk-loop.ts';

/** The paths compared, in the order they run each round; the first is the anchor. */
export const AI_SDK_PATHS = ['createOpenAI() (HTTP)', 'createOpenAI({ fetch }) (@modelwire/fetch)', 'createModelwire() (@modelwire/ai-sdk)'] as const;
export type AiSdkPath = (typeof AI_SDK_PATHS)[number];

/** Options of {@link runAiSdkProviderBench}: rounds per path, steps per loop, earlier conversation, warm-up rounds. */
export type AiSdkProviderBenchOptions = SdkLoopBenchOptions;

/** What one path did: wire figures from the last round, latencies over every request of every round. */
export interface AiSdkPathFigures extends ResponsesWireFigures {
  readonly path: AiSdkPath;
  /** Median milliseconds from a doStream call to its first part after stream-start. */
  readonly firstPartMs: number;
  /** Median wall time of a whole loop. */
  readonly loopMs: number;
  readonly answered: boolean;
}

export interface AiSdkProviderBenchResult {
  readonly steps: number;
  readonly rounds: number;
  readonly paths: readonly AiSdkPathFigures[];
}

/** `model` with each doStream call timed to its first part after stream-start. */
function timed(model: LanguageModel, latencies: number[]): LanguageModel {
  if (typeof model === 'string') throw new TypeError('a model instance is expected');
  return wrapLanguageModel({
    model: model as Parameters<typeof wrapLanguageModel>[0]['model'],
    middleware: {
      specificationVersion: 'v4',
      wrapStream: async ({ doStream }) => {
        const started = performance.now();
        const result = await doStream();
        let first = true;
        const stream = result.stream.pipeThrough(
          new TransformStream({
            transform(part, controller) {
              if (first && part.type !== 'stream-start') {
                first = false;
                latencies.push(performance.now() - started);
              }
              controller.enqueue(part);
            },
          }),
        );
        return { ...result, stream };
      },
    },
  });
}

async function oneRound(path: AiSdkPath, steps: number, historyKiB: number): Promise<SdkRoundFigures> {
  const server = await startResponsesServer({ tokenDelayMs: 0 });
  const fetch = path === AI_SDK_PATHS[1] ? createModelwireFetch(benchClientOptions(server)) : null;
  const provider = path === AI_SDK_PATHS[2] ? createModelwire(benchClientOptions(server)) : null;
  const latencies: number[] = [];
  try {
    // The session starts before the user asks: the pre-connect is done by then.
    await (fetch?.client ?? provider?.client)?.preconnect();
    const model = provider === null ? createOpenAI({ apiKey: 'sk-bench', baseURL: server.url, ...(fetch === null ? {} : { fetch }) }).responses('gpt-4.1') : provider.responses('gpt-4.1');
    const started = performance.now();
    const result = streamText({
      model: timed(model, latencies),
      system: TOOL_LOOP_INSTRUCTIONS,
      messages: [...earlierConversation(historyKiB), { role: 'user', content: toolLoopPrompt(steps) }],
      maxRetries: 0,
      stopWhen: stepCountIs(steps),
      tools: { shell: aiSdkShellTool() },
    });
    const answered = (await result.text).includes('Done.');
    return roundFigures(server, latencies, performance.now() - started, answered);
  } finally {
    await fetch?.close();
    await provider?.close();
    await server.close();
  }
}

export async function runAiSdkProviderBench(options: AiSdkProviderBenchOptions = {}): Promise<AiSdkProviderBenchResult> {
  const sizes = sdkLoopSizes(options);
  const byPath = await interleavedRounds(AI_SDK_PATHS, sizes, (path) => oneRound(path, sizes.steps, sizes.historyKiB));
  const paths = AI_SDK_PATHS.map((path): AiSdkPathFigures => {
    const { firstMs, ...figures } = summariseRounds(byPath.get(path)!);
    return { path, ...figures, firstPartMs: firstMs };
  });
  return { steps: sizes.steps, rounds: sizes.rounds, paths };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runAiSdkProviderBench(sdkLoopArguments());
  const [anchor, viaFetch, provider] = result.paths;
  console.log(`\nAI SDK streamText tool loop of ${result.steps} requests, ${result.rounds} rounds (counts from the last round)`);
  for (const figures of result.paths) {
    console.log(`  ${figures.path}: ${describeWireFigures(figures)}, first part ${figures.firstPartMs.toFixed(2)} ms, loop ${figures.loopMs.toFixed(0)} ms${figures.answered ? '' : ' (NOT ANSWERED)'}`);
  }
  console.log(
    `  provider: request bytes ${(anchor!.requestBytes / provider!.requestBytes).toFixed(1)}× fewer than HTTP; first part ${(provider!.firstPartMs / anchor!.firstPartMs).toFixed(2)}× HTTP, ${(provider!.firstPartMs / viaFetch!.firstPartMs).toFixed(2)}× @modelwire/fetch; loop ${(provider!.loopMs / anchor!.loopMs).toFixed(2)}× HTTP, ${(provider!.loopMs / viaFetch!.loopMs).toFixed(2)}× @modelwire/fetch`,
  );
}
