// Fast fallback on connect: a WebSocket that cannot be opened within the connect budget (an
// upgrade held unanswered by a middlebox, a proxy that holds the tunnel) or whose upgrade is
// refused moves the session to HTTP after one dial, and the process remembers it per network
// path, so that the next session starts on HTTP without dialing. Dials and handshakes are
// counted; no timing is asserted.
import { activeResources, settledLeaks, startNetworkRelay, startResponsesServer, type NetworkRelay, type ResponsesServer } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingTelemetry } from '../__fixtures__/loopback-client.js';
import { startTestProxy, type TestProxy } from '../__fixtures__/test-proxy.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { ModelClient, type ModelClientOptions } from '../client/model-client.js';
import { sharedWebSocketOutcomes, WebSocketOutcomeCache } from '../client/websocket-outcomes.js';
import type { Provider } from '../types/provider.js';

/** Short enough that a held upgrade costs little, long enough that a loaded machine connects within it. */
const CONNECT_BUDGET_MS = 1_500;

let server: ResponsesServer | undefined;
let relay: NetworkRelay | undefined;
let proxy: TestProxy | undefined;
const clients: ModelClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await relay?.close();
  await proxy?.close();
  await server?.close();
  relay = undefined;
  proxy = undefined;
  server = undefined;
});

function newClient(baseUrl: string, options: Omit<Partial<ModelClientOptions>, 'provider'> & { provider?: Partial<Provider> } = {}): ModelClient {
  const { provider, ...rest } = options;
  const client = new ModelClient({
    provider: { baseUrl, supportsWebSockets: true, websocketConnectTimeoutMs: CONNECT_BUDGET_MS, ...provider },
    auth: { getToken: () => 'sk-fast-fallback-123456' },
    conversationId: 'conv-fast-fallback',
    sessionSource: { kind: 'cli' },
    environment: {},
    random: () => 0.5,
    ...rest,
  });
  clients.push(client);
  return client;
}

async function turn(client: ModelClient, telemetry = new RecordingTelemetry()): Promise<{ transport: string; telemetry: RecordingTelemetry }> {
  const result = await client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
  return { transport: result.transport, telemetry };
}

/** The loopback server behind a relay that holds every WebSocket upgrade and relays HTTP. */
async function blackHoledUpgrades(): Promise<{ baseUrl: string; relay: NetworkRelay }> {
  server = await startResponsesServer({ tokenDelayMs: 0 });
  relay = await startNetworkRelay(server.port);
  relay.holdUpgrades = true;
  return { baseUrl: `http://127.0.0.1:${relay.port}/v1`, relay };
}

