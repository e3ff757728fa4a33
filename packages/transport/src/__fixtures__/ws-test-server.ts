// Real WebSocket and raw-upgrade servers on 127.0.0.1 port 0 for the WebSocket tests.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

/** A started `ws` server with access to its connections. */
export interface WsTestServer {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  readonly wss: WebSocketServer;
  /** Resolves with the next server-side socket (and its upgrade request). */
  nextConnection(): Promise<{ socket: WebSocket; request: IncomingMessage }>;
  close(): Promise<void>;
}

export async function startWsServer(options: Omit<ServerOptions, 'port' | 'host' | 'server'> = {}, extraHeaders: string[] = []): Promise<WsTestServer> {
  const http = createServer();
  const wss = new WebSocketServer({ ...options, server: http });
  const waiting: ((connection: { socket: WebSocket; request: IncomingMessage }) => void)[] = [];
  const ready: { socket: WebSocket; request: IncomingMessage }[] = [];
  wss.on('headers', (headers) => headers.push(...extraHeaders));
  wss.on('connection', (socket, request) => {
    const waiter = waiting.shift();
    if (waiter) waiter({ socket, request });
    else ready.push({ socket, request });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `ws://127.0.0.1:${address.port}`,
    wss,
    nextConnection: () => {
      // Connections that a test opened without asking for them and has closed since are skipped.
      while (ready[0] !== undefined && ready[0].socket.readyState !== ready[0].socket.OPEN) ready.shift();
      const connection = ready.shift();
      if (connection) return Promise.resolve(connection);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A plain HTTP server whose upgrade requests are answered by `onUpgrade` with raw bytes (or not at all). */
export async function startUpgradeServer(onUpgrade: (request: IncomingMessage, socket: Socket) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket) => onUpgrade(request, socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `ws://127.0.0.1:${address.port}`,
    server,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a raw HTTP response refusing an upgrade. */
export function refuseUpgrade(socket: Socket, status: number, headers: Record<string, string>, body: string): void {
  const lines = [`HTTP/1.1 ${status} Refused`, `content-length: ${Buffer.byteLength(body)}`, 'connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
