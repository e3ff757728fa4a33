import { ClosedError, ErrorCode, ModelwireError, ProtocolViolationError, toAbortError } from '@modelwire/transport';
import { noopClientTelemetry, type ClientTelemetry, type FrameDropReason } from '../telemetry/client-telemetry.js';
import type { WireSocket } from '../wire/wire-types.js';
import { LanesUnsupportedError, refusesStreamId } from './lane-support.js';
import { readEnvelope, TypeFlags, type FrameEnvelope } from './frame-envelope.js';
import { RecentIds } from './recent-ids.js';
import { RoutedResponse, type ResponseOwner, type RoutedResponseEnd, type RoutedResponseOptions } from './routed-response.js';

/**
 * The WebSocket response router: every frame on a socket reaches the response it belongs to,
 * and no other. One router per socket (a new socket gets a new router); every request on the
 * socket goes through it.
 *
 * Socket states (`ResponseRouter.state`; "open" always means the live `ws` readyState is OPEN,
 * CLOSING counts as closed, and no decision waits for the `close` event):
 *
 * ```text
 *              start() ─┐ ┌─ terminal frame
 *                       ▼ │
 *   ┌──────────── open (idle ⇄ busy) ─────────────────────┐
 *   │              │                                      │ `error` frame ending a response
 *   │              │ retire(), a frame while idle,        │ that had started
 *   │              │ a response abandoned mid-way,        ▼
 *   │              │ a connection-level violation     draining ── its own terminal frame,
 *   │              ▼                                      │        or the drain deadline
 *   │           closing ◀────────────────────────────────┘
 *   │              │ the socket reports its close
 *   │              ▼
 *   └─────────▶ closed ◀── the peer closes, or the socket fails (from any state)
 * ```
 *
 * A socket takes another request (`acceptsRequests`) only when it is open, not draining or
 * retiring, below its in-flight limit, and its last response did not end with an `error` frame
 * (as in Codex, such a socket is retired); it is kept idle between requests (`isReusable`)
 * only when, in addition, nothing is in flight (nothing buffered: frames go straight to their
 * response).
 *
 * Response states (`RoutedResponse.state`):
 *
 * ```text
 *   sent ── response.created (binds the id) ──▶ streaming ── terminal frame ──▶ done
 *    │                                              │
 *    ├── `error` frame (refused before it started) ─┼──────────────────────────▶ done
 *    └── abort, idle timeout, socket closed, undecodable or ambiguous frame ───▶ done (failed)
 * ```
 *
 * Routing is lane first. A lane is the `stream_id` a request carries (`''` is the default
 * lane); the server runs each lane FIFO, so the head of a lane's queue owns the lane's frames.
 * Ids then check each frame against that owner:
 * - before its `response.created`, the head takes only `error` and the connection-level
 *   extras servers send ahead of a response (rate limits, metadata, timing); output or another
 *   response's lifecycle frame cannot be its own yet (a previous response's tail) and is
 *   dropped; a terminal without any id is ambiguous there (a `protocol_violation`);
 * - `response.created` binds the head to its id;
 * - afterwards a frame naming another response id is dropped (`stale` when that response
 *   finished on this socket, `unknown` otherwise), unless its `sequence_number` continues the
 *   head's own numbering exactly (servers that rotate ids on every event); a frame naming an
 *   item of a finished response is `stale`; everything else is the head's, including a
 *   terminal without `response.id` (unambiguous once bound);
 * - a terminal frame ends only its own response and pops it from the lane;
 * - a frame on a lane without a response in flight is dropped; when nothing at all is in
 *   flight the socket is retired at once (an idle socket that receives data frames is never
 *   lent again, which also bounds what an idle flood can cost).
 * Finished ids (responses and their items) are kept in bounded sets, so that late tails are
 * told apart from strangers at a fixed memory cost. Every drop is counted and reported to the
 * telemetry of the request at the head of the frame's lane, else of the request that started
 * last (type and id only).
 *
 * Hot path (the socket's message callback, synchronous to the request's event queue): one
 * `JSON.parse`, a map lookup, the sink's decode and map, a push into the caller's queue. No
 * timer, promise or listener per frame: each response has one idle timer and one abort
 * listener for its whole life. The idle timer measures progress: only a delivered frame of a
 * known Responses event type restarts it (a frame of an unknown type is delivered, but proves
 * nothing); pings and pongs are the transport's liveness clock and never reach the router.
 *
 * Lanes run concurrently: up to `maxInFlight` responses (default {@link MAX_IN_FLIGHT}) on
 * any number of lanes; a lane's frames reach only that lane's head, never another lane. What
 * happens to one lane stays on it where it can: a response abandoned mid-way (aborted, idle,
 * undecodable) or a drain that ends while other lanes are busy makes the socket *retire*
 * (state `draining`: no new request, the others run to their end, then it closes) instead of
 * closing under them; if the abandoned response had later responses queued on its own lane,
 * those fail (its tail would otherwise reach them). An `error` without `stream_id` belongs to
 * the default lane: its head takes it, once; with no request there it is a connection-level
 * error, dropped, and the socket retires.
 *
 * Steering (`response.steer`, see `RequestSteering`): a terminal frame ends the request only
 * when its sink does not await a successor. Otherwise the response's ids and items become
 * finished, the request stays the lane's head back in `sent`, takes the answers to its steers
 * (`response.steer.*`), and the successor's `response.created` (an id the client never asked
 * for) binds it again; the answer that settles the last outstanding steer ends it instead, and
 * so does the steering grace when the server stays silent (`STEER_GRACE_MS`). An `error` that
 * answers a `response.steer` (a server without steering) is offered to the steering of the
 * lane heads first and never fails a response.
 *
 * Servers without lanes (`LaneSupport`): an `error` naming no lane that refuses `stream_id`,
 * or a `response.created` naming no lane that no default-lane request can own, on a socket
 * where no lane was ever echoed, fails the lane requests still waiting for their first frame
 * with `LanesUnsupportedError` (sent again without a lane) and retires the socket.
 */

