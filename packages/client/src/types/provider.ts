import { InvalidArgumentError } from '@modelwire/errors';
import type { CertificateInput } from '@modelwire/transport';
import { ProviderArgumentSchema, validateArgument } from '../validation/validate-arguments.js';

/**
 * A model provider that speaks the OpenAI Responses API: where it lives, what it supports and
 * how patient the client is with it.
 *
 * A provider is a **session-scoped** value: `ModelClient` reads it once at construction and
 * never again, so every turn of the session sees the same budgets and endpoints.
 */
export interface Provider {
  /** Human-readable name used in telemetry and error messages (never a secret). Default `"openai"`. */
  readonly name?: string;
  /**
   * Base URL of the Responses API, without a trailing `/responses`, e.g.
   * `https://api.openai.com/v1`. The WebSocket endpoint is derived from it (`https` → `wss`,
   * `http` → `ws`). The scheme is case-insensitive (`HTTPS://` works for both transports).
   * Plain `http`/`ws` is accepted for loopback hosts only.
   */
  readonly baseUrl: string;
  /**
   * Whether the provider accepts Responses WebSocket mode on `{baseUrl}/responses`. When
   * `false`, the session uses HTTP/SSE from the start. Default `false`.
   */
  readonly supportsWebSockets?: boolean;
  /**
   * Whether a WebSocket request may continue the socket's previous response
   * (`previous_response_id` plus only the new items). When `false`, every request carries the
   * whole input, and `prewarm` does nothing (a warm-up only serves continuation). HTTP never
   * continues (the client always sends `store: false`). Default `true`.
   */
  readonly supportsContinuation?: boolean;
  /**
   * Whether the provider's WebSocket mode runs several responses at once on one socket on
   * named lanes (`stream_id`, each event echoing it). When `false`, each socket carries one
   * response at a time on the default lane and concurrent turns get sockets of their own (a
   * turn's `lane` is then not sent). Default `true`; the `openai` preset sets it, the other
   * presets do not (their servers do not document lanes).
   */
  readonly supportsLanes?: boolean;
  /**
   * Whether `instructions` may travel together with `previous_response_id`. When `false`,
   * incremental requests leave `instructions` out (the provider keeps them from the response
   * being continued); full requests always carry them. Default `true`.
   */
  readonly instructionsWithPreviousResponse?: boolean;
  /**
   * Whether the provider compacts a conversation through an ordinary streamed Responses request
   * whose input ends with `{"type":"compaction_trigger"}` (compaction v2: the output holds one
   * `compaction` item; HTTP or the WebSocket, like any request of the turn). When `false`,
   * compaction uses the legacy unary endpoint `POST {baseUrl}/responses/compact`. Read by
   * callers that pick a compaction path (core-session's `session.compact()` and automatic
   * compaction); `ModelClientSession.compact` and `ModelClient.compactConversationHistory`
   * always use their own path. Default `false`; the `openai`, `azure-openai` and
   * `chatgpt-codex` presets set it to `true`.
   */
  readonly supportsCompactionTrigger?: boolean;
  /**
   * How the credential from the `AuthProvider` is sent: `'bearer'` as `Authorization: Bearer
   * <token>`, `'api-key'` as `api-key: <token>` (Azure OpenAI key authentication). Default
   * `'bearer'`.
   */
  readonly authHeader?: 'bearer' | 'api-key';
  /**
   * The proxy for HTTP and the WebSocket alike: `http://[user:password@]host:port` or
   * `https://…`. `false` connects directly whatever the environment says. Default: the
   * environment's `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (lower-case too). Credentials
   * never appear in errors, logs or telemetry.
   */
  readonly proxy?: string | false;
  /** Hosts reached without the proxy, in `NO_PROXY` syntax. Default: the environment's `NO_PROXY`. */
  readonly noProxy?: string;
  /**
   * Extra trusted CA certificates (PEM) for both transports, added to Node's default store
   * (`NODE_EXTRA_CA_CERTS` keeps working). Default none.
   */
  readonly ca?: CertificateInput;
  /**
   * Retries of a request whose response has not started yet (no event arrived): transport
   * failures, 408/409/429/5xx. An auth refresh after a 401, a new socket for a stale kept-alive
   * one and the socket age limit do not count. Default `4`. `0` disables retries.
   *
   * A request has **one** attempt counter for its whole life: the failures before and after
   * its response started add up, so the two limits never multiply. A failure before the
   * response started is retried while the count stays within `requestMaxRetries`; one after it
   * while it stays within `streamMaxRetries`. When the WebSocket path runs out, the session
   * moves to HTTP, where the count starts again (once per session); the deadline does not.
   */
  readonly requestMaxRetries?: number;
  /**
   * Retries of a request whose response had started and then broke (cut, idle, a retryable
   * `response.failed` or `error` event). Same counter as {@link requestMaxRetries}. The client
   * itself never replays a stream that produced output; the turn loop of
   * `@modelwire/core-session` does. Default `5`.
   */
  readonly streamMaxRetries?: number;
  /**
   * The longest a request may go without its response starting, in milliseconds: connecting,
   * waiting for the first event, and every retry and backoff in between, whatever the
   * transport (a fallback to HTTP keeps the clock running). When it passes, a running attempt
   * is stopped and the request fails with `DeadlineExceededError` (`deadline_exceeded`); a
   * backoff that would end past it is not waited: the request fails at once with its last
   * error (so a refused connection fails with `connect_failed` well within it). The clock
   * stops while a response streams (a long answer is never cut by it) and starts again, from
   * zero, when a started response breaks. `Infinity` disables it. Default `120_000` (2 minutes).
   */
  readonly requestDeadlineMs?: number;
  /**
   * Longest time without progress tolerated on an open response stream, in milliseconds:
   * progress is a Responses event of a known type (deltas, items, lifecycle and hosted-tool
   * events, and the `keepalive` events the API sends while a model works without output).
   * SSE comments, blank keep-alive lines, events of types nobody knows and WebSocket pings do
   * not count: they prove only that the connection is alive, which the transport checks on its
   * own (ping/pong). Past it the stream fails with a retryable `idle_timeout` error. Default
   * `300_000` (5 minutes).
   */
  readonly streamIdleTimeoutMs?: number;
  /**
   * The connect budget of the WebSocket: time allowed to open it (TCP, proxy tunnel, TLS and
   * upgrade), in milliseconds. Before the session's first WebSocket connected, running out of
   * it moves the session to HTTP at once (`websocket_connect_timeout`), so a network that
   * black-holes WebSockets costs one budget, not one per retry; the process then remembers the
   * outcome for the network path (see `ModelClientOptions.webSocketOutcomes`). Later, a
   * timeout counts as one failed attempt and the next handshake is tried. Default `5_000`.
   */
  readonly websocketConnectTimeoutMs?: number;
  /**
   * Time allowed to open an HTTP connection, in milliseconds. Default `15_000`.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Extra headers sent on every HTTP request and every WebSocket handshake (for example an
   * organisation or project id). They are session-scoped by definition. Credentials belong in
   * {@link AuthProvider}, not here.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Send credentials over plain `http:`/`ws:` to a host that is not loopback. Default `false`:
   * such a request is refused with an `insecure_transport` error before anything is sent.
   * Credentials are the token and every header of `auth.getHeaders()`, whatever its name.
   * Loopback is a literal loopback address, or a `localhost` / `*.localhost` name whose every
   * resolved address is loopback on a direct connection (not through a proxy), which then
   * connects to exactly those addresses. Set it only for a trusted network you control.
   */
  readonly allowInsecure?: boolean;
}

