// Shared test helpers: a loopback server with a session pointed at it, event collection,
// recording telemetry and open-handle detection.
import type { ModelInfo, Provider, ResponseItem } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import type { SessionEvent } from '../events/session-event.js';
import { createSession } from '../session/create-session.js';
import type { CreateSessionOptions } from '../session/session-options.js';
import type { Session } from '../session/session.js';
import type { TurnHandle } from '../session/turn-handle.js';
import type { ToolDefinition } from '../tools/tool-definition.js';
import type { TurnTelemetryHandle, TurnTelemetryScope } from '../services/turn-telemetry-factory.js';

/** A reasoning model with a known context window. */
export const TEST_MODEL: ModelInfo = { slug: 'gpt-test', supportsReasoning: true, supportsVerbosity: true, contextWindow: 200_000 };

/** A `shell` function tool whose handler answers `ran: <command>` and records its calls. */
export function shellTool(calls: string[] = [], run?: (command: string, signal: AbortSignal) => Promise<string>): ToolDefinition {
  return {
    kind: 'function',
    name: 'shell',
    description: 'Runs a shell command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    handler: async (args, context) => {
      const command = String((args as { command?: unknown }).command);
      calls.push(command);
      return run === undefined ? `ran: ${command}` : run(command, context.signal);
    },
  };
}

/** Telemetry that counts what each turn reported. */
export class TurnTelemetryLog {
  readonly scopes: TurnTelemetryScope[] = [];
  readonly fallbacks: string[] = [];
  /** `onStreamRetry` reports: the turn id, attempt, delay and the error code. */
  readonly streamRetries: { turnId: string; attempt: number; delayMs: number; code: string | null }[] = [];
  readonly attempts: { turnId: string; transport: string; error: string | null }[] = [];
  /** `end` calls: the turn id and the error code (`null` when it ended normally). */
  readonly ends: { turnId: string; error: string | null }[] = [];

  readonly factory = (scope: TurnTelemetryScope): TurnTelemetryHandle => {
    this.scopes.push(scope);
    return {
      end: ({ error }) => this.ends.push({ turnId: scope.turnId, error: error === undefined ? null : String((error as { code?: unknown }).code) }),
      onRequestAttempt: (record) => this.attempts.push({ turnId: scope.turnId, transport: record.transport, error: record.error?.message ?? null }),
      onStreamEvent: () => undefined,
      onWebSocketConnect: () => undefined,
      onContinuationDecision: () => undefined,
      onTransportFallback: (record) => this.fallbacks.push(`${scope.turnId}:${record.reason}`),
      onTokenUsage: () => undefined,
      onStreamRetry: (record) =>
        this.streamRetries.push({ turnId: scope.turnId, attempt: record.attempt, delayMs: record.delayMs, code: record.error === null ? null : String((record.error as { code?: unknown }).code) }),
    };
  };
}

/** A loopback server plus a session on it. */
export interface SessionSetup {
  readonly server: ResponsesServer;
  readonly session: Session;
  close(): Promise<void>;
}

/** Starts a loopback server and a session (WebSocket by default) with the given options. */
export async function startSession(
  options: Partial<Omit<CreateSessionOptions, 'provider'>> & { webSocket?: boolean; provider?: Partial<Provider> } = {},
  serverOptions: ResponsesServerOptions = {},
): Promise<SessionSetup> {
  const server = await startResponsesServer(serverOptions);
  const { webSocket, provider, ...rest } = options;
  const session = createSession({
    provider: { ...provider, baseUrl: server.url, supportsWebSockets: webSocket ?? true },
    auth: { getToken: () => 'test-token' },
    conversationId: 'conv-session-test',
    model: TEST_MODEL,
    reasoningEffort: 'medium',
    reasoningSummary: 'auto',
    instructions: 'You are a test agent.',
    retryBackoff: { baseMs: 5, maxMs: 20 },
    ...rest,
    client: { random: () => 0.5, ...options.client },
  });
  return {
    server,
    session,
    close: async () => {
      await session.close();
      await server.close();
    },
  };
}

/** Reads every event of a turn and its result (or error). */
export async function collect(handle: TurnHandle): Promise<{ events: SessionEvent[]; types: string[] }> {
  const events: SessionEvent[] = [];
  for await (const event of handle) events.push(event);
  return { events, types: events.map((event) => event.type) };
}

const DELTA_TYPES: ReadonlySet<SessionEvent['type']> = new Set(['text_delta', 'reasoning_delta', 'refusal_delta', 'tool_input_delta']);

/** Event types without deltas (which vary with chunking). */
export function milestones(events: readonly SessionEvent[]): string[] {
  return events.filter((event) => !DELTA_TYPES.has(event.type)).map((event) => event.type);
}

/** The text of all `text_delta` events. */
export function streamedText(events: readonly SessionEvent[]): string {
  return events.map((event) => (event.type === 'text_delta' ? event.delta : '')).join('');
}

/** A user message item. */
export function userMessage(text: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** The `x-codex-turn-metadata` turn id of a recorded request (HTTP header or WebSocket client metadata). */
export function turnIdOf(request: { headers: Readonly<Record<string, string | string[] | undefined>>; body: unknown }): string | undefined {
  const body = request.body as { client_metadata?: Record<string, string> } | undefined;
  const raw = body?.client_metadata?.['x-codex-turn-metadata'] ?? request.headers['x-codex-turn-metadata'];
  if (typeof raw !== 'string') return undefined;
  return (JSON.parse(raw) as { turn_id?: string }).turn_id;
}

/** Events of a scripted response that outputs `items` and completes. */
export function scriptedResponse(id: string, items: readonly Record<string, unknown>[]): { events: Record<string, unknown>[] } {
  const events: Record<string, unknown>[] = [{ type: 'response.created', response: { id, status: 'in_progress', output: [] } }];
  items.forEach((item, index) => {
    events.push({ type: 'response.output_item.added', output_index: index, item });
    events.push({ type: 'response.output_item.done', output_index: index, item });
  });
  events.push({
    type: 'response.completed',
    response: {
      id,
      status: 'completed',
      output: items,
      usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 },
    },
  });
  return { events };
}

/** Open-handle detection, shared with the client package's own leak tests. */
export { activeResources, settledLeaks as leakedResources } from '@modelwire/testing';
