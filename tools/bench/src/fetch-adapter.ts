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
import { staticTokenAuth } from '@modelwire/client';
import { createModelwireFetch, type FetchFunction } from '@modelwire/fetch';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { Agent, assistant, OpenAIResponsesModel, Runner, tool as agentTool, user, type AgentInputItem } from '@openai/agents';
import { jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { median } from './shared/measure.ts';

/** The SDKs compared, by name. */
export const SDKS = ['openai', 'ai-sdk', 'agents'] as const;
export type SdkName = (typeof SDKS)[number];
/** The anchor path: the SDK as it ships (HTTP/SSE, the whole conversation every step). */
export const DEFAULT_PATH = 'default (HTTP)';
/** The adapter path. */
export const ADAPTER_PATH = '@modelwire/fetch';

/** Options of {@link runFetchAdapterBench}. */
export interface FetchAdapterBenchOptions {
  /** Timed rounds per SDK and path. Default 5. */
  rounds?: number;
  /** Requests per tool loop (tool calls + the final answer). Default 20. */
  steps?: number;
  /** Earlier conversation the loop starts from, in KiB of JSON. Default 24. */
  historyKiB?: number;
  /** Untimed rounds first. Default 1. */
  warmupRounds?: number;
}

/** What one SDK on one path did, summed or medianed over the timed rounds. */
export interface PathFigures {
  /** WebSocket handshakes per loop. */
  handshakes: number;
  /** HTTP connections per loop (TCP connections that carried HTTP requests). */
  httpConnections: number;
  /** Requests per loop and how many continued a previous response. */
  requests: number;
  incrementalRequests: number;
  /** Request bytes the server received per loop (HTTP bodies and WebSocket frames). */
  requestBytes: number;
  /** Median latency from a request to its first SSE bytes at the SDK's fetch, in milliseconds (every request of every round). */
  firstEventMs: number;
  /** Median wall time of a whole loop, in milliseconds. */
  loopMs: number;
  /** Whether every round ended with the loop's final answer. */
  answered: boolean;
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

const INSTRUCTIONS = 'You are a coding agent. Use the shell tool to inspect the repository before answering.';
const TOOL_OUTPUT = Array.from({ length: 12 }, (_, index) => `-rw-r--r--  1 dev dev  ${1200 + index * 37}  Jan 12 10:${10 + index}  module-${index}.ts`).join('\n');

function earlierConversation(kib: number): { role: 'user' | 'assistant'; content: string }[] {
  const messages: { role: 'user' | 'assistant'; content: string }[] = [];
  let bytes = 0;
  for (let index = 0; bytes < kib * 1024; index += 1) {
    const message =
      index % 2 === 0
        ? { role: 'user' as const, content: `Earlier question ${index}: what does the package in folder ${index} do, and how are its tests organised?` }
        : { role: 'assistant' as const, content: `Earlier answer ${index}: the package exposes one entry point, keeps its tests next to the sources, and its README lists the options it takes.` };
    bytes += JSON.stringify(message).length;
    messages.push(message);
  }
  return messages;
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

/** Runs one streamed tool loop with `sdk`; resolves with whether it ended with the final answer. */
async function toolLoop(sdk: SdkName, baseURL: string, fetch: FetchFunction, prompt: string, history: { role: 'user' | 'assistant'; content: string }[], steps: number): Promise<boolean> {
  if (sdk === 'openai') {
    const client = new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0, fetch });
    const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'shell', description: 'Runs a shell command.', strict: false, parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }];
    const input: OpenAI.Responses.ResponseInputItem[] = [...history, { role: 'user', content: prompt }];
    for (let step = 0; step < steps; step += 1) {
      let response: OpenAI.Responses.Response | undefined;
      for await (const event of await client.responses.create({ model: 'gpt-4.1', instructions: INSTRUCTIONS, input, tools, stream: true })) {
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
      system: INSTRUCTIONS,
      messages: [...history, { role: 'user', content: prompt }],
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
    return (await result.text).includes('Done.');
  }
  const shell = agentTool({ name: 'shell', description: 'Runs a shell command.', parameters: z.object({ command: z.string() }), execute: () => TOOL_OUTPUT });
  const agent = new Agent({ name: 'bench agent', instructions: INSTRUCTIONS, model: new OpenAIResponsesModel(new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0, fetch }), 'gpt-4.1'), tools: [shell] });
  const input: AgentInputItem[] = [...history.map((message) => (message.role === 'user' ? user(message.content) : assistant(message.content))), user(prompt)];
  const result = await new Runner({ tracingDisabled: true }).run(agent, input, { stream: true, maxTurns: steps });
  for await (const _event of result) {
    // drained
  }
  await result.completed;
  return String(result.finalOutput ?? '').includes('Done.');
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

