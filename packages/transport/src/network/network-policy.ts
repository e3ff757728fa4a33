import { InvalidArgumentError } from '@modelwire/errors';
import { trustedCertificates, type CertificateInput } from './trusted-certificates.js';

/** Environment variables as the network policy reads them (`process.env` fits). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Options of {@link NetworkPolicy}. Every value holds for the policy's (the session's) whole lifetime. */
export interface NetworkPolicyOptions {
  /**
   * The proxy for every request and WebSocket: `http://[user:password@]host:port` or
   * `https://…` (TLS to the proxy); a value without a scheme is taken as `http://`. `false`
   * connects directly whatever the environment says. `undefined` (the default) reads
   * `HTTPS_PROXY` / `HTTP_PROXY` from {@link NetworkPolicyOptions.environment}.
   * Credentials in the URL are sent as `Proxy-Authorization: Basic …` and never appear in an
   * error, log or telemetry attribute.
   */
  proxy?: string | false;
  /**
   * Hosts reached directly even when a proxy is set, in `NO_PROXY` syntax: comma- or
   * space-separated entries, each a host name (matching it and its subdomains), a domain with
   * a leading `.` or `*.` (the same), an IP address, any of these with `:port` (that port
   * only; IPv6 in brackets, `[::1]:8080`), or `*` (no proxy at all). CIDR ranges are not
   * understood. Default: `NO_PROXY` / `no_proxy` from the environment.
   */
  noProxy?: string;
  /**
   * Extra trusted CA certificates (PEM), for the targets and for an `https://` proxy, on both
   * transports: a corporate TLS-inspecting proxy's root, a private CA. Added to Node's default
   * store (which keeps honouring `NODE_EXTRA_CA_CERTS`), never replacing it. Default none.
   */
  ca?: CertificateInput;
  /**
   * The environment read for `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (each also lower-case;
   * lower-case wins) and `NODE_EXTRA_CA_CERTS`. Default `{}`: the transport never reads
   * `process.env` by itself; pass `process.env` to honour it (the client package does).
   */
  environment?: Environment;
}

/** A proxy to send through, as resolved for one target. */
export interface ProxyEndpoint {
  /** The proxy's URL without credentials (`http://host:port` or `https://host:port`). */
  readonly url: URL;
  /** `host:port` of the proxy: what errors, logs and the doctor show. */
  readonly address: string;
  /** The `Proxy-Authorization` value built from the URL's credentials, if it had any. Secret. */
  readonly authorization: string | undefined;
  /** Where the proxy came from: `'proxy option'`, `'HTTPS_PROXY'`, `'http_proxy'` … (never the value). */
  readonly source: string;
}

/** How one target is reached, with the reason (for diagnostics). */
export interface ProxyRoute {
  /** The proxy to use, or `null` to connect directly. */
  readonly proxy: ProxyEndpoint | null;
  /** Why: `'no proxy configured'`, `'proxy disabled'`, `'NO_PROXY entry "…"'`, or the proxy's source. */
  readonly reason: string;
}

interface NoProxyEntry {
  readonly text: string;
  /** Lower-case host or domain without brackets, leading `.`/`*.` or trailing dot; `*` for all. */
  readonly host: string;
  readonly port: number | undefined;
}

/**
 * One proxy and TLS policy for a session's HTTP requests and WebSockets: which proxy (if any)
 * a target is reached through, and which CA certificates are trusted. Built once per session
 * and handed to both transports, so that the WebSocket never takes a different network path
 * than HTTP to the same host.
 *
 * For an `https:`/`wss:` target the proxy is `https_proxy` / `HTTPS_PROXY`, else `http_proxy`
 * / `HTTP_PROXY` (as undici's `EnvHttpProxyAgent`); for `http:`/`ws:` only the latter.
 */
export class NetworkPolicy {
  readonly #httpProxy: ProxyEndpoint | null;
  readonly #httpsProxy: ProxyEndpoint | null;
  readonly #disabled: boolean;
  readonly #noProxy: readonly NoProxyEntry[];
  /** The CA list for TLS (`undefined`: Node's default store). */
  readonly ca: readonly string[] | undefined;

