/**
 * `startResponsesServer`: a loopback Responses API server on 127.0.0.1 (HTTP/SSE and WebSocket
 * mode on the same port) with a deterministic model, scripts, recording and fault injection.
 */
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { apiErrorBody, buildHttpErrorBody, codeForStatus } from './error-payloads.js';
import { FaultController } from './faults.js';
import { HttpRoutes } from './http-routes.js';
import { refuseUpgradeByRules } from './provider-rules.js';
import { Recording, type RecordedConnection } from './recording.js';
import { bearerToken } from './request-body.js';
import { basePathOf, unknownUrlError } from './routes.js';
import { ScriptQueue, ServerCore } from './server-core.js';
import { resolveOptions, type ResolvedOptions, type ResponsesServerOptions } from './server-options.js';
import { StickyRouting } from './sticky-routing.js';
import { Timers } from './timers.js';
import { SteeringScript } from './steering.js';
import { WebSocketSession } from './websocket-session.js';

/** A running loopback server. Close it with `close()` or `await using`. */
export interface ResponsesServer extends AsyncDisposable {
  /** Base URL for HTTP clients, `http://127.0.0.1:PORT/v1` (append `/responses`). */
  readonly url: string;
  /** WebSocket URL of the Responses endpoint, `ws://127.0.0.1:PORT/v1/responses`. */
  readonly wsUrl: string;
  /** The TCP port. */
  readonly port: number;
  /** Everything received and sent. */
  readonly recording: Recording;
  /** Fault injection: queue (`next`), rules (`use`), `clear`. */
  readonly faults: FaultController;
  /** Scripted responses, taken one per model request before the model runs. */
  readonly script: ScriptQueue;
  /**
   * Steering on the WebSocket (`response.steer`): holds that make the next responses wait for a
   * steer at a chosen point, forced failures, a failing successor (see `SteeringScript`).
   */
  readonly steering: SteeringScript;
  /** Sticky-routing tokens issued so far, by turn id. */
  readonly turnStates: ReadonlyMap<string, string>;
  /** The effective options. */
  readonly options: ResolvedOptions;
  /**
   * Stops the server: cancels timers, terminates every WebSocket and HTTP connection (stalled
   * ones included) and closes the listener. Leaves no handle open. Idempotent.
   */
  close(): Promise<void>;
}

function refuseUpgrade(socket: Duplex, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close', 'Content-Type: application/json'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** Starts a loopback Responses server on 127.0.0.1 and an ephemeral port. */
export async function startResponsesServer(options: ResponsesServerOptions = {}): Promise<ResponsesServer> {
  const recording = new Recording();
  const timers = new Timers();
  const resolved = resolveOptions(options, Date.now());
  const core = new ServerCore({
    options: resolved,
    recording,
    faults: new FaultController(),
    script: new ScriptQueue(),
    sticky: new StickyRouting(recording, resolved.issueTurnState),
    timers,
    steering: new SteeringScript(options.steering),
  });
  const connectionIds = new WeakMap<object, number>();
  const sockets = new Set<Socket>();
  const routes = new HttpRoutes(core, connectionIds);
  const webSocketServer = new WebSocketServer({ noServer: true, autoPong: false, maxPayload: core.options.maxPayloadBytes });
  /** Extra `101` headers per upgrade request (`upgradeHeaders`), added when `ws` writes the response. */
  const upgradeHeaders = new WeakMap<IncomingMessage, Readonly<Record<string, string>>>();
  webSocketServer.on('headers', (lines: string[], request: IncomingMessage) => {
    for (const [name, value] of Object.entries(upgradeHeaders.get(request) ?? {})) lines.push(`${name}: ${value}`);
  });
  let closing = false;

  const server = createServer((request, response) => {
    routes.handle(request, response).catch(() => {
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(buildHttpErrorBody('server_error'));
      } else response.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    const id = core.newConnectionId();
    connectionIds.set(socket, id);
    const connection: RecordedConnection = { id, transport: 'http', openedAt: Date.now(), closedAt: undefined, closeCode: undefined };
    recording.connections.push(connection);
    socket.once('close', () => {
      sockets.delete(socket);
      connection.closedAt = Date.now();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(request, socket, head);
  });

  async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const connectionId = connectionIds.get(request.socket) ?? core.newConnectionId();
    const headers = { ...request.headers };
    const handshake = { connectionId, headers, receivedAt: Date.now(), status: 101 };
    recording.counters.handshakes += 1;
    const finish = (status: number): void => {
      recording.handshakes.push({ ...handshake, status });
    };
    const fault = core.takeFault({ phase: 'handshake', connectionId, headers }, bearerToken(headers));
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== `${basePathOf(core.options.providerRules)}/responses`) {
      finish(404);
      refuseUpgrade(socket, 404, {}, apiErrorBody(unknownUrlError(request.method ?? 'GET', path)));
      return;
    }
    const refusal = refuseUpgradeByRules(core.options.providerRules, path, headers);
    if (refusal !== undefined) {
      finish(refusal.status);
      refuseUpgrade(socket, refusal.status, {}, buildHttpErrorBody(refusal.code, refusal.message));
      return;
    }
    if (fault === 'unauthorized') {
      finish(401);
      refuseUpgrade(socket, 401, {}, buildHttpErrorBody('invalid_api_key'));
      return;
    }
    if (fault?.kind === 'refuse-upgrade') {
      finish(fault.status);
      refuseUpgrade(socket, fault.status, fault.headers ?? {}, fault.body ?? buildHttpErrorBody(codeForStatus(fault.status)));
      return;
    }
    if (fault?.kind === 'invalid-upgrade') {
      finish(101);
      // A 101 whose accept value belongs to no key: the client must not take the socket.
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90LXRoZS1hY2NlcHQtdmFsdWU=\r\n\r\n');
      return;
    }
    const delay = core.options.handshakeDelayMs + (fault?.kind === 'delay-handshake' ? fault.ms : 0);
    if (!(await timers.sleep(delay)) || closing || socket.destroyed) {
      socket.destroy();
      return;
    }
    finish(101);
    const extra = core.options.upgradeHeaders?.({ connectionId, headers });
    if (extra !== undefined) upgradeHeaders.set(request, extra);
    webSocketServer.handleUpgrade(request, socket, head, (webSocket) => {
      const connection: RecordedConnection = { id: connectionId, transport: 'websocket', openedAt: Date.now(), closedAt: undefined, closeCode: undefined };
      recording.connections.push(connection);
      webSocket.once('close', (code: number) => {
        connection.closedAt = Date.now();
        connection.closeCode = code;
      });
      new WebSocketSession(core, webSocket, connectionId, headers, fault?.kind === 'half-open');
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      timers.cancelAll();
      for (const client of webSocketServer.clients) client.terminate();
      const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => webSocketServer.close(() => resolve()));
      await listenerClosed;
    })();
    return closed;
  };

  return {
    url: `http://127.0.0.1:${port}/v1`,
    wsUrl: `ws://127.0.0.1:${port}/v1/responses`,
    port,
    recording,
    faults: core.faults,
    script: core.script,
    steering: core.steering,
    turnStates: core.sticky.tokens,
    options: core.options,
    close,
    [Symbol.asyncDispose]: close,
  };
}
