// `npm start -- --sdk openai|ai-sdk|agents`: the demo session written against an SDK people
// already use, with Modelwire underneath (@modelwire/fetch, or @modelwire/ai-sdk for the AI SDK). The SDK drives the turns and
// the tool loops (as its users' code does); the adapter serves its POST /responses over the
// session's pre-connected WebSocket with continuation, and the summary shows what crossed the
// wire. The AI SDK runs on the @modelwire/ai-sdk provider and @openai/agents on its model
// provider, @modelwire/agents (both stream through the same ModelClient directly, no fetch).
import { resolve } from 'node:path';
import { createModelwire, type ModelwireProvider as AiSdkProvider } from '@modelwire/ai-sdk';
import { createTransportWebSocketConnector, networkPolicyFor, resolveProvider, staticTokenAuth, type Provider } from '@modelwire/client';
import type { ToolResult } from '@modelwire/core-session';
import { ModelwireProvider } from '@modelwire/agents';
import { createModelwireFetch, type ModelwireClientOptions, type ModelwireFetch } from '@modelwire/fetch';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { Agent, Runner, tool as agentTool, user, type AgentInputItem } from '@openai/agents';
import { jsonSchema, stepCountIs, streamText, tool, type ModelMessage } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import type { DemoOptions, SdkName } from './cli-options.ts';
import { FAULT_DESCRIPTIONS, faultRule } from './fault-catalog.ts';
import { createLoopbackModel, type ResponseChain } from './loopback-model.ts';
import { listFiles, readFile } from './repo-tools.ts';
import { INSTRUCTIONS, LOOPBACK_HANDSHAKE_DELAY_MS, REPOSITORY_ROOT } from './run-demo.ts';
import { rowsFromRecording, rowsFromTelemetry } from './summary-rows.ts';
import { formatSummary, type SummaryRow, type SummaryTotals } from './summary.ts';
import { TelemetryRecorder } from './telemetry-recorder.ts';
import type { Terminal } from './terminal.ts';
import { WireMeter } from './wire-meter.ts';

/** How each SDK is set up, as printed: the one line that changes. */
const SETUP_LINE: Record<SdkName, string> = {
  openai: 'new OpenAI({ fetch: createModelwireFetch(client options) })',
  'ai-sdk': 'createModelwire(client options).responses(model)   (@modelwire/ai-sdk, in place of createOpenAI())',
  agents: 'new Runner({ modelProvider: new ModelwireProvider(client options) })',
};

/** Most model requests one turn may make (the SDKs' own step limits). */
const MAX_STEPS = 12;

/** The repository tools as plain functions returning text (what an SDK tool returns). */
type RepositoryTool = (path: string) => Promise<string>;

function asText(result: ToolResult): string {
  const output = typeof result === 'string' || Array.isArray(result) ? result : (result as { output: ToolResult }).output;
  if (typeof output === 'string') return output;
  return (output as readonly { type: string; text?: string }[]).map((part) => (part.type === 'input_text' ? (part.text ?? '') : `(${part.type} omitted)`)).join('\n');
}

function firstLine(text: string, max = 72): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The repository tools, printing each call and its result as the core-session demo does. */
function repositoryTools(terminal: Terminal): Record<'list_files' | 'read_file', RepositoryTool> {
  const traced = (name: string, run: (path: string) => Promise<ToolResult>): RepositoryTool => async (path) => {
    terminal.line(terminal.dim(`  ⚙ ${name} ${JSON.stringify({ path })}`));
    const text = asText(await run(path));
    const lines = text.split('\n').length;
    terminal.line(terminal.dim(`    ↳ ${firstLine(text)}${lines > 1 ? ` (${lines} lines)` : ''}`));
    return text;
  };
  const sandbox = resolve(REPOSITORY_ROOT);
  return { list_files: traced('list_files', (path) => listFiles(sandbox, path)), read_file: traced('read_file', (path) => readFile(sandbox, path)) };
}

const TOOL_DESCRIPTIONS = { list_files: 'Lists a directory of the repository (d for folders, f for files with their size).', read_file: 'Reads a text file of the repository (at most 16 KiB).' } as const;
const PATH_SCHEMA = { type: 'object' as const, properties: { path: { type: 'string' as const, description: 'Path relative to the repository root' } }, required: ['path'], additionalProperties: false };

/** One conversation driven by an SDK: each `turn` sends a prompt and runs the SDK's tool loop, printing text as it streams. */
interface SdkConversation {
  turn(prompt: string): Promise<void>;
}

