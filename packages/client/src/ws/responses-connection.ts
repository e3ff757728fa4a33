import { upgradeResponseEventsFromHeaders, type ResponseEvent } from '@modelwire/protocol';
import type { Clock } from '@modelwire/transport';
import { ContinuationTracker, type ContinuationDecision, type TrackedRequest } from '../continuation/continuation-tracker.js';
import type { WireSocket } from '../wire/wire-types.js';
import { DEFAULT_LANE, ResponseRouter, type RouteRequest, type RouterState } from './response-router.js';
import type { LaneSupport } from './lane-support.js';
import type { RoutedResponse } from './routed-response.js';

/** One event of a socket's upgrade response and the key it is forwarded under. */
export interface UpgradeEvent {
  readonly event: ResponseEvent;
  readonly key: string;
}

/** Options of {@link ResponsesConnection}. */
export interface ResponsesConnectionOptions {
  /** How long the handshake took, in milliseconds. */
  readonly connectMs: number;
  /** Whether this socket replaces one that served earlier responses of the session. */
  readonly replacesEarlierConnection: boolean;
  /** See `ResponseRouterOptions.drainTimeoutMs`. */
  readonly drainTimeoutMs?: number;
  /** Per-connection limits (see {@link LaneLimits}). Default {@link DEFAULT_LANE_LIMITS}. */
  readonly limits?: LaneLimits;
  /** What the session learnt about the server's lanes (told what this socket sees). */
  readonly lanes?: LaneSupport;
}

/** Per-connection limits of WebSocket lanes. */
export interface LaneLimits {
  /** Responses in flight on one socket at a time, every lane together. Default 16 (the API's limit). */
  readonly maxInFlight: number;
  /**
   * Named lanes (`stream_id`) one socket may use over its life (the default lane does not
   * count; a name used before may be used again). Default 32 (the API's limit).
   */
  readonly maxLanes: number;
}

/** The API's per-connection limits: 16 responses in flight, 32 named lanes. */
export const DEFAULT_LANE_LIMITS: LaneLimits = { maxInFlight: 16, maxLanes: 32 };

/**
 * One Responses WebSocket as the session holds it: the socket behind its response router, the
 * continuation state of each of its lanes, and the bookkeeping that decides whether it may
 * carry another request.
 *
 * Session-scoped (it may outlive a turn); lent to several requests at once, each on its own
 * lane, within its {@link LaneLimits} (a lease per request, taken before the request is sent).
 */
export class ResponsesConnection {
  /** The continuation state of the default lane; a new socket starts a new chain. */
  readonly tracker: ContinuationTracker;
  /** Per-connection limits. */
  readonly limits: LaneLimits;
  /** Continuation state of each lane that carried a response (the default lane's is {@link tracker}). */
  readonly #chains = new Map<string, ContinuationTracker>();
  /** Named lanes used on this socket so far (what the server counts against its lane limit). */
  readonly #lanesUsed = new Set<string>();
  /** Requests holding a lease, by lane. */
  readonly #leases = new Map<string, number>();
  #leaseCount = 0;
  readonly #heardWaiters: (() => void)[] = [];
  readonly #replacesEarlier: boolean;
  /** When the socket finished its handshake (clock milliseconds). */
  readonly openedAt: number;
  /** How long the handshake took, in milliseconds. */
  readonly connectMs: number;
  /** Last time a request was sent, a response ended, or a pong arrived (clock milliseconds). */
  lastActivityAt: number;
  /** Routes every frame of the socket to the response it belongs to. */
  readonly router: ResponseRouter;
  readonly #socket: WireSocket;
  readonly #clock: Clock;
  #upgradeEvents: readonly UpgradeEvent[] | undefined;

  constructor(socket: WireSocket, clock: Clock, options: ResponsesConnectionOptions) {
    this.#socket = socket;
    this.#clock = clock;
    this.connectMs = options.connectMs;
    this.openedAt = clock.now();
    this.lastActivityAt = this.openedAt;
    this.#replacesEarlier = options.replacesEarlierConnection;
    this.tracker = new ContinuationTracker(options.replacesEarlierConnection);
    this.#chains.set(DEFAULT_LANE, this.tracker);
    this.limits = options.limits ?? DEFAULT_LANE_LIMITS;
    this.router = new ResponseRouter(socket, {
      maxInFlight: this.limits.maxInFlight,
      ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
      onResponseEnded: () => {
        this.lastActivityAt = clock.now();
      },
      ...(options.lanes === undefined ? {} : { onLaneEchoed: () => options.lanes?.noteEcho(), onLanesUnsupported: () => options.lanes?.disable() }),
      onFirstFrame: () => this.#heard(),
    });
  }

  /** Headers of the upgrade response (lower-case names). */
  get upgradeHeaders(): Readonly<Record<string, string>> {
    return this.#socket.upgradeHeaders;
  }

  /**
   * The events of the upgrade response (`upgradeResponseEventsFromHeaders`), each frozen and
   * with its JSON text as the key a request forwards it under: read once per socket, since
   * every request on it hands them to its caller again.
   */
  get upgradeEvents(): readonly UpgradeEvent[] {
    this.#upgradeEvents ??= upgradeResponseEventsFromHeaders(this.upgradeHeaders).map((event) => ({ event: Object.freeze(event), key: JSON.stringify(event) }));
    return this.#upgradeEvents;
  }

