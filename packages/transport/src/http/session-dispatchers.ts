import type { LookupAddress } from 'node:dns';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { NetworkPolicy, ProxyEndpoint } from '../network/network-policy.js';
import { pinnedLookup } from '../security/transport-security.js';

/** Pool settings shared by the direct and the proxied dispatchers. */
export interface PoolSettings {
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/**
 * The private undici dispatchers of one `HttpClient`: a direct `Agent`, and one `ProxyAgent`
 * per proxy the session's {@link NetworkPolicy} sends targets to (created on first use). Each
 * target is routed by the same policy the WebSocket uses.
 *
 * Through a proxy, `https:` targets are tunnelled with `CONNECT` (TLS end to end, the proxy
 * sees only the host); `http:` targets are forwarded (absolute-form requests), as curl and
 * undici's `EnvHttpProxyAgent` do.
 */
export class SessionDispatchers {
  readonly #policy: NetworkPolicy | undefined;
  readonly #settings: PoolSettings;
  readonly #direct: Agent;
  readonly #proxied = new Map<string, ProxyAgent>();
  /** Addresses direct connections to a `localhost` name must use (checked by the plaintext rule). */
  readonly #pins = new Map<string, readonly LookupAddress[]>();

  constructor(policy: NetworkPolicy | undefined, settings: PoolSettings) {
    this.#policy = policy;
    this.#settings = settings;
    const ca = policy?.ca;
    this.#direct = new Agent({
      ...this.#poolOptions(),
      connect: {
        timeout: settings.connectTimeoutMs,
        lookup: pinnedLookup((hostname) => this.#pins.get(hostname)),
        ...(ca === undefined ? {} : { ca: [...ca] }),
      },
    });
  }

  /**
   * Makes direct connections to `hostname` go to `addresses` (and nowhere else) from now on:
   * the addresses the plaintext rule resolved and found loopback.
   */
  pin(hostname: string, addresses: readonly LookupAddress[]): void {
    this.#pins.set(hostname.toLowerCase(), addresses);
  }

  /** The dispatcher for `target` and the proxy it goes through (`null`: direct). */
  route(target: URL): { dispatcher: Dispatcher; proxy: ProxyEndpoint | null } {
    const proxy = this.#policy?.proxyFor(target) ?? null;
    if (proxy === null) return { dispatcher: this.#direct, proxy };
    const key = `${proxy.url.href}\u0000${proxy.authorization ?? ''}`;
    let agent = this.#proxied.get(key);
    if (agent === undefined) {
      const ca = this.#policy?.ca;
      const tls = ca === undefined ? {} : { ca: [...ca] };
      agent = new ProxyAgent({
        ...this.#poolOptions(),
        uri: proxy.url.href,
        ...(proxy.authorization === undefined ? {} : { token: proxy.authorization }),
        proxyTunnel: false,
        connectTimeout: this.#settings.connectTimeoutMs,
        requestTls: tls,
        proxyTls: tls,
      });
      this.#proxied.set(key, agent);
    }
    return { dispatcher: agent, proxy };
  }

  /** Destroys every dispatcher: requests in flight are aborted, pooled connections closed. */
  async destroy(): Promise<void> {
    await Promise.all([this.#direct.destroy(), ...[...this.#proxied.values()].map((agent) => agent.destroy())]);
  }

  #poolOptions(): Agent.Options {
    // undici's own header and body timeouts are off: the client enforces its own, per request.
    return { connections: this.#settings.connections, keepAliveTimeout: this.#settings.keepAliveTimeoutMs, headersTimeout: 0, bodyTimeout: 0 };
  }
}
