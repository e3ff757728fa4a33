import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { toAbortError } from '../abort/abort-helpers.js';
import { ConnectError, ConnectTimeoutError } from '../errors/connection-errors.js';
import type { ProxyEndpoint } from './network-policy.js';
import { openTunnel } from './open-tunnel.js';

/** Resolves a host name to its addresses (`dns.lookup` with `all: true` by default; inject one in tests). */
export type HostLookup = (host: string) => Promise<readonly string[]>;

/** The default {@link HostLookup}: the system resolver, as sockets use it. */
export const systemLookup: HostLookup = async (host) => (await dnsLookup(host, { all: true })).map((entry) => entry.address);

/** Options shared by the probes. */
export interface ProbeOptions {
  /** Limit of the probe, in milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
  /** Aborts the probe (`AbortError`). */
  readonly signal?: AbortSignal;
}

/** What a TLS handshake showed. */
export interface TlsProbeResult {
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  readonly protocol: string | null;
  /** The certificate's subject common name, if any. */
  readonly subject: string | null;
  /** The certificate's issuer common name (or organisation), if any. */
  readonly issuer: string | null;
  /** End of the certificate's validity, as printed by Node. */
  readonly validTo: string | null;
}

/** Runs `attempt` with a deadline and the caller's abort; the socket it registers is destroyed on failure. */
async function withDeadline<T>(options: ProbeOptions, attempt: (signal: AbortSignal, track: (socket: Socket) => void) => Promise<T>): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ConnectTimeoutError(timeoutMs)), timeoutMs);
  const onAbort = (): void => controller.abort(toAbortError(options.signal?.reason));
  if (options.signal?.aborted) throw toAbortError(options.signal.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let socket: Socket | undefined;
  try {
    return await attempt(controller.signal, (created) => (socket = created));
  } catch (error) {
    socket?.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Waits for a socket's `connect` (or `secureConnect`), failing with a `ConnectError` naming the error code, or the signal's reason. */
function established<T extends Socket>(socket: T, event: 'connect' | 'secureConnect', what: string, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      socket.off(event, onConnected);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onConnected = (): void => {
      cleanup();
      resolve(socket);
    };
    const onError = (error: Error): void => {
      cleanup();
      const code = (error as { code?: unknown }).code;
      reject(new ConnectError(`${what}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: error }));
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    socket.once(event, onConnected);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Opens and closes a TCP connection to `host:port`. Resolves with the peer address.
 *
 * @throws ConnectError (refused, unreachable, DNS failure), ConnectTimeoutError, AbortError.
 */
export function probeTcp(host: string, port: number, options: ProbeOptions = {}): Promise<string> {
  return withDeadline(options, async (signal, track) => {
    const socket = netConnect({ host, port });
    track(socket);
    await established(socket, 'connect', `TCP to ${formatHostPort(host, port)} failed`, signal);
    const address = `${socket.remoteAddress ?? host}:${socket.remotePort ?? port}`;
    socket.destroy();
    return address;
  });
}

/**
 * A TLS handshake with `host:port` (directly, or through `proxy` with `CONNECT`), checked
 * against `ca` (or Node's default store) and the host name, then closed.
 *
 * @throws ConnectError (with the certificate error code, e.g. `SELF_SIGNED_CERT_IN_CHAIN`),
 *   ProxyRefusedError, ConnectTimeoutError, AbortError.
 */
export function probeTls(
  host: string,
  port: number,
  options: ProbeOptions & { readonly ca?: readonly string[] | undefined; readonly proxy?: ProxyEndpoint | null } = {},
): Promise<TlsProbeResult> {
  return withDeadline(options, async (signal, track) => {
    let socket: TLSSocket;
    if (options.proxy !== undefined && options.proxy !== null) {
      const tunnelled = await openTunnel({ proxy: options.proxy, host, port, signal, tls: true, ca: options.ca });
      track(tunnelled);
      socket = tunnelled as TLSSocket;
    } else {
      socket = tlsConnect({
        host,
        port,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(options.ca === undefined ? {} : { ca: [...options.ca] }),
        ALPNProtocols: ['http/1.1'],
      });
      track(socket);
      await established(socket, 'secureConnect', `TLS to ${formatHostPort(host, port)} failed`, signal);
    }
    const certificate = socket.getPeerCertificate();
    const name = (field: unknown): string | null => {
      if (typeof field === 'string') return field;
      if (Array.isArray(field) && typeof field[0] === 'string') return field[0];
      return null;
    };
    const result: TlsProbeResult = {
      protocol: socket.getProtocol(),
      subject: name(certificate.subject?.CN),
      issuer: name(certificate.issuer?.CN) ?? name(certificate.issuer?.O),
      validTo: typeof certificate.valid_to === 'string' ? certificate.valid_to : null,
    };
    socket.destroy();
    return result;
  });
}

/**
 * Opens and closes a `CONNECT` tunnel to `host:port` through `proxy` (TLS to the proxy when
 * it is `https://`). Resolves once the proxy accepted.
 *
 * @throws ConnectError (proxy unreachable), ProxyRefusedError (403, 407 …),
 *   ConnectTimeoutError, AbortError.
 */
export function probeTunnel(proxy: ProxyEndpoint, host: string, port: number, options: ProbeOptions & { readonly ca?: readonly string[] | undefined } = {}): Promise<void> {
  return withDeadline(options, async (signal, track) => {
    const socket = await openTunnel({ proxy, host, port, signal, ca: options.ca });
    track(socket);
    socket.destroy();
  });
}

function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
