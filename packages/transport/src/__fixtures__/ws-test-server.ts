// Real WebSocket and raw-upgrade servers on 127.0.0.1 port 0 for the WebSocket tests.
import { createHash } from 'node:crypto';
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
export async function startUpgradeServer(onUpgrade: (request: IncomingMessage, socket: Socket) => void): Promise<{ url: string; server: Server; sockets(): Socket[]; close(): Promise<void> }> {
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
    sockets: () => [...sockets],
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

/**
 * Completes a WebSocket upgrade by hand and sends `frames` (raw frame bytes) right after it,
 * then keeps the TCP connection open without reading: a peer whose close frame arrives but
 * whose socket never goes away (the client stays CLOSING until its own close timer).
 */
export function acceptUpgradeAndSend(request: IncomingMessage, socket: Socket, frames: readonly Buffer[]): void {
  const key = String(request.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
  for (const frame of frames) socket.write(frame);
}

/** An unmasked server-to-client close frame with `code` and no reason. */
export function closeFrame(code: number): Buffer {
  const frame = Buffer.alloc(4);
  frame[0] = 0x88;
  frame[1] = 2;
  frame.writeUInt16BE(code, 2);
  return frame;
}
