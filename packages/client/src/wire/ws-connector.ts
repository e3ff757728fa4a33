import {
  assertSecureTransport,
  ConnectError,
  ConnectionClosedError,
  ConnectTimeoutError,
  HttpStatusError,
  MAX_ERROR_BODY_BYTES,
  PongTimeoutError,
  ProtocolViolationError,
  toAbortError,
  type ModelwireError,
} from '@modelwire/transport';
import WebSocket from 'ws';
import type { WireSocket, WireSocketConnectOptions } from './wire-types.js';

/** Options of {@link createWsConnector}. */
export interface WsConnectorOptions {
  /** Keep-alive ping interval while the socket is open, in milliseconds. Default 30 000. */
  readonly pingIntervalMs?: number;
  /** How long a keep-alive ping waits for its pong before the socket is terminated. Default 10 000. */
  readonly pongTimeoutMs?: number;
  /** Largest incoming frame, in bytes. Default 64 MiB. */
  readonly maxPayloadBytes?: number;
}

function lowerCaseHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

class WsWireSocket implements WireSocket {
  readonly upgradeHeaders: Readonly<Record<string, string>>;
  readonly #socket: WebSocket;
  #onFrame: (text: string) => void = () => undefined;
  #onClose: (error: ModelwireError) => void = () => undefined;
  #closeError: ModelwireError | null = null;
  readonly #keepAlive: NodeJS.Timeout;
  #awaitingPong: NodeJS.Timeout | null = null;
  readonly #pongTimeoutMs: number;

  constructor(socket: WebSocket, upgradeHeaders: Record<string, string>, options: Required<WsConnectorOptions>) {
    this.#socket = socket;
    this.upgradeHeaders = upgradeHeaders;
    this.#pongTimeoutMs = options.pongTimeoutMs;
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        this.#fail(new ProtocolViolationError('binary WebSocket frame received; the Responses API sends text frames only'));
        socket.terminate();
        return;
      }
      this.#onFrame(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
    });
    socket.on('pong', () => {
      if (this.#awaitingPong !== null) clearTimeout(this.#awaitingPong);
      this.#awaitingPong = null;
    });
    socket.on('close', (code, reason) => {
      this.#fail(new ConnectionClosedError({ closeCode: code, reason: reason.toString('utf8') }));
    });
    socket.on('error', (error) => {
      this.#fail(new ConnectionClosedError({ cause: error }));
    });
    // Keep-alive: a socket that misses its pong is terminated and never reused.
    this.#keepAlive = setInterval(() => {
      if (this.#awaitingPong !== null || socket.readyState !== WebSocket.OPEN) return;
      this.#awaitingPong = setTimeout(() => {
        this.#awaitingPong = null;
        this.#fail(new PongTimeoutError(this.#pongTimeoutMs));
        socket.terminate();
      }, this.#pongTimeoutMs);
      this.#awaitingPong.unref();
      socket.ping();
    }, options.pingIntervalMs);
    this.#keepAlive.unref();
  }

  get isOpen(): boolean {
    return this.#closeError === null && this.#socket.readyState === WebSocket.OPEN;
  }

  send(text: string): void {
    if (this.#closeError !== null) throw this.#closeError;
    this.#socket.send(text);
  }

  listen(onFrame: (text: string) => void, onClose: (error: ModelwireError) => void): void {
    this.#onFrame = onFrame;
    this.#onClose = onClose;
    if (this.#closeError !== null) onClose(this.#closeError);
  }

  ping(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (!this.isOpen) return Promise.reject(this.#closeError ?? new ConnectionClosedError({}));
    return new Promise<void>((resolve, reject) => {
      const done = (error?: unknown): void => {
        clearTimeout(timer);
        this.#socket.off('pong', onPong);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onPong = (): void => done();
      const onAbort = (): void => done(toAbortError(signal?.reason));
      const timer = setTimeout(() => {
        const error = new PongTimeoutError(timeoutMs);
        this.#fail(error);
        this.#socket.terminate();
        done(error);
      }, timeoutMs);
      this.#socket.on('pong', onPong);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#socket.ping();
    });
  }

  close(code = 1000, reason = ''): void {
    this.#stopTimers();
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    if (this.#socket.readyState === WebSocket.CONNECTING) {
      this.#socket.terminate();
      return;
    }
    this.#socket.close(code, reason);
    // Do not wait for the peer's close frame forever.
    const force = setTimeout(() => this.#socket.terminate(), 1_000);
    force.unref();
    this.#socket.once('close', () => clearTimeout(force));
  }

  #stopTimers(): void {
    clearInterval(this.#keepAlive);
    if (this.#awaitingPong !== null) clearTimeout(this.#awaitingPong);
    this.#awaitingPong = null;
  }

  #fail(error: ModelwireError): void {
    if (this.#closeError !== null) return;
    this.#closeError = error;
    this.#stopTimers();
    this.#onClose(error);
  }
}

/**
 * A WebSocket connector over `ws`: handshake headers in, upgrade headers out, text frames,
 * keep-alive ping/pong, typed errors (a refused upgrade is an `HttpStatusError` with status,
 * headers and body; a slow one a `ConnectTimeoutError`). Credentials are never sent over
 * plaintext `ws:` to a host that is not loopback.
 */
export function createWsConnector(options: WsConnectorOptions = {}) {
  const resolved: Required<WsConnectorOptions> = {
    pingIntervalMs: options.pingIntervalMs ?? 30_000,
    pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
    maxPayloadBytes: options.maxPayloadBytes ?? 64 * 1024 * 1024,
  };
  return (url: string, connect: WireSocketConnectOptions): Promise<WireSocket> => {
    assertSecureTransport(new URL(url), connect.headers, false);
    return new Promise<WireSocket>((resolve, reject) => {
      if (connect.signal.aborted) {
        reject(toAbortError(connect.signal.reason));
        return;
      }
      const socket = new WebSocket(url, { headers: { ...connect.headers }, perMessageDeflate: false, maxPayload: resolved.maxPayloadBytes, followRedirects: false });
      let upgradeHeaders: Record<string, string> = {};
      let settled = false;
      const finish = (error: unknown, value?: WireSocket): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        connect.signal.removeEventListener('abort', onAbort);
        if (value !== undefined) resolve(value);
        else {
          socket.removeAllListeners();
          socket.on('error', () => undefined);
          socket.terminate();
          reject(error);
        }
      };
      const onAbort = (): void => finish(toAbortError(connect.signal.reason));
      const timer = setTimeout(() => finish(new ConnectTimeoutError(connect.timeoutMs)), connect.timeoutMs);
      connect.signal.addEventListener('abort', onAbort, { once: true });
      socket.once('upgrade', (response) => {
        upgradeHeaders = lowerCaseHeaders(response.headers);
      });
      socket.once('unexpected-response', (request, response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        const fail = (): void => {
          finish(
            new HttpStatusError({
              status: response.statusCode ?? 0,
              headers: lowerCaseHeaders(response.headers),
              body: Buffer.concat(chunks).toString('utf8'),
              context: 'WebSocket upgrade',
            }),
          );
          request.destroy();
        };
        response.once('end', fail);
        response.once('error', fail);
      });
      socket.once('open', () => {
        socket.removeAllListeners('error');
        finish(undefined, new WsWireSocket(socket, upgradeHeaders, resolved));
      });
      socket.once('error', (error) => finish(new ConnectError('WebSocket connect failed', { cause: error })));
    });
  };
}
