// Both transports through a real HTTP proxy (the `proxy` package) on loopback: forwarding and
// CONNECT, an https:// proxy, NO_PROXY, credentials, refusals, timeouts and aborts.
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, settledLeaks, type ResourceCounts } from '../__fixtures__/open-handles.js';
import { generateTestCertificates, type TestCertificates } from '../__fixtures__/test-certificates.js';
import { startTestProxy, type TestProxy } from '../__fixtures__/test-proxy.js';
import { AbortError } from '../errors/abort-error.js';
import { ConnectError, ConnectTimeoutError } from '../errors/connection-errors.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import { ProxyRefusedError } from '../errors/proxy-refused-error.js';
import { HttpClient } from '../http/http-client.js';
import { connectWebSocket } from '../ws/connect-websocket.js';
import { NetworkPolicy, type NetworkPolicyOptions } from './network-policy.js';

/** A target answering `POST` with JSON and WebSocket upgrades with an echo socket, over HTTP or HTTPS. */
interface Target {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly requests: string[];
  close(): Promise<void>;
}

async function startTarget(tls?: TestCertificates): Promise<Target> {
  const requests: string[] = [];
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, via: request.headers['proxy-authorization'] === undefined ? 'clean' : 'leaked' }));
    });
  };
  const server: Server = tls === undefined ? createHttpServer(handler) : createHttpsServer({ cert: tls.cert, key: tls.key }, handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const webSockets = new WebSocketServer({ server });
  webSockets.on('connection', (socket, request) => {
    requests.push(`UPGRADE ${request.url ?? ''}`);
    socket.on('message', (data) => socket.send(String(data)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const scheme = tls === undefined ? 'http' : 'https';
  return {
    httpUrl: `${scheme}://127.0.0.1:${port}/v1/responses`,
    wsUrl: `${tls === undefined ? 'ws' : 'wss'}://127.0.0.1:${port}/v1/responses`,
    port,
    requests,
    async close() {
      for (const client of webSockets.clients) client.terminate();
      await new Promise<void>((resolve) => webSockets.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let baseline: ResourceCounts;
let certificates: TestCertificates;
let plainTarget: Target;
let tlsTarget: Target;
let proxy: TestProxy;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  baseline = activeResources();
  certificates = await generateTestCertificates();
  plainTarget = await startTarget();
  tlsTarget = await startTarget(certificates);
  proxy = await startTestProxy();
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  proxy.refuseConnect = null;
  proxy.blockUpgrades = false;
  proxy.connects.length = 0;
  proxy.forwarded.length = 0;
  proxy.authorizations.length = 0;
});

afterAll(async () => {
  await Promise.all([plainTarget.close(), tlsTarget.close(), proxy.close()]);
  expect(await settledLeaks(baseline)).toEqual([]);
});

function httpClient(network: NetworkPolicyOptions): HttpClient {
  const client = new HttpClient({ network: new NetworkPolicy(network), connectTimeoutMs: 10_000 });
  cleanups.push(() => client.close());
  return client;
}

async function echoOverWebSocket(url: string, network: NetworkPolicyOptions, signal?: AbortSignal): Promise<string> {
  const connection = await connectWebSocket(url, { network: new NetworkPolicy(network), pingIntervalMs: null, ...(signal === undefined ? {} : { signal }) });
  cleanups.push(() => connection.close());
  await connection.send({ type: 'ping', n: 1 });
  for await (const frame of connection.frames()) return frame;
  throw new Error('the socket closed without an echo');
}

describe('HTTP through the proxy', () => {
  it('forwards http: targets through the proxy (no CONNECT)', async () => {
    const response = await httpClient({ proxy: proxy.url }).postJson(plainTarget.httpUrl, { body: { hello: 1 } });
    expect(response.body).toEqual({ ok: true, via: 'clean' });
    expect(proxy.forwarded).toEqual([plainTarget.httpUrl]);
    expect(proxy.connects).toEqual([]);
  });

  it('tunnels https: targets with CONNECT and verifies the target against the added CA', async () => {
    const response = await httpClient({ proxy: proxy.url, ca: certificates.ca }).postJson(tlsTarget.httpUrl, { body: {} });
    expect(response.body).toEqual({ ok: true, via: 'clean' });
    expect(proxy.connects).toEqual([`127.0.0.1:${tlsTarget.port}`]);
  });

  it('fails with a ConnectError when the target’s certificate is not trusted (no CA added)', async () => {
    await expect(httpClient({ proxy: proxy.url }).postJson(tlsTarget.httpUrl, { body: {} })).rejects.toBeInstanceOf(ConnectError);
  });

  it('reads HTTPS_PROXY / HTTP_PROXY from the given environment and skips NO_PROXY hosts', async () => {
    const viaEnvironment = httpClient({ environment: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, ca: certificates.ca });
    await viaEnvironment.postJson(plainTarget.httpUrl, { body: {} });
    await viaEnvironment.postJson(tlsTarget.httpUrl, { body: {} });
    expect(proxy.forwarded).toHaveLength(1);
    expect(proxy.connects).toHaveLength(1);

    const bypassing = httpClient({ environment: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }, ca: certificates.ca });
    await bypassing.postJson(plainTarget.httpUrl, { body: {} });
    await bypassing.postJson(tlsTarget.httpUrl, { body: {} });
    expect(proxy.forwarded).toHaveLength(1);
    expect(proxy.connects).toHaveLength(1);
  });

  it('types a refused CONNECT as ProxyRefusedError naming the proxy', async () => {
    proxy.refuseConnect = 403;
    const client = httpClient({ proxy: proxy.url, ca: certificates.ca });
    const refused = await client.postJson(tlsTarget.httpUrl, { body: {} }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProxyRefusedError);
    expect(refused).toMatchObject({ code: 'proxy_refused', status: 403, proxy: `127.0.0.1:${proxy.port}`, retryable: false });
  });
});

describe('WebSocket through the proxy', () => {
  it('opens ws: through a CONNECT tunnel and exchanges frames', async () => {
    expect(await echoOverWebSocket(plainTarget.wsUrl, { proxy: proxy.url })).toBe('{"type":"ping","n":1}');
    expect(proxy.connects).toEqual([`127.0.0.1:${plainTarget.port}`]);
  });

  it('opens wss: through an https:// proxy: TLS to the proxy, then TLS to the target, both checked against the added CA', async () => {
    const secureProxy = await startTestProxy({ tls: certificates });
    cleanups.push(() => secureProxy.close());
    expect(await echoOverWebSocket(tlsTarget.wsUrl, { proxy: secureProxy.url, ca: certificates.ca })).toBe('{"type":"ping","n":1}');
    expect(secureProxy.connects).toEqual([`127.0.0.1:${tlsTarget.port}`]);
    await expect(echoOverWebSocket(tlsTarget.wsUrl, { proxy: secureProxy.url })).rejects.toThrow(/could not connect to proxy 127\.0\.0\.1:\d+ \(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT/);
  });

  it('skips the proxy for NO_PROXY hosts, as HTTP does', async () => {
    const environment = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, no_proxy: '127.0.0.1' };
    expect(await echoOverWebSocket(plainTarget.wsUrl, { environment })).toBe('{"type":"ping","n":1}');
    expect(await echoOverWebSocket(tlsTarget.wsUrl, { environment, ca: certificates.ca })).toBe('{"type":"ping","n":1}');
    expect(proxy.connects).toEqual([]);
  });

  it('sends the URL’s credentials as Proxy-Authorization to the proxy only, and never shows them in errors', async () => {
    const guarded = await startTestProxy({ credentials: { user: 'agent', password: 'pr0xy-s3cret' } });
    cleanups.push(() => guarded.close());
    const withCredentials = guarded.url.replace('://', '://agent:pr0xy-s3cret@');
    expect(await echoOverWebSocket(plainTarget.wsUrl, { proxy: withCredentials })).toBe('{"type":"ping","n":1}');
    expect(guarded.authorizations).toEqual([`Basic ${Buffer.from('agent:pr0xy-s3cret').toString('base64')}`]);
    // The target saw no proxy header (the tunnel carries only the client's own request).
    expect(plainTarget.requests.at(-1)).toBe('UPGRADE /v1/responses');

    const wrong = guarded.url.replace('://', '://agent:wr0ng-s3cret@');
    const refused = await echoOverWebSocket(plainTarget.wsUrl, { proxy: wrong }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProxyRefusedError);
    expect((refused as ProxyRefusedError).status).toBe(407);
    expect((refused as Error).message).toContain(`127.0.0.1:${guarded.port}`);
    const shown = `${(refused as Error).message} ${JSON.stringify((refused as ProxyRefusedError).toJSON())} ${(refused as Error).stack ?? ''}`;
    expect(shown).not.toMatch(/wr0ng|agent:|YWdlbnQ6/);

    const forwardRefused = await httpClient({ proxy: wrong }).postJson(plainTarget.httpUrl, { body: {} }).catch((error: unknown) => error);
    expect(forwardRefused).toBeInstanceOf(ProxyRefusedError);
    expect((forwardRefused as ProxyRefusedError).status).toBe(407);
    expect(JSON.stringify((forwardRefused as ProxyRefusedError).toJSON())).not.toMatch(/wr0ng|YWdlbnQ6/);
  });

  it('types a refused CONNECT and an upgrade blocked inside the tunnel', async () => {
    proxy.refuseConnect = 403;
    await expect(echoOverWebSocket(plainTarget.wsUrl, { proxy: proxy.url })).rejects.toMatchObject({ code: 'proxy_refused', status: 403 });
    proxy.refuseConnect = null;
    proxy.blockUpgrades = true;
    const blocked = await echoOverWebSocket(plainTarget.wsUrl, { proxy: proxy.url }).catch((error: unknown) => error);
    expect(blocked).toBeInstanceOf(HttpStatusError);
    expect((blocked as HttpStatusError).status).toBe(403);
  });

  it('applies the connect timeout and the abort to a proxy that never answers CONNECT', async () => {
    const held: Socket[] = [];
    const silent = createNetServer((socket) => held.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    cleanups.push(async () => {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const network = new NetworkPolicy({ proxy: silentUrl });
    await expect(connectWebSocket(plainTarget.wsUrl, { network, connectTimeoutMs: 200, pingIntervalMs: null })).rejects.toBeInstanceOf(ConnectTimeoutError);
    const controller = new AbortController();
    const attempt = connectWebSocket(plainTarget.wsUrl, { network, signal: controller.signal, pingIntervalMs: null });
    setImmediate(() => controller.abort());
    await expect(attempt).rejects.toBeInstanceOf(AbortError);
  });

  it('names the proxy when it cannot be reached', async () => {
    const unused = createNetServer();
    unused.listen(0, '127.0.0.1');
    await once(unused, 'listening');
    const port = (unused.address() as AddressInfo).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    const error = await echoOverWebSocket(plainTarget.wsUrl, { proxy: `http://127.0.0.1:${port}` }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toBe(`could not connect to proxy 127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
