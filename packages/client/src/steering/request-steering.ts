import { SteerMessageSchema, type SteerInput, type SteerRequiredInput } from '@modelwire/protocol';
import { z } from 'zod';
import { InvalidArgumentError } from '@modelwire/errors';
import type { TransportKind } from '../telemetry/client-telemetry.js';
import { issuesOf } from '../validation/validate-arguments.js';
import type { ResponseItem } from '../types/prompt.js';
import { SteerHandle, type PrecedingResponse, type SteerCommit, type SteerUnavailableReason, type SteerUnknownReason } from './steer-handle.js';

/** Where a request's `response.steer` frames go: the socket carrying its response. */
export interface SteerChannel {
  /** Sends one client frame; throws when the socket is not open. */
  send(text: string): void;
}

/**
 * How long a request waits, after its response's terminal frame, for the server to answer
 * the steers still outstanding (unanswered, or accepted and not yet committed), in
 * milliseconds. The protocol has the server decide at the terminal frame: an automatic
 * successor's `response.created`, a `response.steer.pending` or a `response.steer.failed`
 * follows it at once, on the same lane, before anything else of that lane. A server that says
 * nothing within this grace does not steer (or lost the input): the request ends with the
 * response's own result, the steers end as `unknown` (`no_answer`), the socket is retired (a
 * late successor would otherwise reach the next request on its lane), and a steer that was
 * never even acknowledged marks the server as not steering (`unsupported_server`). Twice the
 * router's drain wait for an `error` frame's terminal: the same kind of wait (frames the
 * server sends right after a terminal), with room for a successor's creation.
 */
export const STEER_GRACE_MS = 2_000;

/** What {@link SteeringRegistry.take} returns when nothing is pending. */
const NONE_CARRIED: readonly SteerHandle[] = Object.freeze([]);

/** One steer the server keeps queued for a completed response (`response.steer.pending`). */
interface PendingEntry {
  /** The socket whose server holds the queue (identity only). */
  readonly connection: object;
  readonly parent: string;
  readonly handle: SteerHandle;
}

/**
 * What one client remembers about steering across requests: steers pending on a socket until
 * their explicit continuation, and the models that answered `steering_not_supported`.
 */
export class SteeringRegistry {
  readonly unsupportedModels = new Set<string>();
  /**
   * Set once the server showed it does not steer at all (an `error` frame answering a
   * `response.steer`, or one left unanswered past {@link STEER_GRACE_MS}).
   */
  unsupportedServer = false;
  #pending: PendingEntry[] = [];

  /** @internal */
  addPending(connection: object, parent: string, handle: SteerHandle): void {
    this.#pending.push({ connection, parent, handle });
  }