  /** Open (live socket state), idle, not draining, and its last response did not end in an `error` frame. */
  get isReusable(): boolean {
    return this.router.isReusable && this.#leaseCount === 0;
  }

  /** Requests holding a lease on this socket. */
  get leases(): number {
    return this.#leaseCount;
  }

  /** Whether a lease is held on `lane`. */
  isLaneBusy(lane: string): boolean {
    return (this.#leases.get(lane) ?? 0) > 0;
  }

  /** Resolves when a request on this socket receives its first frame or gives its lease back. */
  whenHeardFrom(): Promise<void> {
    return new Promise((resolve) => this.#heardWaiters.push(resolve));
  }

  #heard(): void {
    if (this.#heardWaiters.length === 0) return;
    const waiters = this.#heardWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  /**
   * Whether every request leased on this socket was sent and heard from (a frame of its lane
   * arrived): until the server has echoed a lane, a socket takes no other request before
   * that, so that at most one request on it waits for its first frame (see `LaneSupport`).
   */
  get leasesAnswered(): boolean {
    for (const [lane, count] of this.#leases) if (count > 0 && !this.router.laneAnswered(lane)) return false;
    return true;
  }

  /**
   * Whether one more request may be leased this socket on `lane`: the router accepts requests
   * (open, not draining or retiring, its last response not ended in an `error` frame), fewer
   * than `maxInFlight` leases are held, and `lane` is the default lane, a named lane already
   * used here, or a new one within `maxLanes`.
   */
  canLease(lane: string): boolean {
    if (this.#leaseCount >= this.limits.maxInFlight) return false;
    if (lane !== DEFAULT_LANE && !this.#lanesUsed.has(lane) && this.#lanesUsed.size >= this.limits.maxLanes) return false;
    // An idle socket whose last response ended in an `error` frame is retired by the pool; a
    // busy one finishes its other lanes first and takes nothing new.
    return this.#leaseCount === 0 ? this.router.state === 'open' : this.router.acceptsRequests;
  }

  /** Takes a lease for one request on `lane` (check {@link canLease} first). */
  lease(lane: string): void {
    this.#leaseCount += 1;
    this.#leases.set(lane, (this.#leases.get(lane) ?? 0) + 1);
    if (lane !== DEFAULT_LANE) this.#lanesUsed.add(lane);
  }

  /** Gives back a lease taken with {@link lease}. */
  unlease(lane: string): void {
    const held = this.#leases.get(lane) ?? 0;
    if (held === 0) return;
    this.#leaseCount -= 1;
    if (held === 1) this.#leases.delete(lane);
    else this.#leases.set(lane, held - 1);
    this.#heard();
  }

  /** Whether `lane` carried a response on this socket whose chain can be continued. */
  hasChain(lane: string): boolean {
    return (this.#chains.get(lane)?.lastResponseId ?? null) !== null;
  }

  /** The continuation state of `lane` (created on first use). */
  chain(lane: string): ContinuationTracker {
    let tracker = this.#chains.get(lane);
    if (tracker === undefined) {
      tracker = new ContinuationTracker(this.#replacesEarlier);
      this.#chains.set(lane, tracker);
    }
    return tracker;
  }

  /**
   * How a request on `lane` is sent: incrementally after the lane's own last response when the
   * request extends it; otherwise, when the lane has nothing to continue here, after the last
   * response of another lane of this socket that the request extends (a fork: lineage follows
   * `previous_response_id`, whatever lane the parent ran on); otherwise in full, for the lane's
   * own reason.
   */
  decide(lane: string, request: TrackedRequest): ContinuationDecision {
    const own = this.chain(lane).decide(request);
    if (own.mode === 'incremental') return own;
    if (own.reason !== 'no_previous_response' && own.reason !== 'new_connection' && own.reason !== 'input_not_extended' && own.reason !== 'previous_not_completed') return own;
    for (const [other, tracker] of this.#chains) {
      if (other === lane) continue;
      const fork = tracker.decide(request);
      if (fork.mode === 'incremental') return fork;
    }
    return own;
  }

  /** Where the socket is in its life. */
  get state(): RouterState {
    return this.router.state;
  }

  /** Milliseconds since the handshake. */
  ageMs(): number {
    return this.#clock.now() - this.openedAt;
  }

  /** Milliseconds since the last send, response end or pong. */
  idleMs(): number {
    return this.#clock.now() - this.lastActivityAt;
  }

  /** Sends a `response.create` and returns the response it starts (see `ResponseRouter.start`). */
  start(request: RouteRequest): RoutedResponse {
    const response = this.router.start(request);
    this.lastActivityAt = this.#clock.now();
    return response;
  }

  /** Whether the socket offers an on-demand ping. */
  get canPing(): boolean {
    return this.#socket.ping !== undefined;
  }

  /** A ping round trip (when the socket offers one); on failure the socket is closed. */
  async ping(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#socket.ping === undefined) return;
    try {
      await this.#socket.ping(timeoutMs, signal);
      this.lastActivityAt = this.#clock.now();
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /** Closes the socket gracefully (after a drain in progress); it is never reused. Resolves once it is closed. */
  retire(): Promise<void> {
    return this.router.retire();
  }

  /** Closes the socket now; it is never reused. Resolves once it is closed. */
  close(code = 1000, reason = 'client closed'): Promise<void> {
    return this.router.close(code, reason);
  }
}