/** The default lane: requests without a `stream_id`. */
export const DEFAULT_LANE = '';

/** Default limit of responses one socket carries at a time (the API's per-connection limit). */
export const MAX_IN_FLIGHT = 16;

/** Finished response ids remembered per socket (to classify late frames as stale). */
const FINISHED_RESPONSES_REMEMBERED = 256;
/** Item ids of finished responses remembered per socket. */
const FINISHED_ITEMS_REMEMBERED = 4096;

/** Default wait for a failed response's own terminal frame after its `error` frame, in milliseconds. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 1_000;

/** The router's view of the socket: see the diagram in this module's comment. */
export type RouterState = 'open' | 'draining' | 'closing' | 'closed';

/** Options of {@link ResponseRouter}. */
export interface ResponseRouterOptions {
  /**
   * After an `error` frame ends a response that had started, how long the socket waits for
   * that response's own terminal frame before it is closed, in milliseconds. Default
   * {@link DEFAULT_DRAIN_TIMEOUT_MS}.
   */
  readonly drainTimeoutMs?: number;
  /** Called whenever a response ends (the connection keeps its last-activity time). */
  readonly onResponseEnded?: () => void;
  /** Responses in flight at most (a further `start` throws `busy`). Default {@link MAX_IN_FLIGHT}. */
  readonly maxInFlight?: number;
  /** Called once, when a frame first echoes a named lane (`stream_id`). */
  readonly onLaneEchoed?: () => void;
  /** Called when the server refused a lane's `stream_id` or answered a lane without echo (see `LaneSupport`). */
  readonly onLanesUnsupported?: () => void;
  /** Called when a response receives its first frame. */
  readonly onFirstFrame?: () => void;
}

/** One request handed to {@link ResponseRouter.start}. */
export interface RouteRequest extends RoutedResponseOptions {
  /** The `response.create` frame, as JSON text. */
  readonly message: string;
  /** Where this request's drops (and later ones, until the next request) are reported. */
  readonly telemetry: ClientTelemetry;
}

/** One lane: its responses in the order their creates were sent (index-based FIFO). */
interface Lane {
  readonly responses: RoutedResponse[];
  head: number;
}