/** A {@link Provider} with every default filled in; what the client actually uses. */
export interface ResolvedProvider {
  readonly name: string;
  readonly baseUrl: string;
  readonly supportsWebSockets: boolean;
  readonly supportsContinuation: boolean;
  /** See {@link Provider.supportsLanes}. */
  readonly supportsLanes: boolean;
  readonly instructionsWithPreviousResponse: boolean;
  /** See {@link Provider.supportsCompactionTrigger}. */
  readonly supportsCompactionTrigger: boolean;
  readonly authHeader: 'bearer' | 'api-key';
  readonly proxy: string | false | undefined;
  readonly noProxy: string | undefined;
  readonly ca: CertificateInput | undefined;
  readonly requestMaxRetries: number;
  readonly streamMaxRetries: number;
  readonly streamIdleTimeoutMs: number;
  readonly websocketConnectTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** See {@link Provider.requestDeadlineMs}; `Infinity` when disabled. */
  readonly requestDeadlineMs: number;
  readonly headers: Readonly<Record<string, string>>;
  /** See {@link Provider.allowInsecure}. */
  readonly allowInsecure: boolean;
}

/** Default request-phase retries (PROTOCOL §4, Codex). */
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
/** Default stream retry budget on the WebSocket path (PROTOCOL §4, Codex). */
export const DEFAULT_STREAM_MAX_RETRIES = 5;
/** Default stream idle timeout in milliseconds (PROTOCOL §4, Codex). */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/**
 * Default WebSocket connect budget in milliseconds: 5 seconds (a handshake to the API takes well
 * under one; a black-holed path should cost seconds, not the 15 s of an HTTP connect).
 */
