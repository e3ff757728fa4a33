/**
 * The tool loop the SDK adapters are measured with: a long earlier exchange (what makes
 * resending it on every step expensive) and a user message asking for `TOOL_LOOP_CALLS` tool
 * calls (the default model's `run N times:` rule), so that a loop is `TOOL_LOOP_STEPS`
 * requests; plus what the server saw of such a loop.
 */
import type { ResponsesServer } from './responses-server.js';

/** Tool calls a loop makes before the final answer. */
export const TOOL_LOOP_CALLS = 19;
/** Requests of one loop: every tool call, then the final answer. */
export const TOOL_LOOP_STEPS = TOOL_LOOP_CALLS + 1;
/** The user message that starts the loop. */
export const TOOL_LOOP_PROMPT = `run ${TOOL_LOOP_CALLS} times: ls -la src`;
/** What the tool returns on each call (a directory listing of a realistic size). */
export const TOOL_OUTPUT = Array.from({ length: 12 }, (_, index) => `-rw-r--r--  1 dev dev  ${1200 + index * 37}  Jan 12 10:${10 + index}  module-${index}.ts`).join('\n');
/** The agent's instructions in the loop. */
export const TOOL_LOOP_INSTRUCTIONS = 'You are a coding agent. Use the shell tool to inspect the repository before answering.';

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

/** Request bytes the server received for `/responses` (HTTP bodies and WebSocket frames). */
export function requestBytes(server: ResponsesServer): number {
  return server.recording.requests.filter((request) => request.endpoint === 'responses').reduce((sum, request) => sum + request.decodedBytes, 0);
}

/** How many WebSocket requests continued a previous response. */
export function incrementalRequests(server: ResponsesServer): number {
  return server.recording.requests.filter((request) => request.transport === 'websocket' && typeof (request.body as Record<string, unknown>)['previous_response_id'] === 'string').length;
}

/** What a loop cost on the wire, as the server saw it. */
export interface ResponsesWireFigures {
  /** WebSocket handshakes. */
  readonly handshakes: number;
  /** TCP connections that carried HTTP `/responses` requests. */
  readonly httpConnections: number;
  /** `/responses` requests (HTTP and WebSocket). */
  readonly requests: number;
  /** Requests that continued a previous response (`previous_response_id`). */
  readonly incrementalRequests: number;
  /** Request bytes received for `/responses` (HTTP bodies and WebSocket frames). */
  readonly requestBytes: number;
}

/** The wire figures of every `/responses` request the server received so far. */
export function responsesWireFigures(server: ResponsesServer): ResponsesWireFigures {
  const requests = server.recording.requests.filter((request) => request.endpoint === 'responses');
  return {
    handshakes: server.recording.handshakes.length,
    httpConnections: new Set(requests.filter((request) => request.transport === 'http').map((request) => request.connectionId)).size,
    requests: requests.length,
    incrementalRequests: requests.filter((request) => typeof (request.body as Record<string, unknown>)['previous_response_id'] === 'string').length,
    requestBytes: requestBytes(server),
  };
}
