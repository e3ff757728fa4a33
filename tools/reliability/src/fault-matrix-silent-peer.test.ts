// Fault matrix, silent peers: a TCP server on loopback that accepts connections and never
// answers (no HTTP response headers, no WebSocket upgrade). The client must give up with a
// typed timeout within its budgets instead of waiting for the operating system, and close every
// socket it opened.
import diagnosticsChannel from 'node:diagnostics_channel';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
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
  it('http: response headers that never come end in a typed idle_timeout after both budgets; no socket stays open', async () => {
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
    expect(outcome.retries).toBe(1);
    // (1 + requestMaxRetries) × (1 + streamMaxRetries) attempts.
    expect(silent.accepted).toBe(4);
    expect(session.history.map((item) => item.type)).toEqual(['message']);
    await session.close();
    await expectEverySocketClosed(baseline);
  }, 30_000);

  it('websocket: an upgrade that is never answered ends in connect timeouts, then the session falls back to HTTP, which times out too', async () => {
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
    expect(outcome.fallback).toBe('request_retries_exhausted');
    expect(outcome.error).toMatchObject({ code: 'idle_timeout', retryable: true });
    expect(session.history.map((item) => item.type)).toEqual(['message']);
    await session.close();
    await expectEverySocketClosed(baseline);
  }, 30_000);
});
