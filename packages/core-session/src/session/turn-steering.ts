import type { ModelClientSession, ResponseItem, SteerCommit, SteerHandle, SteerInput } from '@modelwire/client';
import type { SessionEvent } from '../events/session-event.js';
import type { SessionJournal } from '../journal/session-journal.js';
import type { TurnHandle } from './turn-handle.js';

/**
 * Where a `session.steer()` input ended up:
 * - `committed` `via: 'websocket'`: the server steered the running response; the input entered
 *   the history at its successor's (or explicit continuation's) `response.created`;
 * - `committed` `via: 'next_request'`: steering was unavailable (HTTP, a model without
 *   steering, a tool running, a steer the server refused as too late) and the input went out
 *   with the turn's next request (it entered the history right before that request);
 * - `committed` `via: 'next_turn'`: the turn ended first; the input started the next turn
 *   (`turn`);
 * - `failed`: the server refused the input itself (`invalid_input`); nothing was committed;
 * - `dropped`: the turn failed or the session closed before the input could be sent; nothing was
 *   committed (`items` hands it back).
 */
export type SessionSteerOutcome =
  | { readonly status: 'committed'; readonly via: 'websocket'; readonly turnId: string; readonly responseId: string }
  | { readonly status: 'committed'; readonly via: 'next_request'; readonly turnId: string }
  | { readonly status: 'committed'; readonly via: 'next_turn'; readonly turnId: string; readonly turn: TurnHandle }
  | { readonly status: 'failed'; readonly code: string; readonly message: string; readonly items: readonly ResponseItem[] }
  | { readonly status: 'dropped'; readonly reason: 'turn_failed' | 'session_closed'; readonly items: readonly ResponseItem[] };

/** One `session.steer()` call: `result` settles once with where the input ended up; never rejects. */
export interface SessionSteer {
  /** The input as history items. */
  readonly items: readonly ResponseItem[];
  readonly result: Promise<SessionSteerOutcome>;
}

/** Steering input waiting to be carried by a request (or the next turn). */
export interface QueuedSteer {
  readonly items: readonly ResponseItem[];
  readonly settle: (outcome: SessionSteerOutcome) => void;
}

/**
 * The steering side of one running turn (turn lifetime). Input submitted while a request
 * streams goes to the server as `response.steer`; input that cannot be steered there (no
 * request running, HTTP, an unsupported model, a refusal the input survives, a lost
 * connection) waits for the turn's next request; what is left when the turn ends starts the
 * next turn. Every input is committed to the history exactly once: at its commit point on the
 * WebSocket (see {@link TurnSteering.onCommitted}), or with the request that carries it.
 */
export class TurnSteering {
  readonly turnId: string;
  readonly #emit: (event: SessionEvent) => void;
  readonly #journal: SessionJournal;
  readonly #leftover: (steers: readonly QueuedSteer[]) => void;
  /** Told of the items committed at commit points (the turn loop collects the turn's items). */
  onItemsCommitted: (items: readonly ResponseItem[]) => void = () => undefined;
  #client: ModelClientSession | null = null;
  #pending: QueuedSteer[] = [];
  #ended = false;
  #failedTurn = false;
  /** The history commits made at commit points, in order (awaited before the turn goes on). */
  #commits: Promise<void> = Promise.resolve();
  /** Steers out on the server, with their handles (to find those left pending by a tool wait). */
  readonly #outstanding = new Map<SteerHandle, { readonly queued: QueuedSteer; placed: boolean }>();
  #commitFailure: unknown = undefined;

  constructor(options: {
    readonly turnId: string;
    readonly emit: (event: SessionEvent) => void;
    readonly journal: SessionJournal;
    readonly leftover: (steers: readonly QueuedSteer[]) => void;
  }) {
    this.turnId = options.turnId;
    this.#emit = options.emit;
    this.#journal = options.journal;
    this.#leftover = options.leftover;
  }

  /** The turn's client session (set once the turn has one). */
  attach(client: ModelClientSession): void {
    this.#client = client;
  }

