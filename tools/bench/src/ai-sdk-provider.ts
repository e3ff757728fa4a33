// Benchmark: the AI SDK's streamText tool loop on three paths against one loopback server:
// its own HTTP path (`createOpenAI()`, the anchor), the same provider over @modelwire/fetch
// (`createOpenAI({ fetch })`), and the @modelwire/ai-sdk provider (`createModelwire()`, no
// HTTP re-serialisation). One streamed 20-step tool loop from 24 KiB of earlier conversation
// per round, the paths interleaved round by round. Measured at the server: WebSocket
// handshakes, HTTP connections, request bytes, incremental requests; at the model (a
// middleware around each path's model, so that every path is timed at the same point): the
// latency from each doStream call to its first part after stream-start (the response's
// metadata, sent on `response.created`).
//
//   node tools/bench/src/ai-sdk-provider.ts [--rounds N] [--steps N]
//
// Build the packages first (`npm run bench` does it).
import { createOpenAI } from '@ai-sdk/openai';
import { createModelwire } from '@modelwire/ai-sdk';
import { staticTokenAuth } from '@modelwire/client';
import { createModelwireFetch } from '@modelwire/fetch';
import { earlierConversation, responsesWireFigures, startResponsesServer, TOOL_LOOP_INSTRUCTIONS, TOOL_OUTPUT } from '@modelwire/testing';
import { jsonSchema, stepCountIs, streamText, tool, wrapLanguageModel, type LanguageModel } from 'ai';
import { median } from './shared/measure.ts';

/** The paths compared, in the order they run each round; the first is the anchor. */
export const AI_SDK_PATHS = ['createOpenAI() (HTTP)', 'createOpenAI({ fetch }) (@modelwire/fetch)', 'createModelwire() (@modelwire/ai-sdk)'] as const;
export type AiSdkPath = (typeof AI_SDK_PATHS)[number];

/** Options of {@link runAiSdkProviderBench}. */
export interface AiSdkProviderBenchOptions {
  /** Timed rounds per path. Default 5. */
  rounds?: number;
  /** Requests per tool loop (tool calls + the final answer). Default 20. */
  steps?: number;
  /** Earlier conversation the loop starts from, in KiB of JSON. Default 24. */
  historyKiB?: number;
  /** Untimed rounds first. Default 1. */
  warmupRounds?: number;
}

/** What one path did: counts from the last round, latencies over every request of every round. */
export interface AiSdkPathFigures {
  readonly path: AiSdkPath;
  readonly handshakes: number;
  readonly httpConnections: number;
  readonly requests: number;
  readonly incrementalRequests: number;
  readonly requestBytes: number;
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

interface RoundFigures {
  handshakes: number;
  httpConnections: number;
  requests: number;
  incrementalRequests: number;
  requestBytes: number;
  latencies: number[];
  loopMs: number;
  answered: boolean;
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

async function oneRound(path: AiSdkPath, steps: number, historyKiB: number): Promise<RoundFigures> {
  const server = await startResponsesServer({ tokenDelayMs: 0 });
  const clientOptions = { provider: { baseUrl: server.url, supportsWebSockets: true }, auth: staticTokenAuth('sk-bench') };
  const fetch = path === AI_SDK_PATHS[1] ? createModelwireFetch(clientOptions) : null;
  const provider = path === AI_SDK_PATHS[2] ? createModelwire(clientOptions) : null;
  const latencies: number[] = [];
  try {
    // The session starts before the user asks: the pre-connect is done by then.
    await (fetch?.client ?? provider?.client)?.preconnect();
    const model = provider === null ? createOpenAI({ apiKey: 'sk-bench', baseURL: server.url, ...(fetch === null ? {} : { fetch }) }).responses('gpt-4.1') : provider.responses('gpt-4.1');
    const started = performance.now();
    const result = streamText({
      model: timed(model, latencies),
      system: TOOL_LOOP_INSTRUCTIONS,
      messages: [...earlierConversation(historyKiB), { role: 'user', content: `run ${steps - 1} times: ls -la src` }],
      maxRetries: 0,
      stopWhen: stepCountIs(steps),
      tools: {
        shell: tool({
          description: 'Runs a shell command.',
          inputSchema: jsonSchema<{ command: string }>({ type: 'object', properties: { command: { type: 'string' } }, required: ['command'], additionalProperties: false }),
          execute: () => TOOL_OUTPUT,
        }),
      },
    });
    const answered = (await result.text).includes('Done.');
    const loopMs = performance.now() - started;
    return {
      ...responsesWireFigures(server),
      latencies,
      loopMs,
      answered,
    };
  } finally {
    await fetch?.close();
    await provider?.close();
    await server.close();
  }
}

export async function runAiSdkProviderBench(options: AiSdkProviderBenchOptions = {}): Promise<AiSdkProviderBenchResult> {
  const rounds = options.rounds ?? 5;
  const warmupRounds = options.warmupRounds ?? 1;
  const steps = options.steps ?? 20;
  const historyKiB = options.historyKiB ?? 24;
  const byPath = new Map<AiSdkPath, RoundFigures[]>(AI_SDK_PATHS.map((path) => [path, []]));
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const path of AI_SDK_PATHS) {
      const figures = await oneRound(path, steps, historyKiB);
      if (round >= warmupRounds) byPath.get(path)!.push(figures);
    }
  }
  const paths = AI_SDK_PATHS.map((path): AiSdkPathFigures => {
    const measured = byPath.get(path)!;
    const last = measured.at(-1)!;
    return {
      path,
      handshakes: last.handshakes,
      httpConnections: last.httpConnections,
      requests: last.requests,
      incrementalRequests: last.incrementalRequests,
      requestBytes: last.requestBytes,
      firstPartMs: median(measured.flatMap((round) => round.latencies)),
      loopMs: median(measured.map((round) => round.loopMs)),
      answered: measured.every((round) => round.answered),
    };
  });
  return { steps, rounds, paths };
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runAiSdkProviderBench({
    ...(argument('--rounds') === undefined ? {} : { rounds: argument('--rounds')! }),
    ...(argument('--steps') === undefined ? {} : { steps: argument('--steps')! }),
  });
  const [anchor, viaFetch, provider] = result.paths;
  console.log(`\nAI SDK streamText tool loop of ${result.steps} requests, ${result.rounds} rounds (counts from the last round)`);
  for (const figures of result.paths) {
    console.log(
      `  ${figures.path}: ${figures.handshakes} handshakes, ${figures.httpConnections} HTTP connections, ${(figures.requestBytes / 1024).toFixed(1)} KiB in ${figures.requests} requests (${figures.incrementalRequests} incremental), first part ${figures.firstPartMs.toFixed(2)} ms, loop ${figures.loopMs.toFixed(0)} ms${figures.answered ? '' : ' (NOT ANSWERED)'}`,
    );
  }
  console.log(
    `  provider: request bytes ${(anchor!.requestBytes / provider!.requestBytes).toFixed(1)}× fewer than HTTP; first part ${(provider!.firstPartMs / anchor!.firstPartMs).toFixed(2)}× HTTP, ${(provider!.firstPartMs / viaFetch!.firstPartMs).toFixed(2)}× @modelwire/fetch; loop ${(provider!.loopMs / anchor!.loopMs).toFixed(2)}× HTTP, ${(provider!.loopMs / viaFetch!.loopMs).toFixed(2)}× @modelwire/fetch`,
  );
}
