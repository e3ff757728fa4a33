// A loopback Responses server and an adapter pointed at it; the tool loop the SDK tests run
// (the conversation it starts from, what the server saw of it) comes from @modelwire/testing.
import { staticTokenAuth, type ModelClientOptions } from '@modelwire/client';
import { incrementalRequests, requestBytes, startResponsesServer, TOOL_LOOP_STEPS, type Closables, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import { expect } from 'vitest';
import { createModelwireFetch, type FetchFunction, type ModelwireFetch, type ModelwireFetchOptions } from '../create-modelwire-fetch.js';

export {
  earlierConversation,
  incrementalRequests,
  requestBytes,
  TOOL_LOOP_CALLS,
  TOOL_LOOP_INSTRUCTIONS as INSTRUCTIONS,
  TOOL_LOOP_PROMPT,
  TOOL_LOOP_STEPS,
  TOOL_OUTPUT,
} from '@modelwire/testing';

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

/**
 * Runs the tool loop `loop` twice, both servers closed by `open`: over the SDK's own HTTP path
 * (`fetch` undefined) against a plain loopback server, then through a pre-connected adapter.
 * Expects the same result, `TOOL_LOOP_STEPS` requests, and what {@link expectToolLoopThroughAdapter}
 * expects; resolves with the adapter's setup and result for the SDK's own checks.
 */
export async function expectSameToolLoopThroughAdapter<Result extends { readonly steps: number }>(
  open: Closables,
  loop: (baseURL: string, fetch?: FetchFunction) => Promise<Result>,
): Promise<{ readonly setup: AdapterSetup; readonly adapted: Result }> {
  const plain = open.add(await startResponsesServer({ tokenDelayMs: 0 }));
  const overHttp = await loop(plain.url);
  const setup = open.add(await startAdapter());
  const adapted = await loop(setup.server.url, setup.fetch);
  expect(adapted).toEqual(overHttp);
  expect(adapted.steps).toBe(TOOL_LOOP_STEPS);
  expectToolLoopThroughAdapter(setup.server, plain);
  return { setup, adapted };
}
