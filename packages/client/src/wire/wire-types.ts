import type { ModelwireError, NetworkPolicy } from '@modelwire/transport';

/**
 * The slice of an open WebSocket the client needs. Produced by a {@link WireSocketConnector}
 * (by default the transport package's WebSocket connection); injectable for tests.
 */
export interface WireSocket {
  /** Headers of the upgrade response, lower-case names. */
  readonly upgradeHeaders: Readonly<Record<string, string>>;
  /**
   * Whether the socket can still send and receive, read from the socket's live state: `false`
   * as soon as either side started closing (a `ws` socket that is CLOSING is not open), not
   * only after the close was reported to the `listen` receiver. The client never lends a
   * socket that is not open.
   */
  readonly isOpen: boolean;
  /** Sends one JSON text frame. Throws when the socket is closed. */
  send(text: string): void;
  /**
   * Registers the receiver of text frames and of the final close (called once, with the error
   * that describes it). Replaces any earlier receiver. `onFrame` is expected synchronously from
   * the socket's message callback: the client routes each frame to its request at once and
   * keeps no queue of its own, so a socket that buffers here defeats backpressure.
   */
  listen(onFrame: (text: string) => void, onClose: (error: ModelwireError) => void): void;
  /**
   * Optional backpressure: stop reading from the socket (the peer's frames back up into TCP)
   * until {@link WireSocket.resume}. The client pauses while a request's caller has a full
   * buffer of unread events. Without it, nothing bounds what an unread request buffers.
   */
  pause?(): void;
  /** Optional: resume reading after {@link WireSocket.pause}. */
  resume?(): void;
  /**
   * Optional on-demand liveness check: sends a ping and resolves on the pong; rejects after
   * `timeoutMs` (and closes the socket). Without it, reuse relies on `isOpen`, which the
   * socket's own keep-alive pings keep truthful.
   */
  ping?(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Closes the socket; resolves when it is closed (no-op when already closed). */
  close(code?: number, reason?: string): Promise<void> | void;
}

/** Options of one WebSocket connect. */
export interface WireSocketConnectOptions {
  /** Handshake headers (session values and auth only). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Names of the handshake headers that came from the auth provider: they carry credentials
   * whatever their names, and are refused over plain `ws:` to a host that is not loopback.
   */
  readonly credentialHeaders?: readonly string[];
  /** Connect timeout in milliseconds (TCP, TLS and upgrade). */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /**
   * The session's proxy and TLS policy (the one its HTTP requests use). The `ModelClient`
   * always passes it; a connector must dial through `network.proxyFor(url)` with its trusted
   * certificates (the default connector does) or the WebSocket bypasses the session's proxy.
   */
  readonly network?: NetworkPolicy;
  /** `Provider.allowInsecure`: credentials may go over plain `ws:` to a host that is not loopback. */
  readonly allowInsecure?: boolean;
}

/** Opens a WebSocket to `url`. Rejects with a Modelwire error (an `HttpStatusError` for a refused upgrade). */
export type WireSocketConnector = (url: string, options: WireSocketConnectOptions) => Promise<WireSocket>;

/** A streamed HTTP response that passed its status check (2xx). */
export interface WireEventStream {
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The SSE `data` payloads, in order; ends at EOF; throws on a cut or idle stream. */
  readonly events: AsyncIterable<string>;
  /**
   * Optional push mode, used instead of `events` when present (the default HTTP side has it: it
   * spares a promise per event): every payload goes to `listener.onData` synchronously, then the
   * end to `listener.onEnd` once. Payloads that arrived before the call are delivered before it
   * returns. An implementation with `listen` must also have `release` and `cancel`.
   */
  listen?(listener: WireEventListener): void;
  /**
   * With `listen`: the client has the terminal event. Nothing more is delivered; the rest of the
   * body should be read and dropped so that the connection can be reused.
   */
  release?(): void;
  /** With `listen`: the client stops early (an error, an abort); the body is destroyed. */
  cancel?(): void;
  /**
   * Optional backpressure, with `listen`: stop reading the body from the socket (the server's
   * writes back up into TCP) until {@link WireEventStream.resume}. Payloads already read may
   * still be delivered. The client pauses while the caller holds a full buffer of unread
   * events; without it, nothing bounds what an unread HTTP response buffers.
   */
  pause?(): void;
  /** Optional, with `listen`: resume reading after {@link WireEventStream.pause}. */
  resume?(): void;
}

/** The receiver of a {@link WireEventStream} in push mode. */
export interface WireEventListener {
  /** One SSE `data` payload. Called synchronously, in order. */
  onData(data: string): void;
  /**
   * The stream ended: `undefined` at the end of the body, otherwise the error iterating `events`
   * would have thrown. Called once; never after `release` or `cancel`.
   */
  onEnd(error: unknown): void;
}

/** A JSON HTTP response that passed its status check (2xx). */
export interface WireJsonResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Options of one HTTP POST. */
export interface WirePostOptions {
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Names of the headers that came from the auth provider: they carry credentials whatever
   * their names, and are refused over plain `http:` to a host that is not loopback.
   */
  readonly credentialHeaders?: readonly string[];
  /** The JSON body text. */
  readonly body: string;
  /** Whether the body may be zstd-compressed. */
  readonly compress: boolean;
  /**
   * Longest wait for the response headers, then for each server-sent event (comments and blank
   * lines do not count), in milliseconds. The client runs its own progress clock on top (only
   * events of known Responses types count) and aborts `signal` with an `IdleTimeoutError` when
   * it runs out: an implementation must honour `signal` while the body streams.
   */
  readonly idleTimeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * The HTTP side the client needs. Non-2xx answers reject with an `HttpStatusError` carrying
 * status, headers and body. By default the transport package's session-scoped HTTP client.
 */
export interface WireHttp {
  postStream(url: string, options: WirePostOptions): Promise<WireEventStream>;
  postJson(url: string, options: WirePostOptions): Promise<WireJsonResponse>;
  close(): Promise<void>;
}
