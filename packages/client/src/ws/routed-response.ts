import { toAbortError } from '@modelwire/transport';
import { ProgressClock } from '../turn/progress-clock.js';
import type { FrameEnvelope } from './frame-envelope.js';

/**
 * Receives the frames the router assigns to one response, synchronously from the socket's
 * message callback (decode, map, hand to the caller). A throw fails the response with that
 * error; the router then retires the socket, since the rest of the response is never read.
 */
export interface ResponseSink {
  onFrame(frame: FrameEnvelope, response: RoutedResponse): void;
  /**
   * Asked after each frame once a terminal frame (not `error`) was delivered: `true` keeps
   * the request in flight for a steering successor (its `response.created` binds the next id).
   * Default: never.
   */
  awaitsSuccessor?(): boolean;
  /**
   * Offered an `error` frame of its lane (or one naming no lane) before it is routed: `true`
   * when it answers one of the request's `response.steer` frames (a server without steering)
   * rather than failing the response. Default: never.
   */
  takeSteerError?(frame: FrameEnvelope): boolean;
}

/**
 * Where a response is in its life (see the diagram in `response-router.ts`): `sent` until its
 * `response.created` binds its id, `streaming` until its terminal frame, `done` after the
 * terminal frame or any failure.
 */
export type RoutedResponseState = 'sent' | 'streaming' | 'done';

/** How a response ended: by its own terminal frame, or by a failure of the router's. */
export type RoutedResponseEnd = { readonly kind: 'terminal'; readonly type: string } | { readonly kind: 'failed'; readonly error: unknown };

/** The router's side of a response, used by {@link RoutedResponse}. */
export interface ResponseOwner {
  /** The response ended (terminal frame or failure); remove it from every table. */
  settled(response: RoutedResponse, end: RoutedResponseEnd): void;
  /** Whether reading from the socket is paused (for this or another response's unread events). */
  readonly isReadingPaused: boolean;
  /** The response's caller is over (`true`) or back under (`false`) its unread-event bound. */
  setPressure(response: RoutedResponse, over: boolean): void;
}

/** Options of one response. */
export interface RoutedResponseOptions {
  /** The lane: the request's `stream_id`, `''` for the default lane. */
  readonly lane: string;
  readonly sink: ResponseSink;
  /** Aborts the response (it fails with the abort reason). */
  readonly signal: AbortSignal;
  /**
   * Longest time without progress (a frame of a known Responses event type) on this response,
   * in milliseconds. See {@link ProgressClock}.
   */
  readonly idleTimeoutMs: number;
}

/**
 * One response in flight on a routed socket (request lifetime): its lane, its id once bound,
 * one idle timer and one abort listener for its whole life (never one per frame), and a
 * settle-once end.
 *
 * The idle timer (a {@link ProgressClock}) is armed once; frames of known Responses event
 * types only record when they arrived (frames of types nobody knows are delivered but are no
 * progress; pings never reach the router). When it fires it re-arms for the time left if
 * progress came meanwhile, stays suspended while reading is paused for unread events (the
 * server is not silent, a caller is slow; the silence is counted again from the resume), and
 * otherwise fails the response with `IdleTimeoutError`.
 */
export class RoutedResponse {
  readonly lane: string;
  readonly sink: ResponseSink;
  /** Frames delivered to the sink so far. */
  framesDelivered = 0;
  /** `sequence_number` of the last delivered frame that carried one. */
  lastSequence: number | undefined;
  /** Ids of this response's items (from `response.output_item.*`), remembered as finished when it ends. */
  readonly itemIds: string[] = [];
  /** Every id the response went by (the first is the bound one; some servers rotate ids). */
  readonly ids: string[] = [];
  /** Resolves when the terminal frame was routed; rejects with the failure otherwise. */
  readonly ended: Promise<void>;
  #state: RoutedResponseState = 'sent';
  /** The terminal frame type of the response that ended while a successor is awaited; `null` otherwise. */
  #awaitedAfter: string | null = null;
  readonly #owner: ResponseOwner;
  readonly #signal: AbortSignal;
  readonly #clock: ProgressClock;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  readonly #onAbort = (): void => this.fail(toAbortError(this.#signal.reason));

  constructor(owner: ResponseOwner, options: RoutedResponseOptions) {
    this.#owner = owner;
    this.lane = options.lane;
    this.sink = options.sink;
    this.#signal = options.signal;
    this.#clock = new ProgressClock(options.idleTimeoutMs, (error) => this.fail(error), () => this.#owner.isReadingPaused);
    this.ended = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody may be awaiting yet when a failure comes in; the caller still sees it on `ended`.
    this.ended.catch(() => undefined);
  }

  /** Where the response is in its life. */
  get state(): RoutedResponseState {
    return this.#state;
  }

  /** The id its `response.created` bound, `undefined` before. */
  get responseId(): string | undefined {
    return this.ids[0];
  }

  /** Arms the idle timer and the abort listener; a signal already aborted fails the response at once. */
  begin(): void {
    if (this.#signal.aborted) {
      this.fail(toAbortError(this.#signal.reason));
      return;
    }
    // No `once`: `#end` removes it (an abort ends the response too), and no options object per request.
    this.#signal.addEventListener('abort', this.#onAbort);
    this.#clock.start();
  }

  /** Binds the id of the response's `response.created` (a successor's too). */
  bind(responseId: string): void {
    this.ids.push(responseId);
    this.#state = 'streaming';
    this.#awaitedAfter = null;
  }

  /** The terminal type of the response a successor is awaited after; `null` when none is awaited. */
  get awaitedAfter(): string | null {
    return this.#awaitedAfter;
  }

  /**
   * The bound response ended with its terminal frame of `type`, and a steering successor may
   * follow: the request stays in flight, back to `sent`, without ids (the caller moved them to
   * the finished sets). Returns the ids and items it had.
   */
  awaitSuccessor(type: string): { readonly ids: readonly string[]; readonly itemIds: readonly string[] } {
    const ended = { ids: this.ids.splice(0), itemIds: this.itemIds.splice(0) };
    this.#state = 'sent';
    this.#awaitedAfter = type;
    this.lastSequence = undefined;
    return ended;
  }

  /**
   * Records a delivered frame (the hot path: no timer, no promise, no listener); `progress`
   * when its type is a known Responses event type, which restarts the idle clock.
   */
  noteFrame(sequenceNumber: number | undefined, progress: boolean): void {
    this.framesDelivered += 1;
    if (progress) this.#clock.progress();
    if (sequenceNumber !== undefined) this.lastSequence = sequenceNumber;
  }

  /** Counts the silence from now (reading was paused and resumes). */
  restartIdleClock(): void {
    this.#clock.progress();
  }

  /** The caller is over (`true`) or back under (`false`) its bound of unread events. */
  setPressure(over: boolean): void {
    if (this.#state !== 'done') this.#owner.setPressure(this, over);
  }

  /** Ends the response with its terminal frame of `type`. No-op once done. */
  finish(type: string): void {
    if (!this.#end({ kind: 'terminal', type })) return;
    this.#resolve();
  }

  /** Ends the response with `error`. No-op once done. */
  fail(error: unknown): void {
    if (!this.#end({ kind: 'failed', error })) return;
    this.#reject(error);
  }

  #end(end: RoutedResponseEnd): boolean {
    if (this.#state === 'done') return false;
    this.#state = 'done';
    this.#clock.stop();
    this.#signal.removeEventListener('abort', this.#onAbort);
    // Out of every table before anyone hears of the end.
    this.#owner.settled(this, end);
    return true;
  }
}
