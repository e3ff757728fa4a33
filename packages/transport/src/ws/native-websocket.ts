import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { PinnedLookup } from '../security/transport-security.js';
import { FrameParser, type FrameError, type FrameSink } from './frame-parser.js';
import { closeFrame, controlFrame, textFrame } from './frame-writer.js';

/** Options of {@link NativeWebSocket}. */
export interface NativeWebSocketOptions {
  /** Handshake headers, already validated. */
  readonly headers: Readonly<Record<string, string>>;
  /** Largest message accepted (all fragments), in bytes; larger fails with close 1009. */
  readonly maxPayloadBytes: number;
  /** How long a started close handshake may take before the socket is destroyed, in milliseconds. */
  readonly closeTimeoutMs: number;
  /** CA list for TLS (`undefined`: Node's default store). */
  readonly ca?: readonly string[] | undefined;
  /** An already open byte stream to the target (a proxy tunnel, TLS already on it for `wss:`). */
  readonly socket?: Socket | undefined;
  /** Name resolution for a direct connection (the plaintext rule's pinned addresses). */
  readonly lookup?: PinnedLookup | undefined;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Size of the buffer each connection reads into (reused for every read). */
const READ_BUFFER_BYTES = 64 * 1024;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** The error a socket reports for a handshake it gave up (mirrors `ws`). */
const ABORTED_HANDSHAKE = 'WebSocket was closed before the connection was established';

/**
 * A client WebSocket (RFC 6455, no extension) that reads its socket with Node's `onread`
 * option: one buffer per connection reused for every read and a callback, no stream machinery
 * and no Buffer per read, frames parsed by {@link FrameParser} straight from that buffer.
 *
 * It exposes the part of the `ws` client's surface `connectWebSocket` and
 * `WebSocketConnection` use (`readyState`, `isPaused`, `send`, `ping`, `pause`, `resume`,
 * `close`, `terminate`; events `upgrade`, `open`, `unexpected-response`, `message`, `ping`,
 * `pong`, `error`, `close`) with the same semantics, so either implementation can sit under a
 * connection.
 *
 * The upgrade request and its answer stay with Node's HTTP client (status codes, bodies of
 * refused upgrades, chunked answers, redirects are not followed). Until the upgrade completes
 * every read is handed to it as a `data` event; afterwards the bytes after the answer and
 * every later read go to the frame parser. A socket that ignores `onread` (TLS over a proxy
 * tunnel) feeds the parser from its `data` events instead.
 */
export class NativeWebSocket extends EventEmitter {
  readonly CONNECTING = CONNECTING;
  readonly OPEN = OPEN;
  readonly CLOSING = CLOSING;
  readonly CLOSED = CLOSED;
  /**
   * Receives text messages directly, instead of the `message` event (which still carries
   * binary messages): saves the event dispatch on the per-frame path.
   */
  textHandler: ((text: string) => void) | undefined;

  readonly #key = randomBytes(16).toString('base64');
  readonly #closeTimeoutMs: number;
  readonly #parser: FrameParser;
  #readyState = CONNECTING;
  #request: ClientRequest | undefined;
  #socket: Socket | undefined;
  #upgraded = false;
  #paused = false;
  #closeFrameSent = false;
  #closeFrameReceived = false;
  #failed = false;
  #closeCode = 1006;
  #closeReason = '';
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #closeEmitted = false;