describe('a WebSocket upgrade that is never answered while HTTP to the same port works', () => {
  it('costs one dial: the turn completes over HTTP (websocket_connect_timeout), and the next session starts on HTTP without dialing', async () => {
    const baseline = activeResources();
    const { baseUrl, relay: holding } = await blackHoledUpgrades();
    const outcomes = new WebSocketOutcomeCache();
    const first = newClient(baseUrl, { webSocketOutcomes: outcomes });
    const heard: string[] = [];
    first.onTransportFallback((reason) => heard.push(reason));
    const fresh = await turn(first);
    expect(fresh.transport).toBe('http');
    // One held upgrade, not one per retry of the budget (requestMaxRetries is 4).
    expect(holding.heldUpgrades).toBe(1);
    expect(fresh.telemetry.fallbacks).toEqual([{ from: 'responses_websocket', to: 'responses_http', reason: 'websocket_connect_timeout' }]);
    expect(fresh.telemetry.attempts.map((attempt) => [attempt.transport, attempt.error?.name ?? null, attempt.willRetry])).toEqual([
      ['websocket', 'ConnectTimeoutError', true],
      ['http', null, false],
    ]);
    expect(heard).toEqual(['websocket_connect_timeout']);
    expect(outcomes.size).toBe(1);

    const second = newClient(baseUrl, { webSocketOutcomes: outcomes });
    expect(second.usesWebSocket).toBe(false);
    expect(second.fallbackReason).toBe('websocket_connect_timeout');
    expect(second.fallbackRemembered).toBe(true);
    const secondHeard: string[] = [];
    second.onTransportFallback((reason) => secondHeard.push(reason));
    await second.preconnect();
    const cached = await turn(second);
    expect(cached.transport).toBe('http');
    expect(cached.telemetry.fallbacks).toEqual([{ from: 'responses_websocket', to: 'responses_http', reason: 'websocket_connect_timeout', remembered: true }]);
    expect(cached.telemetry.connects).toEqual([]);
    expect(secondHeard).toEqual(['websocket_connect_timeout']);
    // Reported once: a later turn of that session says nothing more.
    expect((await turn(second)).telemetry.fallbacks).toEqual([]);
    expect(holding.heldUpgrades).toBe(1);
    expect(server?.recording.requests.map((request) => request.transport)).toEqual(['http', 'http', 'http']);

    await Promise.all(clients.splice(0).map((client) => client.close()));
    await holding.close();
    await server?.close();
    server = undefined;
    relay = undefined;
    expect(await settledLeaks(baseline)).toEqual([]);
  });

  it('a pre-connect that runs out of its budget hands the first request to HTTP without a second dial', async () => {
    const { baseUrl, relay: holding } = await blackHoledUpgrades();
    const client = newClient(baseUrl, { webSocketOutcomes: new WebSocketOutcomeCache() });
    await client.preconnect();
    const { transport, telemetry } = await turn(client);
    expect(transport).toBe('http');
    expect(holding.heldUpgrades).toBe(1);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['websocket_connect_timeout']);
  });

  it('uses the process-wide cache by default; webSocketOutcomes: false neither records nor reads', async () => {
    const { baseUrl, relay: holding } = await blackHoledUpgrades();
    expect((await turn(newClient(baseUrl, { webSocketOutcomes: false }))).transport).toBe('http');
    expect(sharedWebSocketOutcomes.size).toBe(0);
    expect((await turn(newClient(baseUrl, { webSocketOutcomes: false }))).transport).toBe('http');
    expect(holding.heldUpgrades).toBe(2);
    expect((await turn(newClient(baseUrl))).transport).toBe('http');
    expect(holding.heldUpgrades).toBe(3);
    expect(sharedWebSocketOutcomes.size).toBe(1);
    expect(newClient(baseUrl).usesWebSocket).toBe(false);
    // Another path (another base URL path on the same port) is not affected.
    expect(newClient(`${baseUrl}/other`).usesWebSocket).toBe(true);
  });

  it('expires, and a later successful connect on the path forgets it', async () => {
    const { baseUrl, relay: holding } = await blackHoledUpgrades();
    let now = 1_000_000;
    const outcomes = new WebSocketOutcomeCache({ ttlMs: 60_000, clock: { now: () => now } });
    await turn(newClient(baseUrl, { webSocketOutcomes: outcomes }));
    expect(newClient(baseUrl, { webSocketOutcomes: outcomes }).usesWebSocket).toBe(false);
    // The network is fixed; the remembered outcome still holds until it expires.
    holding.holdUpgrades = false;
    now += 60_000;
    const later = newClient(baseUrl, { webSocketOutcomes: outcomes });
    expect(later.usesWebSocket).toBe(true);
    expect((await turn(later)).transport).toBe('websocket');
    expect(outcomes.size).toBe(0);
    // A session that was already on the WebSocket forgets a path recorded meanwhile once it connects again.
    const onSocket = newClient(baseUrl, { webSocketOutcomes: outcomes });
    outcomes.record(`ws://127.0.0.1:${holding.port}/v1/responses via direct`, 'websocket_connect_timeout');
    expect(newClient(baseUrl, { webSocketOutcomes: outcomes }).usesWebSocket).toBe(false);
    await onSocket.preconnect();
    expect(outcomes.size).toBe(0);
  });

  it('does not remember a fallback when HTTP fails too (nothing answers at all)', async () => {
    const { baseUrl } = await blackHoledUpgrades();
    const outcomes = new WebSocketOutcomeCache();
    // HTTP to the same port refuses every request: the WebSocket failure proved nothing about the path.
    server?.faults.use((target) => (target.phase === 'request' ? { kind: 'http-status', status: 400 } : undefined));
    const client = newClient(baseUrl, { webSocketOutcomes: outcomes });
    await expect(turn(client)).rejects.toMatchObject({ status: 400 });
    expect(client.fallbackReason).toBe('websocket_connect_timeout');
    expect(outcomes.size).toBe(0);
  });
});

