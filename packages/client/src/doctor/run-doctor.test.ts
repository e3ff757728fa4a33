// The doctor against loopback servers with one injected failure each: its verdict per check,
// the fix it prints, and that no secret appears in its output.
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTestCertificates, type TestCertificates } from '../__fixtures__/test-certificates.js';
import { startTestProxy, type TestProxy } from '../__fixtures__/test-proxy.js';
import { activeResources, settledLeaks, startNetworkRelay, startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { WebSocketOutcomeCache } from '../client/websocket-outcomes.js';
import { staticTokenAuth } from '../types/auth-provider.js';
import type { Provider } from '../types/provider.js';
import { runDoctorCli } from './doctor-cli.js';
import { formatDoctorReport, type DoctorCheckId, type DoctorReport, type DoctorStatus } from './doctor-report.js';
import { runDoctor, type DoctorOptions } from './run-doctor.js';

const KEY = 'sk-doctor-secret-0123456789';

/** A minimal provider: `POST …/responses` answers `httpStatus`; upgrades are accepted, closed with 1008, or refused with 426. */
interface TinyProvider {
  readonly baseUrl: string;
  close(): Promise<void>;
}

async function startTinyProvider(options: { tls?: TestCertificates; upgrade: 'accept' | 'close-1008' | 'refuse-426'; httpStatus?: number }): Promise<TinyProvider> {
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    request.resume();
    request.on('end', () => {
      const status = options.httpStatus ?? 200;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(status === 200 ? JSON.stringify({ id: 'resp_1', status: 'completed', output: [] }) : JSON.stringify({ error: { code: 'x', message: `status ${status}` } }));
    });
  };
  const server: Server = options.tls === undefined ? createHttpServer(handler) : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const webSockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    if (options.upgrade === 'refuse-426') {
      socket.end('HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      if (options.upgrade === 'close-1008') webSocket.close(1008, 'websocket mode not allowed for this key');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/v1`,
    async close() {
      for (const client of webSockets.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let baseline: ReturnType<typeof activeResources>;
let certificates: TestCertificates;
let loopback: ResponsesServer;
let proxy: TestProxy;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  baseline = activeResources();
  certificates = await generateTestCertificates();
  loopback = await startResponsesServer({ providerRules: { credentials: 'bearer' } });
  proxy = await startTestProxy();
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  proxy.refuseConnect = null;
  proxy.blockUpgrades = false;
  proxy.connects.length = 0;
});

afterAll(async () => {
  await Promise.all([loopback.close(), proxy.close()]);
  expect(await settledLeaks(baseline)).toEqual([]);
});

async function tiny(options: Parameters<typeof startTinyProvider>[0]): Promise<TinyProvider> {
  const started = await startTinyProvider(options);
  cleanups.push(() => started.close());
  return started;
}

async function doctor(provider: Provider, options: Partial<DoctorOptions> = {}): Promise<{ report: DoctorReport; text: string; verdicts: Record<DoctorCheckId, DoctorStatus> }> {
  const report = await runDoctor({ provider: { supportsWebSockets: true, ...provider }, auth: staticTokenAuth(KEY), environment: {}, timeoutMs: 5_000, ...options });
  const text = formatDoctorReport(report);
  expect(text).not.toContain(KEY);
  const verdicts = Object.fromEntries(report.checks.map((check) => [check.id, check.status])) as Record<DoctorCheckId, DoctorStatus>;
  return { report, text, verdicts };
}

function fixOf(report: DoctorReport, id: DoctorCheckId): string {
  return report.checks.find((check) => check.id === id)?.fix ?? '';
}

function detailOf(report: DoctorReport, id: DoctorCheckId): string {
  return report.checks.find((check) => check.id === id)?.detail ?? '';
}

describe('the doctor', () => {
  it('passes every check against a healthy provider, and prints a table', async () => {
    const { report, text, verdicts } = await doctor({ baseUrl: loopback.url });
    expect(verdicts).toEqual({ dns: 'ok', tcp: 'ok', proxy: 'ok', tls: 'skip', websocket: 'ok', http: 'ok' });
    expect(report.healthy).toBe(true);
    expect(report.route).toBe('direct (no proxy configured)');
    expect(text).toMatch(/^check\s+result\s+detail$/m);
    expect(text).toMatch(/^WebSocket\s+ok\s+upgraded \(101\) and the socket answered a ping$/m);
    expect(text).toMatch(/^HTTP\s+ok\s+200 from POST \/v1\/responses \(model gpt-5-mini\)$/m);
    expect(text).toContain('No failure found.');
  });

  it('goes through the proxy from the environment: TCP to the proxy, CONNECT, upgrade and request through it', async () => {
    const { report, verdicts } = await doctor({ baseUrl: loopback.url }, { environment: { HTTP_PROXY: proxy.url } });
    expect(verdicts).toEqual({ dns: 'ok', tcp: 'ok', proxy: 'ok', tls: 'skip', websocket: 'ok', http: 'ok' });
    expect(report.route).toBe(`via proxy 127.0.0.1:${proxy.port} (HTTP_PROXY)`);
    expect(detailOf(report, 'websocket')).toContain('through the proxy');
    expect(proxy.connects.length).toBeGreaterThanOrEqual(2);
  });

  it('DNS: a name that does not resolve fails, with a fix, and skips the rest', async () => {
    const lookup = (): Promise<readonly string[]> => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const { report, verdicts } = await doctor({ baseUrl: 'https://api.example.invalid/v1' }, { lookup });
    expect(verdicts).toEqual({ dns: 'fail', tcp: 'skip', proxy: 'skip', tls: 'skip', websocket: 'skip', http: 'skip' });
    expect(detailOf(report, 'dns')).toBe('api.example.invalid did not resolve (ENOTFOUND)');
    expect(fixOf(report, 'dns')).toMatch(/host name of the base URL/);
  });

  it('TCP: a refused connection fails with the address and a fix', async () => {
    const unused = createNetServer().listen(0, '127.0.0.1');
    await once(unused, 'listening');
    const port = (unused.address() as AddressInfo).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    const { report, verdicts } = await doctor({ baseUrl: `http://127.0.0.1:${port}/v1` });
    expect(verdicts).toMatchObject({ dns: 'ok', tcp: 'fail', tls: 'skip', websocket: 'skip', http: 'skip' });
    expect(detailOf(report, 'tcp')).toBe(`TCP to 127.0.0.1:${port} failed (ECONNREFUSED)`);
    expect(fixOf(report, 'tcp')).toContain(`127.0.0.1:${port}`);
  });

  it('Proxy: a refused CONNECT (403) fails naming the proxy, with a fix', async () => {
    proxy.refuseConnect = 403;
    const { report, verdicts } = await doctor({ baseUrl: loopback.url, proxy: proxy.url });
    expect(verdicts).toMatchObject({ tcp: 'ok', proxy: 'fail', websocket: 'skip', http: 'skip' });
    expect(detailOf(report, 'proxy')).toContain(`proxy 127.0.0.1:${proxy.port} refused the tunnel`);
    expect(fixOf(report, 'proxy')).toMatch(/refuses CONNECT .*NO_PROXY/);
  });

  it('Proxy: 407 asks for credentials and never prints the ones given', async () => {
    const guarded = await startTestProxy({ credentials: { user: 'agent', password: 'right-one' } });
    cleanups.push(() => guarded.close());
    const { report, text, verdicts } = await doctor({ baseUrl: loopback.url, proxy: guarded.url.replace('://', '://agent:wr0ng-s3cret@') });
    expect(verdicts.proxy).toBe('fail');
    expect(fixOf(report, 'proxy')).toMatch(/wants credentials \(407\)/);
    expect(`${text}${JSON.stringify(report)}`).not.toMatch(/wr0ng|agent:|YWdlbnQ6/);
  });

  it('TLS: an untrusted certificate fails with the certificate error and the CA fix; the CA option fixes it', async () => {
    const secure = await tiny({ tls: certificates, upgrade: 'accept' });
    const untrusted = await doctor({ baseUrl: secure.baseUrl });
    expect(untrusted.verdicts).toMatchObject({ tcp: 'ok', tls: 'fail', websocket: 'skip', http: 'skip' });
    expect(detailOf(untrusted.report, 'tls')).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
    expect(fixOf(untrusted.report, 'tls')).toMatch(/NODE_EXTRA_CA_CERTS/);
    const trusted = await doctor({ baseUrl: secure.baseUrl, ca: certificates.ca });
    expect(trusted.verdicts).toMatchObject({ tls: 'ok', websocket: 'ok', http: 'ok' });
    expect(detailOf(trusted.report, 'tls')).toMatch(/^TLSv1\.[23], certificate for localhost issued by Modelwire Test CA/);
  });

  it('WebSocket: a close with 1008 right after the 101 is told apart from a usable socket', async () => {
    const policing = await tiny({ upgrade: 'close-1008' });
    const { report, text, verdicts } = await doctor({ baseUrl: policing.baseUrl });
    expect(verdicts).toMatchObject({ websocket: 'fail', http: 'ok' });
    expect(detailOf(report, 'websocket')).toBe('upgraded (101), then closed at once with 1008 (policy_violation): "websocket mode not allowed for this key"');
    expect(fixOf(report, 'websocket')).toMatch(/closed it by policy/);
    expect(text).toContain('1 check(s) failed.');
  });

  it('WebSocket: 426 is a warning (sessions use HTTP), not a failure', async () => {
    const httpOnly = await tiny({ upgrade: 'refuse-426' });
    const { report, verdicts } = await doctor({ baseUrl: httpOnly.baseUrl });
    expect(verdicts).toMatchObject({ websocket: 'warn', http: 'ok' });
    expect(report.healthy).toBe(true);
    expect(fixOf(report, 'websocket')).toMatch(/supportsWebSockets: false/);
  });

  it('WebSocket: an upgrade blocked by the proxy fails, while HTTP through it works', async () => {
    proxy.blockUpgrades = true;
    const { report, verdicts } = await doctor({ baseUrl: loopback.url, proxy: proxy.url });
    expect(verdicts).toMatchObject({ proxy: 'ok', websocket: 'fail', http: 'ok' });
    expect(fixOf(report, 'websocket')).toMatch(/refused \(403\) through the proxy 127\.0\.0\.1:\d+/);
  });

  it('WebSocket: an upgrade held unanswered fails with the connect-budget fix and the remembered outcome, while HTTP works', async () => {
    const relay = await startNetworkRelay(loopback.port);
    cleanups.push(() => relay.close());
    relay.holdUpgrades = true;
    const baseUrl = `http://127.0.0.1:${relay.port}/v1`;
    const outcomes = new WebSocketOutcomeCache();
    const { report, verdicts } = await doctor({ baseUrl }, { timeoutMs: 1_000, webSocketOutcomes: outcomes });
    expect(verdicts).toMatchObject({ websocket: 'fail', http: 'ok' });
    expect(relay.heldUpgrades).toBe(1);
    expect(fixOf(report, 'websocket')).toMatch(/websocketConnectTimeoutMs.*remembers it for 10 minutes/);
    // A session of this process remembered it: the doctor says so, and forgets it once the upgrade works again.
    outcomes.record(`ws://127.0.0.1:${relay.port}/v1/responses via direct`, 'websocket_connect_timeout');
    const remembered = await doctor({ baseUrl }, { timeoutMs: 1_000, webSocketOutcomes: outcomes });
    expect(detailOf(remembered.report, 'websocket')).toMatch(/this process remembers websocket_connect_timeout for this path \(new sessions start on HTTP for about 10 more min\)/);
    relay.holdUpgrades = false;
    const healed = await doctor({ baseUrl }, { webSocketOutcomes: outcomes });
    expect(healed.verdicts).toMatchObject({ websocket: 'ok', http: 'ok' });
    expect(detailOf(healed.report, 'websocket')).toMatch(/the remembered outcome \(websocket_connect_timeout\) is forgotten/);
    expect(outcomes.size).toBe(0);
  });

  it('HTTP and WebSocket: refused credentials fail with the key fix', async () => {
    const { report, verdicts } = await doctor({ baseUrl: loopback.url }, { auth: staticTokenAuth(null) });
    expect(verdicts).toMatchObject({ websocket: 'fail', http: 'fail' });
    expect(fixOf(report, 'http')).toMatch(/OPENAI_API_KEY/);
  });

  it('HTTP: a base URL without the provider’s path fails with the base URL fix (HTTP-only provider: upgrade skipped)', async () => {
    const azure = await startResponsesServer({ providerRules: { pathPrefix: '/openai/v1', credentials: 'api-key-or-bearer' } });
    cleanups.push(() => azure.close());
    const wrong = await doctor({ baseUrl: azure.url, supportsWebSockets: false, authHeader: 'api-key' });
    expect(wrong.verdicts).toMatchObject({ tcp: 'ok', websocket: 'skip', http: 'fail' });
    expect(detailOf(wrong.report, 'websocket')).toBe('the provider has no WebSocket mode (HTTP/SSE only)');
    expect(fixOf(wrong.report, 'http')).toMatch(/openai\.azure\.com\/openai\/v1/);
    const right = await doctor({ baseUrl: azure.url.replace(/\/v1$/, '/openai/v1'), supportsWebSockets: false, authHeader: 'api-key' });
    expect(right.verdicts.http).toBe('ok');
  });
});

describe('the doctor’s command line', () => {
  function capture(): { out: string[]; err: string[]; output: { out(text: string): void; err(text: string): void } } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, output: { out: (text) => out.push(text), err: (text) => err.push(text) } };
  }

  it('prints the table, notes a missing key, and exits 0 when healthy', async () => {
    const permissive = await startResponsesServer();
    cleanups.push(() => permissive.close());
    const { out, output } = capture();
    expect(await runDoctorCli(['--base-url', permissive.url], {}, output)).toBe(0);
    expect(out.join('')).toContain('note: OPENAI_API_KEY is not set');
    expect(out.join('')).toMatch(/^HTTP\s+ok/m);
  });

  it('reads the key from the preset’s variable, never prints it, exits 1 on a failure, prints JSON on request', async () => {
    const policing = await tiny({ upgrade: 'close-1008' });
    const { out, output } = capture();
    expect(await runDoctorCli(['--base-url', policing.baseUrl, '--json'], { OPENAI_API_KEY: KEY }, output)).toBe(1);
    const report = JSON.parse(out.join('')) as DoctorReport;
    expect(report.checks.find((check) => check.id === 'websocket')?.status).toBe('fail');
    expect(out.join('')).not.toContain(KEY);
  });

  it('exits 2 on bad options and 0 on --help', async () => {
    const bad = capture();
    expect(await runDoctorCli(['--preset', 'nope'], {}, bad.output)).toBe(2);
    expect(bad.err.join('')).toContain('unknown --preset nope');
    expect(await runDoctorCli(['--proxy', 'http://p:1', '--no-proxy'], {}, bad.output)).toBe(2);
    const help = capture();
    expect(await runDoctorCli(['--help'], {}, help.output)).toBe(0);
    expect(help.out.join('')).toContain('Usage: modelwire-doctor');
  });
});