  constructor(url: URL, options: NativeWebSocketOptions) {
    super();
    this.#closeTimeoutMs = options.closeTimeoutMs;
    this.#parser = new FrameParser(this.#sink(), options.maxPayloadBytes);
    const secure = url.protocol === 'wss:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (secure ? 443 : 80));
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const onread: OnReadOpts = {
      buffer: readBuffer,
      callback: (length, buffer) => {
        this.#onRead(length, buffer as Buffer);
        return true;
      },
    };
    const tunnel = options.socket;
    // `onread` works on TLS sockets too (Node 20 and later), although the type does not say so.
    const tlsOptions: ConnectionOptions & { onread: OnReadOpts } = {
      host,
      port,
      servername: isIP(host) === 0 ? host : '',
      ...(options.ca === undefined ? {} : { ca: [...options.ca] }),
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      onread,
    };
    const createConnection = (): Socket => {
      const socket =
        tunnel ??
        (secure
          ? tlsConnect(tlsOptions)
          : netConnect({ host, port, ...(options.lookup === undefined ? {} : { lookup: options.lookup }), onread }));
      this.#socket = socket;
      return socket;
    };
    const request = (secure ? httpsRequest : httpRequest)({
      host,
      port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      // Credentials in the URL become basic auth, as `ws` sends them.
      ...(url.username === '' && url.password === '' ? {} : { auth: `${url.username}:${url.password}` }),
      headers: {
        ...options.headers,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': this.#key,
      },
      createConnection,
    });
    this.#request = request;
    request.on('error', (error) => this.#handshakeFailed(error));
    request.on('response', (response) => {
      if (this.#readyState !== CONNECTING) return;
      if (this.listenerCount('unexpected-response') === 0) {
        this.#abortHandshake(new Error(`Unexpected server response: ${response.statusCode}`));
        return;
      }
      this.emit('unexpected-response', request, response);
    });
    request.on('upgrade', (response: IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(response, socket, head));
    request.end();
  }

  /** 0 connecting, 1 open, 2 closing, 3 closed (the `ws` values). */
  get readyState(): number {
    return this.#readyState;
  }

  /** Whether reading was paused with {@link pause}. */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** Sends a text frame; `callback` runs once it was written, or with the error that stopped it. */
  send(text: string, _options: { binary: false }, callback: (error?: Error | null) => void): void {
    if (this.#readyState !== OPEN || this.#socket === undefined) {
      const error = new Error(`WebSocket is not open: readyState ${this.#readyState}`);
      process.nextTick(callback, error);
      return;
    }
    this.#socket.write(textFrame(text), (error) => callback(error ?? undefined));
  }

  /** Sends an empty ping (no-op unless open). */
  ping(): void {
    if (this.#readyState === CONNECTING) throw new Error('WebSocket is not open: readyState 0 (CONNECTING)');
    if (this.#readyState !== OPEN || this.#socket === undefined) return;
    this.#socket.write(controlFrame(0x9, Buffer.alloc(0)));
  }

  /** Stops reading the socket (soft: the bytes of the current read are still parsed). */
  pause(): void {
    if (this.#readyState === CONNECTING || this.#readyState === CLOSED) return;
    this.#paused = true;
    this.#socket?.pause();
  }

  /** Reads the socket again after {@link pause}. */
  resume(): void {
    if (this.#readyState === CONNECTING || this.#readyState === CLOSED) return;
    this.#paused = false;
    this.#socket?.resume();
  }

  /**
   * Starts the close handshake (a close frame with `code` and `reason`, the socket ended once
   * both close frames crossed, destroyed after `closeTimeoutMs`). While connecting, gives the
   * handshake up.
   *
   * @throws TypeError for a code that may not be sent; RangeError for a reason over 123 bytes.
   */
  close(code?: number, reason = ''): void {
    if (this.#readyState === CLOSED) return;
    if (this.#readyState === CONNECTING) {
      this.#abortHandshake(new Error(ABORTED_HANDSHAKE));
      return;
    }
    const socket = this.#socket as Socket;
    if (this.#readyState === CLOSING) {
      if (this.#closeFrameSent && (this.#closeFrameReceived || this.#failed)) socket.end();
      return;
    }
    const frame = closeFrame(code, reason);
    this.#readyState = CLOSING;
    socket.write(frame, (error) => {
      if (error !== undefined && error !== null) return;
      this.#closeFrameSent = true;
      if (this.#closeFrameReceived || this.#failed) socket.end();
    });
    this.#startCloseTimer();
  }

  /** Destroys the socket at once (or gives the handshake up). */
  terminate(): void {
    if (this.#readyState === CLOSED) return;
    if (this.#readyState === CONNECTING) {
      this.#abortHandshake(new Error(ABORTED_HANDSHAKE));
      return;
    }
    this.#readyState = CLOSING;
    this.#socket?.destroy();
  }

  #sink(): FrameSink {
    return {
      onText: (text) => {
        const handler = this.textHandler;
        if (handler === undefined) this.emit('message', text, false);
        else handler(text);
      },
      onBinary: (data) => this.emit('message', data, true),
      onPing: (data) => {
        if (this.#readyState === OPEN) this.#socket?.write(controlFrame(0xa, data));
        this.emit('ping', data);
      },
      onPong: (data) => this.emit('pong', data),
      onClose: (code, reason) => {
        this.#closeFrameReceived = true;
        this.#closeCode = code;
        this.#closeReason = reason;
        if (this.#paused) this.resume();
        if (code === 1005) this.close();
        else this.close(code, reason);
      },
      onError: (error: FrameError) => {
        this.#failed = true;
        if (this.#paused) this.resume();
        this.close(error.statusCode);
        this.emit('error', error);
      },
    };
  }

  #onRead(length: number, buffer: Buffer): void {
    if (this.#upgraded) {
      this.#parser.push(buffer, length);
      return;
    }
    // Until the upgrade completes, Node's HTTP client parses the answer (it keeps no reference
    // to the chunk past the call except the bytes after the answer, hence the copy).
    this.#socket?.emit('data', Buffer.from(buffer.subarray(0, length)));
  }

  #onUpgrade(response: IncomingMessage, socket: Socket, head: Buffer): void {
    this.emit('upgrade', response);
    if (this.#readyState !== CONNECTING) return;
    this.#request = undefined;
    const invalid = this.#checkAnswer(response);
    if (invalid !== undefined) {
      this.#readyState = CLOSING;
      socket.destroy();
      this.#emitErrorThenClose(new Error(invalid), socket);
      return;
    }
    this.#socket = socket;
    this.#upgraded = true;
    socket.setNoDelay(true);
    socket.on('close', () => this.#onSocketClose());
    socket.on('end', () => {
      this.#readyState = CLOSING;
      socket.end();
    });
    socket.on('error', () => {
      this.#readyState = CLOSING;
      socket.destroy();
    });
    // A socket that ignores `onread` (TLS over a tunnel) delivers 'data' events instead.
    socket.on('data', (chunk: Buffer) => this.#parser.push(chunk));
    this.#readyState = OPEN;
    this.emit('open');
    if (head.length > 0 && this.#readyState === OPEN) this.#parser.push(head);
  }

  /** What is wrong with a 101 answer, as `ws` words it; `undefined` when it is valid. */
  #checkAnswer(response: IncomingMessage): string | undefined {
    const upgrade = response.headers.upgrade;
    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') return 'Invalid Upgrade header';
    const connection = response.headers.connection;
    if (connection === undefined || !connection.split(',').some((token) => token.trim().toLowerCase() === 'upgrade')) return 'Invalid Connection header';
    const expected = createHash('sha1').update(this.#key + GUID).digest('base64');
    if (response.headers['sec-websocket-accept'] !== expected) return 'Invalid Sec-WebSocket-Accept header';
    if (response.headers['sec-websocket-protocol'] !== undefined) return 'Server sent a subprotocol but none was requested';
    if (response.headers['sec-websocket-extensions'] !== undefined) return 'Server sent a Sec-WebSocket-Extensions header but no extension was requested';
    return undefined;
  }

  #handshakeFailed(error: Error): void {
    if (this.#readyState === CLOSED || this.#closeEmitted) return;
    if (this.#readyState === CONNECTING) {
      this.#readyState = CLOSING;
      this.#request?.destroy();
      this.#socket?.destroy();
      this.#emitErrorThenClose(error, this.#socket);
    }
  }

  #abortHandshake(error: Error): void {
    this.#readyState = CLOSING;
    const request = this.#request;
    this.#request = undefined;
    request?.removeAllListeners('error');
    request?.on('error', () => undefined);
    request?.destroy();
    this.#socket?.destroy();
    this.#emitErrorThenClose(error, this.#socket);
  }

  /** Emits `error`, then `close` once the socket (if any) is gone. */
  #emitErrorThenClose(error: Error, socket: Socket | undefined): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
    if (socket === undefined || socket.closed) {
      process.nextTick(() => this.#emitClose());
      return;
    }
    socket.once('close', () => this.#emitClose());
  }

  #onSocketClose(): void {
    this.#readyState = CLOSING;
    this.#emitClose();
  }

  #startCloseTimer(): void {
    if (this.#closeTimer !== undefined) return;
    const socket = this.#socket;
    this.#closeTimer = setTimeout(() => socket?.destroy(), this.#closeTimeoutMs);
  }

  #emitClose(): void {
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
    this.#readyState = CLOSED;
    this.emit('close', this.#closeCode, Buffer.from(this.#closeReason));
  }
}
