import { ClosedError, toAbortError } from '@modelwire/transport';
import { LaneSupport } from './lane-support.js';
import { DEFAULT_LANE } from './response-router.js';
import type { ResponsesConnection } from './responses-connection.js';

/** Timing rules of the session's socket (ARCHITECTURE §3.5). */
export interface SocketHealthOptions {
  /**
   * Age at which a socket is retired between requests, in milliseconds. Default 55 minutes
   * (the provider's limit is 60).
   */
  readonly maxAgeMs: number;
  /**
   * A socket idle for longer than this is ping-checked before it is reused, in milliseconds.
   * `0` checks before every reuse. Default 10 000 (`DEFAULT_HEALTH_CHECK_AFTER_IDLE_MS`).
   */
  readonly healthCheckAfterIdleMs: number;
  /** How long a health-check ping waits for its pong, in milliseconds. Default 5 000. */
  readonly pongTimeoutMs: number;
}

/** The socket a request got, the lane it holds there, and where the socket came from. */
export interface AcquiredConnection {
  readonly connection: ResponsesConnection;
  /** `true` when the socket was already open (pre-connected, or kept or shared from other requests). */
  readonly reused: boolean;
  /** The lane leased to the request on that socket (`''`: the default lane). */
  readonly lane: string;
}

/** Which lane a request wants. */
export interface LaneWish {
  /** A lane the caller chose (`stream_id`); `undefined` lets the pool assign one. */
  readonly lane?: string | undefined;
  /** For an assigned lane: the lane the same caller used last, taken again when it is free. */
  readonly hint?: string | undefined;
}

/** Prefix of the lanes the pool assigns to concurrent requests that chose none (`auto-1`, `auto-2`, …). */
export const AUTO_LANE_PREFIX = 'auto-';

/** A socket being opened, and how many requests wait for it. */
interface Opening {
  readonly promise: Promise<ResponsesConnection | null>;
  /** Requests that will share it once open. */
  demand: number;
  /** A background pre-connect (its failure is swallowed) rather than a request's own connect. */
  readonly preconnect: boolean;
  /** A request's own connect failure, handed to every request that waited for it. */
  failure?: { readonly error: unknown };
  /** The signal the connect runs under (the opening request's, or the pool's lifetime for a pre-connect). */
  readonly signal: AbortSignal;
}

/**
 * The session's WebSockets: a small pool whose sockets each carry several requests at once,
 * each on its own lane (`stream_id`), within the per-connection limits
 * ({@link LaneLimits}: responses in flight, named lanes). A request leases a lane on the first
 * socket with room (preferring one where its lane already has a continuation chain), else
 * waits for a socket being opened that has room, else opens one. A request that names no lane
 * gets the default lane when it is free on that socket, else the lane it used last, else the
 * first free `auto-N` lane. At most one idle socket is kept between requests; a socket that
 * is not reusable (closing, retiring, draining after an `error` frame, or whose last response
 * ended with one), too old, or that fails its ping is retired, never lent.
 *
 * `close()` resolves only once every socket is closed: idle, lent to running requests,
 * draining, or still connecting.
 */
export class SessionSocket {
  /** Open sockets the pool lends (busy or idle). */
  readonly #pool = new Set<ResponsesConnection>();
  readonly #openings: Opening[] = [];
  #hasServed = false;
  /**
   * A pre-connect refused with an answer that rules the WebSocket out (426, 404, a redirect, an
   * invalid 101, …), handed to the next request that would open a socket.
   */
  #preconnectRefusal: { readonly error: unknown } | null = null;
  #closed = false;
  /** Every socket opened and not yet closed, so that `close()` can wait for all of them. */
  readonly #open = new Set<ResponsesConnection>();
  /** Connection attempts in progress (requests' and the pre-connect's). */
  readonly #connecting = new Set<Promise<ResponsesConnection>>();
  readonly #connect: (signal: AbortSignal, replacesEarlier: boolean) => Promise<ResponsesConnection>;
  readonly #health: SocketHealthOptions;
  readonly #rulesOut: (error: unknown) => boolean;
  readonly #maxInFlight: number;
  /** Whether named lanes (`stream_id`) may be used and are known to work; without them every request takes the default lane. */
  readonly #lanes: LaneSupport;
  readonly #lifetime = new AbortController();

