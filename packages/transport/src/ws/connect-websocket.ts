import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket, { type ClientOptions } from 'ws';
import { toAbortError } from '../abort/abort-helpers.js';
import { ConnectError, ConnectTimeoutError } from '../errors/connection-errors.js';
import { ErrorCode, ModelwireError } from '@modelwire/errors';
import { HttpStatusError, MAX_ERROR_BODY_BYTES } from '../errors/http-status-error.js';
import { ProtocolViolationError } from '../errors/protocol-violation-error.js';
import { RedirectRefusedError } from '../errors/redirect-refused-error.js';
import type { NetworkPolicy } from '../network/network-policy.js';
import { openTunnel } from '../network/open-tunnel.js';
import { flattenHeaders } from '../retry/header-lookup.js';
import { pinnedLookup, resolvePlaintextTarget, validateHeaders, type HostResolver, type PinnedLookup, type RequestHeaders } from '../security/transport-security.js';
import { systemClock, type Clock } from '../time/clock.js';
import { NativeWebSocket } from './native-websocket.js';
import { WebSocketConnection, type ConnectionSocket } from './websocket-connection.js';

/** Creates the `ws` client socket; inject one to wrap, instrument or fake the socket. */
export type WebSocketFactory = (url: string, options: ClientOptions) => WebSocket;

/**
 * Which client reads and writes the frames: `'native'`, the transport's own reader (Node's HTTP
 * client for the upgrade, then frames parsed straight from the socket's reads through the
 * `onread` option: no stream machinery, no Buffer per read), or `'ws'`, the `ws` package's
 * client. Both apply the same checks and fail with the same typed errors.
 */
export type WebSocketImplementation = 'native' | 'ws';

/** Options of {@link connectWebSocket}. */
export interface ConnectWebSocketOptions {
  /** Handshake headers (session-scoped values: auth, beta flags, ids, user agent). Values must not contain CR or LF. */
  headers?: RequestHeaders;
  /** Aborts the connection attempt (`AbortError`). Only the attempt: an open connection is ended with `close()`. */
  signal?: AbortSignal;
  /** Limit for TCP, TLS and the upgrade handshake together, in milliseconds. Default 15 000 (as Codex). */
  connectTimeoutMs?: number;
  /** Largest frame accepted, in bytes; a larger one fails the connection with `PayloadTooLargeError` (close 1009). Default 16 MiB. */
  maxPayloadBytes?: number;
  /**
   * Interval between keep-alive pings while the connection is open, in milliseconds; `null`
   * disables pings. Default 30 000.
   */
  pingIntervalMs?: number | null;
  /**
   * How long to wait for the pong of a ping, in milliseconds; `null` sends pings without
   * checking. A missed pong terminates the socket with `PongTimeoutError`. Default 10 000.
   */
  pongTimeoutMs?: number | null;
  /** Received frames buffered before the socket is paused (backpressure). Default 256. */
  maxBufferedFrames?: number;
  /** How long `close()` waits for the peer's close frame before terminating, in milliseconds. Default 5 000. */
  closeTimeoutMs?: number;
  /**
   * Negotiate permessage-deflate. Default `false`, chosen from measurements (tools/bench,
   * `client-e2e`): on Responses streams it saves about nine tenths of the bytes but costs the
   * client many times the CPU per event and adds latency per response (each small frame is
   * inflated on the thread pool). Turn it on for a slow, metered link where bytes matter more.
   */
  perMessageDeflate?: boolean;
  /**
   * Allows credentials over plain `ws:` to hosts that are not loopback. Default `false`
   * (`InsecureTransportError`). Loopback is a literal loopback address, or a `localhost` /
   * `*.localhost` name every resolved address of which is loopback, reached directly (not
   * through a proxy); the socket then connects to exactly those addresses.
   */
  allowInsecure?: boolean;
  /**
   * Names of handshake headers that carry credentials although their names do not say so (an
   * auth provider's extra headers): the plaintext rule treats them like `authorization`.
   */
  credentialHeaders?: readonly string[];
  /** Resolves `localhost` names for the plaintext rule. Default the system resolver (`dns.lookup`). */
  resolveHost?: HostResolver;
  /**
   * The session's proxy and TLS policy (shared with its `HttpClient`). When it names a proxy
   * for this URL, the socket goes through an HTTP `CONNECT` tunnel (TLS to the proxy for an
   * `https://` proxy, then TLS to the target for `wss:`), within the same connect timeout and
   * abort as a direct connection; its CA list applies to every TLS hop. Default: direct, with
   * Node's default trust store.
   */
  network?: NetworkPolicy;
  /** Clock for `openedAt`. Default the system clock. */
  clock?: Clock;
  /**
   * Creates the `ws` socket (to wrap, instrument or fake it). Giving one selects the `ws`
   * implementation. Default `new WebSocket(url, options)` from `ws`.
   */
  createWebSocket?: WebSocketFactory;
  /**
   * The WebSocket client underneath (see {@link WebSocketImplementation}). Default `'native'`,
   * except with `perMessageDeflate` or `createWebSocket`, which only `'ws'` supports (asking for
   * `'native'` with either is an `InvalidArgument` error). `'ws'` is the way back to the `ws`
   * package should the native reader ever misbehave against a server.
   */
  implementation?: WebSocketImplementation;
}