async function oneRound(sdk: SdkName, adapter: boolean, steps: number, historyKiB: number): Promise<RoundFigures> {
  const server: ResponsesServer = await startResponsesServer({ tokenDelayMs: 0 });
  const latencies: number[] = [];
  const modelwire = adapter ? createModelwireFetch({ provider: { baseUrl: server.url, supportsWebSockets: true }, auth: staticTokenAuth('sk-bench') }) : null;
  try {
    // The session starts before the user asks: the adapter's pre-connect is done by then.
    await modelwire?.client.preconnect();
    const fetch = timedFetch(modelwire ?? globalThis.fetch.bind(globalThis), latencies);
    const started = performance.now();
    const answered = await toolLoop(sdk, server.url, fetch, `run ${steps - 1} times: ls -la src`, earlierConversation(historyKiB), steps);
    const loopMs = performance.now() - started;
    const requests = server.recording.requests.filter((request) => request.endpoint === 'responses');
    return {
      handshakes: server.recording.handshakes.length,
      httpConnections: new Set(requests.filter((request) => request.transport === 'http').map((request) => request.connectionId)).size,
      requests: requests.length,
      incrementalRequests: requests.filter((request) => typeof (request.body as Record<string, unknown>)['previous_response_id'] === 'string').length,
      requestBytes: requests.reduce((sum, request) => sum + request.decodedBytes, 0),
      latencies,
      loopMs,
      answered,
    };
  } finally {
    await modelwire?.close();
    await server.close();
  }
}

function summarise(rounds: readonly RoundFigures[]): PathFigures {
  const last = rounds.at(-1)!;
  return {
    handshakes: last.handshakes,
    httpConnections: last.httpConnections,
    requests: last.requests,
    incrementalRequests: last.incrementalRequests,
    requestBytes: last.requestBytes,
    firstEventMs: median(rounds.flatMap((round) => round.latencies)),
    loopMs: median(rounds.map((round) => round.loopMs)),
    answered: rounds.every((round) => round.answered),
  };
}

export async function runFetchAdapterBench(options: FetchAdapterBenchOptions = {}): Promise<FetchAdapterBenchResult> {
  const rounds = options.rounds ?? 5;
  const warmupRounds = options.warmupRounds ?? 1;
  const steps = options.steps ?? 20;
  const historyKiB = options.historyKiB ?? 24;
  const sdks: SdkFigures[] = [];
  for (const sdk of SDKS) {
    const byPath: [RoundFigures[], RoundFigures[]] = [[], []];
    for (let round = 0; round < warmupRounds + rounds; round += 1) {
      for (const [index, adapter] of [false, true].entries()) {
        const figures = await oneRound(sdk, adapter, steps, historyKiB);
        if (round >= warmupRounds) byPath[index]!.push(figures);
      }
    }
    const defaultPath = summarise(byPath[0]);
    const adapter = summarise(byPath[1]);
    sdks.push({
      sdk,
      defaultPath,
      adapter,
      bytesRatio: defaultPath.requestBytes / adapter.requestBytes,
      firstEventRatio: adapter.firstEventMs / defaultPath.firstEventMs,
      loopRatio: adapter.loopMs / defaultPath.loopMs,
    });
  }
  return { steps, rounds, sdks };
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runFetchAdapterBench({
    ...(argument('--rounds') === undefined ? {} : { rounds: argument('--rounds')! }),
    ...(argument('--steps') === undefined ? {} : { steps: argument('--steps')! }),
  });
  console.log(`\nSDK tool loops of ${result.steps} requests (streamed), ${result.rounds} rounds: ${DEFAULT_PATH} → ${ADAPTER_PATH}`);
  for (const { sdk, defaultPath, adapter, bytesRatio, firstEventRatio, loopRatio } of result.sdks) {
    const describe = (figures: PathFigures): string =>
      `${figures.handshakes} handshakes, ${figures.httpConnections} HTTP connections, ${(figures.requestBytes / 1024).toFixed(1)} KiB in ${figures.requests} requests (${figures.incrementalRequests} incremental), first event ${figures.firstEventMs.toFixed(2)} ms, loop ${figures.loopMs.toFixed(0)} ms${figures.answered ? '' : ' (NOT ANSWERED)'}`;
    console.log(`\n${sdk}\n  ${DEFAULT_PATH}: ${describe(defaultPath)}\n  ${ADAPTER_PATH}: ${describe(adapter)}`);
    console.log(`  request bytes ${bytesRatio.toFixed(1)}× fewer; first event ${firstEventRatio.toFixed(2)}×; loop ${loopRatio.toFixed(2)}× (adapter / default)`);
  }
}
