import { isIP } from 'node:net';
import {
  ConnectionClosedError,
  ErrorCode,
  HttpClient,
  HttpStatusError,
  ModelwireError,
  ProxyRefusedError,
  closeKindOf,
  connectWebSocket,
  isLoopbackHost,
  probeTcp,
  probeTls,
  probeTunnel,
  redactText,
  systemLookup,
  type Environment,
  type HostLookup,
  type NetworkPolicy,
  type ProxyEndpoint,
} from '@modelwire/transport';
import { credentialHeaders } from '../client/credential-headers.js';
import { networkPolicyFor } from '../client/network-for-provider.js';
import { DEFAULT_WEBSOCKET_OUTCOME_TTL_MS, sharedWebSocketOutcomes, webSocketOutcomePath, type WebSocketOutcomeCache } from '../client/websocket-outcomes.js';
import { RESPONSES_WEBSOCKETS_BETA, RequestHeader } from '../request/request-headers.js';
import type { AuthProvider } from '../types/auth-provider.js';
import { resolveProvider, type Provider, type ResolvedProvider } from '../types/provider.js';
import type { DoctorCheck, DoctorCheckId, DoctorReport, DoctorStatus } from './doctor-report.js';

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** The provider to check: base URL, WebSocket support, auth header, proxy, CA, `allowInsecure`. */
  readonly provider: Provider;
  /** Credentials for the upgrade and the HTTP request. Default none (both then go without; a 401 is reported as such). */
  readonly auth?: AuthProvider;
  /** Model of the one minimal HTTP request. Default `gpt-5-mini`. */
  readonly model?: string;
  /** Environment for the proxy and `NODE_EXTRA_CA_CERTS`. Default `process.env`. */
  readonly environment?: Environment;
  /** Limit of each check, in milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
  /** Host name resolution (testing seam). Default the system resolver. */
  readonly lookup?: HostLookup;
  /** Aborts the run. */
  readonly signal?: AbortSignal;
  /**
   * The process's remembered WebSocket outcomes (`ModelClientOptions.webSocketOutcomes`): the
   * WebSocket check says when this process's new sessions start on HTTP for the path, and a
   * successful upgrade forgets it (as a session's would). Default the process-wide cache;
   * `false` to leave it out.
   */
  readonly webSocketOutcomes?: WebSocketOutcomeCache | false;
}

/** What a failed upgrade means for sessions, said once in every WebSocket fix. */
const SESSIONS_FALL_BACK = `Sessions fall back to HTTP after one attempt and this process remembers it for ${DEFAULT_WEBSOCKET_OUTCOME_TTL_MS / 60_000} minutes (its new sessions start on HTTP without dialing)`;

const TITLES: Readonly<Record<DoctorCheckId, string>> = { dns: 'DNS', tcp: 'TCP', proxy: 'Proxy', tls: 'TLS', websocket: 'WebSocket', http: 'HTTP' };

/** Certificate errors: the chain or the name did not verify. */
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|HOSTNAME/;

interface Target {
  readonly provider: ResolvedProvider;
  readonly base: URL;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly proxy: ProxyEndpoint | null;
  readonly network: NetworkPolicy;
}

