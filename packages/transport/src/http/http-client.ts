import type { Dispatcher } from 'undici';
import { combineSignals, throwIfAborted, toAbortError, type CombinedSignal } from '../abort/abort-helpers.js';
import { ClosedError, ErrorCode, ModelwireError } from '@modelwire/errors';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { HttpStatusError, MAX_ERROR_BODY_BYTES } from '../errors/http-status-error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { ProtocolViolationError } from '../errors/protocol-violation-error.js';
import { RedirectRefusedError } from '../errors/redirect-refused-error.js';
import type { NetworkPolicy } from '../network/network-policy.js';
import { flattenHeaders } from '../retry/header-lookup.js';
import { resolvePlaintextTarget, validateHeaders, type HostResolver, type RequestHeaders } from '../security/transport-security.js';
import type { SseEvent } from '../sse/sse-decoder.js';
import { mapUndiciError } from './map-undici-error.js';
import { compressZstd, type RequestCompression } from './request-compression.js';
import { SessionDispatchers } from './session-dispatchers.js';
import type { SseEventListener, SseResponse } from './sse-response.js';
import { StreamRequestHandler, type StreamRequestHead } from './stream-request.js';

/** Options of {@link HttpClient}. Every value holds for the client's whole (session) lifetime. */
export interface HttpClientOptions {
  /**
   * The undici dispatcher to send through (an `Agent`, a `ProxyAgent`, a `MockAgent` …).
   * When given, the client does not own it: `close()` leaves it open. Default: a private
   * `Agent` built from the options below and destroyed by `close()`.
   */
  dispatcher?: Dispatcher;
  /**
   * The session's proxy and TLS policy (shared with its WebSocket): which targets go through
   * which proxy (undici's `ProxyAgent`: `CONNECT` for `https:` targets, forwarding for
   * `http:`), and the CA list for every TLS connection. Ignored when `dispatcher` is given.
   * Default: direct, with Node's default trust store.
   */
  network?: NetworkPolicy;
  /** Maximum connections per origin in the private agent. Default 16. */
  connections?: number;
  /**
   * How long an idle kept-alive connection stays in the pool, in milliseconds. Default
   * 60 000: long enough to survive the pause between an agent's turns, so the next request
   * skips TCP and TLS set-up (undici's own default is 4 s). A shorter `Keep-Alive: timeout`
   * from the server wins.
   */
  keepAliveTimeoutMs?: number;
  /** TCP + TLS connect timeout, in milliseconds. Default 15 000 (as Codex's WebSocket connect timeout). */
  connectTimeoutMs?: number;
  /**
   * Default idle timeout of {@link HttpClient.postStream}: the longest wait for response
   * headers and then for each server-sent event, in milliseconds. SSE comments and blank
   * keep-alive lines do not count as events (a proxy's keep-alives cannot hold a stream open
   * forever). `null` disables it. Default 300 000 (Codex's stream idle timeout).
   */
  idleTimeoutMs?: number | null;
  /**
   * Default total timeout of {@link HttpClient.postJson} (headers and whole body), in
   * milliseconds; `null` disables it. Default 600 000: unary calls such as compaction may
   * compute for minutes before answering.
   */
  requestTimeoutMs?: number | null;
  /** Headers sent with every request (session-scoped values: user agent, auth …). Per-call headers override them by name (case-insensitive). */
  headers?: RequestHeaders;
  /**
   * Allows credentials over plain `http:` to hosts that are not loopback. Default `false`:
   * such a request fails with `InsecureTransportError` before anything is sent. Loopback is a
   * literal loopback address, or a `localhost` / `*.localhost` name every resolved address of
   * which is loopback, on a direct connection (not through a proxy or an injected
   * `dispatcher`); the connection then goes to exactly those addresses.
   */
  allowInsecure?: boolean;
  /** Resolves `localhost` names for the plaintext rule. Default the system resolver (`dns.lookup`). */
  resolveHost?: HostResolver;
}

/** Options of one request. */
export interface PostOptions {
  /** Request headers for this call; merged over the client's headers. Values must not contain CR or LF. */
  headers?: RequestHeaders;
  /**
   * The body. A string or bytes is sent as is; any other value is serialised with
   * `JSON.stringify`. `Content-Type: application/json` is added unless a content type is set.
   */
  body: unknown;
  /** Aborts the request at any point (before headers, or mid-body); the connection is then destroyed. */
  signal?: AbortSignal;
  /** Request body compression. Default `'none'`. */
  compression?: RequestCompression;
  /**
   * Names of headers in this request that carry credentials although their names do not say
   * so (an auth provider's extra headers): the plaintext rule treats them like `authorization`.
   */
  credentialHeaders?: readonly string[];
}

