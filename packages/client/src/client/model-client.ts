import { InvalidArgumentError } from '@modelwire/errors';
import { ClosedError, delay, MissingCredentialsError, redactError, systemClock, type Clock, type Environment } from '@modelwire/transport';
import { RequestBudget, type RequestBudgetEnvironment, type RequestBudgetLimits, type Sleep } from '../turn/request-budget.js';
import { readConnectRefusal } from '../ws/connect-refusal.js';
import { ClientOptionsArgumentSchema, validateArgument } from '../validation/validate-arguments.js';
import { buildSessionHeaders, RequestHeader, type SessionHeaders } from '../request/request-headers.js';
import type { FallbackReason } from '../telemetry/client-telemetry.js';
import { ModelClientSession, type TurnOptions } from '../turn/model-client-session.js';
import type { AuthProvider } from '../types/auth-provider.js';
import type { Prompt, ResponseItem } from '../types/prompt.js';
import { resolveProvider, type Provider, type ResolvedProvider } from '../types/provider.js';
import { subagentHeaderValue, type SessionSource } from '../types/session-source.js';
import type { TurnContext, Verbosity } from '../types/turn-context.js';
import { compactConversationHistory } from '../unary/compact-conversation-history.js';
import { summarizeMemoryTraces, type MemoryTraceInput, type MemoryTraceSummary } from '../unary/summarize-memory-traces.js';
import { createTransportHttp } from '../wire/transport-http.js';
import type { WireHttp, WireSocketConnector } from '../wire/wire-types.js';
import { createTransportWebSocketConnector } from '../wire/transport-websocket.js';
import { DEFAULT_LANE_LIMITS, ResponsesConnection, type LaneLimits } from '../ws/responses-connection.js';
import { SessionSocket } from '../ws/session-socket.js';
import { LaneSupport } from '../ws/lane-support.js';
import { credentialHeaders } from './credential-headers.js';
import { networkPolicyFor } from './network-for-provider.js';
import type { SessionServices } from './session-services.js';
import { TransportFallback } from './transport-fallback.js';
import { isRememberedReason, sharedWebSocketOutcomes, webSocketOutcomePath, type WebSocketOutcomeCache } from './websocket-outcomes.js';

/** The default `originator` header value. */
export const DEFAULT_ORIGINATOR = 'modelwire';
/** How many credential values (tokens, refreshed ones included) a client remembers to scrub from errors. */
const MAX_REMEMBERED_SECRETS = 32;
/** The package version sent in the default `User-Agent`. */
export const CLIENT_VERSION = '0.0.0';

/**
 * Options of {@link ModelClient}: explicit, session-scoped values. Nothing per-turn lives
 * here; per-turn values travel in the `TurnContext` of each call.
 */
