// The plaintext rule over real sockets: credentials (secret-named headers and the headers the
// caller names as credentials) go over http:/ws: only to loopback; a localhost name counts as
// loopback only when every address it resolves to is loopback, and the connection then goes to
// exactly those addresses (the resolver is asked once, and its answer is what is connected to).
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { MockAgent } from 'undici';
import type WebSocket from 'ws';
import { ConnectError } from '../errors/connection-errors.js';
import { InsecureTransportError } from '../errors/insecure-transport-error.js';
import { HttpClient } from '../http/http-client.js';
import { NetworkPolicy } from '../network/network-policy.js';
import { connectWebSocket } from '../ws/connect-websocket.js';
import { startHttpServer, type HttpTestServer } from '../__fixtures__/http-test-server.js';
import type { HostResolver } from './transport-security.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A resolver with a fixed answer per name, counting its calls. */
function resolver(answers: Record<string, readonly LookupAddress[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (hostname: string): Promise<readonly LookupAddress[]> => {
    calls.push(hostname);
    const answer = answers[hostname];
    return answer === undefined ? Promise.reject(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })) : Promise.resolve(answer);
  };
  return Object.assign(resolve, { calls });
}

const LOOPBACK: readonly LookupAddress[] = [{ address: '127.0.0.1', family: 4 }];
/**
 * A loopback address the system resolver never gives for a `localhost` name: a server bound
 * there is reached through a pinned address only.
 */
const PINNED: readonly LookupAddress[] = [{ address: '127.0.0.3', family: 4 }];