/** Options of {@link HttpClient.postStream}. */
export interface PostStreamOptions extends PostOptions {
  /** Overrides the client's idle timeout for this call (milliseconds; `null` disables). */
  idleTimeoutMs?: number | null;
  /** Largest SSE event accepted (see `SseDecoderOptions.maxEventSize`). Default 16 MiB. */
  maxEventSize?: number;
}

/** Options of {@link HttpClient.postJson}. */
export interface PostJsonOptions extends PostOptions {
  /** Overrides the client's total request timeout for this call (milliseconds; `null` disables). */
  timeoutMs?: number | null;
  /** Largest response body accepted, in bytes. Default 64 MiB. */
  maxResponseBytes?: number;
}

/** A successful (2xx) streaming response. */
export interface HttpStreamResponse extends AsyncDisposable {
  /** The HTTP status (2xx). */
  readonly status: number;
  /** Response headers, lower-case names; repeated headers are joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The server-sent events of the body, in order. Iterate it once. Ends normally when the body
   * ends after a complete event; throws `IdleTimeoutError`, `AbortError`,
   * `PayloadTooLargeError`, `IncompleteEventError` or `ConnectionClosedError` otherwise.
   * Leaving the loop early destroys the body (and its connection). Reads ahead by at most 256
   * events. Use either `events` or {@link HttpStreamResponse.listen}, once.
   */
  readonly events: AsyncIterable<SseEvent>;
  /**
   * Push mode, the alternative to `events` (the leaner one: no promise per event): every event
   * goes to `listener.onEvent` synchronously as it is decoded from the socket's read, then the
   * end to `listener.onEnd` once (`undefined` after a complete body, else the error `events`
   * would throw). Events that arrived before the call are delivered before it returns. The
   * listener applies backpressure with {@link HttpStreamResponse.pause} and `resume`.
   * @throws TypeError when the events are already being consumed.
   */
  listen(listener: SseEventListener): void;
  /** Stops reading the socket (push-mode backpressure); the idle timeout does not run meanwhile. */
  pause(): void;
  /** Undoes {@link HttpStreamResponse.pause}. */
  resume(): void;
  /**
   * Ends consumption without destroying the connection: no more events are delivered (nor the
   * end), and the rest of the body is read and dropped in the background so the connection goes
   * back to the pool, as after a body read to its end. For a consumer that stops at a terminal
   * event the server follows with the end of the body. A body that goes on for more than 256 KiB
   * or 5 s is destroyed instead; `close()` of the client destroys it at once.
   */
  release(): void;
  /** Stops the response and destroys its body (and connection) if it has not ended. Safe to call more than once. */
  cancel(reason?: unknown): void;
}

/** A successful (2xx) unary JSON response. */
export interface HttpJsonResponse {
  /** The HTTP status (2xx). */
  readonly status: number;
  /** Response headers, lower-case names; repeated headers are joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; `undefined` when the body was empty. */
  readonly body: unknown;
}

