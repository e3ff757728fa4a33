import { ClosedError, toAbortError } from '@modelwire/transport';
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

/** The socket a request got and where it came from. */
export interface AcquiredConnection {
  readonly connection: ResponsesConnection;
  /** `true` when the socket was already open (pre-connected or kept from an earlier request). */
  readonly reused: boolean;
}

/**
 * The session's WebSocket: at most one idle socket, plus a background pre-connect. Requests
 * borrow the socket and give it back when their response ended; a socket that is not reusable
 * (closing, half-used, draining after an `error` frame, or whose last response ended with one),
 * too old or that fails its ping is retired, never lent.
 *
 * `close()` resolves only once every socket is closed: idle, lent to a running request,
 * draining, or still connecting.
 */
export class SessionSocket {
  #idle: ResponsesConnection | null = null;
  #preconnect: Promise<ResponsesConnection | null> | null = null;
  #hasServed = false;
  /**
   * A pre-connect refused with an answer that rules the WebSocket out (426, 404, a redirect, an
   * invalid 101, …), handed to the request that adopts the pre-connect.
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
  readonly #lifetime = new AbortController();

  /**
   * @param rulesOutWebSocket Whether a failed connect says the WebSocket will not work here
   *   (the session moves to HTTP at once): a pre-connect that fails so hands its failure to the
   *   request that adopts it, which then falls back without shaking hands again.
   */
  constructor(connect: (signal: AbortSignal, replacesEarlier: boolean) => Promise<ResponsesConnection>, health: SocketHealthOptions, rulesOutWebSocket: (error: unknown) => boolean = () => false) {
    this.#connect = connect;
    this.#health = health;
    this.#rulesOut = rulesOutWebSocket;
  }

  /** Whether a pre-connect is running or an idle socket is held. */
  get hasSocket(): boolean {
    return this.#idle !== null || this.#preconnect !== null;
  }

  /**
   * Starts opening a socket in the background, unless one is open or opening. A failure is
   * swallowed: the next request simply connects itself. Resolves when the attempt ended.
   */
  preconnect(): Promise<void> {
    if (this.#closed || this.hasSocket) return this.#preconnect?.then(() => undefined) ?? Promise.resolve();
    const attempt = this.#open_(this.#lifetime.signal, false).then(
      (connection) => connection,
      (error: unknown) => {
        if (this.#rulesOut(error)) this.#preconnectRefusal = { error };
        return null;
      },
    );
    this.#preconnect = attempt;
    return attempt.then(() => undefined);
  }

  /**
   * A socket for one request: the idle one if healthy, else the pre-connected one, else a new
   * one. Connect failures of the new one propagate (they are the request's failures); a
   * failed pre-connect never does.
   */
  async acquire(signal: AbortSignal): Promise<AcquiredConnection> {
    if (this.#closed) throw new ClosedError('the session socket');
    const idle = this.#idle;
    this.#idle = null;
    if (idle !== null && (await this.#isHealthy(idle, signal))) return { connection: idle, reused: true };
    // Claim the pre-connect before waiting for it, so that a concurrent request opens its own
    // socket instead of sharing this one.
    const pending = this.#preconnect;
    this.#preconnect = null;
    if (pending !== null) {
      let adopted: ResponsesConnection | null;
      try {
        adopted = await untilAborted(pending, signal);
      } catch (error) {
        // The request gave up waiting; the pre-connect goes on for the next one.
        this.#preconnect ??= pending;
        throw error;
      }
      if (adopted !== null && adopted.isReusable && adopted.ageMs() < this.#health.maxAgeMs) return { connection: adopted, reused: true };
      if (adopted !== null) void this.#close(adopted);
      const refusal = this.#preconnectRefusal;
      this.#preconnectRefusal = null;
      // "No WebSocket here" (426, 404, …): the request should fall back at once, not shake hands again.
      if (refusal !== null) throw refusal.error;
    }
    const connection = await this.#open_(signal, this.#hasServed);
    return { connection, reused: false };
  }

  /** Gives a socket back after its response ended; keeps it only if it is clean, retires it otherwise. */
  release(connection: ResponsesConnection): void {
    this.#hasServed = true;
    if (this.#closed || !connection.isReusable) {
      void connection.retire().finally(() => this.#open.delete(connection));
      return;
    }
    if (this.#idle !== null && this.#idle !== connection) void this.#close(this.#idle);
    this.#idle = connection;
  }

  /** Drops the idle socket and any pre-connect (after a fallback to HTTP, or on close). */
  drop(): void {
    if (this.#idle !== null) void this.#close(this.#idle);
    this.#idle = null;
    const pending = this.#preconnect;
    this.#preconnect = null;
    void pending?.then((connection) => (connection === null ? undefined : this.#close(connection)));
  }

  /**
   * Closes every socket (idle, pre-connecting, connecting, in use, draining) and waits until
   * they are closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#lifetime.abort();
    const pending = this.#preconnect;
    this.drop();
    await pending;
    // A connect still running (a request's own) either fails, having closed its socket, or
    // opens one, which `#open_` then closes.
    await Promise.allSettled([...this.#connecting]);
    await Promise.all([...this.#open].map((connection) => this.#close(connection)));
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

  #close(connection: ResponsesConnection): Promise<void> {
    return connection.close().finally(() => this.#open.delete(connection));
  }

  async #isHealthy(connection: ResponsesConnection, signal: AbortSignal): Promise<boolean> {
    if (!connection.isReusable) {
      void this.#close(connection);
      return false;
    }
    if (connection.ageMs() >= this.#health.maxAgeMs) {
      void connection.close(1000, 'rotating before the connection age limit').finally(() => this.#open.delete(connection));
      return false;
    }
    if (connection.canPing && (this.#health.healthCheckAfterIdleMs === 0 || connection.idleMs() > this.#health.healthCheckAfterIdleMs)) {
      try {
        await connection.ping(this.#health.pongTimeoutMs, signal);
      } catch {
        void this.#close(connection);
        return false;
      }
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