  /**
   * A request is sent: on `connection` continuing `previousResponseId` (WebSocket), or over
   * HTTP (`connection` null). Returns the pending steers it carries (the server prepends their
   * input); every other pending steer can never be applied any more (its socket is gone, or its
   * response is no longer the latest on it) and ends as unknown.
   */
  take(connection: object | null, previousResponseId: string | undefined): readonly SteerHandle[] {
    // The usual case: nothing pending, nothing to allocate (called once per request).
    if (this.#pending.length === 0) return NONE_CARRIED;
    const carried: SteerHandle[] = [];
    for (const entry of this.#pending) {
      if (connection !== null && entry.connection === connection && entry.parent === previousResponseId) carried.push(entry.handle);
      else entry.handle.lose(connection === entry.connection ? 'not_continued' : 'connection_lost');
    }
    this.#pending = [];
    return carried;
  }

  /** The client closes: nothing pending can be applied any more. */
  close(): void {
    for (const entry of this.#pending) entry.handle.lose('connection_lost');
    this.#pending = [];
  }
}

/** Options of {@link RequestSteering}. */
export interface RequestSteeringOptions {
  readonly registry: SteeringRegistry;
  /** The model of the request (for the `unsupported_model` memory). */
  readonly model: string;
  /** Set when the API never steers this request. */
  readonly unavailable: SteerUnavailableReason | null;
  /** Told at each commit point (`StreamOptions.onSteerCommitted`). */
  readonly onCommit?: (commit: SteerCommit) => void;
}

/**
 * The steering side of one request (request lifetime): the steers submitted while it runs,
 * their `response.steer` frames on the socket of its running response, the answers matched to
 * them, the commit points, and whether the request must wait for a successor after a terminal.
 *
 * Matching: `accepted` answers come in submission order (they name the response, not the
 * input), so they go to the oldest unanswered steer; `pending` and later failures carry the
 * steer id; a failure without id answers the oldest unanswered steer.
 *
 * A request waits for a successor after a terminal while a steer sent to it is unanswered or
 * accepted and not yet committed, failed or pending: the server then either creates a
 * successor (its `response.created` commits every accepted steer) or answers each of them.
 */
export class RequestSteering {
  readonly #options: RequestSteeringOptions;
  readonly #all: SteerHandle[] = [];
  /** Submitted, not yet sent (no response id to send them to yet). */
  #queued: SteerHandle[] = [];
  /** Sent, unanswered, in submission order. */
  #unanswered: SteerHandle[] = [];
  /** Accepted, not yet committed, pending or failed. */
  #accepted: SteerHandle[] = [];
  /** Pending steers of an earlier response carried by this request's `response.create`. */
  #carried: readonly SteerHandle[] = [];
  #transport: TransportKind | null = null;
  #channel: SteerChannel | null = null;
  #connection: object | null = null;
  /** The running response's id, `undefined` before its `response.created` and between a terminal and a successor. */
  #target: string | undefined;
  #ended = false;
  /** Running after a terminal frame while steers are outstanding (see {@link STEER_GRACE_MS}). */
  #grace: ReturnType<typeof setTimeout> | null = null;
  /** Whether the request's input held the carried steers' items (left out of what was sent). */
  #carriedInInput = false;
  #graceExpired = false;

  constructor(options: RequestSteeringOptions) {
    this.#options = options;
  }

  /** Every steer submitted to this request, in order. */
  get handles(): readonly SteerHandle[] {
    return this.#all;
  }

  /**
   * Submits steering input (see `ResponseStream.steer`).
   * @throws InvalidArgumentError (path `input`) for input the API would refuse.
   */
  steer(input: SteerInput): SteerHandle {
    checkSteerInput(input);
    const handle = new SteerHandle(input);
    this.#all.push(handle);
    const reason = this.#unavailableReason();
    if (reason !== null) {
      handle.unavailable(reason);
      return handle;
    }
    this.#queued.push(handle);
    this.#flush();
    return handle;
  }

  #unavailableReason(): SteerUnavailableReason | null {
    if (this.#options.unavailable !== null) return this.#options.unavailable;
    if (this.#ended) return 'request_ended';
    if (this.#options.registry.unsupportedServer) return 'unsupported_server';
    if (this.#options.registry.unsupportedModels.has(this.#options.model)) return 'unsupported_model';
    if (this.#transport === 'http') return 'http';
    return null;
  }

  /** An attempt starts on `transport`: over HTTP nothing can be steered (queued input is handed back). */
  beginAttempt(transport: TransportKind): void {
    this.#transport = transport;
    if (transport !== 'http') return;
    this.#options.registry.take(null, undefined);
    this.#giveBack('http');
  }

  /**
   * A `response.create` goes out on `connection` (continuing `previousResponseId`, if any):
   * frames go to `channel` from now on; pending steers it continues are carried (committed by
   * its `response.created`).
   */
  attach(connection: object, channel: SteerChannel, previousResponseId: string | undefined): void {
    // Steers sent during an earlier attempt of this request (its response failed, or was
    // refused and resent in full) get no answer any more.
    if (this.#carried.length > 0) {
      for (const handle of this.#carried) handle.lose('not_continued');
      this.#carried = [];
    }
    this.#lose('request_failed');
    this.#connection = connection;
    this.#channel = channel;
    this.#target = undefined;
    this.#carried = this.#options.registry.take(connection, previousResponseId);
    this.#carriedInInput = false;
  }

  /**
   * The input to send for the explicit continuation `delta` (the items after the continued
   * response's output): when it starts with the items of the pending steers this request
   * carries (the caller put them where the server puts them), they are left out, since the
   * server prepends them itself; otherwise `delta` as it is.
   */
  withoutCarried(delta: readonly ResponseItem[]): readonly ResponseItem[] {
    const items = this.#carried.flatMap((handle) => handle.items);
    if (items.length === 0 || delta.length < items.length) return delta;
    for (const [index, item] of items.entries()) if (JSON.stringify(item) !== JSON.stringify(delta[index])) return delta;
    this.#carriedInInput = true;
    return delta.slice(items.length);
  }

  /**
   * A `response.created` of the running response arrived: the commit point of the steers it
   * carries (an explicit continuation) or follows (`previous`: an automatic successor). Returns
   * the commit, or `null` when it committed nothing. Queued steers go out to it.
   */
  onCreated(responseId: string, previous: PrecedingResponse | null): SteerCommit | null {
    this.#stopGrace();
    if (previous === null && this.#carried.length === 0) {
      // A request's own response.created without carried steers (the usual case): nothing commits.
      this.#target = responseId;
      this.#flush();
      return null;
    }
    const committed = previous === null ? this.#carried : [...this.#carried, ...this.#accepted];
    this.#carried = [];
    if (previous !== null) this.#accepted = [];
    this.#target = responseId;
    let commit: SteerCommit | null = null;
    const steers = committed.filter((handle) => handle.steerId !== undefined);
    if (steers.length > 0) {
      for (const handle of steers) handle.commit(responseId);
      commit = {
        responseId,
        previous,
        steers: steers.map((handle) => ({ steerId: handle.steerId as string, items: handle.items })),
        inInput: previous === null && this.#carriedInInput,
      };
      this.#options.onCommit?.(commit);
    }
    this.#flush();
    return commit;
  }

  /**
   * A terminal of the running response arrived: no target until a successor is created. While
   * steers are outstanding the request waits for their answers at most the grace
   * ({@link STEER_GRACE_MS}); when it passes, they end as `unknown` (`no_answer`) and
   * `endRequest` ends the request with the response's own result.
   */
  onTerminal(endRequest: () => void): void {
    this.#target = undefined;
    this.#stopGrace();
    if (!this.awaitsSuccessor) return;
    const timer = setTimeout(() => {
      this.#grace = null;
      if (!this.awaitsSuccessor) return;
      this.#graceExpired = true;
      // Not even acknowledged: the server ignores `response.steer`.
      if (this.#unanswered.length > 0) this.#options.registry.unsupportedServer = true;
      this.#lose('no_answer');
      endRequest();
    }, STEER_GRACE_MS);
    timer.unref();
    this.#grace = timer;
  }

  /**
   * Whether the request ended by the grace rather than by the server's answers: a successor
   * may still come on the socket, which must not carry another request on that lane.
   */
  get graceExpired(): boolean {
    return this.#graceExpired;
  }

  /**
   * An `error` frame while steers are unanswered: when it names steering or an event type the
   * server does not know, it is the answer to the oldest unanswered `response.steer` (a server
   * without steering), not the response's failure: that steer is handed back (`unavailable`,
   * `unsupported_server`), and the server is remembered as not steering. Returns whether the
   * frame was taken.
   */
  takeErrorFrame(event: Readonly<Record<string, unknown>>): boolean {
    if (this.#unanswered.length === 0 || !answersSteer(event)) return false;
    this.#options.registry.unsupportedServer = true;
    (this.#unanswered.shift() as SteerHandle).unavailable('unsupported_server');
    this.#giveBack('unsupported_server');
    if (!this.awaitsSuccessor) this.#stopGrace();
    return true;
  }

  /** Whether a successor may still follow the response that just ended (see the class comment). */
  get awaitsSuccessor(): boolean {
    return this.#unanswered.length > 0 || this.#accepted.length > 0;
  }

  /** Handles a `response.steer.accepted` / `.pending` / `.failed` event (already decoded). */
  onEvent(event: Readonly<Record<string, unknown>>): void {
    this.#onAnswer(event);
    if (!this.awaitsSuccessor) this.#stopGrace();
  }

  #onAnswer(event: Readonly<Record<string, unknown>>): void {
    const steer = (event['steer'] ?? {}) as { id?: unknown; previous_response_id?: unknown };
    const steerId = typeof steer.id === 'string' ? steer.id : undefined;
    const parent = typeof steer.previous_response_id === 'string' ? steer.previous_response_id : '';
    switch (event['type']) {
      case 'response.steer.accepted': {
        const handle = this.#unanswered.shift();
        if (handle === undefined || steerId === undefined) return;
        handle.accept(steerId, parent);
        this.#accepted.push(handle);
        return;
      }
      case 'response.steer.pending': {
        const handle = this.#takeAccepted(steerId);
        if (handle === undefined) return;
        handle.pend({ previousResponseId: parent, reason: String(event['reason']), requiredInput: (event['required_input'] ?? []) as SteerRequiredInput[] });
        if (this.#connection !== null) this.#options.registry.addPending(this.#connection, parent, handle);
        return;
      }
      case 'response.steer.failed': {
        const error = (event['error'] ?? {}) as { code?: unknown; message?: unknown };
        const code = typeof error.code === 'string' ? error.code : 'unknown';
        const handle = (steerId === undefined ? undefined : this.#takeAccepted(steerId)) ?? this.#unanswered.shift();
        if (handle === undefined) return;
        if (code === 'steering_not_supported') {
          this.#options.registry.unsupportedModels.add(this.#options.model);
          handle.unavailable('steering_not_supported');
          return;
        }
        handle.fail(code, typeof error.message === 'string' ? error.message : code, steerId);
        return;
      }
    }
  }

  #stopGrace(): void {
    if (this.#grace === null) return;
    clearTimeout(this.#grace);
    this.#grace = null;
  }

  /** The attempt carrying the response failed: steers sent on it have an unknown outcome; queued ones wait for the next attempt. */
  detach(reason: SteerUnknownReason): void {
    this.#stopGrace();
    this.#lose(reason);
    this.#channel = null;
    this.#connection = null;
    this.#target = undefined;
  }

  /** The request ended (completed, failed or aborted): nothing more can be steered. */
  end(reason: SteerUnknownReason): void {
    this.#ended = true;
    this.detach(reason);
    this.#giveBack('request_ended');
  }

  #lose(reason: SteerUnknownReason): void {
    // Called several times per request: nothing to do (and nothing allocated) without steers.
    if (this.#unanswered.length === 0 && this.#accepted.length === 0 && this.#carried.length === 0) return;
    for (const handle of [...this.#unanswered, ...this.#accepted, ...this.#carried]) handle.lose(reason);
    this.#unanswered = [];
    this.#accepted = [];
    this.#carried = [];
  }

  #giveBack(reason: SteerUnavailableReason): void {
    if (this.#queued.length === 0) return;
    const queued = this.#queued;
    this.#queued = [];
    for (const handle of queued) handle.unavailable(reason);
  }

  #takeAccepted(steerId: string | undefined): SteerHandle | undefined {
    const index = this.#accepted.findIndex((handle) => handle.steerId === steerId);
    if (index < 0) return undefined;
    const [handle] = this.#accepted.splice(index, 1);
    return handle;
  }

  /** Sends the queued steers to the running response, when there is one. */
  #flush(): void {
    const target = this.#target;
    const channel = this.#channel;
    if (target === undefined || channel === null || this.#queued.length === 0) return;
    if (this.#options.registry.unsupportedServer) return this.#giveBack('unsupported_server');
    while (this.#queued.length > 0) {
      const handle = this.#queued[0] as SteerHandle;
      try {
        channel.send(JSON.stringify({ type: 'response.steer', previous_response_id: target, input: handle.input }));
      } catch {
        // The socket is closing: the attempt fails with the socket's error; the input never
        // left and waits for the next attempt (or is handed back when the request ends).
        return;
      }
      this.#queued.shift();
      handle.markSent(target);
      this.#unanswered.push(handle);
    }
  }
}

/** Codes and params of an `error` that refuses a client event whose type the server does not know. */
const UNKNOWN_EVENT = /(unknown|invalid|unsupported|unrecognized|unexpected)_?(client_)?event|event_?type/i;

/**
 * Whether an `error` frame answers a `response.steer`: it names steering (`response.steer`, a
 * `steer` code or param), or refuses an event type the server does not know.
 */
function answersSteer(event: Readonly<Record<string, unknown>>): boolean {
  const error = event['error'];
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : event;
  const text = (key: string): string => (typeof fields[key] === 'string' ? (fields[key] as string) : '');
  if (/steer/i.test(text('code')) || /steer/i.test(text('param')) || /response\.steer/i.test(text('message'))) return true;
  if (UNKNOWN_EVENT.test(text('code')) || UNKNOWN_EVENT.test(text('type'))) return true;
  return text('param') === 'type' && /event|type/i.test(text('message'));
}

const STEER_MESSAGES = z.array(SteerMessageSchema).min(1, 'must not be empty');

/**
 * Checks steering input as the API does (a non-empty string, or a non-empty array of user
 * messages), with the path of the first wrong field.
 * @throws InvalidArgumentError
 */
function checkSteerInput(input: unknown): void {
  if (typeof input === 'string') {
    if (input.length === 0) throw new InvalidArgumentError({ path: 'input', message: 'must not be empty' });
    return;
  }
  if (!Array.isArray(input)) throw new InvalidArgumentError({ path: 'input', message: 'must be a non-empty string or a non-empty array of user messages' });
  const parsed = STEER_MESSAGES.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new InvalidArgumentError(issuesOf('input', parsed.error));
}