const DEFAULTS = {
  connections: 16,
  keepAliveTimeoutMs: 60_000,
  connectTimeoutMs: 15_000,
  idleTimeoutMs: 300_000,
  requestTimeoutMs: 600_000,
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

type BodyReadable = Dispatcher.ResponseData['body'];

/**
 * A session-scoped HTTP client: one undici connection pool, reused by every request of the
 * session, so that only the first request pays for TCP and TLS set-up.
 *
 * undici's own `headersTimeout` and `bodyTimeout` are disabled (0) on purpose in the private
 * agent: the client enforces its timeouts itself, per request, so that a stalled stream
 * raises a typed `IdleTimeoutError` and each call can choose its value (300 s for a stream,
 * 10 minutes for a compaction).
 *
 * Redirects are never followed: a 3xx is a `RedirectRefusedError` (`redirect_refused`, not
 * retryable, naming the target host), so a request's credentials never reach the redirect
 * target.
 */
export class HttpClient implements AsyncDisposable {
  readonly #dispatcher: Dispatcher | undefined;
  readonly #dispatchers: SessionDispatchers | undefined;
  readonly #connectTimeoutMs: number;
  readonly #idleTimeoutMs: number | null;
  readonly #requestTimeoutMs: number | null;
  readonly #headers: Record<string, string>;
  readonly #allowInsecure: boolean;
  readonly #resolveHost: HostResolver | undefined;
  #closed = false;
  /** Streaming responses not yet settled (released ones still draining among them). */
  readonly #streams = new Set<SseResponse>();

  constructor(options: HttpClientOptions = {}) {
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this.#idleTimeoutMs = options.idleTimeoutMs === undefined ? DEFAULTS.idleTimeoutMs : options.idleTimeoutMs;
    this.#requestTimeoutMs = options.requestTimeoutMs === undefined ? DEFAULTS.requestTimeoutMs : options.requestTimeoutMs;
    this.#headers = lowerCaseKeys(validateHeaders(options.headers));
    this.#allowInsecure = options.allowInsecure ?? false;
    this.#resolveHost = options.resolveHost;
    if (options.dispatcher !== undefined) {
      this.#dispatcher = options.dispatcher;
      this.#dispatchers = undefined;
    } else {
      this.#dispatcher = undefined;
      this.#dispatchers = new SessionDispatchers(options.network, {
        connections: options.connections ?? DEFAULTS.connections,
        keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
        connectTimeoutMs: this.#connectTimeoutMs,
      });
    }
  }

  /** True once {@link HttpClient.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a POST and returns once the response headers arrived, with the body as server-sent
   * events. A 4xx or 5xx status throws `HttpStatusError` (with up to 64 KiB of the body), a
   * 3xx `RedirectRefusedError`, and a 2xx whose `content-type` is not `text/event-stream` a
   * `ProtocolViolationError` (`violation: 'content_type'`, naming the type), before any event
   * is read. A response that cannot be parsed after the request was written is a
   * `ProtocolViolationError` (`violation: 'http_parser'`), never a connect failure.
   *
   * @throws HttpStatusError, RedirectRefusedError, ProtocolViolationError, ConnectError
   *   (nothing was sent; the message names scheme, host, path and transport),
   *   ConnectTimeoutError, ConnectionClosedError, IdleTimeoutError (no headers in time),
   *   AbortError, InsecureTransportError, InvalidHeaderError, ClosedError.
   */
  async postStream(url: string | URL, options: PostStreamOptions): Promise<HttpStreamResponse> {
    const idleTimeoutMs = options.idleTimeoutMs === undefined ? this.#idleTimeoutMs : options.idleTimeoutMs;
    const headers = { accept: 'text/event-stream', ...this.#headersFor(options.headers) };
    const { target, dispatcher, proxy, payload } = await this.#prepare(url, options, headers);
    const context = { connectTimeoutMs: this.#connectTimeoutMs, idleTimeoutMs, proxy, target };
    const { signal } = options;
    // A raw dispatch handler, not `dispatcher.request`: the body's bytes go from the socket's read
    // straight into the SSE decoder, with no Readable, async iterator or promise per read.
    const handler = new StreamRequestHandler({
      idleTimeoutMs,
      errorBodyTimeoutMs: idleTimeoutMs ?? 30_000,
      ...(options.maxEventSize === undefined ? {} : { maxEventSize: options.maxEventSize }),
      mapError: (error) => mapUndiciError(error, context),
      onSettled: (settled) => {
        signal?.removeEventListener('abort', onAbort);
        this.#streams.delete(settled);
      },
    });
    const onAbort = (): void => handler.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const headersTimer = idleTimeoutMs === null ? undefined : setTimeout(() => handler.abort(new IdleTimeoutError(idleTimeoutMs, { phase: 'headers' })), idleTimeoutMs);
    let head: StreamRequestHead;
    try {
      dispatcher.dispatch({ origin: target.origin, path: `${target.pathname}${target.search}`, method: 'POST', headers, body: payload }, handler);
      head = await handler.head;
    } catch (error) {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) throw toAbortError(signal.reason);
      throw mapUndiciError(error, context);
    } finally {
      clearTimeout(headersTimer);
    }
    if (head.kind !== 'stream') {
      signal?.removeEventListener('abort', onAbort);
      throwIfAborted(signal);
      throw statusError(target, head);
    }
    const { stream } = head;
    if (!stream.settled) this.#streams.add(stream);
    return new StreamResponse(head.status, head.headers, stream);
  }

  /**
   * Sends a POST and reads the whole JSON response (for unary calls). A non-2xx status
   * throws `HttpStatusError`.
   *
   * @throws as {@link HttpClient.postStream}, plus `IdleTimeoutError` when the total timeout
   *   passes, `PayloadTooLargeError` for a body above `maxResponseBytes`, and a
   *   `decode_failed` `ModelwireError` for a body that is not JSON.
   */
  async postJson(url: string | URL, options: PostJsonOptions): Promise<HttpJsonResponse> {
    const timeoutMs = options.timeoutMs === undefined ? this.#requestTimeoutMs : options.timeoutMs;
    const headers = { accept: 'application/json', ...this.#headersFor(options.headers) };
    const combined = signalWithDeadline(options.signal, timeoutMs, (ms) => new IdleTimeoutError(ms));
    try {
      const { status, responseHeaders, body } = await this.#send(url, { ...options, signal: combined.signal }, headers, null);
      const text = await readBody(body, options.maxResponseBytes ?? DEFAULTS.maxResponseBytes, combined.signal, false);
      // Let undici return the connection to the pool before the caller can send the next request.
      await new Promise((resolve) => setImmediate(resolve));
      let parsed: unknown;
      if (text.trim() !== '') {
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          throw new ModelwireError(ErrorCode.DecodeFailed, `response body of ${describeUrl(url)} is not valid JSON`, { cause: error });
        }
      }
      return { status, headers: responseHeaders, body: parsed };
    } catch (error) {
      throw mapUndiciError(error, { connectTimeoutMs: this.#connectTimeoutMs, idleTimeoutMs: timeoutMs });
    } finally {
      combined.dispose();
    }
  }

  /**
   * Closes the client: new requests fail with `ClosedError`; the private agent is destroyed,
   * which aborts requests still in flight and closes every pooled connection. An injected
   * dispatcher is left open. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A released body still draining belongs to nobody any more: it must not outlive the client (an injected dispatcher stays open).
    for (const stream of this.#streams) if (stream.draining) stream.cancel();
    await this.#dispatchers?.destroy();
  }

  /** Same as {@link HttpClient.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #headersFor(callHeaders: RequestHeaders | undefined): Record<string, string> {
    return { ...this.#headers, ...lowerCaseKeys(validateHeaders(callHeaders)) };
  }

  /** Checks and resolves the target, picks the dispatcher, and encodes (and compresses) the body. */
  async #prepare(url: string | URL, options: PostOptions, headers: Record<string, string>): Promise<{ target: URL; dispatcher: Dispatcher; proxy: string | null; payload: Uint8Array }> {
    if (this.#closed) throw new ClosedError('the HTTP client');
    throwIfAborted(options.signal);
    const target = typeof url === 'string' ? new URL(url) : url;
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new ModelwireError(ErrorCode.InvalidArgument, `unsupported URL scheme ${target.protocol}`);
    }
    const route = this.#dispatchers?.route(target);
    // A `localhost` name counts as loopback only on a direct connection pinned to its checked addresses.
    const pinned = await resolvePlaintextTarget(target, headers, {
      allowInsecure: this.#allowInsecure,
      credentialHeaders: options.credentialHeaders,
      canPin: route !== undefined && route.proxy === null,
      resolveHost: this.#resolveHost,
    });
    if (pinned !== undefined) this.#dispatchers?.pin(target.hostname, pinned);
    throwIfAborted(options.signal);
    let payload = encodeBody(options.body, headers);
    if (options.compression === 'zstd') {
      payload = await compressZstd(payload);
      headers['content-encoding'] = 'zstd';
    }
    const dispatcher = route?.dispatcher ?? this.#dispatcher;
    if (dispatcher === undefined) throw new ClosedError('the HTTP client');
    const proxy = route?.proxy?.address ?? null;
    return { target, dispatcher, proxy, payload };
  }

  /** Sends the request and waits for headers; non-2xx becomes `HttpStatusError`. */
  async #send(
    url: string | URL,
    options: PostOptions,
    headers: Record<string, string>,
    headersTimeoutMs: number | null,
  ): Promise<{ status: number; responseHeaders: Record<string, string>; body: BodyReadable }> {
    const { target, dispatcher, proxy, payload } = await this.#prepare(url, options, headers);
    const combined = signalWithDeadline(options.signal, headersTimeoutMs, (ms) => new IdleTimeoutError(ms, { phase: 'headers' }));
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
        body: payload,
        signal: combined.signal,
      });
    } catch (error) {
      if (combined.signal.aborted) throw toAbortError(combined.signal.reason);
      throw mapUndiciError(error, { connectTimeoutMs: this.#connectTimeoutMs, idleTimeoutMs: headersTimeoutMs, proxy, target });
    } finally {
      combined.dispose();
    }
    const responseHeaders = flattenHeaders(response.headers);
    if (response.statusCode >= 300 && response.statusCode <= 399) {
      discard(response.body);
      throw statusError(target, { status: response.statusCode, headers: responseHeaders, body: '' });
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      // One byte beyond the cap lets HttpStatusError see (and flag) the truncation. A stalled
      // error body gets the headers timeout (or 30 s) before the status is reported without it.
      const bodyTimeoutMs = headersTimeoutMs ?? 30_000;
      const bodySignal = signalWithDeadline(options.signal, bodyTimeoutMs, (ms) => new IdleTimeoutError(ms));
      const body = await readBody(response.body, MAX_ERROR_BODY_BYTES + 1, bodySignal.signal, true)
        .catch(() => '')
        .finally(() => bodySignal.dispose());
      throwIfAborted(options.signal);
      throw statusError(target, { status: response.statusCode, headers: responseHeaders, body });
    }
    return { status: response.statusCode, responseHeaders, body: response.body };
  }
}