  /**
   * @param rulesOutWebSocket Whether a failed connect says the WebSocket will not work here
   *   (the session moves to HTTP at once): a pre-connect that fails so hands its failure to the
   *   request that adopts it, which then falls back without shaking hands again.
   * @param maxInFlight Requests one socket carries at once (the connections' `limits.maxInFlight`):
   *   how many requests may wait for one socket being opened.
   * @param lanes Whether the server runs named lanes (`stream_id`), as the session learns it
   *   (see {@link LaneSupport}); `false`, or once it is known to have none, puts every request
   *   on the default lane (and a request's own lane is not sent).
   */
  constructor(
    connect: (signal: AbortSignal, replacesEarlier: boolean) => Promise<ResponsesConnection>,
    health: SocketHealthOptions,
    rulesOutWebSocket: (error: unknown) => boolean = () => false,
    maxInFlight = 16,
    lanes: LaneSupport | boolean = true,
  ) {
    this.#connect = connect;
    this.#health = health;
    this.#rulesOut = rulesOutWebSocket;
    this.#maxInFlight = maxInFlight;
    this.#lanes = typeof lanes === 'boolean' ? new LaneSupport(lanes, true) : lanes;
  }

  /** Whether a pre-connect or connect is running or an open socket is held. */
  get hasSocket(): boolean {
    return this.#pool.size > 0 || this.#openings.length > 0;
  }

  /** Open sockets held (busy or idle), for diagnostics and tests. */
  get size(): number {
    return this.#pool.size;
  }