export class ResponseRouter implements ResponseOwner {
  readonly #socket: WireSocket;
  readonly #drainTimeoutMs: number;
  readonly #onResponseEnded: (() => void) | undefined;
  readonly #lanes = new Map<string, Lane>();
  /** Live responses by every id they go by. */
  readonly #byId = new Map<string, RoutedResponse>();
  readonly #finishedResponses = new RecentIds(FINISHED_RESPONSES_REMEMBERED);
  readonly #finishedItems = new RecentIds(FINISHED_ITEMS_REMEMBERED);
  readonly #dropped: Record<FrameDropReason, number> = { stale: 0, unknown: 0, unsolicited: 0 };
  /** Where each live response's drops are reported (its request's telemetry). */
  readonly #reporters = new Map<RoutedResponse, ClientTelemetry>();
  /** Responses whose callers are over their bound of unread events. */
  readonly #pressured = new Set<RoutedResponse>();
  #inFlight = 0;
  readonly #maxInFlight: number;
  /** No new request; closes once nothing is in flight (see the module comment). */
  #retiring = false;
  #drain: { readonly responseId: string; readonly timer: ReturnType<typeof setTimeout> } | null = null;
  #lastEndedInError = false;
  /** Set once the router decided to close the socket; nothing is read after it. */
  #closing: Promise<void> | null = null;
  /** Set once the socket reported its close. */
  #closeError: ModelwireError | null = null;
  /** Resolves once the socket is closed, whoever closed it. */
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;
  #reporter: ClientTelemetry = noopClientTelemetry;
  /**
   * The item id last found not finished, and the finished-items count it was checked against:
   * a response's deltas name the same item frame after frame, so the set is asked once per
   * item (and again only after an item finished).
   */
  #liveItem: string | undefined;
  #liveItemCheckedAt = -1;
  /** Whether a frame echoed a named lane on this socket. */
  #laneEchoed = false;
  readonly #onLaneEchoed: (() => void) | undefined;
  readonly #onLanesUnsupported: (() => void) | undefined;
  readonly #onFirstFrame: (() => void) | undefined;

