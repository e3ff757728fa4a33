import { startNetworkRelay, startResponsesServer, type FaultTarget } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, startSession, TEST_MODEL, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import type { SessionEvent } from '../events/session-event.js';
import { createSession } from '../session/create-session.js';
import type { SessionClientOptions } from '../session/session-options.js';
import type { Session } from '../session/session.js';

let setup: SessionSetup | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const responses = (target: FaultTarget): boolean => target.phase === 'request' && target.endpoint === 'responses';

describe('one attempt budget per request, shared by the client and the turn loop', () => {
  it('failures before the first event are not multiplied by the stream budget: 1 + requestMaxRetries requests, no retrying event', async () => {
    setup = await startSession({ webSocket: false, provider: { baseUrl: 'unused', requestMaxRetries: 2, streamMaxRetries: 5 } });
    setup.server.faults.use((target) => (responses(target) ? { kind: 'close', afterEvents: 0 } : undefined));
    const handle = setup.session.submit('hello');
    const { types } = await collect(handle);
    await expect(handle.result).rejects.toMatchObject({ code: 'connection_closed', retryable: true });
    expect(types).toEqual(['turn_started', 'turn_failed']);
    // Before: 6 stream attempts × 3 request attempts = 18 requests.
    expect(setup.server.recording.requests).toHaveLength(3);
  });

  it('a response that started and broke before any output: the retrying event discards nothing', async () => {
    setup = await startSession({ webSocket: false });
    // codex.rate_limits, response.metadata (headers), response.created: then the cut.
    setup.server.faults.next({ kind: 'close', afterEvents: 3 });
    const handle = setup.session.submit('hello');
    const { events } = await collect(handle);
    await handle.result;
    expect(events.filter((event) => event.type === 'retrying')).toEqual([
      expect.objectContaining({ attempt: 1, code: 'connection_closed', transport: 'http', discardedItems: 0, discardedDeltas: 0 }),
    ]);
  });
});

/** A session on HTTP through `relay.port`, with the waiting-for-network policy and `client` options on top (closed after the test). */
function sessionThrough(port: number, client: SessionClientOptions = {}): Session {
  const session = createSession({
    provider: { baseUrl: `http://127.0.0.1:${port}/v1`, supportsWebSockets: false },
    auth: 'none',
    model: TEST_MODEL,
    instructions: 'You are a test agent.',
    preconnect: false,
    client: { waitForNetwork: true, ...client },
  });
  cleanups.push(() => session.close());
  return session;
}

describe('waiting for network (client.waitForNetwork)', () => {
  it('reports each wait as a waiting_for_network event and completes the turn once the network is back', async () => {
    const server = await startResponsesServer();
    cleanups.push(() => server.close());
    const relay = await startNetworkRelay(server.port);
    cleanups.push(() => relay.close());
    let now = Date.UTC(2026, 0, 1);
    const sleeps: number[] = [];
    const session = sessionThrough(relay.port, {
      clock: { now: () => now },
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
        if (sleeps.length === 2) await relay.up();
      },
    });
    expect((await session.submit('first').result).finalMessage).toBe('You said: first');
    await relay.down();
    const handle = session.submit('second');
    const { events } = await collect(handle);
    expect((await handle.result).finalMessage).toBe('You said: second');
    const waits = events.filter((event): event is Extract<SessionEvent, { type: 'waiting_for_network' }> => event.type === 'waiting_for_network');
    expect(waits.map((event) => [event.attempt, event.delayMs, event.code, event.transport])).toEqual([
      [1, 5_000, 'connect_failed', 'http'],
      [2, 10_000, 'connect_failed', 'http'],
    ]);
    expect(waits[0]?.reason).toContain(`http://127.0.0.1:${relay.port}/v1/responses over HTTP`);
    expect(events.some((event) => event.type === 'retrying')).toBe(false);
    expect(sleeps).toEqual([5_000, 10_000]);
  });

  it('an interrupt while waiting ends the turn at once', async () => {
    const server = await startResponsesServer();
    cleanups.push(() => server.close());
    const relay = await startNetworkRelay(server.port);
    cleanups.push(() => relay.close());
    const session = sessionThrough(relay.port);
    await session.submit('first').result;
    await relay.down();
    const handle = session.submit('second');
    const seen: string[] = [];
    for await (const event of handle) {
      seen.push(event.type);
      // The first wait is 5 s of real time: the interrupt must not wait for it.
      if (event.type === 'waiting_for_network') session.interrupt();
    }
    expect(seen).toEqual(['turn_started', 'waiting_for_network', 'turn_failed']);
    await expect(handle.result).rejects.toMatchObject({ code: 'aborted' });
  });
});
