import type { IncomingMessage } from 'node:http';
import { toAbortError } from '../abort/abort-helpers.js';
import { ClosedError, ErrorCode, ModelwireError } from '@modelwire/errors';
import { ConnectionClosedError } from '../errors/connection-closed-error.js';
import { IdleTimeoutError, PongTimeoutError } from '../errors/connection-errors.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { ProtocolViolationError } from '../errors/protocol-violation-error.js';
import { flattenHeaders } from '../retry/header-lookup.js';
import { FrameQueue } from './frame-queue.js';
import { NativeWebSocket } from './native-websocket.js';

/** Options of one read from a {@link WebSocketConnection}. */
export interface ReceiveOptions {
  /** Stops waiting: the read throws `AbortError`; the connection stays open (close it or keep reading). */
  signal?: AbortSignal;
  /**
   * The longest wait for the next frame, in milliseconds; `null`/`undefined` waits forever.
   * On expiry the read throws `IdleTimeoutError` and the connection stays open: the caller
   * decides whether a silent socket is dead (usually it closes it).
   */
  idleTimeoutMs?: number | null;
}

/** Options of {@link WebSocketConnection.send}. */
export interface SendOptions {
  /** Rejects with `AbortError` if aborted before the frame was handed to the socket. */
  signal?: AbortSignal;
}

/** Options of {@link WebSocketConnection.ping}. */
export interface PingOptions {
  /**
   * How long to wait for the pong, in milliseconds. Default: the connection's `pongTimeoutMs`,
   * or 10 000 when keep-alive pongs are not timed.
   */
  timeoutMs?: number;
  /** Stops waiting: the ping rejects with `AbortError` and the connection stays open. */
  signal?: AbortSignal;
}

/**
 * The receiver of a connection in push mode ({@link WebSocketConnection.listen}): frames are
 * handed over synchronously from the socket's message callback, without a queue in between.
 */
export interface FrameListener {
  /** One text frame. Called synchronously; must not throw. */
  onText(text: string): void;
  /**
   * The connection ended; called once. `error` is the `closeError` (peer close, failure,
   * missed pong), `undefined` after a close initiated with {@link WebSocketConnection.close}.
   */
  onClose(error: ModelwireError | undefined): void;
}

/**
 * The live state of a connection, read from the socket itself (never from a flag set later by
 * its `close` event): `open` until either side starts closing, `closing` while the close
 * handshake runs (including after a close frame from the peer), `closed` once the socket is
 * gone. A connection that failed (missed pong, bad frame) is `closing` until its socket is.
 */
export type WebSocketState = 'open' | 'closing' | 'closed';

/**
 * The socket under a connection: the `ws` client, or the transport's `NativeWebSocket`, which
 * mirrors the part of `ws`'s surface used here (events `message` with a `Buffer` or a string,
 * `pong`, `error` with `ws`'s `WS_ERR_*` codes, `close` with a code and a `Buffer` reason).
 */