export interface ModelClientOptions {
  /** The provider: base URL, WebSocket support, retry budgets, timeouts, extra headers. */
  readonly provider: Provider;
  /** Source of bearer tokens, with an optional `refresh()` used once after a 401. */
  readonly auth: AuthProvider | 'none';
  /** The conversation id: `session_id` header and `prompt_cache_key`. */
  readonly conversationId: string;
  /** Who runs the session; a sub-agent sends `x-openai-subagent` on every request. */
  readonly sessionSource: SessionSource;
  /**
   * Session default for `text.verbosity`, used when a turn's `verbosity` is `undefined` (a
   * turn's `null` still means "none"). Sent only for models that support verbosity.
   */
  readonly verbosity?: Verbosity;
  /** Enabled beta feature keys, sent comma-joined as `x-codex-beta-features` (computed once). Default none. */
  readonly betaFeatures?: readonly string[];
  /**
   * Use the WebSocket when the provider supports it. Default `true`. `false` is the opt-out:
   * every request goes over HTTP/SSE, no socket is ever dialed, and nothing is remembered.
   */
  readonly enableWebSockets?: boolean;
  /**
   * Where the process remembers that the WebSocket could not be opened on a network path (the
   * WebSocket URL plus its proxy), so that a new session there starts on HTTP without paying
   * the connect timeout again. Default {@link sharedWebSocketOutcomes} (process-wide, entries
   * expire after 10 minutes, a successful connect forgets its path). Pass your own
   * `WebSocketOutcomeCache` to isolate a group of clients (tests), or `false` to neither read
   * nor record anything.
   */
  readonly webSocketOutcomes?: WebSocketOutcomeCache | false;
  /** Allow zstd compression of HTTP request bodies. Default `false`. */
  readonly enableRequestCompression?: boolean;
  /** Ask the WebSocket server for `responsesapi.websocket_timing` events (handshake opt-in). Default `false`. */
  readonly includeTimingMetrics?: boolean;
  /** The `originator` header. Default `"modelwire"`. */
  readonly originator?: string;
  /** The `User-Agent` header. Default `modelwire/<version> (node <version>)`. */
  readonly userAgent?: string;
  /**
   * The HTTP side (testing seam). Default: the transport package's session-scoped HTTP client
   * (one undici pool, keep-alive) built from the provider's timeouts.
   */
  readonly http?: WireHttp;
  /**
   * Opens WebSockets (testing seam, instrumentation). Default: the transport package's
   * `connectWebSocket`, with the keep-alive settings below. An injected connector receives the
   * session's proxy and TLS policy (`network`) and `allowInsecure` in its connect options and
   * must apply them itself: `createTransportWebSocketConnector()` does, so wrapping it keeps
   * the policy. The fallback rules and the remembered outcome assume the WebSocket takes the
   * proxy that `network` names for its URL.
   */
  readonly webSocketConnector?: WireSocketConnector;
  /**
   * The environment read for the proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, lower-case
   * too) when the provider sets no `proxy`, and for `NODE_EXTRA_CA_CERTS`. Read once, at
   * construction. Default `process.env`.
   */
  readonly environment?: Environment;
  /** Time source for socket age, idle and durations. Default the system clock. */
  readonly clock?: Clock;
  /** Randomness for backoff jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /**
   * Waits between attempts: backoff, the server's delay hints, the waiting-for-network
   * schedule, and the turn loop's stream retries. Must reject with the signal's reason when it
   * aborts. Default a timer. A testing seam: with `clock`, a test runs a whole retry schedule
   * without waiting and reads the delays it was asked for.
   */
  readonly sleep?: Sleep;
  /**
   * The waiting-for-network policy (opt-in). A connection failure (`connect_failed`,
   * `connect_timeout`: nothing reached the server) does not spend the request's attempt
   * budget; the request waits 5 s, 10 s, 20 s, 40 s, then 60 s between attempts (a
   * `waiting_for_network` session event in `@modelwire/core-session`) until the network is
   * back, the request is aborted, or its deadline (`Provider.requestDeadlineMs`) would pass;
   * it then fails with the connection failure. Applies once the session has reached its
   * provider: before that, a connection failure is more likely a wrong base URL or a dead
   * endpoint than a network outage, and it fails within the ordinary budget. Default `false`.
   * To wait out longer outages, raise `requestDeadlineMs` (`Infinity` allowed).
   */
  readonly waitForNetwork?: boolean;
  /** Rotate the socket at this age, between requests, in milliseconds. Default 55 minutes. */
  readonly maxConnectionAgeMs?: number;
  /**
   * Keep-alive ping interval of the session's WebSocket, in milliseconds. A socket that misses
   * its pong is closed and never reused. Default 30 000.
   */
  readonly pingIntervalMs?: number;
  /** How long a ping waits for its pong, in milliseconds. Default 10 000. */
  readonly pongTimeoutMs?: number;
  /**
   * Ping-check a socket idle for longer than this before a request reuses it, in
   * milliseconds (measured with `clock`); a socket whose pong does not arrive within
   * `pongTimeoutMs` is closed and the request opens a new one, without using its retry budget.
   * `0` checks before every reuse. Default {@link DEFAULT_HEALTH_CHECK_AFTER_IDLE_MS} (10 s):
   * a socket used within the last seconds is trusted, a longer silence may hide a dead peer
   * that the keep-alive pings have not caught yet. Applies to connectors whose sockets offer
   * `ping` (the default one does).
   */
  readonly healthCheckAfterIdleMs?: number;
  /**
   * Per-connection limits of WebSocket lanes: responses in flight on one socket (every lane
   * together) and named lanes one socket may use over its life. Requests beyond them go to
   * another socket of the session's pool (opened when none has room). Default the API's
   * limits, `{ maxInFlight: 16, maxLanes: 32 }`; each a positive integer; `maxInFlight: 1`
   * keeps one response per socket, as does a provider with `supportsLanes: false`.
   */
  readonly laneLimits?: Partial<LaneLimits>;
}

/** A `stream_id`: 1–256 characters of `A-Za-z0-9_.-`. */
const LANE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

