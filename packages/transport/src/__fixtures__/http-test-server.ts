// A real node:http server on 127.0.0.1 port 0 for the HTTP tests, with connection tracking
// so tests can assert that no socket is left open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A started loopback HTTP server. */
export interface HttpTestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly server: Server;
  /** Sockets currently open on the server side. */
  readonly openSockets: Set<Socket>;
  /** How many connections were accepted in total. */
  connectionCount(): number;
  /** Resolves once the server side has no open socket (polling; at most about two seconds). */
  waitForNoOpenSockets(): Promise<boolean>;
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void | Promise<void>;

/** Starts a server whose requests (with their full body read) go to `handler`. */
export async function startHttpServer(handler: Handler): Promise<HttpTestServer> {
  const openSockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void Promise.resolve(handler(request, response, Buffer.concat(chunks))).catch(() => response.destroy());
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    openSockets,
    connectionCount: () => accepted,
    async waitForNoOpenSockets() {
      for (let attempt = 0; attempt < 100 && openSockets.size > 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      return openSockets.size === 0;
    },
    async close() {
      for (const socket of openSockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes `text` to the response in pieces of `size` bytes, yielding to the event loop between them. */
export async function writeInPieces(response: ServerResponse, bytes: Uint8Array, sizes: () => number): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const size = Math.max(1, sizes());
    response.write(bytes.subarray(offset, offset + size));
    offset += size;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A bare TCP server on 127.0.0.1 port 0 that answers each request with whatever `answer`
 * writes (raw bytes, so the answer may break HTTP). `mode` is the request path without its
 * leading slash. Reads the request head before answering, so the request was written.
 */
export async function startRawHttpServer(answer: (socket: Socket, mode: string) => void): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer: createTcpServer } = await import('node:net');
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      answer(socket, /^[A-Z]+ \/([^ ?]*)/.exec(head)?.[1] ?? '');
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