function openaiConversation(apiKey: string, baseURL: string, fetch: ModelwireFetch, model: string, tools: Record<'list_files' | 'read_file', RepositoryTool>, terminal: Terminal): SdkConversation {
  const client = new OpenAI({ apiKey, baseURL, fetch, maxRetries: 0 });
  const definitions: OpenAI.Responses.FunctionTool[] = (['list_files', 'read_file'] as const).map((name) => ({ type: 'function', name, description: TOOL_DESCRIPTIONS[name], strict: true, parameters: PATH_SCHEMA }));
  const input: OpenAI.Responses.ResponseInputItem[] = [];
  return {
    async turn(prompt) {
      input.push({ role: 'user', content: prompt });
      for (let step = 0; step < MAX_STEPS; step += 1) {
        let response: OpenAI.Responses.Response | undefined;
        for await (const event of await client.responses.create({ model, instructions: INSTRUCTIONS, input, tools: definitions, stream: true })) {
          if (event.type === 'response.output_text.delta') terminal.stream(event.delta);
          if (event.type === 'response.completed') response = event.response;
        }
        if (response === undefined) throw new Error('the stream ended without response.completed');
        input.push(...(response.output as OpenAI.Responses.ResponseInputItem[]));
        const calls = response.output.filter((item) => item.type === 'function_call');
        if (calls.length === 0) return;
        for (const call of calls) {
          const path = String((JSON.parse(call.arguments) as { path?: unknown }).path ?? '.');
          const run = tools[call.name as 'list_files' | 'read_file'];
          input.push({ type: 'function_call_output', call_id: call.call_id, output: run === undefined ? `error: unknown tool ${call.name}` : await run(path) });
        }
      }
    },
  };
}

function aiSdkConversation(provider: AiSdkProvider, model: string, tools: Record<'list_files' | 'read_file', RepositoryTool>, terminal: Terminal): SdkConversation {
  const definitions = Object.fromEntries(
    (['list_files', 'read_file'] as const).map((name) => [name, tool({ description: TOOL_DESCRIPTIONS[name], inputSchema: jsonSchema<{ path: string }>(PATH_SCHEMA), execute: ({ path }) => tools[name](path) })]),
  );
  const messages: ModelMessage[] = [];
  return {
    async turn(prompt) {
      messages.push({ role: 'user', content: prompt });
      const result = streamText({ model: provider.responses(model), system: INSTRUCTIONS, messages, tools: definitions, maxRetries: 0, stopWhen: stepCountIs(MAX_STEPS) });
      for await (const delta of result.textStream) terminal.stream(delta);
      messages.push(...(await result.responseMessages));
    },
  };
}

function agentsConversation(provider: ModelwireProvider, model: string, tools: Record<'list_files' | 'read_file', RepositoryTool>, terminal: Terminal): SdkConversation {
  const agentTools = (['list_files', 'read_file'] as const).map((name) => agentTool({ name, description: TOOL_DESCRIPTIONS[name], parameters: z.object({ path: z.string() }), execute: ({ path }) => tools[name](path) }));
  const agent = new Agent({ name: 'repository guide', instructions: INSTRUCTIONS, model, tools: agentTools });
  const runner = new Runner({ modelProvider: provider, tracingDisabled: true });
  let history: AgentInputItem[] = [];
  return {
    async turn(prompt) {
      const result = await runner.run(agent, [...history, user(prompt)], { stream: true, maxTurns: MAX_STEPS });
      for await (const delta of result.toTextStream()) terminal.stream(delta);
      await result.completed;
      history = result.history;
    },
  };
}