/** `signal` combined with a deadline that aborts with `timeoutError(ms)` after `ms` (never when `null`); `dispose` clears both. */
function signalWithDeadline(signal: AbortSignal | undefined, ms: number | null, timeoutError: (ms: number) => Error): CombinedSignal {
  const deadline = new AbortController();
  const timer = ms === null ? undefined : setTimeout(() => deadline.abort(timeoutError(ms)), ms);
  const combined = combineSignals(signal, deadline.signal);
  const dispose = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    combined.dispose();
  };
  return { signal: combined.signal, dispose, [Symbol.dispose]: dispose };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

function encodeBody(body: unknown, headers: Record<string, string>): Uint8Array {
  headers['content-type'] ??= 'application/json';
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  return Buffer.from(JSON.stringify(body) ?? 'null', 'utf8');
}

/** Destroys a body nobody will read (and its connection), without an unhandled `error` event. */
function discard(body: BodyReadable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * The error for a response that is not a usable answer: a 3xx is a `RedirectRefusedError` (never
 * followed: the credentials stay here; never retried: the same request would be redirected
 * again), another non-2xx an `HttpStatusError` with its body, and a 2xx (a stream request
 * answered with another content type: an HTML error page, a captive portal) a non-retryable
 * `ProtocolViolationError` naming the type.
 */
function statusError(target: URL, response: { readonly status: number; readonly headers: Record<string, string>; readonly body?: string }): ModelwireError {
  const { status, headers } = response;
  if (status >= 300 && status <= 399) return new RedirectRefusedError({ status, headers, requestUrl: target, context: `POST ${describeUrl(target)}` });
  if (status < 200 || status > 299) return new HttpStatusError({ status, headers, body: response.body ?? '', context: `POST ${describeUrl(target)}` });
  const contentType = headers['content-type'];
  return new ProtocolViolationError(`POST ${describeUrl(target)} answered HTTP ${status} with content type ${contentType === undefined ? '(none)' : JSON.stringify(contentType.slice(0, 100))}, not text/event-stream`, {
    violation: 'content_type',
  });
}

/** The {@link HttpStreamResponse} of {@link HttpClient.postStream}: its head, and the {@link SseResponse} of its body. */
class StreamResponse implements HttpStreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly #stream: SseResponse;

  constructor(status: number, headers: Readonly<Record<string, string>>, stream: SseResponse) {
    this.status = status;
    this.headers = headers;
    this.#stream = stream;
  }

  get events(): AsyncIterable<SseEvent> {
    return this.#stream.events;
  }

  listen(listener: SseEventListener): void {
    this.#stream.listen(listener);
  }

  pause(): void {
    this.#stream.pause();
  }

  resume(): void {
    this.#stream.resume();
  }

  release(): void {
    this.#stream.release();
  }

  cancel(): void {
    this.#stream.cancel();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#stream.cancel();
  }
}

/** Origin and path only: a query string may carry a secret. */
function describeUrl(url: string | URL): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Reads a body as UTF-8 text. Above `maxBytes`, either truncates (error bodies: keep the
 * head, destroy the rest) or throws `PayloadTooLargeError`.
 */
async function readBody(body: BodyReadable, maxBytes: number, signal: AbortSignal | undefined, truncate: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const onAbort = (): void => {
    body.destroy(toAbortError(signal?.reason));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        if (!truncate) throw new PayloadTooLargeError('body', maxBytes);
        chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
        body.destroy();
        break;
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (signal?.aborted) throw toAbortError(signal.reason);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks).toString('utf8');
}