/**
 * Checks the network path to a provider, step by step: DNS, TCP (to the proxy when there is
 * one), the proxy's `CONNECT`, TLS (certificate against the CA policy), the WebSocket upgrade
 * (and that the socket stays usable: a close right after the 101, such as 1008, is a
 * failure), and one minimal HTTP request (`POST {base}/responses`, at most 16 output tokens).
 * A failed step skips the steps that need it. Each failure comes with a fix.
 *
 * Never prints a secret: the key, tokens and proxy credentials are redacted from every detail.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const secrets: string[] = [];
  const add = (id: DoctorCheckId, status: DoctorStatus, detail: string, fix: string | null = null): void => {
    checks.push({ id, title: TITLES[id], status, detail: redactText(detail, secrets), fix: fix === null ? null : redactText(fix, secrets) });
  };
  const provider = resolveProvider(options.provider);
  const base = new URL(provider.baseUrl);
  const shownBase = `${base.origin}${base.pathname}`;
  let network: NetworkPolicy;
  try {
    network = networkPolicyFor(provider, options.environment ?? process.env);
  } catch (error) {
    add('proxy', 'fail', messageOf(error), 'Fix the proxy setting (HTTPS_PROXY / HTTP_PROXY or the provider’s `proxy`): an http:// or https:// URL such as http://proxy.example:3128.');
    return finish(provider, shownBase, 'unknown (invalid proxy setting)', checks);
  }
  const route = network.route(base);
  const proxy = route.proxy;
  if (proxy?.authorization !== undefined) secrets.push(proxy.authorization, proxy.authorization.replace(/^Basic /, ''));
  const target: Target = {
    provider,
    base,
    host: base.hostname.replace(/^\[|\]$/g, ''),
    port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
    secure: base.protocol === 'https:',
    proxy,
    network,
  };
  const shownRoute = proxy === null ? `direct (${route.reason})` : `via proxy ${proxy.address} (${proxy.source})`;
  const probe = { timeoutMs: options.timeoutMs ?? 10_000, ...(options.signal === undefined ? {} : { signal: options.signal }) };

  // DNS: the name this machine must resolve (the proxy resolves the target's).
  const dnsName = proxy === null ? target.host : proxy.url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(dnsName) !== 0) add('dns', 'ok', `${dnsName} is an IP address${proxy === null ? '' : ' (the proxy resolves the target)'}`);
  else {
    try {
      const addresses = await (options.lookup ?? systemLookup)(dnsName);
      add('dns', 'ok', `${dnsName} → ${addresses.slice(0, 3).join(', ')}${proxy === null ? '' : ' (the proxy resolves the target)'}`);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      add(
        'dns',
        'fail',
        `${dnsName} did not resolve${typeof code === 'string' ? ` (${code})` : ''}`,
        proxy === null
          ? 'Check the host name of the base URL, your DNS or VPN. If this network only reaches the internet through a proxy, set HTTPS_PROXY.'
          : 'Check the proxy host name in HTTPS_PROXY / HTTP_PROXY (or the provider’s `proxy`), and your DNS.',
      );
      return skipRest(checks, 'dns', provider, shownBase, shownRoute);
    }
  }

  // TCP: to the proxy, or to the target.
  const tcpHost = proxy === null ? target.host : proxy.url.hostname.replace(/^\[|\]$/g, '');
  const tcpPort = proxy === null ? target.port : Number(proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80));
  try {
    const peer = await probeTcp(tcpHost, tcpPort, probe);
    add('tcp', 'ok', `connected to ${peer}${proxy === null ? '' : ' (the proxy)'}`);
  } catch (error) {
    add(
      'tcp',
      'fail',
      messageOf(error),
      proxy === null
        ? `Nothing accepted a connection at ${tcpHost}:${tcpPort}: check the base URL’s host and port, that the server runs, and your firewall. If outbound traffic must go through a proxy, set HTTPS_PROXY.`
        : `The proxy at ${proxy.address} did not accept a connection: check HTTPS_PROXY / HTTP_PROXY, or add the provider’s host to NO_PROXY if it is reachable directly.`,
    );
    return skipRest(checks, 'tcp', provider, shownBase, shownRoute);
  }

  // Proxy: a CONNECT tunnel to the target, as the WebSocket (and HTTPS) will open it.
  if (proxy === null) add('proxy', 'ok', route.reason === 'no proxy configured' ? 'no proxy configured' : `not used: ${route.reason}`);
  else {
    try {
      await probeTunnel(proxy, target.host, target.port, { ...probe, ca: network.ca });
      add('proxy', 'ok', `${proxy.address} (${proxy.source}) opened a CONNECT tunnel to ${target.host}:${target.port}`);
    } catch (error) {
      add('proxy', 'fail', messageOf(error), proxyFix(error, proxy, target));
      return skipRest(checks, 'proxy', provider, shownBase, shownRoute);
    }
  }

  // TLS: the certificate, checked against the CA policy, through the proxy if there is one.
  if (!target.secure) {
    if (isLoopbackHost(target.host)) add('tls', 'skip', 'plain http to a loopback host');
    else {
      add(
        'tls',
        'warn',
        `plain http to ${target.host}: requests cross the network unencrypted`,
        provider.allowInsecure ? 'Prefer https if the server offers it.' : 'Use https, or set `allowInsecure: true` on the provider to send credentials in plaintext knowingly.',
      );
    }
  } else {
    try {
      const tls = await probeTls(target.host, target.port, { ...probe, ca: network.ca, proxy });
      add('tls', 'ok', `${tls.protocol ?? 'TLS'}, certificate${tls.subject === null ? '' : ` for ${tls.subject}`}${tls.issuer === null ? '' : ` issued by ${tls.issuer}`}${tls.validTo === null ? '' : `, valid to ${tls.validTo}`}`);
    } catch (error) {
      const message = messageOf(error);
      add(
        'tls',
        'fail',
        message,
        CERTIFICATE_CODES.test(message)
          ? 'The certificate did not verify. If a proxy or firewall inspects TLS, trust its root certificate: the provider’s `ca` option, or NODE_EXTRA_CA_CERTS=/path/to/root.pem. Check also that the base URL’s host is the one the certificate names.'
          : 'The TLS handshake failed: check that the base URL’s port speaks TLS (https), and any TLS-inspecting proxy or firewall.',
      );
      return skipRest(checks, 'tls', provider, shownBase, shownRoute);
    }
  }

  const headers = await authenticate(options, provider, secrets);
  await checkWebSocket(target, headers, probe, add, options.webSocketOutcomes ?? sharedWebSocketOutcomes);
  await checkHttp(target, headers, options.model ?? 'gpt-5-mini', probe, add);
  return finish(provider, shownBase, shownRoute, checks);
}

async function authenticate(options: DoctorOptions, provider: ResolvedProvider, secrets: string[]): Promise<Record<string, string>> {
  if (options.auth === undefined) return {};
  const signal = options.signal ?? new AbortController().signal;
  const [token, extra] = await Promise.all([options.auth.getToken(signal), options.auth.getHeaders?.(signal) ?? {}]);
  for (const value of [token, ...Object.values(extra)]) if (value !== null && value.length > 0) secrets.push(value);
  return credentialHeaders(provider.authHeader, token, extra);
}

type Add = (id: DoctorCheckId, status: DoctorStatus, detail: string, fix?: string | null) => void;

async function checkWebSocket(target: Target, headers: Record<string, string>, probe: { timeoutMs: number; signal?: AbortSignal }, addCheck: Add, outcomes: WebSocketOutcomeCache | false): Promise<void> {
  if (!target.provider.supportsWebSockets) {
    addCheck('websocket', 'skip', 'the provider has no WebSocket mode (HTTP/SSE only)');
    return;
  }
  const url = `${target.provider.baseUrl.replace(/^http/, 'ws')}/responses`;
  const path = webSocketOutcomePath(url, target.proxy?.address ?? null);
  const remembered = outcomes === false ? null : outcomes.lookup(path);
  const add: Add = (id, status, detail, fix) => {
    if (remembered === null) return addCheck(id, status, detail, fix);
    if (status === 'ok') {
      // A successful upgrade on the path: as after a session's, new sessions try the WebSocket again.
      if (outcomes !== false) outcomes.forget(path);
      return addCheck(id, status, `${detail}; the remembered outcome (${remembered.reason}) is forgotten: new sessions of this process start on the WebSocket again`, fix);
    }
    const minutes = Math.max(1, Math.ceil((remembered.expiresAt - Date.now()) / 60_000));
    return addCheck(id, status, `${detail}; this process remembers ${remembered.reason} for this path (new sessions start on HTTP for about ${minutes} more min)`, fix);
  };
  let connection;
  try {
    connection = await connectWebSocket(url, {
      headers: { ...headers, [RequestHeader.OpenAiBeta]: RESPONSES_WEBSOCKETS_BETA },
      network: target.network,
      allowInsecure: target.provider.allowInsecure,
      connectTimeoutMs: probe.timeoutMs,
      pingIntervalMs: null,
      ...(probe.signal === undefined ? {} : { signal: probe.signal }),
    });
  } catch (error) {
    const [status, fix] = upgradeFailure(error, target);
    add('websocket', status, messageOf(error), fix);
    return;
  }
  try {
    // A usable socket answers a ping; one closed by policy right after the 101 closes instead.
    await connection.ping({ timeoutMs: probe.timeoutMs, ...(probe.signal === undefined ? {} : { signal: probe.signal }) });
    add('websocket', 'ok', `upgraded (101) and the socket answered a ping${target.proxy === null ? '' : ' through the proxy'}`);
  } catch (error) {
    if (error instanceof ConnectionClosedError && error.closeCode !== undefined) {
      const reason = error.reason === undefined || error.reason === '' ? '' : `: "${error.reason}"`;
      add(
        'websocket',
        'fail',
        `upgraded (101), then closed at once with ${error.closeCode} (${closeKindOf(error.closeCode)})${reason}`,
        error.closeCode === 1008
          ? 'The server accepted the upgrade, then closed it by policy: the key, organisation or model may not be allowed WebSocket mode here. Sessions fall back to HTTP; set `supportsWebSockets: false` to skip the attempt.'
          : 'The socket closed right after the upgrade: a proxy or the server ends WebSockets here. Sessions fall back to HTTP; set `supportsWebSockets: false` to skip the attempt.',
      );
    } else {
      add('websocket', 'fail', `upgraded (101), but the socket did not stay usable: ${messageOf(error)}`, 'Something between here and the server drops WebSocket traffic after the upgrade (a proxy or firewall). Sessions fall back to HTTP.');
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function upgradeFailure(error: unknown, target: Target): [DoctorStatus, string] {
  if (error instanceof HttpStatusError) {
    if (error.status === 426) return ['warn', `This URL has no WebSocket mode (426). ${SESSIONS_FALL_BACK}; set \`supportsWebSockets: false\` to skip the attempt.`];
    if (error.status === 401 || (error.status === 403 && target.proxy === null)) return ['fail', credentialsFix(target)];
    if (target.proxy !== null) {
      return [
        'fail',
        `The upgrade was refused (${error.status}) through the proxy ${target.proxy.address}, which may filter WebSockets. ${SESSIONS_FALL_BACK}. Ask for WebSocket upgrades to ${target.host} to be allowed. (If the HTTP check is refused too, the cause is the provider, not the proxy.)`,
      ];
    }
    if (error.status === 404) return ['fail', baseUrlFix(target)];
    return ['fail', `The server refused the upgrade with ${error.status}. ${error.status === 408 || error.status >= 500 ? 'Sessions retry it, then fall back to HTTP and remember it' : SESSIONS_FALL_BACK}.`];
  }
  if (error instanceof ProxyRefusedError) return ['fail', proxyFix(error, target.proxy, target) ?? 'The proxy refused the tunnel.'];
  if (ModelwireError.isInstance(error) && error.code === ErrorCode.InsecureTransport) return ['fail', 'Credentials would go over plain ws:// to a non-loopback host: use https, or set `allowInsecure: true` knowingly.'];
  if (ModelwireError.isInstance(error) && error.code === ErrorCode.ConnectTimeout) {
    return ['fail', `The upgrade did not complete in time: a proxy or firewall may hold WebSocket upgrades. ${SESSIONS_FALL_BACK.replace('after one attempt', 'after one connect budget (`websocketConnectTimeoutMs`, default 5 s)')}; set \`supportsWebSockets: false\` to skip the attempt.`];
  }
  return ['fail', 'The WebSocket could not be opened: see the detail; sessions fall back to HTTP.'];
}

async function checkHttp(target: Target, headers: Record<string, string>, model: string, probe: { timeoutMs: number; signal?: AbortSignal }, add: Add): Promise<void> {
  const client = new HttpClient({ network: target.network, allowInsecure: target.provider.allowInsecure, connectTimeoutMs: probe.timeoutMs });
  const path = `${target.base.pathname.replace(/\/+$/, '')}/responses`;
  try {
    const response = await client.postJson(`${target.provider.baseUrl}/responses`, {
      headers: { ...target.provider.headers, ...headers },
      body: { model, input: 'Reply with OK.', max_output_tokens: 16, store: false },
      timeoutMs: probe.timeoutMs,
      ...(probe.signal === undefined ? {} : { signal: probe.signal }),
    });
    add('http', 'ok', `${response.status} from POST ${path} (model ${model})`);
  } catch (error) {
    if (error instanceof HttpStatusError) {
      if (error.status === 401 || error.status === 403) add('http', 'fail', messageOf(error), credentialsFix(target));
      else if (error.status === 404) add('http', 'fail', messageOf(error), baseUrlFix(target));
      else if (error.status === 400) add('http', 'warn', `the server answered 400 (the network path works): ${messageOf(error)}`, `Check the model name (--model; Azure: the deployment name).`);
      else if (error.status === 429) add('http', 'warn', `rate limited (429): the network path works`, 'Wait, or check the account’s quota.');
      else add('http', 'fail', messageOf(error), `The server answered ${error.status}: retry later, or check the provider’s status page.`);
    } else if (error instanceof ProxyRefusedError) add('http', 'fail', messageOf(error), proxyFix(error, target.proxy, target));
    else add('http', 'fail', messageOf(error), 'The request did not complete: see the detail.');
  } finally {
    await client.close();
  }
}

function credentialsFix(target: Target): string {
  return target.provider.authHeader === 'api-key'
    ? 'The key was refused: check AZURE_OPENAI_API_KEY (sent as `api-key`), or use an Entra ID token with `authHeader: "bearer"`.'
    : 'The credentials were refused (or none were sent): set the API key (OPENAI_API_KEY, or the preset’s variable) and check it is valid for this base URL.';
}

function baseUrlFix(target: Target): string {
  return `Nothing serves ${target.base.pathname.replace(/\/+$/, '')}/responses on this host: check the base URL (it ends where /responses is appended, e.g. https://api.openai.com/v1; Azure: https://<resource>.openai.azure.com/openai/v1).`;
}

function proxyFix(error: unknown, proxy: ProxyEndpoint | null, target: Target): string | null {
  const where = proxy === null ? 'the proxy' : `the proxy ${proxy.address}`;
  if (error instanceof ProxyRefusedError && error.status === 407) {
    return `${where} wants credentials (407): put them in the proxy URL (http://user:password@host:port); they are sent only as Proxy-Authorization.`;
  }
  if (error instanceof ProxyRefusedError && error.status !== null && error.status < 500) {
    return `${where} refuses CONNECT to ${target.host}:${target.port} (${error.status}): ask its administrator to allow it, or add the host to NO_PROXY if it is reachable directly.`;
  }
  if (error instanceof ProxyRefusedError) return `${where} could not reach ${target.host}:${target.port}: check the host, or the proxy’s own connectivity.`;
  return `Check HTTPS_PROXY / HTTP_PROXY (or the provider’s \`proxy\`) and NO_PROXY.`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function skipRest(checks: DoctorCheck[], failed: DoctorCheckId, provider: ResolvedProvider, baseUrl: string, route: string): DoctorReport {
  const order: DoctorCheckId[] = ['dns', 'tcp', 'proxy', 'tls', 'websocket', 'http'];
  for (const id of order.slice(order.indexOf(failed) + 1)) {
    if (!checks.some((check) => check.id === id)) checks.push({ id, title: TITLES[id], status: 'skip', detail: `not run: ${TITLES[failed]} failed`, fix: null });
  }
  return finish(provider, baseUrl, route, checks);
}

function finish(provider: ResolvedProvider, baseUrl: string, route: string, checks: DoctorCheck[]): DoctorReport {
  const order: DoctorCheckId[] = ['dns', 'tcp', 'proxy', 'tls', 'websocket', 'http'];
  const sorted = [...checks].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return { baseUrl, provider: provider.name, route, checks: sorted, healthy: !sorted.some((check) => check.status === 'fail') };
}
