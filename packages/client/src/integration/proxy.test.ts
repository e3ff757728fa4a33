// A whole session behind a real HTTP proxy (the `proxy` package) on loopback: the WebSocket
// goes through CONNECT, HTTP through the same proxy, NO_PROXY bypasses both, and a proxy that
// refuses the tunnel or blocks the upgrade leaves the session completing over HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RecordingTelemetry } from '../__fixtures__/loopback-client.js';
import { startTestProxy, type TestProxy } from '../__fixtures__/test-proxy.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { ModelClient } from '../client/model-client.js';
import { createTransportWebSocketConnector } from '../wire/transport-websocket.js';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import type { Provider } from '../types/provider.js';

let server: ResponsesServer;
let proxy: TestProxy;
const clients: ModelClient[] = [];

beforeAll(async () => {
  proxy = await startTestProxy();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
  proxy.refuseConnect = null;
  proxy.blockUpgrades = false;
  proxy.connects.length = 0;
  proxy.forwarded.length = 0;
});

afterAll(async () => {
  await proxy.close();
});

async function client(environment: Record<string, string>, provider: Partial<Provider> = {}): Promise<ModelClient> {
  server = await startResponsesServer();
  const created = new ModelClient({
    provider: { baseUrl: server.url, supportsWebSockets: true, ...provider },
    auth: { getToken: () => 'sk-behind-proxy-123456' },
    conversationId: 'conv-proxy',
    sessionSource: { kind: 'cli' },
    environment,
    random: () => 0.5,
  });
  clients.push(created);
  return created;
}

const viaProxy = (): Record<string, string> => ({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });

describe('a session behind an HTTP proxy', () => {
  it('pre-connects the WebSocket through CONNECT, streams over it, and sends HTTP through the proxy too', async () => {
    const session = await client(viaProxy());
    await session.preconnect();
    expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`]);
    const telemetry = new RecordingTelemetry();
    const result = await session.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('websocket');
    expect(telemetry.connects).toEqual([expect.objectContaining({ reused: true })]);
    expect(proxy.connects).toHaveLength(1);
    await session.compactConversationHistory(prompt([userMessage('compact')]), turnContext());
    expect(proxy.forwarded).toEqual([`${server.url}/responses/compact`]);
    expect(server.recording.handshakes[0]?.headers['authorization']).toBe('Bearer sk-behind-proxy-123456');
  });

  it('takes the proxy from the provider option too, ignoring the environment', async () => {
    const session = await client({ HTTPS_PROXY: 'http://127.0.0.1:1', HTTP_PROXY: 'http://127.0.0.1:1' }, { proxy: proxy.url });
    const result = await session.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('websocket');
    expect(proxy.connects).toHaveLength(1);
  });

  it('hands an injected connector the session policy: a wrapped default connector built without one still goes through CONNECT', async () => {
    server = await startResponsesServer();
    const seen: (string | null)[] = [];
    const inner = createTransportWebSocketConnector();
    const created = new ModelClient({
      provider: { baseUrl: server.url, supportsWebSockets: true, proxy: proxy.url },
      auth: { getToken: () => 'sk-behind-proxy-123456' },
      conversationId: 'conv-proxy',
      sessionSource: { kind: 'cli' },
      environment: {},
      webSocketConnector: (url, options) => {
        seen.push(options.network?.proxyFor(url)?.address ?? null);
        return inner(url, options);
      },
    });
    clients.push(created);
    const result = await created.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('websocket');
    expect(seen).toEqual([`127.0.0.1:${proxy.port}`]);
    expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('goes direct for NO_PROXY hosts, on both transports', async () => {
    const session = await client({ ...viaProxy(), NO_PROXY: 'localhost,127.0.0.1' });
    await session.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    await session.compactConversationHistory(prompt([userMessage('compact')]), turnContext());
    expect(proxy.connects).toEqual([]);
    expect(proxy.forwarded).toEqual([]);
    expect(server.recording.counters.handshakes).toBe(1);
  });

  it.each([
    ['refuses the tunnel (CONNECT 403)', (target: TestProxy) => (target.refuseConnect = 403)],
    ['lets the tunnel open but blocks the upgrade inside it', (target: TestProxy) => (target.blockUpgrades = true)],
  ])('completes over HTTP when the proxy %s', async (_label, configure) => {
    configure(proxy);
    const session = await client(viaProxy());
    const heard: string[] = [];
    session.onTransportFallback((reason) => heard.push(reason));
    const telemetry = new RecordingTelemetry();
    const turn = session.newTurn();
    const first = await turn.stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(first.transport).toBe('http');
    expect(heard).toEqual(['websocket_blocked_by_proxy']);
    // One WebSocket attempt, no retry spent on it; the request then went out over HTTP.
    expect(telemetry.attempts.map((attempt) => [attempt.transport, attempt.willRetry])).toEqual([
      ['websocket', true],
      ['http', false],
    ]);
    expect(server.recording.counters.handshakes).toBe(0);
    expect(proxy.forwarded).toEqual([`${server.url}/responses`]);
    const second = await session.newTurn().stream(prompt([userMessage('again')]), turnContext({}, telemetry)).result;
    expect(second.transport).toBe('http');
    expect(proxy.connects).toHaveLength(1);
  });

  it('never shows the proxy credentials: a 407 on both transports fails with a typed error naming only the proxy host', async () => {
    const guarded = await startTestProxy({ credentials: { user: 'agent', password: 'pr0xy-s3cret' } });
    try {
      const wrong = guarded.url.replace('://', '://agent:wr0ng-s3cret@');
      const session = await client({}, { proxy: wrong, requestMaxRetries: 0 });
      const telemetry = new RecordingTelemetry();
      const error = await session
        .newTurn()
        .stream(prompt([userMessage('hi')]), turnContext({}, telemetry))
        .result.catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'proxy_refused', status: 407, proxy: `127.0.0.1:${guarded.port}` });
      const shown = [
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify(error),
        ...telemetry.attempts.map((attempt) => `${String(attempt.error)} ${JSON.stringify(attempt.error)}`),
      ].join('\n');
      expect(shown).not.toMatch(/wr0ng|agent:|YWdlbnQ6/);
      expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['websocket_blocked_by_proxy']);
      expect(guarded.connects).toHaveLength(1);
      expect(guarded.authorizations).toEqual([
        `Basic ${Buffer.from('agent:wr0ng-s3cret').toString('base64')}`,
        `Basic ${Buffer.from('agent:wr0ng-s3cret').toString('base64')}`,
      ]);
    } finally {
      await guarded.close();
    }
  });
});