describe('a proxy that accepts CONNECT and never answers it', () => {
  it('costs one CONNECT: the turn completes over HTTP through the proxy, and the next session sends no CONNECT', async () => {
    server = await startResponsesServer({ tokenDelayMs: 0 });
    proxy = await startTestProxy();
    proxy.stallConnect = true;
    const outcomes = new WebSocketOutcomeCache();
    const first = newClient(server.url, { webSocketOutcomes: outcomes, provider: { proxy: proxy.url } });
    const fresh = await turn(first);
    expect(fresh.transport).toBe('http');
    expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`]);
    expect(proxy.forwarded).toEqual([`${server.url}/responses`]);
    expect(fresh.telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['websocket_connect_timeout']);

    const second = newClient(server.url, { webSocketOutcomes: outcomes, provider: { proxy: proxy.url } });
    const cached = await turn(second);
    expect(cached.transport).toBe('http');
    expect(cached.telemetry.fallbacks).toEqual([expect.objectContaining({ reason: 'websocket_connect_timeout', remembered: true })]);
    expect(proxy.connects).toHaveLength(1);
    // The outcome is the proxy's: the same base URL without it is another path, which dials.
    expect(newClient(server.url, { webSocketOutcomes: outcomes }).usesWebSocket).toBe(true);
  });
});

describe('an upgrade refused with 403 (no proxy)', () => {
  it('moves the session to HTTP at once instead of failing the turn, whatever its retry-after; the next session does not shake hands', async () => {
    server = await startResponsesServer({ tokenDelayMs: 0 });
    server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 403, headers: { 'retry-after': '3600' } } : undefined));
    const outcomes = new WebSocketOutcomeCache();
    let refreshes = 0;
    const auth = { getToken: () => 'sk-fast-fallback-123456', refresh: async () => ((refreshes += 1), true) };
    const fresh = await turn(newClient(server.url, { webSocketOutcomes: outcomes, auth }));
    expect(fresh.transport).toBe('http');
    expect(server.recording.counters.handshakes).toBe(1);
    expect(refreshes).toBe(0);
    expect(fresh.telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['upgrade_refused']);
    expect(fresh.telemetry.attempts.map((attempt) => [attempt.transport, attempt.status, attempt.willRetry])).toEqual([
      ['websocket', 403, true],
      ['http', 200, false],
    ]);
    const cached = await turn(newClient(server.url, { webSocketOutcomes: outcomes }));
    expect(cached.transport).toBe('http');
    expect(cached.telemetry.fallbacks).toEqual([expect.objectContaining({ reason: 'upgrade_refused', remembered: true })]);
    expect(server.recording.counters.handshakes).toBe(1);
  });

  it('a 503 on the upgrade whose retry-after would pass the request deadline moves to HTTP instead of failing', async () => {
    server = await startResponsesServer({ tokenDelayMs: 0 });
    server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 503, headers: { 'retry-after': '50' } } : undefined));
    const client = newClient(server.url, { webSocketOutcomes: new WebSocketOutcomeCache(), provider: { requestDeadlineMs: 30_000 } });
    const { transport, telemetry } = await turn(client);
    expect(transport).toBe('http');
    expect(server.recording.counters.handshakes).toBe(1);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['upgrade_refused']);
  });

  it('enableWebSockets: false never dials and never reads the cache', async () => {
    server = await startResponsesServer({ tokenDelayMs: 0 });
    const outcomes = new WebSocketOutcomeCache();
    const client = newClient(server.url, { webSocketOutcomes: outcomes, enableWebSockets: false });
    await client.preconnect();
    const { transport, telemetry } = await turn(client);
    expect(transport).toBe('http');
    expect(client.fallbackReason).toBeNull();
    expect(telemetry.fallbacks).toEqual([]);
    expect(server.recording.counters.handshakes).toBe(0);
    expect(outcomes.size).toBe(0);
  });
});
