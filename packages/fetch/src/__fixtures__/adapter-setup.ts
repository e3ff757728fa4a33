// A loopback Responses server and an adapter pointed at it, plus the conversation the SDK tool
// loops start from: a long earlier exchange (what makes resending it on every step expensive)
// and a user message asking for `TOOL_LOOP_CALLS` tool calls (the loopback default model's
// `run N times:` rule), so that a loop is `TOOL_LOOP_STEPS` requests.
import { staticTokenAuth, type ModelClientOptions } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import { expect } from 'vitest';
import { createModelwireFetch, type ModelwireFetch, type ModelwireFetchOptions } from '../create-modelwire-fetch.js';

/** Tool calls the loops make before the final answer. */
export const TOOL_LOOP_CALLS = 19;
/** Requests of one loop: every tool call, then the final answer. */
export const TOOL_LOOP_STEPS = TOOL_LOOP_CALLS + 1;
/** The user message that starts the loop. */
export const TOOL_LOOP_PROMPT = `run ${TOOL_LOOP_CALLS} times: ls -la src`;
/** What the tool returns on each call (a directory listing of a realistic size). */
export const TOOL_OUTPUT = Array.from({ length: 12 }, (_, index) => `-rw-r--r--  1 dev dev  ${1200 + index * 37}  Jan 12 10:${10 + index}  module-${index}.ts`).join('\n');
export const INSTRUCTIONS = 'You are a coding agent. Use the shell tool to inspect the repository before answering.';

/** Earlier turns of the conversation, as easy input messages (about `kib` KiB of JSON). */
export function earlierConversation(kib = 24): { role: 'user' | 'assistant'; content: string }[] {
  const messages: { role: 'user' | 'assistant'; content: string }[] = [];
  let bytes = 0;
  for (let index = 0; bytes < kib * 1024; index += 1) {
    const message =
      index % 2 === 0
        ? { role: 'user' as const, content: `Earlier question ${index}: what does the package in folder ${index} do, and how are its tests organised?` }
        : {
            role: 'assistant' as const,
            content: `Earlier answer ${index}: the package exposes one entry point, keeps its tests next to the sources, and its README lists the options it takes, with an example for each of them.`,
          };
    bytes += JSON.stringify(message).length;
    messages.push(message);
  }
  return messages;
}

/** A loopback server and an adapter over it; `close()` closes both (adapter first). */
export interface AdapterSetup {
  readonly server: ResponsesServer;
  readonly fetch: ModelwireFetch;
  close(): Promise<void>;
}

/** Client options pointing at `server` (WebSocket on unless `provider` overrides it). */
export function clientOptionsFor(server: ResponsesServer, provider: Partial<ModelClientOptions['provider']> = {}): Omit<ModelClientOptions, 'conversationId' | 'sessionSource'> {
  return { provider: { baseUrl: server.url, supportsWebSockets: true, ...provider }, auth: staticTokenAuth('sk-test'), random: () => 0.5 };
}

export async function startAdapter(
  serverOptions: ResponsesServerOptions = {},
  provider: Partial<ModelClientOptions['provider']> = {},
  adapterOptions: ModelwireFetchOptions = {},
): Promise<AdapterSetup> {
  const server = await startResponsesServer({ tokenDelayMs: 0, ...serverOptions });
  const fetch = createModelwireFetch(clientOptionsFor(server, provider), adapterOptions);
  await fetch.client.preconnect();
  return {
    server,
    fetch,
    close: async () => {
      await fetch.close();
      await server.close();
    },
  };
}

/** Request bytes the server received for `/responses` (HTTP bodies and WebSocket frames). */
export function requestBytes(server: ResponsesServer): number {
  return server.recording.requests.filter((request) => request.endpoint === 'responses').reduce((sum, request) => sum + request.decodedBytes, 0);
}

/** How many WebSocket requests continued a previous response. */
export function incrementalRequests(server: ResponsesServer): number {
  return server.recording.requests.filter((request) => request.transport === 'websocket' && typeof (request.body as Record<string, unknown>)['previous_response_id'] === 'string').length;
}

/**
 * What a 20-step tool loop through the adapter must show next to the same loop over the SDK's
 * own HTTP path (`plain`): every request over the one pre-connected WebSocket, all but the
 * first continuing the previous response, at least 10× fewer request bytes, and the sticky
 * routing of one turn respected.
 */
export function expectToolLoopThroughAdapter(adapted: ResponsesServer, plain: ResponsesServer): void {
  const { recording } = adapted;
  expect(recording.handshakes).toHaveLength(1);
  expect(recording.counters.requests).toEqual({ http: 0, websocket: TOOL_LOOP_STEPS });
  expect(incrementalRequests(adapted)).toBeGreaterThanOrEqual(TOOL_LOOP_STEPS - 1);
  expect(requestBytes(plain) / requestBytes(adapted)).toBeGreaterThanOrEqual(10);
  expect(recording.stickyViolations).toEqual([]);
}
