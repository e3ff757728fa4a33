import { ClosedError, connectWebSocket, type ModelwireError, type NetworkPolicy, type WebSocketConnection, type WebSocketFactory, type WebSocketImplementation } from '@modelwire/transport';
import type { WireSocket, WireSocketConnector } from './wire-types.js';

/** Keep-alive settings of {@link createTransportWebSocketConnector}. */
export interface WebSocketKeepAliveOptions {
  /**
   * Interval of keep-alive pings while the socket is open, in milliseconds. A socket that
   * misses its pong is terminated by the transport and is then never reused. Default 30 000.
   */
  readonly pingIntervalMs?: number;
  /** How long a keep-alive ping waits for its pong, in milliseconds. Default 10 000. */
  readonly pongTimeoutMs?: number;
  /** Largest incoming frame, in bytes. Default 16 MiB (the transport's default). */
  readonly maxPayloadBytes?: number;
  /**
   * The proxy and TLS policy. Default: the one the `ModelClient` passes with each connect (the
   * session's, shared with HTTP); without either, direct with Node's default trust store.
   */
  readonly network?: NetworkPolicy;
  /**
   * Send credentials over plain `ws:` to a host that is not loopback (`Provider.allowInsecure`).
   * Default: the value the `ModelClient` passes with each connect; without either, `false`.
   */
  readonly allowInsecure?: boolean;
  /** Creates the underlying `ws` socket (to wrap, instrument or observe it); selects the `ws` implementation. */
  readonly createWebSocket?: WebSocketFactory;
  /**
   * The WebSocket client under the connection: `'native'` (default), the transport's own
   * frame reader, or `'ws'`, the `ws` package (see `@modelwire/transport`'s README).
   */
  readonly implementation?: WebSocketImplementation;
}

/**
 * A {@link WireSocket} over the transport package's `WebSocketConnection` in push mode: every
 * text frame goes synchronously from the socket's message callback to the listener, and the
 * connection's end (its failure, or its close) to the close listener. `isOpen` reads the live
 * socket state (a close frame from the peer makes it false at once); `pause`/`resume` are the
 * socket's own backpressure; `ping` offers the on-demand check made before an idle socket is
 * reused. Liveness (keep-alive ping/pong) is the transport's.
 */
class TransportWireSocket implements WireSocket {
  readonly #connection: WebSocketConnection;

  constructor(connection: WebSocketConnection) {
    this.#connection = connection;
  }

  get upgradeHeaders(): Readonly<Record<string, string>> {
    return this.#connection.upgradeHeaders;
  }

  get isOpen(): boolean {
    return this.#connection.isOpen;
  }

  send(text: string): void {
    if (!this.#connection.isOpen) throw this.#connection.closeError ?? new ClosedError('the WebSocket connection');
    // A failed write also fails the connection, which the close listener reports.
    this.#connection.send(text).catch(() => undefined);
  }

  listen(onFrame: (text: string) => void, onClose: (error: ModelwireError) => void): void {
    this.#connection.listen({
      onText: onFrame,
      onClose: (error) => onClose(error ?? new ClosedError('the WebSocket connection')),
    });
  }

  pause(): void {
    this.#connection.pause();
  }

  resume(): void {
    this.#connection.resume();
  }

  ping(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    // On a missed pong the transport fails the connection (`PongTimeoutError`) and terminates it.
    return this.#connection.ping({ timeoutMs, ...(signal === undefined ? {} : { signal }) });
  }

  close(code?: number, reason?: string): Promise<void> {
    return this.#connection.close(code, reason).catch(() => undefined);
  }
}

/** `{ [key]: value }`, or nothing when `value` is `undefined` (for exact optional properties). */
function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** The default WebSocket connector: the transport package's `connectWebSocket`. */
export function createTransportWebSocketConnector(options: WebSocketKeepAliveOptions = {}): WireSocketConnector {
  return async (url, connect) => {
    const connection = await connectWebSocket(url, {
      headers: connect.headers,
      ...(connect.credentialHeaders === undefined ? {} : { credentialHeaders: connect.credentialHeaders }),
      signal: connect.signal,
      connectTimeoutMs: connect.timeoutMs,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      ...(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes }),
      ...withDefined('network', options.network ?? connect.network),
      ...withDefined('allowInsecure', options.allowInsecure ?? connect.allowInsecure),
      ...(options.createWebSocket === undefined ? {} : { createWebSocket: options.createWebSocket }),
      ...withDefined('implementation', options.implementation),
    });
    return new TransportWireSocket(connection);
  };
}
