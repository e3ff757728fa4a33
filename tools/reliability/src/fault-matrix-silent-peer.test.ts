// Fault matrix, silent and dead peers: a TCP server on loopback that accepts connections and
// never answers (no HTTP response headers, no WebSocket upgrade), and a port that refuses
// connections. The client must give up with a typed error within its budget and its deadline
// instead of waiting for the operating system, name where it tried, and close every socket it
// opened.
import diagnosticsChannel from 'node:diagnostics_channel';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { sharedWebSocketOutcomes } from '@modelwire/client';
import { createSession } from '@modelwire/core-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MATRIX_MODEL } from './harness/loopback-session.ts';
import { activeResources, leakedResources, type ResourceCounts } from './harness/open-handles.ts';
import { runTurn } from './harness/turn-outcome.ts';

/** A server that accepts TCP connections and stays silent; counts them and their closing. */
class SilentServer {
  readonly sockets = new Set<Socket>();
  accepted = 0;
  readonly #server: Server = createServer((socket) => {
    this.accepted += 1;
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    // Read and ignore what the client sends, so that its FIN (after the bytes) is seen.
    socket.resume();
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

let silent: SilentServer | undefined;
const clientSockets: Socket[] = [];
const onClientSocket = (message: unknown): void => {
  clientSockets.push((message as { socket: Socket }).socket);
};
beforeEach(() => {
  clientSockets.length = 0;
  diagnosticsChannel.subscribe('net.client.socket', onClientSocket);
});
afterEach(async () => {
  diagnosticsChannel.unsubscribe('net.client.socket', onClientSocket);
  await silent?.close();
  silent = undefined;
});

/** Every socket the client opened is destroyed, and the server saw each of them go; nothing leaked. */
async function expectEverySocketClosed(baseline: ResourceCounts): Promise<void> {
  expect(clientSockets.length).toBeGreaterThan(0);
  expect(clientSockets.filter((socket) => !socket.destroyed)).toEqual([]);
  await expect.poll(() => silent?.sockets.size, { timeout: 2_000, interval: 10 }).toBe(0);
  await silent?.close();
  silent = undefined;
  expect(await leakedResources(baseline)).toEqual([]);
}

describe('fault matrix: silent peers', () => {
  it('http: response headers that never come end in a typed idle_timeout after one budget; no socket stays open', async () => {
    const baseline = activeResources();
    silent = new SilentServer();
    const url = await silent.listen();
    const session = createSession({
      provider: { baseUrl: url, streamIdleTimeoutMs: 800, connectTimeoutMs: 800, requestMaxRetries: 1, streamMaxRetries: 1 },
      auth: { getToken: () => 'matrix-token' },
      model: MATRIX_MODEL,
      instructions: 'You are a test agent.',
      retryBackoff: { baseMs: 1, maxMs: 2 },
      client: { random: () => 0.5 },
    });
    const outcome = await runTurn(session.submit('hello'));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ code: 'idle_timeout', retryable: true });
    expect(outcome.retries).toBe(0);
    // 1 + requestMaxRetries attempts: the stream budget does not multiply it.
    expect(silent.accepted).toBe(2);
    expect(session.history.map((item) => item.type)).toEqual(['message']);
    await session.close();
    await expectEverySocketClosed(baseline);
  }, 30_000);

  it('http: the request deadline stops a request whose headers never come, whatever the idle timeout: a typed deadline_exceeded naming the target', async () => {
    const baseline = activeResources();
    silent = new SilentServer();
    const url = await silent.listen();
    const session = createSession({
      provider: { baseUrl: url, streamIdleTimeoutMs: 600_000, requestDeadlineMs: 800 },
      auth: { getToken: () => 'matrix-token' },
      model: MATRIX_MODEL,
      instructions: 'You are a test agent.',
      client: { random: () => 0.5 },
    });
    const outcome = await runTurn(session.submit('hello'));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ name: 'DeadlineExceededError', code: 'deadline_exceeded', retryable: false, attempts: 1 });
    expect(outcome.error?.message).toContain(`POST ${url}/responses`);
    expect(outcome.retries).toBe(0);
    expect(silent.accepted).toBe(1);
    expect(session.history.map((item) => item.type)).toEqual(['message']);
    await session.close();
    await expectEverySocketClosed(baseline);
  }, 30_000);

  it('websocket: an upgrade that is never answered moves the session to HTTP after one connect timeout (websocket_connect_timeout), which times out too; nothing is remembered', async () => {
    const baseline = activeResources();
    silent = new SilentServer();
    const url = await silent.listen();
    const session = createSession({
      provider: { baseUrl: url, supportsWebSockets: true, streamIdleTimeoutMs: 800, websocketConnectTimeoutMs: 800, connectTimeoutMs: 800, requestMaxRetries: 1, streamMaxRetries: 1 },
      auth: { getToken: () => 'matrix-token' },
      model: MATRIX_MODEL,
      instructions: 'You are a test agent.',
      retryBackoff: { baseMs: 1, maxMs: 2 },
      preconnect: false,
      client: { random: () => 0.5 },
    });
    const outcome = await runTurn(session.submit('hello'));
    expect(outcome.status).toBe('failed');
    expect(outcome.fallback).toBe('websocket_connect_timeout');
    expect(outcome.error).toMatchObject({ code: 'idle_timeout', retryable: true });
    // One upgrade, then the HTTP attempts (1 + requestMaxRetries).
    expect(silent.accepted).toBe(3);
    // HTTP failed too: the WebSocket's failure proved nothing about the path.
    expect(sharedWebSocketOutcomes.size).toBe(0);
    expect(session.history.map((item) => item.type)).toEqual(['message']);
    await session.close();
    await expectEverySocketClosed(baseline);
  }, 30_000);
});

describe('fault matrix: a port that refuses connections', () => {
  it.each(['websocket', 'http'] as const)('%s: a typed connect_failed naming scheme, host, path and transport, after one budget per transport, with the waiting-for-network policy on', async (transport) => {
    const baseline = activeResources();
    const refusing = createServer();
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const port = (refusing.address() as AddressInfo).port;
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
    const sleeps: number[] = [];
    const session = createSession({
      provider: { baseUrl: `http://127.0.0.1:${port}/v1`, supportsWebSockets: transport === 'websocket', requestMaxRetries: 2 },
      auth: { getToken: () => 'matrix-token' },
      model: MATRIX_MODEL,
      instructions: 'You are a test agent.',
      preconnect: false,
      // As the demo: the policy is on, but the provider was never reached, so a dead endpoint fails fast.
      client: { random: () => 0.5, waitForNetwork: true, sleep: async (ms) => void sleeps.push(ms) },
    });
    const outcome = await runTurn(session.submit('hello'));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ code: 'connect_failed', retryable: true });
    expect(outcome.error?.message).toBe(`could not connect to http://127.0.0.1:${port}/v1/responses over HTTP (ECONNREFUSED)`);
    expect(outcome.events.map((event) => event.type)).toEqual(['turn_started', ...(transport === 'websocket' ? ['transport_fallback'] : []), 'turn_failed']);
    expect(outcome.fallback).toBe(transport === 'websocket' ? 'request_retries_exhausted' : undefined);
    expect(sleeps).toEqual(transport === 'websocket' ? [200, 400, 200, 400] : [200, 400]);
    await session.close();
    expect(await leakedResources(baseline)).toEqual([]);
  });
});
