// A minimal Responses replay server for the end-to-end benchmarks, meant to run in a child
// process (`fork`), so that the benchmark process measures the client's CPU alone. It answers
// `POST <prefix>/responses` (SSE) and WebSocket `response.create` messages on
// `<prefix>/responses` with the same generated response: `response.created`,
// `response.in_progress`, one assistant message streamed as `deltas` text deltas, and
// `response.completed` with the message and usage (8 + `deltas` events).
//
// The path prefix chooses how the events reach the socket (the arrival pattern):
//   /burst/…     the whole response in one write (WebSocket frames corked into one writev);
//   /per-event/… one write per event, back to back;
//   /paced/…     one event per millisecond;
// and `/deflate` after the pattern accepts permessage-deflate when the client offers it (the
// WebSocket server without it declines the extension). `GET /stats` returns the bytes written
// on WebSocket sockets so far, `POST /stats/reset` zeroes them.
//
// Run by `client-e2e.ts`; on its own: `node tools/bench/src/e2e-server.ts` prints its port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket, { WebSocketServer } from 'ws';

/** How the server writes the events of one response. */
export type ArrivalPattern = 'burst' | 'per-event' | 'paced';
export const ARRIVAL_PATTERNS: readonly ArrivalPattern[] = ['burst', 'per-event', 'paced'];

/** Text deltas per response; 250 deltas make 258 events, the size of a 2 000-character answer in 8-character deltas. */
export const DEFAULT_DELTAS = 250;

