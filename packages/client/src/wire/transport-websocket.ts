import { ClosedError, ConnectionClosedError, ModelwireError, connectWebSocket, type NetworkPolicy, type WebSocketConnection } from '@modelwire/transport';
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
  /** The session's proxy and TLS policy (shared with HTTP). Default: direct, Node's default trust store. */
  readonly network?: NetworkPolicy;
  /** Send credentials over plain `ws:` to a host that is not loopback (`Provider.allowInsecure`). Default `false`. */
  readonly allowInsecure?: boolean;
}

/**
 * A {@link WireSocket} over the transport package's `WebSocketConnection`: one reader loop
 * hands every text frame to the listener, and the connection's failure (or its close) to the
 * close listener. Liveness (ping/pong) is the transport's; `isOpen` turns false as soon as a
 * pong is missed, and `ping` offers the on-demand check made before an idle socket is reused.
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
    // A failed write also fails the connection, which the reader loop reports.
    this.#connection.send(text).catch(() => undefined);
  }

  listen(onFrame: (text: string) => void, onClose: (error: ModelwireError) => void): void {
    const connection = this.#connection;
    void (async () => {
      try {
        for await (const frame of connection.frames()) onFrame(frame);
        onClose(connection.closeError ?? new ClosedError('the WebSocket connection'));
      } catch (error) {
        onClose(ModelwireError.isInstance(error) ? error : new ConnectionClosedError({ cause: error }));
      }
    })();
  }

  ping(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    // On a missed pong the transport fails the connection (`PongTimeoutError`) and terminates it.
    return this.#connection.ping({ timeoutMs, ...(signal === undefined ? {} : { signal }) });
  }

  close(code?: number, reason?: string): Promise<void> {
    return this.#connection.close(code, reason).catch(() => undefined);
  }
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
      ...(options.network === undefined ? {} : { network: options.network }),
      ...(options.allowInsecure === undefined ? {} : { allowInsecure: options.allowInsecure }),
    });
    return new TransportWireSocket(connection);
  };
}
