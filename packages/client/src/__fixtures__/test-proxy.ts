// A real HTTP proxy (the `proxy` package: forwarding and CONNECT) on 127.0.0.1 port 0, with a
// record of what went through it and switches for the refusals the tests need. (The transport
// package has the same fixture: test fixtures are not shared across packages.)
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

/** Options of {@link startTestProxy}. */
export interface TestProxyOptions {
  /** Serve the proxy over TLS (an `https://` proxy) with this certificate. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Require `Proxy-Authorization: Basic base64(user:password)`; others get 407. */
  readonly credentials?: { readonly user: string; readonly password: string };
}

/** A running test proxy. */
export interface TestProxy {
  /** `http://127.0.0.1:PORT` (or `https://…`), without credentials. */
  readonly url: string;
  readonly port: number;
  /** Targets of the `CONNECT` requests received (`host:port`), refused ones included. */
  readonly connects: string[];
  /** Absolute URLs of the forwarded (non-`CONNECT`) requests received. */
  readonly forwarded: string[];
  /** `Proxy-Authorization` values received (to check they were sent, and sent only here). */
  readonly authorizations: string[];
  /** Answer every `CONNECT` with this status (403, 407, 502 …) instead of tunnelling; `null` tunnels. */
  refuseConnect: number | null;
  /** Accept every `CONNECT` and never answer it (a proxy that holds tunnels); forwarded requests pass. */
  stallConnect: boolean;
  /**
   * Open tunnels but answer a WebSocket upgrade sent through them with 403 and close (a
   * TLS-less middlebox that filters upgrades); other traffic passes.
   */
  blockUpgrades: boolean;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 and an ephemeral port. */
export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const server: Server = options.tls === undefined ? createHttpServer() : createHttpsServer({ cert: options.tls.cert, key: options.tls.key });
  const proxyServer = createProxy(server);
  const sockets = new Set<Socket>();
  const state = {
    connects: [] as string[],
    forwarded: [] as string[],
    authorizations: [] as string[],
    refuseConnect: null as number | null,
    stallConnect: false,
    blockUpgrades: false,
  };
  const expected = options.credentials === undefined ? undefined : `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`;
  proxyServer.authenticate = (request: IncomingMessage): boolean => {
    const given = request.headers['proxy-authorization'];
    if (given !== undefined) state.authorizations.push(given);
    return expected === undefined || given === expected;
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.prependListener('request', (request: IncomingMessage) => state.forwarded.push(request.url ?? ''));
  // Wrap the package's CONNECT handler: record, optionally refuse, optionally filter upgrades.
  const tunnel = server.listeners('connect')[0] as (request: IncomingMessage, socket: Socket, head: Buffer) => void;
  server.removeAllListeners('connect');
  server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    state.connects.push(request.url ?? '');
    socket.on('error', () => undefined);
    if (state.stallConnect) return;
    if (state.refuseConnect !== null) {
      socket.end(`HTTP/1.1 ${state.refuseConnect} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (state.blockUpgrades) {
      // The package pipes the client socket into the target once the tunnel is up: inspect
      // the first bytes before they are forwarded, and answer an upgrade ourselves.
      const pipe = socket.pipe.bind(socket);
      socket.pipe = (<T extends NodeJS.WritableStream>(destination: T): T => {
        socket.once('data', (first: Buffer) => {
          if (/\r\nupgrade:\s*websocket/i.test(first.toString('latin1'))) {
            const refusal = 'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 23\r\nConnection: close\r\n\r\nWebSockets are blocked.';
            socket.end(refusal, () => (destination as unknown as Socket).destroy());
            return;
          }
          destination.write(first);
          pipe(destination);
        });
        return destination;
      }) as typeof socket.pipe;
    }
    tunnel.call(server, request, socket, head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    get connects() {
      return state.connects;
    },
    get forwarded() {
      return state.forwarded;
    },
    get authorizations() {
      return state.authorizations;
    },
    get refuseConnect() {
      return state.refuseConnect;
    },
    set refuseConnect(value: number | null) {
      state.refuseConnect = value;
    },
    get stallConnect() {
      return state.stallConnect;
    },
    set stallConnect(value: boolean) {
      state.stallConnect = value;
    },
    get blockUpgrades() {
      return state.blockUpgrades;
    },
    set blockUpgrades(value: boolean) {
      state.blockUpgrades = value;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}
