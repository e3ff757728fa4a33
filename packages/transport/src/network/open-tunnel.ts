import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { ConnectError } from '../errors/connection-errors.js';
import { ModelwireError } from '@modelwire/errors';
import { ProxyRefusedError } from '../errors/proxy-refused-error.js';
import type { ProxyEndpoint } from './network-policy.js';

/** Options of {@link openTunnel}. */
export interface OpenTunnelOptions {
  /** The proxy to tunnel through (from `NetworkPolicy.proxyFor`). */
  readonly proxy: ProxyEndpoint;
  /** Target host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** Target port. */
  readonly port: number;
  /**
   * Ends the attempt: the socket is destroyed and the promise rejects with the signal's reason
   * (the caller's connect deadline or its abort), unchanged.
   */
  readonly signal: AbortSignal;
  /** Also speak TLS to the target over the tunnel (for `https:`/`wss:` targets). Default `false`. */
  readonly tls?: boolean;
  /** CA list for both TLS hops (`undefined`: Node's default store). */
  readonly ca?: readonly string[] | undefined;
}

/** Largest proxy answer to `CONNECT` read before giving up on it, in bytes. */
const MAX_PROXY_RESPONSE_BYTES = 16 * 1024;

/**
 * Opens a byte stream to `host:port` through an HTTP proxy: TCP (or TLS, for an `https://`
 * proxy) to the proxy, `CONNECT host:port` with the proxy's credentials, and, when asked, TLS
 * to the target over the tunnel (the certificate is checked against the target's name, as on
 * a direct connection). Resolves with the open socket, ready for the caller's first byte.
 *
 * The one deadline and abort of the caller's connect cover every step. Errors are typed and
 * name the proxy by `host:port` only.
 *
 * @throws ConnectError (proxy unreachable, TLS failure), ProxyRefusedError (a non-2xx answer
 *   to `CONNECT`, or no HTTP answer), or the signal's reason.
 */
export async function openTunnel(options: OpenTunnelOptions): Promise<Socket> {
  const { proxy, signal } = options;
  const target = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  let socket: Socket | undefined;
  let failed: unknown;
  const onAbort = (): void => {
    failed ??= signal.reason;
    socket?.destroy();
  };
  if (signal.aborted) throw signal.reason;
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const proxySocket = await untilConnected(
      proxy.url.protocol === 'https:'
        ? tlsConnect({ host: proxy.url.hostname, port: Number(proxy.url.port || 443), ...tlsNames(proxy.url.hostname), ...caOption(options.ca), ALPNProtocols: ['http/1.1'] })
        : netConnect({ host: proxy.url.hostname, port: Number(proxy.url.port || 80) }),
      (created) => (socket = created),
      `could not connect to proxy ${proxy.address}`,
      () => failed,
    );
    const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
    if (proxy.authorization !== undefined) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
    proxySocket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const status = await readConnectStatus(proxySocket, () => failed);
    if (status === null || status < 200 || status > 299) {
      proxySocket.destroy();
      throw new ProxyRefusedError({ status, proxy: proxy.address, target });
    }
    if (options.tls !== true) return proxySocket;
    return await untilConnected(
      tlsConnect({ socket: proxySocket, ...tlsNames(options.host), ...caOption(options.ca), ALPNProtocols: ['http/1.1'] }),
      (created) => (socket = created),
      `TLS to ${target} through proxy ${proxy.address} failed`,
      () => failed,
    );
  } catch (error) {
    socket?.destroy();
    if (failed !== undefined) throw failed;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function tlsNames(host: string): { servername?: string; host?: string } {
  // SNI carries names only; an IP target is checked against the certificate's IP entries.
  return isIP(host) === 0 ? { servername: host, host } : { host };
}

function caOption(ca: readonly string[] | undefined): { ca?: string[] } {
  return ca === undefined ? {} : { ca: [...ca] };
}

/** Waits for `connect` (or `secureConnect` on TLS); a socket error becomes a `ConnectError` naming `what`. */
function untilConnected<T extends Socket | TLSSocket>(created: T, track: (socket: T) => void, what: string, aborted: () => unknown): Promise<T> {
  track(created);
  const event = 'encrypted' in created ? 'secureConnect' : 'connect';
  return new Promise<T>((resolve, reject) => {
    const onConnected = (): void => {
      created.off('error', onError);
      created.off('close', onClose);
      resolve(created);
    };
    const onError = (error: Error): void => {
      created.off(event, onConnected);
      created.off('close', onClose);
      const code = (error as { code?: unknown }).code;
      reject(aborted() ?? new ConnectError(`${what}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: error }));
    };
    const onClose = (): void => {
      created.off(event, onConnected);
      created.off('error', onError);
      reject(aborted() ?? new ConnectError(`${what} (closed)`));
    };
    created.once(event, onConnected);
    created.once('error', onError);
    created.once('close', onClose);
  });
}

/**
 * Reads the proxy's answer head and returns its status (`null` when it is not HTTP). Bytes
 * after the head, if any, are pushed back for the next reader.
 */
function readConnectStatus(socket: Socket, aborted: () => unknown): Promise<number | null> {
  return new Promise<number | null>((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const finish = (): void => {
      socket.off('readable', onReadable);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    const onReadable = (): void => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) {
          if (buffered.length > MAX_PROXY_RESPONSE_BYTES) {
            finish();
            resolve(null);
          }
          continue;
        }
        finish();
        const rest = buffered.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        const match = /^HTTP\/1\.[01] (\d{3})/.exec(buffered.subarray(0, end).toString('latin1'));
        resolve(match?.[1] === undefined ? null : Number(match[1]));
        return;
      }
    };
    const onError = (error: Error): void => {
      finish();
      const reason = aborted();
      reject(reason ?? (ModelwireError.isInstance(error) ? error : new ConnectError('the proxy connection failed', { cause: error })));
    };
    const onEnd = (): void => {
      finish();
      const reason = aborted();
      if (reason !== undefined) reject(reason);
      else resolve(null);
    };
    socket.on('readable', onReadable);
    socket.once('error', onError);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}
