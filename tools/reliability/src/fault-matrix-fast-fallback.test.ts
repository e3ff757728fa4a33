// Fault matrix, fast fallback on connect: a WebSocket upgrade that is held unanswered (a relay
// in front of the loopback server that black-holes upgrades and relays HTTP) and an upgrade
// refused with 403, each on a fresh session and on a session created afterwards in the same
// process, which starts on HTTP from the remembered outcome without dialing. Each cell checks the
// outcome and its `transport_fallback` event, the dials (held upgrades or handshakes), the
// committed history, a further turn, and that nothing stays open. Dials are counted; no timing is
// asserted (the seconds are in the demo's output: `npm start -- --fault black-hole-upgrade`).
import { WebSocketOutcomeCache, type Provider } from '@modelwire/client';
import { createSession, type Session } from '@modelwire/core-session';
import { startNetworkRelay, startResponsesServer, type NetworkRelay, type ResponsesServer } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { historyProblems } from './harness/history-check.ts';
import { FAST_PROVIDER, MATRIX_MODEL } from './harness/loopback-session.ts';
import { activeResources, leakedResources } from './harness/open-handles.ts';
import { runTurn, type TurnOutcome } from './harness/turn-outcome.ts';

let server: ResponsesServer | undefined;
let relay: NetworkRelay | undefined;
const sessions: Session[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await relay?.close();
  await server?.close();
  relay = undefined;
  server = undefined;
});

function open(baseUrl: string, outcomes: WebSocketOutcomeCache, provider: Partial<Provider> = {}): Session {
  const session = createSession({
    provider: { ...FAST_PROVIDER, ...provider, baseUrl, supportsWebSockets: true },
    auth: { getToken: () => 'matrix-token' },
    conversationId: 'conv-fast-fallback',
    model: MATRIX_MODEL,
    instructions: 'You are a test agent.',
    retryBackoff: { baseMs: 5, maxMs: 20 },
    // As an interactive agent: the socket is pre-opened at session start.
    preconnect: true,
    client: { random: () => 0.5, webSocketOutcomes: outcomes },
  });
  sessions.push(session);
  return session;
}

/** Runs two turns on `session` and checks what every cell checks of a session that ends up on HTTP. */
async function twoTurnsOverHttp(session: Session): Promise<TurnOutcome> {
  const first = await runTurn(session.submit('hello'));
  expect(first.status).toBe('completed');
  expect(first.retries).toBe(0);
  const second = await runTurn(session.submit('again'));
  expect(second.status).toBe('completed');
  expect(second.fallback).toBeUndefined();
  expect(historyProblems(session.history, ['hello', 'again'])).toEqual([]);
  expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'message', 'message', 'reasoning', 'message']);
  return first;
}

function fallbackEvent(outcome: TurnOutcome): unknown {
  return outcome.events.find((event) => event.type === 'transport_fallback');
}

describe('fault matrix: fast fallback on connect', () => {
  it('black-holed upgrade, fresh session: one held dial, the turn completes over HTTP (websocket_connect_timeout); cached session: HTTP from the start, no dial', async () => {
    const baseline = activeResources();
    server = await startResponsesServer({ tokenDelayMs: 0 });
    relay = await startNetworkRelay(server.port);
    relay.holdUpgrades = true;
    const baseUrl = `http://127.0.0.1:${relay.port}/v1`;
    const outcomes = new WebSocketOutcomeCache();

    const fresh = await twoTurnsOverHttp(open(baseUrl, outcomes));
    expect(fallbackEvent(fresh)).toEqual({ type: 'transport_fallback', turnId: expect.any(String), reason: 'websocket_connect_timeout' });
    // The pre-connect's dial is the only one: the first request adopted its failure.
    expect(relay.heldUpgrades).toBe(1);

    const cached = await twoTurnsOverHttp(open(baseUrl, outcomes));
    expect(fallbackEvent(cached)).toEqual({ type: 'transport_fallback', turnId: expect.any(String), reason: 'websocket_connect_timeout', remembered: true });
    expect(relay.heldUpgrades).toBe(1);
    expect(server.recording.requests.map((request) => request.transport)).toEqual(['http', 'http', 'http', 'http']);

    await Promise.all(sessions.splice(0).map((session) => session.close()));
    await relay.close();
    await server.close();
    relay = undefined;
    server = undefined;
    expect(await leakedResources(baseline)).toEqual([]);
  });

  it('upgrade refused with 403, fresh session: one handshake, HTTP at once (upgrade_refused); cached session: HTTP from the start, no handshake', async () => {
    const baseline = activeResources();
    server = await startResponsesServer({ tokenDelayMs: 0 });
    server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 403, headers: { 'retry-after': '120' } } : undefined));
    const outcomes = new WebSocketOutcomeCache();

    const fresh = await twoTurnsOverHttp(open(server.url, outcomes));
    expect(fallbackEvent(fresh)).toEqual({ type: 'transport_fallback', turnId: expect.any(String), reason: 'upgrade_refused' });
    expect(server.recording.counters.handshakes).toBe(1);

    const cached = await twoTurnsOverHttp(open(server.url, outcomes));
    expect(fallbackEvent(cached)).toEqual({ type: 'transport_fallback', turnId: expect.any(String), reason: 'upgrade_refused', remembered: true });
    expect(server.recording.counters.handshakes).toBe(1);

    await Promise.all(sessions.splice(0).map((session) => session.close()));
    await expect.poll(() => server?.recording.connections.every((connection) => connection.closedAt !== undefined), { timeout: 2_000, interval: 10 }).toBe(true);
    await server.close();
    server = undefined;
    expect(await leakedResources(baseline)).toEqual([]);
  });

  it('a remembered outcome expires: the next session dials the WebSocket again, and its success forgets the path', async () => {
    server = await startResponsesServer({ tokenDelayMs: 0 });
    relay = await startNetworkRelay(server.port);
    relay.holdUpgrades = true;
    const baseUrl = `http://127.0.0.1:${relay.port}/v1`;
    let now = 0;
    const outcomes = new WebSocketOutcomeCache({ ttlMs: 1_000, clock: { now: () => now } });
    await twoTurnsOverHttp(open(baseUrl, outcomes));
    expect(outcomes.size).toBe(1);
    relay.holdUpgrades = false;
    now += 1_000;
    const healed = open(baseUrl, outcomes);
    const outcome = await runTurn(healed.submit('hello'));
    expect(outcome.status).toBe('completed');
    expect(outcome.fallback).toBeUndefined();
    expect(server.recording.requests.at(-1)?.transport).toBe('websocket');
    expect(outcomes.size).toBe(0);
  });
});
