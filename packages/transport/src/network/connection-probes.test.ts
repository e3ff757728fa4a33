import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, settledLeaks, type ResourceCounts } from '../__fixtures__/open-handles.js';
import { generateTestCertificates, type TestCertificates } from '../__fixtures__/test-certificates.js';
import { startTestProxy, type TestProxy } from '../__fixtures__/test-proxy.js';
import { AbortError } from '../errors/abort-error.js';
import { ConnectError, ConnectTimeoutError } from '../errors/connection-errors.js';
import { ProxyRefusedError } from '../errors/proxy-refused-error.js';
import { probeTcp, probeTls, probeTunnel } from './connection-probes.js';
import { NetworkPolicy } from './network-policy.js';

let baseline: ResourceCounts;
let certificates: TestCertificates;
let tlsServer: Server;
let tlsPort: number;
let proxy: TestProxy;
const held = new Set<Socket>();

beforeAll(async () => {
  baseline = activeResources();
  certificates = await generateTestCertificates();
  tlsServer = createHttpsServer({ cert: certificates.cert, key: certificates.key });
  tlsServer.on('connection', (socket: Socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  tlsPort = (tlsServer.address() as AddressInfo).port;
  proxy = await startTestProxy();
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  await proxy.close();
  expect(await settledLeaks(baseline)).toEqual([]);
});

async function closedPort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('connection probes', () => {
  it('probeTcp: the peer address, or a ConnectError naming the code', async () => {
    expect(await probeTcp('127.0.0.1', tlsPort)).toBe(`127.0.0.1:${tlsPort}`);
    const port = await closedPort();
    await expect(probeTcp('127.0.0.1', port)).rejects.toThrow(new ConnectError(`TCP to 127.0.0.1:${port} failed (ECONNREFUSED)`));
  });

  it('probeTls: verifies against the given CA (directly and through a proxy), names the certificate', async () => {
    await expect(probeTls('127.0.0.1', tlsPort)).rejects.toBeInstanceOf(ConnectError);
    const ca = new NetworkPolicy({ ca: certificates.ca }).ca;
    expect(await probeTls('127.0.0.1', tlsPort, { ca })).toMatchObject({ subject: 'localhost', issuer: 'Modelwire Test CA', protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
    const through = new NetworkPolicy({ proxy: proxy.url }).proxyFor(`https://127.0.0.1:${tlsPort}`);
    expect(await probeTls('127.0.0.1', tlsPort, { ca, proxy: through })).toMatchObject({ subject: 'localhost' });
    expect(proxy.connects).toContain(`127.0.0.1:${tlsPort}`);
  });

  it('probeTunnel: resolves when the proxy opens the tunnel, ProxyRefusedError when it refuses', async () => {
    const endpoint = new NetworkPolicy({ proxy: proxy.url }).proxyFor('https://127.0.0.1');
    if (endpoint === null) throw new Error('no proxy');
    await probeTunnel(endpoint, '127.0.0.1', tlsPort);
    proxy.refuseConnect = 407;
    await expect(probeTunnel(endpoint, '127.0.0.1', tlsPort)).rejects.toBeInstanceOf(ProxyRefusedError);
    proxy.refuseConnect = null;
  });

  it('every probe honours its timeout and the abort', async () => {
    const silent = createNetServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    try {
      await expect(probeTls('127.0.0.1', port, { timeoutMs: 100 })).rejects.toBeInstanceOf(ConnectTimeoutError);
      const controller = new AbortController();
      const attempt = probeTls('127.0.0.1', port, { signal: controller.signal });
      setImmediate(() => controller.abort());
      await expect(attempt).rejects.toBeInstanceOf(AbortError);
    } finally {
      for (const socket of held) if (socket.localPort === port) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