  /** Submits input (see `Session.steer`): steered on the WebSocket when it can be, else queued. */
  submit(items: readonly ResponseItem[], steerInput: SteerInput | null): Promise<SessionSteerOutcome> {
    return new Promise<SessionSteerOutcome>((settle) => {
      const queued: QueuedSteer = { items, settle };
      if (this.#ended) return this.#leftover([queued]);
      const client = this.#client;
      if (steerInput !== null && client !== null) {
        const handle = client.steer(steerInput);
        if (handle.state !== 'unavailable') return this.#track(handle, queued);
      }
      this.#pending.push(queued);
    });
  }

  /** Takes the input waiting for the next request (the loop commits it to the history and sends it). */
  takePending(): QueuedSteer[] {
    const pending = this.#pending;
    this.#pending = [];
    return pending;
  }

  /** The input taken by {@link takePending} was committed and goes out with the next request. */
  carried(steers: readonly QueuedSteer[]): void {
    for (const steer of steers) {
      this.#emit({ type: 'steer_committed', turnId: this.turnId, via: 'next_request', responseId: null });
      steer.settle({ status: 'committed', via: 'next_request', turnId: this.turnId });
    }
  }

  /**
   * A commit point on the WebSocket (`StreamOptions.onSteerCommitted`): the output of the
   * response the successor follows and the steering input enter the history, in that order, in
   * one journal append. Called synchronously by the client; the journal write is chained.
   */
  readonly onCommitted = (commit: SteerCommit): void => {
    // Placed in the history already (see `placePending`): the request's input held them.
    const items = commit.inInput ? [] : commit.steers.flatMap((steer) => steer.items);
    const previous = commit.previous;
    if (previous === null && items.length === 0) return;
    this.#commits = this.#commits.then(async () => {
      if (this.#commitFailure !== undefined) return;
      try {
        await this.#journal.commitSteered(this.turnId, previous?.output ?? [], previous?.usage, items);
        this.onItemsCommitted([...(previous?.output ?? []), ...items]);
      } catch (error) {
        this.#commitFailure = error;
      }
    });
  };

  /**
   * Steers the server keeps pending on the response that just completed (it waits for tool
   * output): their items, to be committed now, right after that response's output and before
   * the tool outputs, which is where the server puts them (it prepends the queued input to the
   * next request's input; the client then leaves them out of what it sends). Once placed, the
   * input is in the history whatever happens next: committed by the continuation's
   * `response.created`, or carried by the next request in full when it is not continued.
   */
  placePending(): ResponseItem[] {
    const items: ResponseItem[] = [];
    for (const [handle, entry] of this.#outstanding) {
      if (handle.state !== 'pending' || entry.placed) continue;
      entry.placed = true;
      items.push(...handle.items);
    }
    return items;
  }

  /**
   * Waits for the history commits of the commit points seen so far.
   * @throws the journal's failure, if a commit failed
   */
  async settleCommits(): Promise<void> {
    await this.#commits;
    if (this.#commitFailure !== undefined) throw this.#commitFailure;
  }

  /**
   * The turn ended: input still waiting starts the next turn when the turn completed, and is
   * handed back (`dropped`) when it failed. Input still out on the server settles later and
   * follows the same rule.
   */
  end(completed: boolean): void {
    this.#ended = true;
    this.#client = null;
    const pending = this.takePending();
    if (completed) {
      if (pending.length > 0) this.#leftover(pending);
      return;
    }
    this.#failedTurn = true;
    for (const steer of pending) steer.settle({ status: 'dropped', reason: 'turn_failed', items: steer.items });
  }

  #track(handle: SteerHandle, queued: QueuedSteer): void {
    const entry = { queued, placed: false };
    this.#outstanding.set(handle, entry);
    void handle.acknowledged.then((ack) => {
      if (ack.status === 'accepted') this.#emit({ type: 'steer_accepted', turnId: this.turnId, steerId: ack.steerId });
    });
    void handle.final.then((final) => {
      this.#outstanding.delete(handle);
      if (entry.placed && final.status !== 'committed') {
        // In the history already: the next request carries it in full.
        this.#emit({ type: 'steer_committed', turnId: this.turnId, via: 'next_request', responseId: null });
        queued.settle({ status: 'committed', via: 'next_request', turnId: this.turnId });
        return;
      }
      if (final.status === 'committed') {
        this.#emit({ type: 'steer_committed', turnId: this.turnId, via: 'websocket', responseId: final.responseId });
        queued.settle({ status: 'committed', via: 'websocket', turnId: this.turnId, responseId: final.responseId });
        return;
      }
      const code = final.status === 'failed' ? final.code : final.reason;
      if (final.status === 'failed' && final.code === 'invalid_input') {
        this.#emit({ type: 'steer_failed', turnId: this.turnId, code, requeued: false });
        queued.settle({ status: 'failed', code: final.code, message: final.message, items: queued.items });
        return;
      }
      // Not committed anywhere: carried by the next request, or the next turn.
      this.#emit({ type: 'steer_failed', turnId: this.turnId, code, requeued: true });
      if (!this.#ended) {
        this.#pending.push(queued);
        return;
      }
      if (this.#failedTurn) queued.settle({ status: 'dropped', reason: 'turn_failed', items: queued.items });
      else this.#leftover([queued]);
    });
  }
}
