// A loopback Responses server and a provider over it, the SDK's own HTTP path against another
// loopback server, and the agent run the tests compare: @modelwire/testing's tool loop (a long
// earlier conversation, then a user message asking for `TOOL_LOOP_CALLS` tool calls, so that
// one run is `TOOL_LOOP_STEPS` model calls) as an @openai/agents run.
import { staticTokenAuth, type ModelClientOptions } from '@modelwire/client';
import { earlierConversation, startResponsesServer, TOOL_LOOP_INSTRUCTIONS, TOOL_LOOP_PROMPT, TOOL_LOOP_STEPS, TOOL_OUTPUT, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import { Agent, assistant, OpenAIResponsesModel, Runner, tool, user, type AgentInputItem, type Model, type RunResult, type StreamedRunResult } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { ModelwireProvider, type ModelwireProviderOptions } from '../modelwire-provider.js';

export { incrementalRequests, requestBytes, TOOL_LOOP_STEPS } from '@modelwire/testing';

/** The earlier conversation of the loop (@modelwire/testing's) as agent input items. */
function earlierConversationItems(): AgentInputItem[] {
  return earlierConversation().map((message) => (message.role === 'user' ? user(message.content) : assistant(message.content)));
}

/** Client options pointing at `server` (WebSocket on unless `provider` overrides it). */
export function clientOptionsFor(server: ResponsesServer, provider: Partial<ModelClientOptions['provider']> = {}): Omit<ModelClientOptions, 'conversationId' | 'sessionSource'> {
  return { provider: { baseUrl: server.url, supportsWebSockets: true, ...provider }, auth: staticTokenAuth('sk-test'), random: () => 0.5 };
}

/** The SDK's own HTTP path to `server` (no retries: a failure shows as it is). */
export function plainOpenAI(server: ResponsesServer): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
}

/** A loopback server and a provider over it (pre-connected); `close()` closes both, provider first. */
export interface ProviderSetup {
  readonly server: ResponsesServer;
  readonly provider: ModelwireProvider;
  close(): Promise<void>;
}

export async function startProvider(
  serverOptions: ResponsesServerOptions = {},
  provider: Partial<ModelClientOptions['provider']> = {},
  providerOptions: ModelwireProviderOptions = {},
): Promise<ProviderSetup> {
  const server = await startResponsesServer({ tokenDelayMs: 0, ...serverOptions });
  const modelwire = new ModelwireProvider(clientOptionsFor(server, provider), { openai: plainOpenAI(server), ...providerOptions });
  await modelwire.client.preconnect();
  return {
    server,
    provider: modelwire,
    close: async () => {
      await modelwire.close();
      await server.close();
    },
  };
}

/** What a tool-loop run gave: its final output, history, tool calls and model calls. */
export interface LoopResult {
  readonly finalOutput: unknown;
  readonly history: AgentInputItem[];
  readonly calls: string[];
  readonly steps: number;
  readonly usage: { inputTokens: number; outputTokens: number; totalTokens: number }[];
  /** `cached_tokens` of each model call, as the run's usage reports it. */
  readonly cachedTokens: number[];
}

/** Runs the 20-step tool loop on `model` (`run()` streamed or not), tracing off. */
export async function toolLoopRun(model: Model, streamed: boolean, runner = new Runner({ tracingDisabled: true })): Promise<LoopResult> {
  const calls: string[] = [];
  const shell = tool({
    name: 'shell',
    description: 'Runs a shell command in the repository and returns its output.',
    parameters: z.object({ command: z.string() }),
    execute: ({ command }) => {
      calls.push(command);
      return TOOL_OUTPUT;
    },
  });
  const agent = new Agent({ name: 'repository agent', instructions: TOOL_LOOP_INSTRUCTIONS, model, tools: [shell] });
  const input = [...earlierConversationItems(), user(TOOL_LOOP_PROMPT)];
  let result: RunResult<never, never> | StreamedRunResult<never, never>;
  if (streamed) {
    const streaming = await runner.run(agent, input, { stream: true, maxTurns: TOOL_LOOP_STEPS + 5 });
    for await (const _event of streaming) {
      // drained: the run goes on as its events are read
    }
    await streaming.completed;
    result = streaming as unknown as StreamedRunResult<never, never>;
  } else {
    result = (await runner.run(agent, input, { maxTurns: TOOL_LOOP_STEPS + 5 })) as unknown as RunResult<never, never>;
  }
  return {
    finalOutput: result.finalOutput,
    history: result.history,
    calls,
    steps: result.rawResponses.length,
    usage: result.rawResponses.map(({ usage }) => ({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens })),
    cachedTokens: result.rawResponses.map(({ usage }) => usage.inputTokensDetails[0]?.['cached_tokens'] ?? 0),
  };
}

/** The SDK's own Responses model over its own HTTP path to `server`. */
export function httpModel(server: ResponsesServer, name = 'gpt-4.1'): OpenAIResponsesModel {
  return new OpenAIResponsesModel(plainOpenAI(server), name);
}

/**
 * `value` with the item, response and request ids the server generates (`msg_…`, `fc_…`,
 * `rs_…`, `resp_…`, `req_…`: unique per server run) replaced by `<id>` and `created_at` by 0,
 * for comparing runs on two servers.
 */
export function withoutServerIds<T>(value: T): T {
  const text = JSON.stringify(value).replace(/"(?:msg|fc|rs|resp|req)_[0-9a-zA-Z_]+"/g, '"<id>"');
  // `created_at` is the server's clock in seconds: two runs may straddle a second.
  return JSON.parse(text.replace(/"created_at":\d+/g, '"created_at":0')) as T;
}