  /**
   * Starts opening a socket in the background, unless one is open or opening. A failure is
   * swallowed: the next request simply connects itself. Resolves when the attempt ended.
   */
  preconnect(): Promise<void> {
    if (this.#closed || this.hasSocket) return Promise.all(this.#openings.map((opening) => opening.promise)).then(() => undefined);
    return this.#startOpening(this.#lifetime.signal, true).promise.then(() => undefined);
  }

  /**
   * A socket and a lane for one request: a lane on an open socket with room (the socket is
   * health-checked when it was idle), else a place on a socket being opened, else a new socket.
   * Connect failures of a request's own socket propagate (they are the request's failures); a
   * failed pre-connect never does, unless it ruled the WebSocket out.
   */
  async acquire(signal: AbortSignal, wish: LaneWish = {}): Promise<AcquiredConnection> {
    for (;;) {
      if (this.#closed) throw new ClosedError('the session socket');
      if (signal.aborted) throw toAbortError(signal.reason);
      const picked = this.#pick(wish);
      if (picked !== null && 'wait' in picked) {
        // Lanes not yet known to work: join once the socket's requests were heard from.
        await untilAborted(picked.wait.whenHeardFrom(), signal);
        continue;
      }
      if (picked !== null) {
        const { connection, lane } = picked;
        connection.lease(lane);
        // Only a socket idle for long is pinged (no await at all on the usual path).
        if (connection.leases === 1 && this.#wantsHealthCheck(connection) && !(await this.#isHealthy(connection, signal, lane))) continue;
        return { connection, reused: true, lane };
      }
      let opening = this.#openings.find((candidate) => candidate.demand < this.#maxInFlight);
      if (opening !== undefined && opening.demand > 0 && this.#lanes.enabled && !this.#lanes.proven) {
        // Lanes not yet known to work: the socket being opened takes one request at first;
        // this one joins it (through `#pick`) once that request was heard from.
        await untilAborted(opening.promise, signal);
        continue;
      }
      if (opening === undefined) {
        const refusal = this.#preconnectRefusal;
        this.#preconnectRefusal = null;
        // "No WebSocket here" (426, 404, …): the request should fall back at once, not shake hands again.
        if (refusal !== null) throw refusal.error;
        opening = this.#startOpening(signal, false);
      }
      opening.demand += 1;
      let connection: ResponsesConnection | null;
      try {
        connection = await untilAborted(opening.promise, signal);
      } catch (error) {
        opening.demand -= 1;
        throw error;
      }
      if (opening.failure !== undefined) {
        // The request that opened it gave up (its signal aborted the handshake): not this one's failure.
        if (opening.signal.aborted && !signal.aborted) continue;
        throw opening.failure.error;
      }
      if (connection === null) continue;
      // A fresh socket: lease on it directly (a request that opened or waited for it never
      // health-checks it). One that closed at once goes to the request all the same: sending
      // on it fails with its close error, which the request's retry budget handles (looping
      // here would open sockets without end against a server that closes every one).
      const closedAtOnce = connection.state !== 'open';
      const lane = closedAtOnce ? (wish.lane ?? DEFAULT_LANE) : this.#laneOn(connection, wish);
      if (lane === null || (!closedAtOnce && (!connection.canLease(lane) || connection.ageMs() >= this.#health.maxAgeMs))) continue;
      connection.lease(lane);
      return { connection, reused: opening.preconnect, lane };
    }
  }

  /**
   * The usual case of {@link acquire}, at once (no promise, no await): a lane on an open socket
   * with room that needs no health check, leased. `null` when {@link acquire} has to decide (the
   * pool is closed, the signal aborted, no such socket, a socket to wait for or to ping first).
   */
  acquireOpen(signal: AbortSignal, wish: LaneWish = {}): AcquiredConnection | null {
    if (this.#closed || signal.aborted) return null;
    const picked = this.#pick(wish);
    if (picked === null || 'wait' in picked) return null;
    const { connection, lane } = picked;
    if (connection.leases === 0 && this.#wantsHealthCheck(connection)) return null;
    connection.lease(lane);
    return { connection, reused: true, lane };
  }

  /**
   * Gives back a request's lease. A socket still carrying other requests stays as it is; an
   * idle one is kept only if it is clean (and then replaces any other idle socket), retired
   * otherwise.
   */
  release(connection: ResponsesConnection, lane = ''): void {
    this.#hasServed = true;
    connection.unlease(lane);
    if (connection.leases > 0) return;
    if (this.#closed || !connection.isReusable || !this.#pool.has(connection)) {
      this.#pool.delete(connection);
      void connection.retire().finally(() => this.#open.delete(connection));
      return;
    }
    for (const other of this.#pool) {
      if (other !== connection && other.leases === 0) this.#retireIdle(other);
    }
  }

  /** Drops the idle sockets and any pre-connect (after a fallback to HTTP, or on close). */
  drop(): void {
    for (const connection of this.#pool) if (connection.leases === 0) this.#retireIdle(connection);
    for (const opening of this.#openings) {
      if (opening.preconnect) void opening.promise.then((connection) => (connection === null ? undefined : this.#retireIdle(connection)));
    }
  }

  /**
   * Closes every socket (idle, pre-connecting, connecting, in use, draining) and waits until
   * they are closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#lifetime.abort();
    this.drop();
    await Promise.allSettled(this.#openings.map((opening) => opening.promise));
    // A connect still running (a request's own) either fails, having closed its socket, or
    // opens one, which `#open_` then closes.
    await Promise.allSettled([...this.#connecting]);
    this.#pool.clear();
    await Promise.all([...this.#open].map((connection) => this.#close(connection)));
  }

  /**
   * The first socket with room for the lane the request would get there, preferring one where
   * that lane has a chain; else a socket to wait for (`wait`: it would have room, but lanes
   * are not yet known to work and a request there was not heard from yet).
   */
  #pick(wish: LaneWish): { readonly connection: ResponsesConnection; readonly lane: string } | { readonly wait: ResponsesConnection } | null {
    let fallback: { readonly connection: ResponsesConnection; readonly lane: string } | null = null;
    let wait: ResponsesConnection | null = null;
    for (const connection of this.#pool) {
      if (connection.state === 'closed' || (connection.leases === 0 && !connection.isReusable)) {
        this.#retireIdle(connection);
        continue;
      }
      if (connection.ageMs() >= this.#health.maxAgeMs) {
        if (connection.leases === 0) this.#retireIdle(connection, 'rotating before the connection age limit');
        continue;
      }
      // Until lanes are known to work, a request joins a busy socket only once every request
      // there was heard from: at most one waits for its first frame, so that frames without
      // `stream_id` cannot be taken for another lane's (see `LaneSupport`).
      const unheard = this.#lanes.enabled && !this.#lanes.proven && connection.leases > 0 && !connection.leasesAnswered;
      const lane = this.#laneOn(connection, wish);
      if (lane === null || !connection.canLease(lane)) continue;
      if (unheard) {
        wait ??= connection;
        continue;
      }
      if (connection.hasChain(lane)) return { connection, lane };
      fallback ??= { connection, lane };
    }
    return fallback ?? (wait === null ? null : { wait });
  }

  /** The lane a request gets on `connection`: its own choice, else the default lane, its last lane, or the first free `auto-N` lane; `null` when none is free. */
  #laneOn(connection: ResponsesConnection, wish: LaneWish): string | null {
    if (!this.#lanes.enabled) return connection.isLaneBusy(DEFAULT_LANE) ? null : DEFAULT_LANE;
    if (wish.lane !== undefined) return wish.lane;
    const hint = wish.hint;
    if (hint !== undefined && !connection.isLaneBusy(hint)) {
      if (hint === DEFAULT_LANE || connection.hasChain(hint)) return hint;
    }
    if (!connection.isLaneBusy(DEFAULT_LANE)) return DEFAULT_LANE;
    for (let index = 1; index <= connection.limits.maxInFlight; index += 1) {
      const lane = `${AUTO_LANE_PREFIX}${index}`;
      if (!connection.isLaneBusy(lane)) return lane;
    }
    return null;
  }

  #startOpening(requestSignal: AbortSignal, preconnect: boolean): Opening {
    const signal = preconnect ? this.#lifetime.signal : requestSignal;
    const attempt = this.#open_(signal, this.#hasServed);
    const opening: Opening = {
      demand: 0,
      preconnect,
      signal,
      promise: attempt.then(
        (connection) => {
          this.#remove(opening);
          this.#pool.add(connection);
          return connection;
        },
        (error: unknown) => {
          this.#remove(opening);
          if (preconnect) {
            if (this.#rulesOut(error)) this.#preconnectRefusal = { error };
          } else opening.failure = { error };
          return null;
        },
      ),
    };
    this.#openings.push(opening);
    return opening;
  }

  #remove(opening: Opening): void {
    const index = this.#openings.indexOf(opening);
    if (index >= 0) this.#openings.splice(index, 1);
  }

  async #open_(signal: AbortSignal, replacesEarlier: boolean): Promise<ResponsesConnection> {
    const attempt = this.#connect(signal, replacesEarlier);
    this.#connecting.add(attempt);
    let connection: ResponsesConnection;
    try {
      connection = await attempt;
    } finally {
      this.#connecting.delete(attempt);
    }
    this.#open.add(connection);
    if (this.#closed) {
      await this.#close(connection);
      throw new ClosedError('the session socket');
    }
    return connection;
  }

  #retireIdle(connection: ResponsesConnection, reason?: string): void {
    this.#pool.delete(connection);
    const closing = reason === undefined ? connection.close() : connection.close(1000, reason);
    void closing.finally(() => this.#open.delete(connection));
  }

  #close(connection: ResponsesConnection): Promise<void> {
    return connection.close().finally(() => this.#open.delete(connection));
  }

  /** An idle socket about to be lent again (leased on `lane`): ping-checked after a long idle; on failure unleased and closed. */
  /** Whether a socket taken from the pool is pinged before it is lent: it can be, and it was idle too long. */
  #wantsHealthCheck(connection: ResponsesConnection): boolean {
    return connection.canPing && (this.#health.healthCheckAfterIdleMs === 0 || connection.idleMs() > this.#health.healthCheckAfterIdleMs);
  }

  /** Pings a socket {@link #wantsHealthCheck} picked; a failed ping retires it (`false`). */
  async #isHealthy(connection: ResponsesConnection, signal: AbortSignal, lane: string): Promise<boolean> {
    try {
      await connection.ping(this.#health.pongTimeoutMs, signal);
    } catch {
      connection.unlease(lane);
      this.#retireIdle(connection);
      if (signal.aborted) throw toAbortError(signal.reason);
      return false;
    }
    return true;
  }
}

/** `promise`, or a rejection with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(toAbortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(toAbortError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