  /**
   * @throws InvalidArgumentError (`invalid_argument`) for a proxy URL that is not `http:`/`https:` or
   *   not a URL (naming the option or variable, never its value, which may hold credentials).
   */
  constructor(options: NetworkPolicyOptions = {}) {
    const environment = options.environment ?? {};
    this.ca = trustedCertificates(options.ca, environment);
    this.#disabled = options.proxy === false;
    if (typeof options.proxy === 'string') {
      const proxy = parseProxyUrl(options.proxy, 'proxy option');
      this.#httpProxy = proxy;
      this.#httpsProxy = proxy;
    } else if (options.proxy === false) {
      this.#httpProxy = null;
      this.#httpsProxy = null;
    } else {
      this.#httpProxy = proxyFromEnvironment(environment, 'http_proxy', 'HTTP_PROXY');
      this.#httpsProxy = proxyFromEnvironment(environment, 'https_proxy', 'HTTPS_PROXY') ?? this.#httpProxy;
    }
    this.#noProxy = parseNoProxy(options.noProxy ?? nonEmpty(environment['no_proxy']) ?? nonEmpty(environment['NO_PROXY']) ?? '');
  }

  /** The proxy for `target` (an `http:`, `https:`, `ws:` or `wss:` URL), or `null` for a direct connection. */
  proxyFor(target: URL | string): ProxyEndpoint | null {
    return this.route(target).proxy;
  }

  /** The proxy for `target` with the reason for the choice. */
  route(target: URL | string): ProxyRoute {
    const url = typeof target === 'string' ? new URL(target) : target;
    if (this.#disabled) return { proxy: null, reason: 'proxy disabled' };
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const proxy = secure ? this.#httpsProxy : this.#httpProxy;
    if (proxy === null) return { proxy: null, reason: 'no proxy configured' };
    const bypass = this.#noProxyEntryFor(url, secure);
    if (bypass !== undefined) return { proxy: null, reason: `NO_PROXY entry "${bypass.text}"` };
    return { proxy, reason: proxy.source };
  }

  #noProxyEntryFor(url: URL, secure: boolean): NoProxyEntry | undefined {
    const host = normaliseHost(url.hostname);
    const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    return this.#noProxy.find((entry) => {
      if (entry.host === '*') return true;
      if (entry.port !== undefined && entry.port !== port) return false;
      return host === entry.host || host.endsWith(`.${entry.host}`);
    });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function proxyFromEnvironment(environment: Environment, lower: string, upper: string): ProxyEndpoint | null {
  const fromLower = nonEmpty(environment[lower]);
  if (fromLower !== undefined) return parseProxyUrl(fromLower, lower);
  const fromUpper = nonEmpty(environment[upper]);
  return fromUpper === undefined ? null : parseProxyUrl(fromUpper, upper);
}

/** Parses a proxy URL; the error names `source` only, since the value may carry credentials. */
function parseProxyUrl(value: string, source: string): ProxyEndpoint {
  const text = value.trim();
  const path = source === 'proxy option' ? 'proxy' : source;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch (error) {
    throw new InvalidArgumentError({ path, message: 'is not a valid proxy URL' }, { cause: redactedCause(error) });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError({ path, message: `uses ${url.protocol}; only http:// and https:// proxies are supported` });
  }
  const authorization =
    url.username === '' && url.password === ''
      ? undefined
      : `Basic ${Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString('base64')}`;
  const clean = new URL(`${url.protocol}//${url.host}`);
  const port = clean.port === '' ? (clean.protocol === 'https:' ? '443' : '80') : clean.port;
  return { url: clean, address: `${clean.hostname}:${port}`, authorization, source };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URL parse error quotes the input; keep only its code. */
function redactedCause(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  return new Error(typeof code === 'string' ? code : 'invalid URL');
}

function normaliseHost(host: string): string {
  let name = host.toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name;
}

/** Parses a `NO_PROXY` list (see {@link NetworkPolicyOptions.noProxy}). */
function parseNoProxy(list: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const raw of list.split(/[\s,]+/)) {
    const text = raw.trim();
    if (text === '') continue;
    if (text === '*') {
      entries.push({ text, host: '*', port: undefined });
      continue;
    }
    let host = text;
    let port: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
    if (bracketed?.[1] !== undefined) {
      host = bracketed[1];
      port = bracketed[2] === undefined ? undefined : Number(bracketed[2]);
    } else {
      const withPort = /^([^:]+):(\d+)$/.exec(text);
      if (withPort?.[1] !== undefined && withPort[2] !== undefined) {
        host = withPort[1];
        port = Number(withPort[2]);
      }
    }
    host = normaliseHost(host.replace(/^\*?\./, ''));
    if (host !== '') entries.push({ text, host, port });
  }
  return entries;
}