/** Events of one response served by this server, as JSON texts. */
export function responseEvents(responseNumber: number, model: string, deltas = DEFAULT_DELTAS): string[] {
  const id = `resp_bench_${responseNumber.toString(16).padStart(20, '0')}`;
  const itemId = `msg_bench_${responseNumber.toString(16).padStart(20, '0')}`;
  const createdAt = 1_764_000_000 + responseNumber;
  const snapshot = (status: string, output: unknown[], usage: unknown): Record<string, unknown> => ({
    id,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    model,
    output,
    parallel_tool_calls: false,
    tool_choice: 'auto',
    tools: [],
    usage,
  });
  const events: Record<string, unknown>[] = [];
  events.push({ type: 'response.created', response: snapshot('in_progress', [], null) });
  events.push({ type: 'response.in_progress', response: snapshot('in_progress', [], null) });
  events.push({ type: 'response.output_item.added', output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
  events.push({ type: 'response.content_part.added', item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
  let text = '';
  for (let index = 0; index < deltas; index += 1) {
    const delta = ` word${(index % 97).toString().padStart(2, '0')}`.slice(0, 8);
    text += delta;
    events.push({ type: 'response.output_text.delta', item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [], obfuscation: 'x'.repeat(1 + (index % 7)) });
  }
  events.push({ type: 'response.output_text.done', item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] });
  const part = { type: 'output_text', text, annotations: [], logprobs: [] };
  events.push({ type: 'response.content_part.done', item_id: itemId, output_index: 0, content_index: 0, part });
  const item = { id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [part] };
  events.push({ type: 'response.output_item.done', output_index: 0, item });
  const usage = { input_tokens: 120, input_tokens_details: { cached_tokens: 0 }, output_tokens: deltas * 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 120 + deltas * 2 };
  events.push({ type: 'response.completed', response: snapshot('completed', [item], usage) });
  return events.map((event, index) => JSON.stringify({ ...event, sequence_number: index }));
}

interface Route {
  readonly pattern: ArrivalPattern;
  readonly deflate: boolean;
}

/** Reads the arrival pattern (and the deflate marker) from a path like `/per-event/deflate/v1/responses`. */
export function routeOf(path: string): Route | undefined {
  const [first, second] = path.split('?')[0]!.split('/').filter((part) => part !== '');
  if (first !== 'burst' && first !== 'per-event' && first !== 'paced') return undefined;
  return { pattern: first, deflate: second === 'deflate' };
}

/** Options of {@link startE2eServer}. */
export interface E2eServerOptions {
  readonly deltas?: number;
}

/** A running replay server. */
export interface E2eServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the replay server on 127.0.0.1 (port 0). */
export async function startE2eServer(options: E2eServerOptions = {}): Promise<E2eServer> {
  const deltas = options.deltas ?? DEFAULT_DELTAS;
  let responseNumber = 0;
  /** Bytes written on WebSocket sockets: those closed, plus each open one's since its upgrade. */
  let closedWebSocketBytes = 0;
  const openWebSockets = new Map<Socket, number>();
  const webSocketBytes = (): number => {
    let total = closedWebSocketBytes;
    for (const [raw, before] of openWebSockets) total += raw.bytesWritten - before;
    return total;
  };
  const sockets = new Set<Socket>();
  const modelOf = (body: unknown): string => (typeof body === 'object' && body !== null && typeof (body as { model?: unknown }).model === 'string' ? (body as { model: string }).model : 'gpt-bench');

  const answerHttp = async (route: Route, request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    responseNumber += 1;
    const events = responseEvents(responseNumber, modelOf(JSON.parse(body)), deltas);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_${responseNumber}` });
    const sse = (text: string): string => `event: ${(JSON.parse(text) as { type: string }).type}\ndata: ${text}\n\n`;
    if (route.pattern === 'burst') {
      response.end(events.map(sse).join(''));
      return;
    }
    const framed = events.map(sse);
    for (const text of framed) {
      if (response.destroyed) return;
      response.write(text);
      if (route.pattern === 'paced') await sleep(1);
    }
    response.end();
  };

  const answerSocket = async (route: Route, socket: WebSocket, raw: Socket, message: string): Promise<void> => {
    let request: unknown;
    try {
      request = JSON.parse(message);
    } catch {
      return;
    }
    if (typeof request !== 'object' || request === null || (request as { type?: unknown }).type !== 'response.create') return;
    responseNumber += 1;
    const events = responseEvents(responseNumber, modelOf(request), deltas);
    if (route.pattern === 'burst') {
      raw.cork();
      for (const text of events) socket.send(text);
      raw.uncork();
      return;
    }
    for (const text of events) {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(text);
      if (route.pattern === 'paced') await sleep(1);
    }
  };

  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/stats') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ webSocketBytes: webSocketBytes() }));
      return;
    }
    if (path === '/stats/reset') {
      closedWebSocketBytes = 0;
      for (const raw of openWebSockets.keys()) openWebSockets.set(raw, raw.bytesWritten);
      response.writeHead(204).end();
      return;
    }
    const route = routeOf(path);
    if (route === undefined || request.method !== 'POST' || !path.endsWith('/responses')) {
      response.writeHead(404).end();
      return;
    }
    answerHttp(route, request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const plain = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  // Compress every frame (threshold 0), as a server that negotiated the extension does.
  const deflating = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 } });
  server.on('upgrade', (request, socket, head) => {
    const route = routeOf(request.url ?? '/');
    if (route === undefined) {
      socket.destroy();
      return;
    }
    const target = route.deflate ? deflating : plain;
    target.handleUpgrade(request, socket, head, (webSocket) => {
      const raw = socket as Socket;
      openWebSockets.set(raw, raw.bytesWritten);
      raw.on('close', () => {
        closedWebSocketBytes += raw.bytesWritten - (openWebSockets.get(raw) ?? raw.bytesWritten);
        openWebSockets.delete(raw);
      });
      webSocket.on('message', (data) => {
        answerSocket(route, webSocket, raw, String(data)).catch(() => webSocket.terminate());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const client of [...plain.clients, ...deflating.clients]) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// In a forked child: start, report the port to the parent, stop when the parent says so or goes away.
if (process.send !== undefined && process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').at(-1)!)) {
  const server = await startE2eServer({ deltas: Number(process.env['E2E_DELTAS'] ?? DEFAULT_DELTAS) });
  process.send({ port: server.port });
  const stop = (): void => {
    server.close().finally(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'stop') stop();
  });
  process.on('disconnect', stop);
} else if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').at(-1)!)) {
  const server = await startE2eServer();
  console.log(`e2e replay server on http://127.0.0.1:${server.port} (paths /burst/v1, /per-event/v1, /paced/v1)`);
}