/** An HTTP server (with WebSocket upgrades) on 127.0.0.3, recording each request's Host header. */
async function pinnedServer(): Promise<{ port: number; hosts: string[]; server: Server }> {
  const hosts: string[] = [];
  const server = createServer((request, response) => {
    hosts.push(request.headers.host ?? '');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (_socket, request) => hosts.push(request.headers.host ?? ''));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.3', resolve));
  cleanups.push(async () => {
    for (const client of sockets.clients) client.terminate();
    await new Promise<void>((resolve) => sockets.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, hosts, server };
}
// Documentation addresses (RFC 5737): nothing is ever sent to them, the rule refuses first.
const ELSEWHERE: readonly LookupAddress[] = [{ address: '203.0.113.7', family: 4 }];
const AUTH = { authorization: 'Bearer sk-plaintext-test' };

async function httpServer(): Promise<HttpTestServer & { hosts: string[] }> {
  const hosts: string[] = [];
  const server = await startHttpServer((request, response) => {
    hosts.push(request.headers.host ?? '');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  cleanups.push(() => server.close());
  return Object.assign(server, { hosts });
}

function client(options: ConstructorParameters<typeof HttpClient>[0]): HttpClient {
  const created = new HttpClient(options);
  cleanups.push(() => created.close());
  return created;
}

describe('HTTP: localhost names', () => {
  it('connects a *.localhost name that resolves to loopback to the resolved address, keeping the Host header', async () => {
    const server = await pinnedServer();
    const resolveHost = resolver({ 'models.localhost': PINNED });
    const http = client({ resolveHost });
    // Only 127.0.0.3 serves this port: reaching it proves the checked address was connected to.
    for (let request = 0; request < 2; request += 1) {
      const response = await http.postJson(`http://models.localhost:${server.port}/v1/responses`, { headers: AUTH, body: {} });
      expect(response.body).toEqual({ ok: true });
    }
    expect(server.hosts).toEqual([`models.localhost:${server.port}`, `models.localhost:${server.port}`]);
    expect(resolveHost.calls).toEqual(['models.localhost', 'models.localhost']);
  });

  it('refuses credentials to a *.localhost name that resolves elsewhere, or partly elsewhere, before connecting', async () => {
    const server = await httpServer();
    const port = new URL(server.url).port;
    const http = client({ resolveHost: resolver({ 'evil.localhost': ELSEWHERE, 'mixed.localhost': [...LOOPBACK, ...ELSEWHERE] }) });
    for (const host of ['evil.localhost', 'mixed.localhost']) {
      const error = await http.postJson(`http://${host}:${port}/v1/responses`, { headers: AUTH, body: {} }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InsecureTransportError);
      expect((error as Error).message).toContain('allowInsecure');
      expect((error as Error).message).not.toContain('sk-plaintext-test');
    }
    expect(server.connectionCount()).toBe(0);
  });

  it('reports a localhost name that does not resolve as a connect error, and sends nothing', async () => {
    const http = client({ resolveHost: resolver({}) });
    const error = await http.postJson('http://nowhere.localhost:9/v1/responses', { headers: AUTH, body: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectError);
  });

  it('does not count a localhost name as loopback through a proxy', async () => {
    const server = await httpServer();
    const http = client({ resolveHost: resolver({ 'models.localhost': LOOPBACK }), network: new NetworkPolicy({ proxy: server.url }) });
    const error = await http.postJson('http://models.localhost:8080/v1/responses', { headers: AUTH, body: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsecureTransportError);
    expect(server.connectionCount()).toBe(0);
  });

  it('needs no resolution without credentials', async () => {
    const server = await httpServer();
    const port = new URL(server.url).port;
    const resolveHost = resolver({});
    const response = await client({ resolveHost }).postJson(`http://127.0.0.1:${port}/v1/responses`, { body: {} });
    expect(response.status).toBe(200);
    expect(resolveHost.calls).toEqual([]);
  });
});

describe('HTTP: headers named as credentials', () => {
  function mocked(): { http: HttpClient; sent: () => number } {
    const agent = new MockAgent();
    agent.disableNetConnect();
    let sent = 0;
    agent.get('http://models.example.invalid').intercept({ path: '/v1/responses', method: 'POST' }).reply(() => {
      sent += 1;
      return { statusCode: 200, data: '{}', responseOptions: { headers: { 'content-type': 'application/json' } } };
    }).persist();
    cleanups.push(() => agent.close());
    return { http: client({ dispatcher: agent }), sent: () => sent };
  }

  it('refuses plaintext to a remote host when a header named in credentialHeaders is present, whatever its name', async () => {
    const { http, sent } = mocked();
    const error = await http
      .postJson('http://models.example.invalid/v1/responses', { headers: { 'x-tenant-key-id': 'tenant-7' }, credentialHeaders: ['X-Tenant-Key-Id'], body: {} })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsecureTransportError);
    expect(sent()).toBe(0);
    // The same header, not named as a credential, is an ordinary header.
    await http.postJson('http://models.example.invalid/v1/responses', { headers: { 'x-tenant-key-id': 'tenant-7' }, body: {} });
    expect(sent()).toBe(1);
  });

  it('sends them when allowInsecure is set', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('http://models.example.invalid').intercept({ path: '/v1/responses', method: 'POST' }).reply(200, {});
    cleanups.push(() => agent.close());
    const response = await client({ dispatcher: agent, allowInsecure: true }).postJson('http://models.example.invalid/v1/responses', {
      headers: { 'x-tenant-key-id': 'tenant-7' },
      credentialHeaders: ['x-tenant-key-id'],
      body: {},
    });
    expect(response.status).toBe(200);
  });
});

describe('WebSocket: localhost names and credential headers', () => {
  it('connects a *.localhost name that resolves to loopback to the resolved address', async () => {
    const server = await pinnedServer();
    const resolveHost = resolver({ 'models.localhost': PINNED });
    const connection = await connectWebSocket(`ws://models.localhost:${server.port}/v1/responses`, { headers: AUTH, resolveHost, pingIntervalMs: null });
    cleanups.push(() => connection.close());
    expect(server.hosts).toEqual([`models.localhost:${server.port}`]);
    expect(resolveHost.calls).toEqual(['models.localhost']);
  });

  it('refuses a *.localhost name that resolves elsewhere and a named credential header to a remote host, creating no socket', async () => {
    let created = 0;
    const createWebSocket = (): WebSocket => {
      created += 1;
      throw new Error('no socket should be created');
    };
    const refused = [
      connectWebSocket('ws://evil.localhost:9/v1/responses', { headers: AUTH, resolveHost: resolver({ 'evil.localhost': ELSEWHERE }), createWebSocket }),
      connectWebSocket('ws://models.example.invalid/v1/responses', { headers: { 'x-tenant-key-id': 't' }, credentialHeaders: ['x-tenant-key-id'], createWebSocket }),
    ];
    for (const attempt of refused) await expect(attempt).rejects.toBeInstanceOf(InsecureTransportError);
    expect(created).toBe(0);
  });
});