  constructor(socket: WireSocket, options: ResponseRouterOptions = {}) {
    this.#socket = socket;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.#onResponseEnded = options.onResponseEnded;
    this.#maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
    this.#onLaneEchoed = options.onLaneEchoed;
    this.#onLanesUnsupported = options.onLanesUnsupported;
    this.#onFirstFrame = options.onFirstFrame;
    this.#closed = new Promise<void>((resolve) => {
      this.#resolveClosed = resolve;
    });
    // Last: the socket may hand over frames (and its close) before `listen` returns.
    socket.listen(
      (text) => this.#onText(text),
      (error) => this.#onClose(error),
    );
  }

  /** Where the socket is in its life (see the module comment). */
  get state(): RouterState {
    if (this.#closeError !== null) return 'closed';
    if (this.#closing !== null || !this.#socket.isOpen) return 'closing';
    return this.#drain === null && !this.#retiring ? 'open' : 'draining';
  }

  /** Whether the socket may take another request now: open, not draining or retiring, its last response not ended by an `error` frame, below its in-flight limit. */
  get acceptsRequests(): boolean {
    return !this.#lastEndedInError && this.#inFlight < this.#maxInFlight && this.state === 'open';
  }

  /** Whether the socket may carry the next request: open, idle, not draining, its last response not ended by an `error` frame. */
  get isReusable(): boolean {
    return this.#inFlight === 0 && !this.#lastEndedInError && this.state === 'open';
  }

  /** Responses in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Whether every response in flight on `lane` received a frame (`false` when none is in flight there). */
  laneAnswered(lane: string): boolean {
    const queue = this.#lanes.get(lane);
    if (queue === undefined) return false;
    for (let index = queue.head; index < queue.responses.length; index += 1) if ((queue.responses[index] as RoutedResponse).framesDelivered === 0) return false;
    return true;
  }

  /** Frames dropped so far, by reason. */
  get droppedFrames(): Readonly<Record<FrameDropReason, number>> {
    return { ...this.#dropped };
  }

  /** Whether reading is paused for a caller's unread events. */
  get isReadingPaused(): boolean {
    return this.#pressured.size > 0 && this.#socket.pause !== undefined;
  }

  /**
   * Sends `request.message` (a `response.create`) and returns the response it starts, which
   * from now on receives the frames that belong to it.
   *
   * @throws the socket's close error or `ClosedError` when the socket is not open (or draining,
   *   or retired); a `busy` error when `maxInFlight` responses are in flight; the
   *   abort reason when the signal is already aborted; a send failure.
   */
  start(request: RouteRequest): RoutedResponse {
    if (this.#closeError !== null) throw this.#closeError;
    if (this.state !== 'open') throw new ClosedError('the WebSocket connection');
    if (this.#inFlight >= this.#maxInFlight) throw new ModelwireError(ErrorCode.Busy, `${this.#maxInFlight} responses are already in flight on this socket`);
    if (request.signal.aborted) throw toAbortError(request.signal.reason);
    const response = new RoutedResponse(this, request);
    let lane = this.#lanes.get(request.lane);
    if (lane === undefined) {
      lane = { responses: [], head: 0 };
      this.#lanes.set(request.lane, lane);
    }
    lane.responses.push(response);
    this.#inFlight += 1;
    this.#reporter = request.telemetry;
    this.#reporters.set(response, request.telemetry);
    this.#lastEndedInError = false;
    try {
      this.#socket.send(request.message);
    } catch (error) {
      response.fail(error);
      throw error;
    }
    response.begin();
    return response;
  }

  /**
   * Closes the socket gracefully: at once, or, while draining, once the failed response's own
   * terminal frame arrived or the drain deadline passed. Resolves when the socket is closed.
   */
  retire(): Promise<void> {
    this.#retiring = true;
    if (this.#drain === null && this.#inFlight === 0) return this.#close(1000, 'retired');
    return this.#closed;
  }

  /** Closes the socket now (responses in flight fail with `ClosedError`). Resolves when it is closed. */
  close(code = 1000, reason = 'client closed'): Promise<void> {
    return this.#close(code, reason);
  }

  // --- ResponseOwner -----------------------------------------------------------------------

  /** @internal */
  settled(response: RoutedResponse, end: RoutedResponseEnd): void {
    const lane = this.#lanes.get(response.lane);
    let wasHead = false;
    if (lane !== undefined) {
      const index = lane.responses.indexOf(response, lane.head);
      wasHead = index === lane.head;
      if (index === lane.head) lane.head += 1;
      else if (index > lane.head) lane.responses.splice(index, 1);
      if (lane.head >= lane.responses.length) this.#lanes.delete(response.lane);
    }
    for (const id of response.ids) {
      this.#byId.delete(id);
      this.#finishedResponses.add(id);
    }
    for (const id of response.itemIds) this.#finishedItems.add(id);
    this.#reporters.delete(response);
    this.#inFlight -= 1;
    this.setPressure(response, false);
    this.#onResponseEnded?.();
    if (this.#closing !== null || this.#closeError !== null) return;
    if (end.kind === 'terminal') {
      this.#lastEndedInError = end.type === 'error';
      const started = response.responseId;
      if (end.type === 'error' && started !== undefined) this.#startDrain(started);
      else if (this.#retiring && this.#drain === null && this.#inFlight === 0) void this.#close(1000, 'retired');
      return;
    }
    // Ended without its terminal frame (aborted, idle, undecodable): the rest of it may still
    // come, so the socket is never lent again. Other lanes run to their end first; later
    // responses queued on the same lane would receive its tail, so they fail now.
    if (wasHead && lane !== undefined) {
      const behind = lane.responses.slice(lane.head);
      for (const queued of behind) queued.fail(new ClosedError('the WebSocket lane (an earlier response on it was abandoned)'));
    }
    this.#retireWhenIdle('response abandoned');
  }

  /** @internal */
  setPressure(response: RoutedResponse, over: boolean): void {
    const before = this.#pressured.size > 0;
    if (over) this.#pressured.add(response);
    else this.#pressured.delete(response);
    const after = this.#pressured.size > 0;
    if (before === after) return;
    if (after) {
      this.#socket.pause?.();
      return;
    }
    this.#socket.resume?.();
    for (const lane of this.#lanes.values()) for (let index = lane.head; index < lane.responses.length; index += 1) lane.responses[index]?.restartIdleClock();
  }

  // --- Routing -----------------------------------------------------------------------------

  #onText(text: string): void {
    // Nothing is read once the router decided to close: no parse, no report per frame.
    if (this.#closing !== null || this.#closeError !== null) return;
    const frame = readEnvelope(text);
    if (frame.type === undefined) {
      // Not a JSON event: nothing in it says whose it is.
      if (this.#inFlight === 1) {
        const only = this.#onlyInFlight();
        if (only !== undefined) return this.#deliver(only, frame);
      }
      if (this.#inFlight > 1) return this.#violation('a frame that is not a JSON event arrived with several responses in flight');
      return this.#withoutResponse(frame);
    }
    if (frame.type === 'error' && (this.#steerError(frame) || this.#laneRefused(frame))) return;
    const lane = this.#lanes.get(frame.lane);
    const head = lane === undefined ? undefined : lane.responses[lane.head];
    if (head === undefined) {
      if (frame.lane === DEFAULT_LANE && this.#laneNotEchoed(frame, undefined)) return;
      return this.#withoutResponse(frame);
    }
    if (frame.lane === DEFAULT_LANE && head.state === 'streaming' && frame.type === 'response.created' && this.#laneNotEchoed(frame, head)) return;
    if (!this.#laneEchoed && frame.lane !== DEFAULT_LANE) {
      this.#laneEchoed = true;
      this.#onLaneEchoed?.();
    }
    if (head.state === 'sent') return this.#beforeCreated(head, frame, frame.type);
    return this.#whileStreaming(head, frame, frame.type);
  }

  #beforeCreated(head: RoutedResponse, frame: FrameEnvelope, type: string): void {
    const id = frame.responseId;
    if (type === 'response.created') {
      if (id === undefined) return this.#failResponse(head, new ProtocolViolationError('response.created without response.id: the response cannot be told apart from others on the socket'));
      if (this.#finishedResponses.has(id)) return this.#drop('stale', frame);
      if (this.#byId.has(id)) return this.#drop('unknown', frame);
      head.bind(id);
      this.#byId.set(id, head);
      return this.#deliver(head, frame);
    }
    if ((frame.flags & TypeFlags.BeforeCreated) !== 0) return this.#deliver(head, frame);
    // Between a steered response's terminal and its successor: the answers to its steers.
    if (head.awaitedAfter !== null && (frame.flags & TypeFlags.SteerAnswer) !== 0) return this.#deliver(head, frame);
    if (id !== undefined) return this.#drop(this.#finishedResponses.has(id) ? 'stale' : 'unknown', frame);
    if ((frame.flags & TypeFlags.Terminal) !== 0) {
      return this.#failResponse(head, new ProtocolViolationError(`${type} without response.id before response.created: it cannot be told whose response it ends`));
    }
    // Output before the response exists: the tail of an earlier response.
    this.#drop('stale', frame);
  }

  #whileStreaming(head: RoutedResponse, frame: FrameEnvelope, type: string): void {
    const id = frame.responseId;
    if (id !== undefined && !head.ids.includes(id)) {
      if (this.#finishedResponses.has(id)) return this.#drop('stale', frame);
      const continues = frame.sequenceNumber !== undefined && head.lastSequence !== undefined && frame.sequenceNumber === head.lastSequence + 1;
      if (this.#byId.has(id) || !continues || type === 'response.created') return this.#drop('unknown', frame);
      // Same numbering under a new id: a server that rotates ids on every event.
      head.ids.push(id);
      this.#byId.set(id, head);
    } else if (id === undefined && frame.itemId !== undefined && this.#isFinishedItem(frame.itemId)) {
      return this.#drop('stale', frame);
    } else if (type === 'response.created') {
      // The bound response announced again.
      return this.#drop('stale', frame);
    }
    this.#deliver(head, frame);
  }

  /** Whether `itemId` names an item of a response that finished on this socket. */
  #isFinishedItem(itemId: string): boolean {
    const added = this.#finishedItems.added;
    if (itemId === this.#liveItem && added === this.#liveItemCheckedAt) return false;
    if (this.#finishedItems.has(itemId)) return true;
    this.#liveItem = itemId;
    this.#liveItemCheckedAt = added;
    return false;
  }

  #withoutResponse(frame: FrameEnvelope): void {
    const drain = this.#drain;
    if (drain !== null && frame.responseId === drain.responseId) {
      // The failed response's own tail: once its terminal frame is in, the socket is retired.
      this.#drop('stale', frame);
      if ((frame.flags & TypeFlags.Terminal) !== 0) {
        this.#stopDrain();
        this.#retireWhenIdle('ended in an error');
      }
      return;
    }
    const id = frame.responseId;
    let reason: FrameDropReason = 'unsolicited';
    if (id !== undefined) reason = this.#finishedResponses.has(id) ? 'stale' : 'unknown';
    else if (frame.itemId !== undefined && this.#finishedItems.has(frame.itemId)) reason = 'stale';
    this.#drop(reason, frame);
    // An idle socket that receives data is never lent again (and stops reading at once).
    if (this.#inFlight === 0) void this.#close(1000, 'unexpected frame while idle');
    // An `error` naming no lane with no request on the default lane: a connection-level error.
    else if (frame.type === 'error' && frame.lane === DEFAULT_LANE) this.#retiring = true;
  }

  /** Closes the socket now when nothing is in flight; otherwise lets the other lanes finish first. */
  #retireWhenIdle(reason: string): void {
    if (this.#inFlight === 0) {
      void this.#close(1000, reason);
      return;
    }
    this.#retiring = true;
  }

  #deliver(response: RoutedResponse, frame: FrameEnvelope): void {
    const { type, flags } = frame;
    // Only an event the API is known to send is progress: a flood of unknown types keeps nothing alive.
    response.noteFrame(frame.sequenceNumber, (flags & TypeFlags.Known) !== 0);
    if (response.framesDelivered === 1) this.#onFirstFrame?.();
    if (frame.itemId !== undefined && (flags & TypeFlags.OutputItem) !== 0) response.itemIds.push(frame.itemId);
    try {
      response.sink.onFrame(frame, response);
    } catch (error) {
      response.fail(error);
      return;
    }
    if (response.state === 'done') return;
    if (type !== undefined && (flags & TypeFlags.Terminal) !== 0) {
      if (type !== 'error' && response.sink.awaitsSuccessor?.() === true) return this.#awaitSuccessor(response, type);
      response.finish(type);
      return;
    }
    // Waiting for a successor: the answer that settles the last steer ends the request.
    const awaited = response.awaitedAfter;
    if (awaited !== null && response.sink.awaitsSuccessor?.() !== true) response.finish(awaited);
  }

  /**
   * An `error` answering a `response.steer` (a server without steering) goes to the steering
   * of the request that sent it, not to the response: offered to its lane's head, then, for an
   * error naming no lane, to every lane's head. Returns whether one took it.
   */
  #steerError(frame: FrameEnvelope): boolean {
    const own = this.#lanes.get(frame.lane);
    if (own !== undefined && this.#offerSteerError(own, frame)) return true;
    if (frame.lane !== DEFAULT_LANE) return false;
    for (const lane of this.#lanes.values()) if (lane !== own && this.#offerSteerError(lane, frame)) return true;
    return false;
  }

  #offerSteerError(lane: Lane, frame: FrameEnvelope): boolean {
    const head = lane.responses[lane.head];
    if (head === undefined || head.sink.takeSteerError?.(frame) !== true) return false;
    // Waiting for a successor: the answer that settles the last steer ends the request.
    const awaited = head.awaitedAfter;
    if (awaited !== null && head.sink.awaitsSuccessor?.() !== true) head.finish(awaited);
    return true;
  }

  /**
   * Servers without lanes (see `LaneSupport`): an `error` naming no lane that refuses
   * `stream_id` answers the oldest lane request still waiting for its first frame; it fails
   * with {@link LanesUnsupportedError} (resent without a lane), and the socket retires.
   */
  #laneRefused(frame: FrameEnvelope): boolean {
    if (frame.lane !== DEFAULT_LANE || frame.value === undefined || !refusesStreamId(frame.value)) return false;
    return this.#lanesUnsupported('refused');
  }

  /**
   * A new `response.created` naming no lane while the default lane has no request or one
   * already streaming (`streaming`), on a socket where no lane was ever echoed, and lane
   * requests wait for their first frame: the server ignores `stream_id` (it is none of the
   * default lane's). Every such lane
   * request fails with {@link LanesUnsupportedError} (their frames could not be told apart),
   * the frame is dropped, and the socket retires. A default-lane response streaming meanwhile
   * fails too (the server interleaves responses it does not tell apart): a retryable
   * `protocol_violation`.
   */
  #laneNotEchoed(frame: FrameEnvelope, streaming: RoutedResponse | undefined): boolean {
    const id = frame.responseId;
    if (this.#laneEchoed || frame.type !== 'response.created' || id === undefined || this.#finishedResponses.has(id) || this.#byId.has(id)) return false;
    if (!this.#lanesUnsupported('not_echoed')) return false;
    this.#drop('unknown', frame);
    streaming?.fail(new ProtocolViolationError('the server started another response on the socket without naming its lane, while this one streamed', { retryable: true, violation: 'other' }));
    return true;
  }

  #lanesUnsupported(how: 'refused' | 'not_echoed'): boolean {
    // In send order (the reporters map keeps it): the server answers creates in that order.
    const waiting = [...this.#reporters.keys()].filter((response) => response.lane !== DEFAULT_LANE && response.state === 'sent' && response.framesDelivered === 0);
    if (waiting.length === 0) return false;
    this.#retiring = true;
    this.#onLanesUnsupported?.();
    // A refusal answers one create (each gets its own); unechoed answers cannot be told apart.
    for (const response of how === 'refused' ? waiting.slice(0, 1) : waiting) response.fail(new LanesUnsupportedError(how));
    return true;
  }

  /**
   * A response ended while steering input may still start a successor on its lane: its ids
   * and items become finished (late frames of it are stale), and the request stays the lane's
   * head, waiting for the successor's `response.created`.
   */
  #awaitSuccessor(response: RoutedResponse, type: string): void {
    const ended = response.awaitSuccessor(type);
    for (const id of ended.ids) {
      this.#byId.delete(id);
      this.#finishedResponses.add(id);
    }
    for (const id of ended.itemIds) this.#finishedItems.add(id);
  }

  /**
   * Sends a client frame other than `response.create` (a `response.steer`) on the socket.
   * @throws the socket's close error or `ClosedError` when the socket is not open.
   */
  sendControl(message: string): void {
    if (this.#closeError !== null) throw this.#closeError;
    if (this.#closing !== null || !this.#socket.isOpen) throw new ClosedError('the WebSocket connection');
    this.#socket.send(message);
  }

  #onlyInFlight(): RoutedResponse | undefined {
    for (const lane of this.#lanes.values()) {
      const head = lane.responses[lane.head];
      if (head !== undefined) return head;
    }
    return undefined;
  }

  #drop(reason: FrameDropReason, frame: FrameEnvelope): void {
    this.#dropped[reason] += 1;
    const kind = frame.type ?? (frame.value === undefined ? '(not json)' : '(no type)');
    // The request of the frame's lane when it has one; else the one that started last.
    const lane = this.#lanes.get(frame.lane);
    const head = lane === undefined ? undefined : lane.responses[lane.head];
    const reporter = (head === undefined ? undefined : this.#reporters.get(head)) ?? this.#reporter;
    reporter.onFrameDropped?.({ transport: 'websocket', reason, kind, responseId: frame.responseId ?? null });
  }

  #failResponse(response: RoutedResponse, error: ModelwireError): void {
    response.fail(error);
  }

  /** A violation that leaves the whole socket unusable: every response fails, the socket closes. */
  #violation(message: string): void {
    const error = new ProtocolViolationError(message);
    for (const response of this.#live()) response.fail(error);
    void this.#close(1002, 'protocol violation');
  }

  #startDrain(responseId: string): void {
    const timer = setTimeout(() => {
      this.#drain = null;
      this.#retireWhenIdle('ended in an error');
    }, this.#drainTimeoutMs);
    timer.unref();
    this.#drain = { responseId, timer };
  }

  #close(code: number, reason: string): Promise<void> {
    if (this.#closing === null) {
      this.#stopDrain();
      const live = this.#live();
      this.#closing = Promise.resolve(this.#socket.close(code, reason)).catch(() => undefined);
      void this.#closing.then(this.#resolveClosed);
      const error = this.#closeError ?? new ClosedError('the WebSocket connection');
      for (const response of live) response.fail(error);
    }
    return this.#closing;
  }

  #onClose(error: ModelwireError): void {
    if (this.#closeError !== null) return;
    this.#closeError = error;
    this.#stopDrain();
    for (const response of this.#live()) response.fail(error);
    // Closed by the peer (or failed): nothing is left to wait for. After our own close the
    // socket reports it before its close handshake ends; `#closing` covers that wait.
    if (this.#closing === null) this.#resolveClosed();
  }

  #stopDrain(): void {
    if (this.#drain === null) return;
    clearTimeout(this.#drain.timer);
    this.#drain = null;
  }

  #live(): RoutedResponse[] {
    const live: RoutedResponse[] = [];
    for (const lane of this.#lanes.values()) for (let index = lane.head; index < lane.responses.length; index += 1) {
      const response = lane.responses[index];
      if (response !== undefined) live.push(response);
    }
    return live;
  }
}
