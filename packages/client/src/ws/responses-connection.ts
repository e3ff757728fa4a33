import type { Clock } from '@modelwire/transport';
import { ContinuationTracker } from '../continuation/continuation-tracker.js';
import type { WireSocket } from '../wire/wire-types.js';
import { ResponseRouter, type RouteRequest, type RouterState } from './response-router.js';
import type { RoutedResponse } from './routed-response.js';

/** Options of {@link ResponsesConnection}. */
export interface ResponsesConnectionOptions {
  /** How long the handshake took, in milliseconds. */
  readonly connectMs: number;
  /** Whether this socket replaces one that served earlier responses of the session. */
  readonly replacesEarlierConnection: boolean;
  /** See `ResponseRouterOptions.drainTimeoutMs`. */
  readonly drainTimeoutMs?: number;
}

/**
 * One Responses WebSocket as the session holds it: the socket behind its response router, its
 * continuation state, and the bookkeeping that decides whether it may carry the next request.
 *
 * Session-scoped (it may outlive a turn); lent to one request at a time.
 */
export class ResponsesConnection {
  /** The continuation state of this socket; a new socket starts a new chain. */
  readonly tracker: ContinuationTracker;
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

  constructor(socket: WireSocket, clock: Clock, options: ResponsesConnectionOptions) {
    this.#socket = socket;
    this.#clock = clock;
    this.connectMs = options.connectMs;
    this.openedAt = clock.now();
    this.lastActivityAt = this.openedAt;
    this.tracker = new ContinuationTracker(options.replacesEarlierConnection);
    this.router = new ResponseRouter(socket, {
      ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
      onResponseEnded: () => {
        this.lastActivityAt = clock.now();
      },
    });
  }

  /** Headers of the upgrade response (lower-case names). */
  get upgradeHeaders(): Readonly<Record<string, string>> {
    return this.#socket.upgradeHeaders;
  }

  /** Open (live socket state), idle, not draining, and its last response did not end in an `error` frame. */
  get isReusable(): boolean {
    return this.router.isReusable;
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