/** The lane limits with defaults filled in; each must be a positive integer. */
function resolveLaneLimits(limits: Partial<LaneLimits> | undefined): LaneLimits {
  const resolved = { ...DEFAULT_LANE_LIMITS, ...limits };
  for (const key of ['maxInFlight', 'maxLanes'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError({ path: `laneLimits.${key}`, message: 'must be a positive integer' });
  }
  return resolved;
}

/** Default idle time after which a socket is ping-checked before reuse: 10 seconds. */
export const DEFAULT_HEALTH_CHECK_AFTER_IDLE_MS = 10_000;

/** Default age at which a socket is rotated: 55 minutes (the provider's limit is 60). */
export const DEFAULT_MAX_CONNECTION_AGE_MS = 55 * 60 * 1000;

/**
 * The session-scoped connection to a Responses provider (session lifetime).
 *
 * Holds everything stable for the session: provider, auth, conversation id, the precomputed
 * session headers, the HTTP connection pool, the (pre-)opened WebSocket and the session-wide
 * transport fallback decision. Turns are created with {@link ModelClient.newTurn}; per-turn
 * values are passed explicitly in a `TurnContext`.
 *
 * Close it with `close()` or `await using`: no socket, timer or pooled connection outlives it.
 */
export class ModelClient implements AsyncDisposable {
  readonly #provider: ResolvedProvider;
  readonly #auth: AuthProvider | 'none';
  readonly #headers: SessionHeaders;
  readonly #fallback = new TransportFallback();
  readonly #socket: SessionSocket;
  readonly #http: WireHttp;
  readonly #lifetime = new AbortController();
  readonly #services: SessionServices;
  /**
   * Every credential value this client has sent (bearer tokens, refreshed ones included, and
   * the auth provider's extra header values), newest last, at most {@link MAX_REMEMBERED_SECRETS}:
   * a server may echo any of them in an error, and they are scrubbed from every error surfaced.
   */
  readonly #sentSecrets = new Set<string>();
  readonly #sessionSource: SessionSource;
  #closed: Promise<void> | null = null;

  constructor(options: ModelClientOptions) {
    validateArgument(ClientOptionsArgumentSchema, '', options);
    this.#provider = resolveProvider(options.provider);
    this.#auth = options.auth;
    this.#sessionSource = options.sessionSource;
    const clock = options.clock ?? systemClock;
    this.#headers = buildSessionHeaders(
      {
        conversationId: options.conversationId,
        originator: options.originator ?? DEFAULT_ORIGINATOR,
        userAgent: options.userAgent ?? `modelwire/${CLIENT_VERSION} (node ${process.versions.node})`,
        betaFeatures: options.betaFeatures ?? [],
        subagent: subagentHeaderValue(options.sessionSource),
        providerHeaders: this.#provider.headers,
      },
      options.includeTimingMetrics ?? false,
    );
    // One proxy and TLS policy for both transports, so the WebSocket takes HTTP's network path.
    const network = networkPolicyFor(this.#provider, options.environment ?? process.env);
    this.#http = options.http ?? createTransportHttp(this.#provider, network);
    const connector = options.webSocketConnector ??
      createTransportWebSocketConnector({
        network,
        allowInsecure: this.#provider.allowInsecure,
        ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
        ...(options.pongTimeoutMs === undefined ? {} : { pongTimeoutMs: options.pongTimeoutMs }),
      });
    const websocketUrl = `${this.#provider.baseUrl.replace(/^http/, 'ws')}/responses`;
    // An injected connector is assumed to follow the same proxy settings (the demo's wraps the default one).
    const webSocketProxy = network.proxyFor(websocketUrl)?.address ?? null;
    const outcomes = options.webSocketOutcomes ?? sharedWebSocketOutcomes;
    const outcomePath = webSocketOutcomePath(websocketUrl, webSocketProxy);
    let webSocketConnected = false;
    // A provider without lanes: one response per socket, always on the default lane.
    const requestedLimits = resolveLaneLimits(options.laneLimits);
    const laneLimits = this.#provider.supportsLanes ? requestedLimits : { ...requestedLimits, maxInFlight: 1 };
    // What the session learns about the server's lanes (a server may turn out to have none).
    const lanes = new LaneSupport(this.#provider.supportsLanes);
    const connect = async (signal: AbortSignal, replacesEarlier: boolean): Promise<ResponsesConnection> => {
      const started = clock.now();
      const auth = await this.#authHeaders(signal);
      const socket = await connector(websocketUrl, {
        headers: { ...this.#headers.handshake, ...auth },
        credentialHeaders: Object.keys(auth),
        timeoutMs: this.#provider.websocketConnectTimeoutMs,
        signal,
        network,
        allowInsecure: this.#provider.allowInsecure,
      });
      webSocketConnected = true;
      // The path works (again): later sessions there start on the WebSocket.
      if (outcomes !== false) outcomes.forget(outcomePath);
      return new ResponsesConnection(socket, clock, { connectMs: clock.now() - started, replacesEarlierConnection: replacesEarlier, limits: laneLimits, lanes });
    };
    this.#socket = new SessionSocket(
      connect,
      {
        maxAgeMs: options.maxConnectionAgeMs ?? DEFAULT_MAX_CONNECTION_AGE_MS,
        healthCheckAfterIdleMs: options.healthCheckAfterIdleMs ?? DEFAULT_HEALTH_CHECK_AFTER_IDLE_MS,
        pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      },
      (error) => readConnectRefusal(error, { viaProxy: webSocketProxy !== null, beforeFirstConnect: !webSocketConnected })?.atOnce === true,
      laneLimits.maxInFlight,
      lanes,
    );
    // Fallback drops the socket and, with it, all continuation state.
    this.#fallback.onActivate(() => this.#socket.drop());
    const random = options.random ?? Math.random;
    const webSocketsEnabled = this.#provider.supportsWebSockets && (options.enableWebSockets ?? true);
    /** A fallback worth remembering, recorded once HTTP answered (the WebSocket failed, HTTP works). */
    let unrecordedOutcome: FallbackReason | null = null;
    if (webSocketsEnabled && outcomes !== false) {
      const remembered = outcomes.lookup(outcomePath);
      if (remembered !== null) this.#fallback.activateRemembered(remembered.reason);
      this.#fallback.onActivate((reason) => {
        if (!this.#fallback.remembered && isRememberedReason(reason)) unrecordedOutcome = reason;
      });
    }
    const fallback = this.#fallback;
    const sleep: Sleep = options.sleep ?? ((ms, signal) => delay(ms, signal));
    const waitForNetwork = options.waitForNetwork ?? false;
    let providerReached = false;
    const provider = this.#provider;
    // One limits object and one environment for every budget of the session (a budget per request).
    const limits: RequestBudgetLimits = Object.freeze({ requestMaxRetries: provider.requestMaxRetries, streamMaxRetries: provider.streamMaxRetries, deadlineMs: provider.requestDeadlineMs });
    const budgetEnvironment: RequestBudgetEnvironment = { clock, sleep, canWaitForNetwork: () => waitForNetwork && providerReached };
    this.#services = {
      provider: this.#provider,
      conversationId: options.conversationId,
      verbosity: options.verbosity,
      headers: this.#headers,
      fallback: this.#fallback,
      socket: this.#socket,
      http: this.#http,
      clock,
      random,
      sleep,
      createBudget: (overrides = {}) =>
        new RequestBudget(
          overrides.streamMaxRetries === undefined || overrides.streamMaxRetries >= limits.streamMaxRetries ? limits : { ...limits, streamMaxRetries: overrides.streamMaxRetries },
          budgetEnvironment,
        ),
      markProviderReached: () => {
        providerReached = true;
      },
      webSocketsEnabled,
      webSocketProxy,
      get webSocketConnected() {
        return webSocketConnected;
      },
      noteHttpAnswered: () => {
        if (unrecordedOutcome === null || outcomes === false) return;
        outcomes.record(outcomePath, unrecordedOutcome);
        unrecordedOutcome = null;
      },
      get usesWebSocket() {
        return webSocketsEnabled && !fallback.isActive;
      },
      compressRequests: options.enableRequestCompression ?? false,
      responsesUrl: `${this.#provider.baseUrl}/responses`,
      lifetime: this.#lifetime.signal,
      authHeaders: (signal) => this.#authHeaders(signal),
      refreshAuth: async (signal) => (this.#auth === 'none' || this.#auth.refresh === undefined ? false : this.#auth.refresh(signal)),
      redactSecrets: (error) => redactError(error, [...this.#sentSecrets]),
    };
  }

  /** The provider with its defaults filled in. */
  get provider(): ResolvedProvider {
    return this.#provider;
  }

  /** The session's source (sub-agent or not). */
  get sessionSource(): SessionSource {
    return this.#sessionSource;
  }

  /**
   * Whether the session switched to HTTP for good, and why (`null` while it has not). Set from
   * construction when the session starts on HTTP because of a remembered outcome
   * ({@link fallbackRemembered}).
   */
  get fallbackReason(): FallbackReason | null {
    return this.#fallback.reason;
  }

  /**
   * `true` when the session started on HTTP because the process remembered that the WebSocket
   * could not be opened on this network path (`webSocketOutcomes`); {@link fallbackReason} is
   * then the reason the recording session had. Nothing is dialed.
   */
  get fallbackRemembered(): boolean {
    return this.#fallback.remembered;
  }

  /**
   * Registers a listener called once, when the session switches to HTTP for good (for a
   * session event; telemetry gets its own report); for a remembered outcome, when the first
   * request starts. Returns a function that unregisters it.
   */
  onTransportFallback(listener: (reason: FallbackReason) => void): () => void {
    return this.#fallback.onActivate(listener);
  }

  /** Whether requests currently go over the WebSocket. */
  get usesWebSocket(): boolean {
    return this.#services.usesWebSocket;
  }

  /**
   * Opens the session's WebSocket in the background so the first turn's first request goes
   * out without a handshake. Never rejects: a failed pre-connect costs nothing (the first
   * request connects as usual, without spending a retry). No-op on HTTP, when a socket is
   * already open or opening, or after close. The returned promise resolves when the attempt
   * ended (awaiting it is optional).
   */
  preconnect(): Promise<void> {
    if (!this.usesWebSocket || this.#lifetime.signal.aborted) return Promise.resolve();
    return this.#socket.preconnect();
  }

  /**
   * Starts a turn: a fresh sticky-routing token, the session's sockets and fallback state.
   * Turns may run at the same time: over the WebSocket each request gets its own lane on a
   * shared socket (`options.lane`, or one the pool assigns), with its own continuation chain.
   *
   * @throws ClosedError after `close()`; InvalidArgumentError for an invalid `options.lane`
   *   (1–256 characters of `A-Za-z0-9_.-`) or an empty `options.subagent`.
   */
  newTurn(options: TurnOptions = {}): ModelClientSession {
    if (this.#lifetime.signal.aborted) throw new ClosedError('the model client');
    if (options.lane !== undefined && (typeof options.lane !== 'string' || !LANE_NAME.test(options.lane))) {
      throw new InvalidArgumentError({ path: 'options.lane', message: 'must be 1-256 characters of A-Z, a-z, 0-9, "_", "." or "-"' });
    }
    if (options.subagent !== undefined && (typeof options.subagent !== 'string' || options.subagent.length === 0)) {
      throw new InvalidArgumentError({ path: 'options.subagent', message: 'must be a non-empty string' });
    }
    return new ModelClientSession(this.#services, options);
  }

  /**
   * Compacts the conversation history (`POST {base}/responses/compact`) with the turn's model,
   * reasoning and telemetry. Returns the new history window, to be used unchanged as the next
   * input (a new continuation chain starts). An empty input returns `[]` without a request.
   */
  compactConversationHistory(prompt: Prompt, turnContext: TurnContext, options: { signal?: AbortSignal } = {}): Promise<ResponseItem[]> {
    return compactConversationHistory(this.#services, prompt, turnContext, options.signal);
  }

  /**
   * Summarises memory traces (`POST {base}/memories/trace_summarize`) with the turn's model,
   * reasoning effort and telemetry. One summary per trace, same order; a length mismatch is an
   * error. Empty traces return `[]` without a request.
   */
  summarizeMemoryTraces(traces: readonly MemoryTraceInput[], turnContext: TurnContext, options: { signal?: AbortSignal } = {}): Promise<MemoryTraceSummary[]> {
    return summarizeMemoryTraces(this.#services, traces, turnContext, options.signal);
  }

  /** Aborts running requests and closes the socket and the HTTP pool. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#lifetime.abort(new ClosedError('the model client'));
      await this.#socket.close();
      await this.#http.close();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #authHeaders(signal: AbortSignal): Promise<Record<string, string>> {
    if (this.#auth === 'none') return {};
    const [token, extra] = await Promise.all([this.#auth.getToken(signal), this.#auth.getHeaders?.(signal) ?? {}]);
    const headers = credentialHeaders(this.#provider.authHeader, token, extra);
    // A provider that yields nothing is a mistake, not a request for an anonymous call:
    // `auth: 'none'` says that explicitly.
    if (Object.keys(headers).length === 0) throw new MissingCredentialsError();
    this.#rememberSecrets(typeof token === 'string' ? [token, ...Object.values(extra)] : Object.values(extra));
    return headers;
  }

  #rememberSecrets(values: readonly string[]): void {
    for (const value of values) {
      if (value.length === 0) continue;
      // Re-inserting moves a value to the end, so the oldest one is evicted first.
      this.#sentSecrets.delete(value);
      this.#sentSecrets.add(value);
    }
    for (const oldest of this.#sentSecrets) {
      if (this.#sentSecrets.size <= MAX_REMEMBERED_SECRETS) break;
      this.#sentSecrets.delete(oldest);
    }
  }
}

/** Header names a sub-agent session adds (documented for consumers' tests). */
export const SUBAGENT_HEADER = RequestHeader.Subagent;