/** Runs the demo session through `sdk`; resolves with the exit code (0 ok, 1 a turn failed). */
export async function runSdkDemo(sdk: SdkName, options: DemoOptions, terminal: Terminal, env: NodeJS.ProcessEnv): Promise<number> {
  const apiKey = env['OPENAI_API_KEY'] ?? '';
  const real = apiKey !== '';
  const chain: ResponseChain = new Map();
  let server: ResponsesServer | null = null;
  let provider: Provider;
  let model: string;
  if (real) {
    provider = { name: 'openai', baseUrl: env['OPENAI_BASE_URL'] || 'https://api.openai.com/v1', supportsWebSockets: !options.http };
    model = options.model ?? 'gpt-5-mini';
  } else {
    server = await startResponsesServer({ model: createLoopbackModel({ chain }), tokenDelayMs: 6, deltaChars: 4, handshakeDelayMs: LOOPBACK_HANDSHAKE_DELAY_MS });
    if (options.fault !== null) server.faults.use(faultRule(options.fault));
    provider = { name: 'loopback', baseUrl: server.url, supportsWebSockets: !options.http, streamIdleTimeoutMs: 3_000, streamMaxRetries: 3 };
    model = options.model ?? 'gpt-loopback';
  }
  const recorder = new TelemetryRecorder();
  recorder.onRequestRetry = (code, attempt) => terminal.line(terminal.yellow(`  ↻ ${code}: attempt ${attempt} failed before any output; the client retries`));
  const meter = new WireMeter();
  // The adapter's client authenticates the session's requests; the SDK's key serves what passes through.
  const clientOptions: ModelwireClientOptions = {
    provider,
    auth: real ? staticTokenAuth(apiKey) : 'none',
    webSocketConnector: meter.wrap(createTransportWebSocketConnector({ network: networkPolicyFor(resolveProvider(provider), env) })),
    originator: 'modelwire-demo',
    sessionSource: { kind: 'cli' },
  };
  const telemetry = (turn: { turn_id: string }) => recorder.forTurn(turn.turn_id);
  // @openai/agents runs on the model provider; the other SDKs on the fetch adapter.
  const session: ModelwireFetch | ModelwireProvider =
    sdk === 'agents'
      ? new ModelwireProvider(clientOptions, { telemetry, openai: new OpenAI({ apiKey: real ? apiKey : 'sk-loopback', baseURL: provider.baseUrl, maxRetries: 0 }) })
      : createModelwireFetch(clientOptions, { telemetry });
  let exitCode = 0;
  try {
    terminal.line(terminal.bold(`Modelwire demo through ${sdk === 'openai' ? 'the openai package and @modelwire/fetch' : sdk === 'ai-sdk' ? 'the AI SDK and @modelwire/ai-sdk' : '@openai/agents and @modelwire/agents'}`));
    terminal.line(
      real
        ? `provider  ${provider.baseUrl} (OPENAI_API_KEY set), model ${model}`
        : `provider  loopback Responses server at ${server!.url} (no key, no network; handshakes delayed ${LOOPBACK_HANDSHAKE_DELAY_MS} ms to stand in for TLS)`,
    );
    terminal.line(`setup     ${SETUP_LINE[sdk]}`);
    terminal.line(`transport ${options.http ? 'HTTP/SSE (--http)' : `WebSocket, pre-connected when the ${sdk === 'agents' ? 'provider' : 'adapter'} is created, HTTP/SSE as fallback`}`);
    if (options.fault !== null) terminal.line(terminal.yellow(`fault     ${options.fault}: ${FAULT_DESCRIPTIONS[options.fault]}`));
    const tools = repositoryTools(terminal);
    const conversation =
      session instanceof ModelwireProvider
        ? agentsConversation(session, model, tools, terminal)
        : sdk === 'ai-sdk'
          ? // The provider streams through the adapter's ModelClient (the adapter owns and closes it).
            aiSdkConversation(createModelwire(session.client, { preconnect: false, telemetry }), model, tools, terminal)
          : openaiConversation(real ? apiKey : 'sk-loopback', provider.baseUrl, session, model, tools, terminal);
    // The user types for a while after start-up; the pre-connect finishes meanwhile.
    if (!options.http) await session.client.preconnect();
    for (const prompt of options.prompts) {
      terminal.line();
      terminal.line(terminal.bold(`› ${prompt}`));
      try {
        await conversation.turn(prompt);
        terminal.line();
      } catch (error) {
        terminal.line(terminal.yellow(`  ✗ the turn failed: ${error instanceof Error ? error.message : String(error)}`));
        exitCode = 1;
        break;
      }
    }
  } finally {
    await session.close();
  }
  const preconnect = options.http ? undefined : meter.handshakes[0];
  let rows: SummaryRow[];
  let sticky: SummaryTotals['sticky'] = null;
  if (server !== null) {
    const firstHandshake = server.recording.handshakes[0];
    const fromRecording = rowsFromRecording(server.recording, chain, preconnect?.ok === true && firstHandshake?.status === 101 ? firstHandshake.connectionId : null);
    rows = fromRecording.rows;
    sticky = { replayed: fromRecording.replayed, violations: server.recording.stickyViolations.length };
    await server.close();
  } else {
    rows = rowsFromTelemetry(recorder.requests, meter, (turnId) => recorder.turnNumber(turnId));
  }
  const firstRequest = recorder.requests[0];
  const savedMs = preconnect !== undefined && preconnect.ok && firstRequest !== undefined && firstRequest.connect?.reused === true ? Math.min(preconnect.durationMs, firstRequest.startedAt - preconnect.startedAt) : 0;
  terminal.line();
  terminal.line(terminal.bold('Summary'));
  terminal.line(
    formatSummary(rows, {
      preconnectHandshakeMs: preconnect === undefined ? null : preconnect.durationMs,
      preconnectFailed: preconnect !== undefined && !preconnect.ok,
      preconnectSavedMs: preconnect === undefined ? null : savedMs,
      streamRetries: 0,
      requestRetries: recorder.requests.reduce((sum, request) => sum + request.retriedAttempts, 0),
      fallbacks: recorder.fallbacks.map((fallback) => fallback.reason),
      sticky,
    }).trimEnd(),
  );
  return exitCode;
}