const DEFAULTS = {
  connectTimeoutMs: 15_000,
  maxPayloadBytes: 16 * 1024 * 1024,
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  maxBufferedFrames: 256,
  closeTimeoutMs: 5_000,
} as const;

/** Longest wait for the 'close' of a socket whose connection attempt failed, in milliseconds. */
const CLOSE_REPORT_GUARD_MS = 1_000;

const CONNECT_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EADDRNOTAVAIL']);

/**
 * Opens a WebSocket (`ws:` or `wss:`) and resolves once the upgrade succeeded.
 *
 * A refused upgrade (a 4xx or 5xx instead of 101: 401, 404, 426, 429, 5xx …) rejects with
 * `HttpStatusError` carrying that status, the response headers and up to 64 KiB of the body,
 * so callers can tell "unauthorized" from "no WebSocket here, use HTTP" (426, 404) from "rate
 * limited". Redirects are never followed: a 3xx rejects with `RedirectRefusedError`. A 101
 * whose answer fails validation (`Sec-WebSocket-Accept`, `Upgrade`, extensions, subprotocol)
 * rejects with `ProtocolViolationError` (`violation: 'upgrade'`). A failed connect names
 * scheme, host and path (never the query) and the transport.
 *
 * @throws HttpStatusError, RedirectRefusedError, ProtocolViolationError, ConnectError,
 *   ConnectTimeoutError, AbortError, InsecureTransportError, InvalidHeaderError.
 */