export interface ConnectionSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  readonly isPaused: boolean;
  send(data: string, options: { binary: false }, callback: (error?: Error | null) => void): void;
  ping(): void;
  pause(): void;
  resume(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  // `any`: the listener signature both `ws` and `EventEmitter` declare (each event has its own arguments).
  /* eslint-disable @typescript-eslint/no-explicit-any */
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

const OPEN = 1;
const CLOSED = 3;

/** Default wait of an on-demand {@link WebSocketConnection.ping} without a configured pong timeout. */
const DEFAULT_PING_TIMEOUT_MS = 10_000;

/** Liveness and buffering settings, resolved by `connectWebSocket`. */
export interface WebSocketConnectionSettings {
  readonly url: string;
  readonly maxPayloadBytes: number;
  readonly pingIntervalMs: number | null;
  readonly pongTimeoutMs: number | null;
  readonly maxBufferedFrames: number;
  readonly closeTimeoutMs: number;
}

/**
 * An open WebSocket carrying one JSON object per text frame, created by `connectWebSocket`.
 *
 * Lifetime: it belongs to whoever opened it (for Modelwire, the session's client) and may
 * serve many requests; it ends with {@link close}, with a close from the peer, or when the
 * peer stops answering pings. After that `isOpen` is false for good and `closeError` says
 * why (it stays `undefined` after a close we initiated).
 *
 * Receiving, pull mode: one reader at a time ({@link frames} or {@link receive}); frames that
 * arrive while nobody reads are buffered, and at `maxBufferedFrames` the socket is paused
 * until the reader catches up. Push mode ({@link listen}): every frame goes synchronously
 * from the socket's message callback to the listener, which applies its own backpressure with
 * {@link pause} and {@link resume}. While paused no keep-alive ping is sent (a socket that is
 * not read cannot see its pong). Binary frames are a protocol violation: the socket is closed
 * with 1003.
 */
export class WebSocketConnection implements AsyncDisposable {
  /** The URL connected to. */
  readonly url: string;
  /** The status of the upgrade response (101). */
  readonly upgradeStatus: number;
  /** Headers of the upgrade response, lower-case names; repeated headers joined with `, `. */
  readonly upgradeHeaders: Readonly<Record<string, string>>;
  /** When the connection opened, in epoch milliseconds from the injected clock (for age-based rotation above this layer). */
  readonly openedAt: number;

  readonly #socket: ConnectionSocket;
  readonly #settings: WebSocketConnectionSettings;
  readonly #queue: FrameQueue;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;
  #isOpen = true;
  #closeError: ModelwireError | undefined;
  #listener: FrameListener | undefined;
  /** Whether the push-mode listener asked to stop reading. */
  #pausedByListener = false;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
  /** Waiters of on-demand pings; any pong settles all of them. */
  readonly #pongWaiters = new Set<{ resolve: () => void; reject: (error: unknown) => void }>();

  /** @internal Use `connectWebSocket`; the socket must already be open. */
  constructor(socket: ConnectionSocket, upgrade: IncomingMessage | undefined, openedAt: number, settings: WebSocketConnectionSettings) {
    this.#socket = socket;
    this.#settings = settings;
    this.url = settings.url;
    this.openedAt = openedAt;
    this.upgradeStatus = upgrade?.statusCode ?? 101;
    this.upgradeHeaders = flattenHeaders(upgrade?.headers ?? {});
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#queue = new FrameQueue(settings.maxBufferedFrames, {
      pause: () => this.#applyPause(),
      resume: () => this.#applyPause(),
    });
    socket.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    if (socket instanceof NativeWebSocket) socket.textHandler = (text) => this.#onText(text);
    socket.on('pong', () => this.#onPong());
    socket.on('error', (error: Error) => this.#onError(error));
    socket.on('close', (code: number, reason: Buffer) => this.#onClose(code, reason));
    if (settings.pingIntervalMs !== null) {
      this.#pingTimer = setInterval(() => this.#ping(), settings.pingIntervalMs);
      this.#pingTimer.unref();
    }
  }

  /**
   * True while frames can be sent and received: the socket's live `readyState` is OPEN and the
   * connection has not failed. False as soon as a close frame arrived from the peer (the socket
   * is CLOSING), without waiting for the `close` event.
   */
  get isOpen(): boolean {
    return this.#isOpen && this.#socket.readyState === OPEN;
  }

  /** The live state of the socket (see {@link WebSocketState}). */
  get state(): WebSocketState {
    const readyState = this.#socket.readyState;
    if (readyState === CLOSED) return 'closed';
    return readyState === OPEN && this.#isOpen ? 'open' : 'closing';
  }

  /** Whether reading is paused (backpressure of either mode). */
  get isPaused(): boolean {
    return this.#socket.isPaused;
  }

  /** Why the connection ended, when it was not closed by {@link close}: `ConnectionClosedError`, `PongTimeoutError`, `PayloadTooLargeError`, `ProtocolViolationError`. */
  get closeError(): ModelwireError | undefined {
    return this.#closeError;
  }

  /** Frames received and not yet read. */
  get bufferedFrames(): number {
    return this.#queue.size;
  }

  /**
   * Sends one text frame: a string as is, any other value as `JSON.stringify(value)`.
   * Resolves once the frame was written to the socket.
   *
   * @throws ClosedError (or the `closeError`) when the connection is not open; AbortError.
   */
  async send(message: unknown, options: SendOptions = {}): Promise<void> {
    if (options.signal?.aborted) throw toAbortError(options.signal.reason);
    if (!this.isOpen) throw this.#closeError ?? new ClosedError('the WebSocket connection');
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    await new Promise<void>((resolve, reject) => {
      this.#socket.send(text, { binary: false }, (error) => {
        if (error === undefined || error === null) resolve();
        else reject(this.#closeError ?? new ConnectionClosedError({ cause: error }));
      });
    });
  }

  /**
   * Reads the next text frame; `undefined` after a close initiated by {@link close}.
   *
   * @throws the `closeError` once buffered frames are read after the peer closed or the
   *   connection failed; `IdleTimeoutError`, `AbortError`; a `busy` error when another reader
   *   is active.
   */
  async receive(options: ReceiveOptions = {}): Promise<string | undefined> {
    this.#queue.acquireReader();
    try {
      return await this.#take(options);
    } finally {
      this.#queue.releaseReader();
    }
  }

  /**
   * The received text frames as an async iterable for one reader. Leaving the loop releases
   * the reader (the connection stays open and later frames stay buffered for the next one).
   * Errors as {@link receive}.
   */
  async *frames(options: ReceiveOptions = {}): AsyncGenerator<string, void, undefined> {
    this.#queue.acquireReader();
    try {
      for (;;) {
        const frame = await this.#take(options);
        if (frame === undefined) return;
        yield frame;
      }
    } finally {
      this.#queue.releaseReader();
    }
  }

  /**
   * Switches to push mode: from now on every text frame is handed to `listener.onText`
   * synchronously from the socket's message callback, and the end of the connection to
   * `listener.onClose` (once). Frames buffered before the call are delivered first, before
   * `listen` returns; a connection that already ended reports it the same way. Final: there
   * is no way back to pull mode, and a second call (or a later `frames`/`receive`) fails with
   * a `busy` error.
   */
  listen(listener: FrameListener): void {
    this.#queue.acquireReader();
    this.#listener = listener;
    for (const frame of this.#queue.takeAll()) listener.onText(frame);
    if (this.#queue.ended) listener.onClose(this.#closeError);
  }

  /**
   * Stops reading from the socket (push-mode backpressure): the peer's frames back up into TCP
   * flow control instead of memory. Soft: frames already read from the socket (at most one
   * read, or one frame of up to `maxPayloadBytes`) are still delivered. No keep-alive ping is
   * sent while paused. Idempotent.
   */
  pause(): void {
    this.#pausedByListener = true;
    this.#applyPause();
  }

  /** Resumes reading after {@link pause}. Idempotent. */
  resume(): void {
    this.#pausedByListener = false;
    this.#applyPause();
  }

  /**
   * Closes the connection with `code` (default 1000) and `reason`, waits for the peer's close
   * frame (at most `closeTimeoutMs`, then the socket is terminated) and releases every timer.
   * A pending read ends (`undefined`). Idempotent.
   */
  async close(code = 1000, reason = ''): Promise<void> {
    if (this.#isOpen) {
      this.#markClosed(undefined);
      const timer = setTimeout(() => this.#socket.terminate(), this.#settings.closeTimeoutMs);
      // A socket paused for backpressure would never read the peer's close frame.
      if (this.#socket.isPaused) this.#socket.resume();
      try {
        this.#socket.close(code, reason);
      } catch {
        this.#socket.terminate();
      }
      await this.#closed;
      clearTimeout(timer);
      return;
    }
    if (this.#socket.readyState !== CLOSED) this.#socket.terminate();
    await this.#closed;
  }

  /**
   * On-demand liveness check (for example before reusing an idle connection): sends a ping and
   * resolves when a pong arrives. When no pong arrives within `timeoutMs` the connection is
   * considered dead: it fails with `PongTimeoutError` (its `closeError`; `isOpen` turns false,
   * the socket is terminated) and the ping rejects with that error.
   *
   * @throws the `closeError` (or `ClosedError`) when the connection is not open or closes
   *   meanwhile; `AbortError` (the connection stays open); a `busy` error while frames are
   *   buffered unread and the socket is paused for backpressure (a paused socket cannot see
   *   its pong: read the frames first).
   */
  ping(options: PingOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(toAbortError(signal.reason));
    if (!this.#isOpen) return Promise.reject(this.#closeError ?? new ClosedError('the WebSocket connection'));
    if (this.#socket.isPaused) return Promise.reject(new ModelwireError(ErrorCode.Busy, 'the connection is paused with unread frames; read them before pinging'));
    const timeoutMs = options.timeoutMs ?? this.#settings.pongTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#pongWaiters.delete(waiter);
      };
      const waiter = {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (error: unknown) => {
          settle();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.reject(toAbortError(signal?.reason));
      const timer = setTimeout(() => {
        const error = new PongTimeoutError(timeoutMs);
        this.#fail(error);
        this.#socket.terminate();
        // #fail rejected every waiter with the close error; this one too, unless it had already failed.
        waiter.reject(this.#closeError ?? error);
      }, timeoutMs);
      this.#pongWaiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.#socket.ping();
      } catch (error) {
        this.#fail(new ConnectionClosedError({ cause: error }));
        waiter.reject(this.#closeError ?? new ConnectionClosedError({ cause: error }));
      }
    });
  }

  /** Same as {@link close} with 1000, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #take(options: ReceiveOptions): Promise<string | undefined> {
    const { signal, idleTimeoutMs } = options;
    if (signal?.aborted) return Promise.reject(toAbortError(signal.reason));
    const pending = this.#queue.take();
    if ((idleTimeoutMs === undefined || idleTimeoutMs === null) && signal === undefined) return pending;
    const timer =
      idleTimeoutMs === undefined || idleTimeoutMs === null
        ? undefined
        : setTimeout(() => this.#queue.interrupt(new IdleTimeoutError(idleTimeoutMs, { phase: 'body' })), idleTimeoutMs);
    const onAbort = (): void => this.#queue.interrupt(toAbortError(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    return pending.finally(() => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#fail(new ProtocolViolationError('received a binary WebSocket frame; only JSON text frames are allowed', { violation: 'binary_frame' }));
      this.#socket.close(1003, 'binary frames are not supported');
      return;
    }
    this.#onText(rawDataToText(data));
  }

  #onText(text: string): void {
    const listener = this.#listener;
    if (listener === undefined) this.#queue.push(text);
    else if (this.#isOpen) listener.onText(text);
  }

  #applyPause(): void {
    const paused = this.#pausedByListener || this.#queue.paused;
    if (paused === this.#socket.isPaused) return;
    if (paused) {
      this.#socket.pause();
      this.#clearPongTimer();
    } else {
      this.#socket.resume();
    }
  }

  #onError(error: Error): void {
    const code = (error as { code?: unknown }).code;
    if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.#fail(new PayloadTooLargeError('websocket_frame', this.#settings.maxPayloadBytes, { cause: error }));
    } else if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
      this.#fail(new ProtocolViolationError(`invalid WebSocket frame (${code})`, { cause: error, violation: 'invalid_frame' }));
    } else {
      this.#fail(new ConnectionClosedError({ cause: error }));
    }
  }

  #onClose(code: number, reason: Buffer): void {
    if (this.#isOpen) this.#fail(new ConnectionClosedError({ closeCode: code, reason: reason.toString('utf8') }));
    this.#stopTimers();
    this.#resolveClosed();
  }

  #ping(): void {
    if (!this.#isOpen || this.#socket.isPaused || this.#pongTimer !== undefined) return;
    const pongTimeoutMs = this.#settings.pongTimeoutMs;
    if (pongTimeoutMs !== null) {
      this.#pongTimer = setTimeout(() => {
        this.#pongTimer = undefined;
        this.#fail(new PongTimeoutError(pongTimeoutMs));
        this.#socket.terminate();
      }, pongTimeoutMs);
      this.#pongTimer.unref();
    }
    try {
      this.#socket.ping();
    } catch (error) {
      this.#fail(new ConnectionClosedError({ cause: error }));
    }
  }

  #onPong(): void {
    this.#clearPongTimer();
    for (const waiter of [...this.#pongWaiters]) waiter.resolve();
  }

  #clearPongTimer(): void {
    if (this.#pongTimer === undefined) return;
    clearTimeout(this.#pongTimer);
    this.#pongTimer = undefined;
  }

  /** Records the first failure: not open any more, readers get the error after buffered frames. */
  #fail(error: ModelwireError): void {
    if (!this.#isOpen) return;
    this.#closeError = error;
    this.#markClosed(error);
  }

  #markClosed(error: ModelwireError | undefined): void {
    this.#isOpen = false;
    this.#stopTimers();
    const pingError = error ?? new ClosedError('the WebSocket connection');
    for (const waiter of [...this.#pongWaiters]) waiter.reject(pingError);
    if (error === undefined) this.#queue.end();
    else this.#queue.fail(error);
    this.#listener?.onClose(error);
  }

  #stopTimers(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    this.#clearPongTimer();
  }
}

/** A message as either implementation hands it over (`ws`: buffers; native: text as a string). */
type RawData = string | Buffer | ArrayBuffer | Buffer[];

function rawDataToText(data: RawData): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