export const DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS = 5_000;
/** Default HTTP connect timeout in milliseconds (PROTOCOL §4, Codex). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** Default deadline of a request without its response starting, in milliseconds: 2 minutes. */
export const DEFAULT_REQUEST_DEADLINE_MS = 120_000;

function nonNegativeInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError({ path: `provider.${field}`, message: 'must be a non-negative integer' });
  return value;
}

function positiveNumber(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError({ path: `provider.${field}`, message: 'must be a positive number' });
  return value;
}

/**
 * The base URL as the client uses it: the scheme in lower case (URL schemes are
 * case-insensitive, and `HTTPS://` must give the same `wss://` endpoint as `https://`), without
 * trailing slashes. Nothing else is rewritten: the path keeps its case and its encoding.
 */
function normalizeBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/^[a-z][a-z0-9+.-]*:/i, (scheme) => scheme.toLowerCase()).replace(/\/+$/, '');
}

/** Fills in the defaults of a {@link Provider} and validates its numbers and base URL. */
export function resolveProvider(provider: Provider): ResolvedProvider {
  validateArgument(ProviderArgumentSchema, 'provider', provider);
  return {
    name: provider.name ?? 'openai',
    baseUrl: normalizeBaseUrl(provider.baseUrl),
    supportsWebSockets: provider.supportsWebSockets ?? false,
    supportsContinuation: provider.supportsContinuation ?? true,
    supportsLanes: provider.supportsLanes ?? true,
    instructionsWithPreviousResponse: provider.instructionsWithPreviousResponse ?? true,
    supportsCompactionTrigger: provider.supportsCompactionTrigger ?? false,
    authHeader: provider.authHeader ?? 'bearer',
    proxy: provider.proxy,
    noProxy: provider.noProxy,
    ca: provider.ca,
    requestMaxRetries: nonNegativeInteger(provider.requestMaxRetries, DEFAULT_REQUEST_MAX_RETRIES, 'requestMaxRetries'),
    streamMaxRetries: nonNegativeInteger(provider.streamMaxRetries, DEFAULT_STREAM_MAX_RETRIES, 'streamMaxRetries'),
    streamIdleTimeoutMs: positiveNumber(provider.streamIdleTimeoutMs, DEFAULT_STREAM_IDLE_TIMEOUT_MS, 'streamIdleTimeoutMs'),
    websocketConnectTimeoutMs: positiveNumber(provider.websocketConnectTimeoutMs, DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS, 'websocketConnectTimeoutMs'),
    connectTimeoutMs: positiveNumber(provider.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
    requestDeadlineMs: provider.requestDeadlineMs === Infinity ? Infinity : positiveNumber(provider.requestDeadlineMs, DEFAULT_REQUEST_DEADLINE_MS, 'requestDeadlineMs'),
    headers: { ...(provider.headers ?? {}) },
    allowInsecure: provider.allowInsecure ?? false,
  };
}