export async function connectWebSocket(url: string | URL, options: ConnectWebSocketOptions = {}): Promise<WebSocketConnection> {
  const target = typeof url === 'string' ? new URL(url) : url;
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    throw new ModelwireError(ErrorCode.InvalidArgument, `a WebSocket URL must be ws: or wss:, not ${target.protocol}`);
  }
  const headers = validateHeaders(options.headers);
  const signal = options.signal;
  const proxy = options.network?.proxyFor(target) ?? null;
  // A `localhost` name counts as loopback only on a direct connection pinned to its checked addresses.
  const pinned = await resolvePlaintextTarget(target, headers, {
    allowInsecure: options.allowInsecure ?? false,
    credentialHeaders: options.credentialHeaders,
    canPin: proxy === null,
    resolveHost: options.resolveHost,
  });
  if (signal?.aborted) throw toAbortError(signal.reason);

  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  // Scheme, host and path for messages: a query may carry a secret, and `origin` never holds credentials.
  const described = `${target.origin}${target.pathname}`;
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes;
  const clock = options.clock ?? systemClock;
  const perMessageDeflate = options.perMessageDeflate ?? false;
  const implementation = chooseImplementation(options, perMessageDeflate);
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs;
  const create: WebSocketFactory = options.createWebSocket ?? ((address, clientOptions) => new WebSocket(address, clientOptions));
  // One deadline for every step: the proxy tunnel (when there is one), TLS and the upgrade.
  const attempt = new AbortController();
  const via = proxy === null ? '' : ` through proxy ${proxy.address}`;
  const timer = setTimeout(() => attempt.abort(new ConnectTimeoutError(connectTimeoutMs, { target: `${described} over WebSocket${via}` })), connectTimeoutMs);
  const onCallerAbort = (): void => attempt.abort(toAbortError(signal?.reason));
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  const stopDeadline = (): void => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  };
  const ca = options.network?.ca;
  let tunnel: Socket | undefined;
  if (proxy !== null) {
    try {
      tunnel = await openTunnel({
        proxy,
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: Number(target.port || (target.protocol === 'wss:' ? 443 : 80)),
        signal: attempt.signal,
        tls: target.protocol === 'wss:',
        ca,
      });
    } catch (error) {
      stopDeadline();
      throw error;
    }
  }
  const established = tunnel;
  const lookup = pinned === undefined ? undefined : pinnedLookup(() => pinned);
  let socket: ConnectionSocket;
  if (implementation === 'native') {
    socket = new NativeWebSocket(target, { headers, maxPayloadBytes, closeTimeoutMs, ca, socket: established, lookup });
  } else {
    const clientOptions: ClientOptions & { lookup?: PinnedLookup } = {
      headers,
      maxPayload: maxPayloadBytes,
      followRedirects: false,
      perMessageDeflate,
      autoPong: true,
      ...(ca === undefined ? {} : { ca: [...ca] }),
      ...(established === undefined ? {} : { createConnection: () => established }),
      // `ws` hands `lookup` to `net.connect`: the socket goes to the addresses the plaintext rule checked.
      ...(lookup === undefined ? {} : { lookup }),
    };
    socket = create(target.href, clientOptions);
  }

  return new Promise<WebSocketConnection>((resolve, reject) => {
    let settled = false;
    let upgrade: IncomingMessage | undefined;
    const cleanup = (): void => {
      stopDeadline();
      attempt.signal.removeEventListener('abort', onDeadline);
      socket.off('upgrade', onUpgrade);
      socket.off('open', onOpen);
      socket.off('unexpected-response', onUnexpectedResponse);
      socket.off('error', onError);
    };
    const fail = (error: ModelwireError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      // Keep a listener so the 'error' that terminate() emits while connecting is not unhandled.
      socket.on('error', () => undefined);
      if (socket.readyState === CLOSED) {
        reject(error);
        return;
      }
      // Reject only once the socket is gone, so that nothing of a failed or aborted attempt
      // outlives it (a caller closing everything can rely on that). `ws` always emits 'close'
      // after terminate(); the timer only guards against a socket that never reports it.
      const guard = setTimeout(() => reject(error), CLOSE_REPORT_GUARD_MS);
      guard.unref();
      socket.once('close', () => {
        clearTimeout(guard);
        reject(error);
      });
      socket.terminate();
    };
    const onDeadline = (): void => fail(attempt.signal.reason as ModelwireError);
    const onUpgrade = (response: IncomingMessage): void => {
      upgrade = response;
    };
    const onOpen = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(
        new WebSocketConnection(socket, upgrade, clock.now(), {
          url: target.href,
          maxPayloadBytes,
          pingIntervalMs: options.pingIntervalMs === undefined ? DEFAULTS.pingIntervalMs : options.pingIntervalMs,
          pongTimeoutMs: options.pongTimeoutMs === undefined ? DEFAULTS.pongTimeoutMs : options.pongTimeoutMs,
          maxBufferedFrames: options.maxBufferedFrames ?? DEFAULTS.maxBufferedFrames,
          closeTimeoutMs,
        }),
      );
    };
    const onUnexpectedResponse = (_request: unknown, response: IncomingMessage): void => {
      const status = response.statusCode ?? 0;
      const context = `WebSocket upgrade ${described}`;
      if (status >= 300 && status <= 399) {
        response.destroy();
        fail(new RedirectRefusedError({ status, headers: flattenHeaders(response.headers), requestUrl: target, context }));
        return;
      }
      void readCapped(response).then((body) => {
        fail(new HttpStatusError({ status, headers: flattenHeaders(response.headers), body: body.text, bodyTruncated: body.truncated, context }));
        response.destroy();
      });
    };
    const onError = (error: Error): void => {
      if (upgrade !== undefined) {
        // The server said 101, and the socket refused its answer (a wrong `Sec-WebSocket-Accept`, an
        // `Upgrade` header that is not `websocket`, an extension or subprotocol nobody asked for).
        fail(new ProtocolViolationError(`the WebSocket upgrade answer of ${described}${via} is not valid: ${error.message}`, { cause: error, violation: 'upgrade' }));
        return;
      }
      const code = (error as { code?: unknown }).code;
      const known = typeof code === 'string' && CONNECT_ERROR_CODES.has(code);
      fail(new ConnectError(`could not connect to ${described} over WebSocket${via}${known ? ` (${code})` : ''}`, { cause: error }));
    };
    if (attempt.signal.aborted) {
      onDeadline();
      return;
    }
    attempt.signal.addEventListener('abort', onDeadline, { once: true });
    socket.on('upgrade', onUpgrade);
    socket.on('open', onOpen);
    socket.on('unexpected-response', onUnexpectedResponse);
    socket.on('error', onError);
  });
}

/** `readyState` of a closed socket (the same in both implementations). */
const CLOSED = 3;

function chooseImplementation(options: ConnectWebSocketOptions, perMessageDeflate: boolean): WebSocketImplementation {
  const needsWs = perMessageDeflate ? 'perMessageDeflate' : options.createWebSocket !== undefined ? 'createWebSocket' : undefined;
  if (options.implementation === 'native' && needsWs !== undefined) {
    throw new ModelwireError(ErrorCode.InvalidArgument, `the native WebSocket implementation does not support ${needsWs}: use implementation 'ws'`);
  }
  if (options.implementation !== undefined && options.implementation !== 'native' && options.implementation !== 'ws') {
    throw new ModelwireError(ErrorCode.InvalidArgument, `implementation must be 'native' or 'ws', not ${String(options.implementation)}`);
  }
  return options.implementation ?? (needsWs === undefined ? 'native' : 'ws');
}

/** Reads a refused upgrade's body, keeping at most 64 KiB (plus one byte to detect truncation). */
function readCapped(response: IncomingMessage): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean): void => {
      response.removeAllListeners('data');
      resolve({ text: Buffer.concat(chunks).toString('utf8'), truncated });
    };
    response.on('data', (chunk: Buffer) => {
      const room = MAX_ERROR_BODY_BYTES - size;
      size += chunk.length;
      chunks.push(room >= chunk.length ? chunk : chunk.subarray(0, Math.max(0, room)));
      if (size > MAX_ERROR_BODY_BYTES) finish(true);
    });
    response.once('end', () => finish(false));
    response.once('error', () => finish(false));
    response.once('close', () => finish(false));
  });
}
