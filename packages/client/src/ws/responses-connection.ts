import { IdleTimeoutError, toAbortError, type Clock, type ModelwireError } from '@modelwire/transport';
import { ContinuationTracker } from '../continuation/continuation-tracker.js';
import type { WireSocket } from '../wire/wire-types.js';

/**
 * One Responses WebSocket as the session holds it: the socket, its continuation state, and
 * the bookkeeping that decides whether it may carry the next request.
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
  /** Last time a frame or pong arrived or a frame was sent (clock milliseconds). */
  lastActivityAt: number;
  readonly #socket: WireSocket;
  readonly #clock: Clock;
  readonly #frames: string[] = [];
  #waiter: { resolve: (frame: string) => void; reject: (error: unknown) => void } | null = null;
  #closeError: ModelwireError | null = null;
  #inFlight = false;
  #closing: Promise<void> | null = null;

  constructor(socket: WireSocket, clock: Clock, connectMs: number, replacesEarlierConnection: boolean) {
    this.#socket = socket;
    this.#clock = clock;
    this.connectMs = connectMs;
    this.openedAt = clock.now();
    this.lastActivityAt = this.openedAt;
    this.tracker = new ContinuationTracker(replacesEarlierConnection);
    socket.listen(
      (frame) => this.#onFrame(frame),
      (error) => this.#onClose(error),
    );
  }

  /** Headers of the upgrade response (lower-case names). */
  get upgradeHeaders(): Readonly<Record<string, string>> {
    return this.#socket.upgradeHeaders;
  }

  /** Open, not carrying a response, and with no stray frame buffered. */
  get isReusable(): boolean {
    return this.#closeError === null && this.#socket.isOpen && !this.#inFlight && this.#frames.length === 0;
  }

  /** Whether the socket is still open. */
  get isOpen(): boolean {
    return this.#closeError === null && this.#socket.isOpen;
  }

  /** Milliseconds since the handshake. */
  ageMs(): number {
    return this.#clock.now() - this.openedAt;
  }

  /** Milliseconds since the last frame, pong or send. */
  idleMs(): number {
    return this.#clock.now() - this.lastActivityAt;
  }

  /** Marks the socket as carrying a response (one at a time). */
  beginResponse(): void {
    if (this.#inFlight) throw new Error('a response is already in flight on this socket');
    this.#inFlight = true;
  }

  /** Marks the response as read to its terminal event. */
  endResponse(): void {
    this.#inFlight = false;
  }

  /** Sends one text frame; throws the close error when the socket is gone. */
  send(text: string): void {
    if (this.#closeError !== null) throw this.#closeError;
    this.#socket.send(text);
    this.lastActivityAt = this.#clock.now();
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

  /**
   * The next text frame. Rejects with the close error when the socket closes, with an
   * `IdleTimeoutError` when nothing arrives for `idleTimeoutMs`, or with the abort reason.
   */
  nextFrame(signal: AbortSignal, idleTimeoutMs: number): Promise<string> {
    const frame = this.#frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    if (this.#closeError !== null) return Promise.reject(this.#closeError);
    if (signal.aborted) return Promise.reject(toAbortError(signal.reason));
    return new Promise<string>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiter = null;
      };
      const onAbort = (): void => {
        settle();
        reject(toAbortError(signal.reason));
      };
      const timer = setTimeout(() => {
        settle();
        reject(new IdleTimeoutError(idleTimeoutMs));
      }, idleTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiter = {
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
    });
  }

  /** Closes the socket; it is never reused afterwards. Resolves once it is closed. */
  close(code = 1000, reason = 'client closed'): Promise<void> {
    this.#inFlight = false;
    this.#closing ??= Promise.resolve(this.#socket.close(code, reason)).catch(() => undefined);
    return this.#closing;
  }

  #onFrame(frame: string): void {
    this.lastActivityAt = this.#clock.now();
    if (this.#waiter !== null) this.#waiter.resolve(frame);
    else this.#frames.push(frame);
  }

  #onClose(error: ModelwireError): void {
    if (this.#closeError !== null) return;
    this.#closeError = error;
    this.#waiter?.reject(error);
  }
}
