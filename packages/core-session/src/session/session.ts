import { randomUUID } from 'node:crypto';
import type { MemoryTraceInput, MemoryTraceSummary, ResponseInputItem, ResponseItem, SubagentLabel, TurnContext } from '@modelwire/client';
import { InvalidArgumentError } from '@modelwire/transport';
import { ConversationHistory } from '../history/conversation-history.js';
import { SessionJournal } from '../journal/session-journal.js';
import { SessionServices } from '../services/session-services.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { ClosedError, combineSignals, toAbortError } from '@modelwire/transport';
import { compactHistory, type CompactionResult } from '../compaction/compact-history.js';
import { EventChannel } from '../events/event-channel.js';
import type { SessionEvent } from '../events/session-event.js';
import { TurnInterruptedError } from '../errors/turn-interrupted-error.js';
import { readMemoryTraces } from '../memory/read-memory-traces.js';
import { endTurnTelemetry } from '../services/turn-telemetry-factory.js';
import { buildTurnContext } from '../turn/build-turn-context.js';
import { runTurn } from '../turn/run-turn.js';
import { promptSettings, type TurnLoopConfig } from '../turn/turn-loop-config.js';
import type { TurnResult } from '../turn/turn-result.js';
import { mergeTurnSettings, type TurnSettings } from '../turn/turn-settings.js';
import type { SessionCallOptions, SubmitOptions } from './session-options.js';
import { TurnHandle } from './turn-handle.js';
import type { ResumeReport } from './resume-report.js';
import { userInputItems } from './user-input.js';
import { steerInputOf } from './steer-input.js';
import { TurnSteering, type QueuedSteer, type SessionSteer, type SessionSteerOutcome } from './turn-steering.js';

/**
 * An agent session: submits turns one at a time over the session-scoped services (session
 * lifetime). Created by `createSession`.
 *
 * **Turns are serialised: a second `submit` while a turn runs waits** (FIFO) and starts when
 * the earlier turns ended; its handle is returned at once. Manual compaction takes its place in
 * the same queue (it replaces the history). `interrupt()` stops the running turn only; queued
 * turns then run. `close()` stops the running turn, cancels queued ones and closes the client.
 */
export class Session implements AsyncDisposable {
  /** The session-scoped services (client, telemetry, auth, tools, history, journal). */
  readonly services: SessionServices;
  /**
   * What `resumeSession` or `forkSession` found and repaired when it rebuilt this session (a
   * torn end of the journal, interrupted tool calls); `null` for a session made by `createSession`.
   */
  readonly resumeReport: ResumeReport | null;
  /** The session id: the conversation id, and the id of its journal in a `SessionStore`. */
  readonly id: string;
  readonly #config: TurnLoopConfig;
  readonly #defaults: TurnSettings;
  #tail: Promise<unknown> = Promise.resolve();
  #current: AbortController | null = null;
  readonly #pending = new Set<AbortController>();
  readonly #lifetime = new AbortController();
  #closed: Promise<void> | null = null;
  /** Sub-agent sessions spawned from this one and not yet closed. */
  readonly #children = new Set<Session>();
  /** The steering of the running turn; `null` between turns. */
  #steering: TurnSteering | null = null;

  /** @internal Use `createSession`. */
  constructor(services: SessionServices, config: TurnLoopConfig, defaults: TurnSettings, origin: { readonly id: string; readonly resumeReport?: ResumeReport | null }) {
    this.services = services;
    this.#config = config;
    this.#defaults = defaults;
    this.id = origin.id;
    this.resumeReport = origin.resumeReport ?? null;
  }

  /**
   * Where the session is journaled (a file path for `JsonlSessionStore`); `null` without a
   * store. A JSONL journal file exists once the first turn (or compaction) committed.
   */
  get journalLocation(): string | null {
    return this.services.journal.location;
  }

  /** The committed history (read-only view; replaced as a whole by compaction). */
  get history(): readonly ResponseItem[] {
    return this.services.history.items;
  }

  /** Whether a turn or compaction is running. */
  get isBusy(): boolean {
    return this.#current !== null;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.#closed !== null;
  }

  /**
   * Submits a turn: `input` is the user's text (one user message) or complete input items.
   * Returns at once; the turn starts when the turns before it ended.
   *
   * @throws ModelwireError `closed` after `close()`, `invalid_argument` for empty input.
   */
  submit(input: string | readonly ResponseInputItem[], options: SubmitOptions = {}): TurnHandle {
    return this.#submit(input, options, 0);
  }

  /** {@link submit}, for a turn whose input is `steers` steers an earlier turn could not take. */
  #submit(input: string | readonly ResponseInputItem[], options: SubmitOptions, steers: number): TurnHandle {
    this.#assertOpen();
    const items = userInputItems(input);
    const { signal, ...overrides } = options;
    const settings = mergeTurnSettings(this.#defaults, overrides);
    const turnId = randomUUID();
    const channel = new EventChannel<SessionEvent>();
    const emit = (event: SessionEvent): void => channel.push(event);
    const result = this.#enqueue(signal, async (controller): Promise<TurnResult> => {
      const steering = new TurnSteering({ turnId, emit, journal: this.services.journal, leftover: (steers) => this.#steerNextTurn(steers) });
      this.#steering = steering;
      try {
        const turnResult = await this.#withContext(
          settings,
          controller.signal,
          (context) => runTurn({ services: this.services, config: this.#config, context, turnId, input: items, signal: controller.signal, emit, steering, steers }),
          turnId,
        );
        emit({ type: 'turn_completed', turnId, result: turnResult });
        return turnResult;
      } catch (error) {
        // `#withContext` already made it the typed failure and ended the turn's telemetry.
        emit({ type: 'turn_failed', turnId, error: error as Error });
        throw error;
      } finally {
        if (this.#steering === steering) this.#steering = null;
        channel.close();
      }
    }, (error) => {
      emit({ type: 'turn_failed', turnId, error });
      channel.close();
    });
    return new TurnHandle(turnId, channel, result);
  }

  /**
   * Steers the running turn with more user input (`input`: the user's text, or user message
   * items), without waiting for it to end. Returns at once; `result` says where the input
   * ended up (see {@link SessionSteerOutcome}) and never rejects.
   *
   * While a request of the turn streams over the WebSocket, the server steers it
   * (`response.steer`): the input enters the history exactly once, at the `response.created`
   * of the successor that carries it (after the output of the response it follows), and the turn
   * goes on with that successor. Where that is not possible (HTTP, after a fallback, a model
   * without steering, between requests while tools run, a steer the server refuses as too late,
   * a lost connection), the input waits and goes out with the turn's next request, committed to
   * the history right before it; if the turn ends first, it starts the next turn. With no turn
   * running it starts one. Session events report it: `steer_accepted`, `steer_committed`,
   * `steer_failed`.
   *
   * @throws ModelwireError `closed` after `close()`, `invalid_argument` for empty input.
   */
  steer(input: string | readonly ResponseInputItem[]): SessionSteer {
    this.#assertOpen();
    const items = userInputItems(input);
    const steering = this.#steering;
    const result = steering !== null ? steering.submit(items, steerInputOf(items)) : new Promise<SessionSteerOutcome>((settle) => this.#steerNextTurn([{ items, settle }]));
    return { items, result };
  }

  /** Input that no running turn can take starts the next turn (handed back once the session is closed). */
  #steerNextTurn(steers: readonly QueuedSteer[]): void {
    const items = steers.flatMap((steer) => steer.items);
    if (this.#closed !== null) {
      for (const steer of steers) steer.settle({ status: 'dropped', reason: 'session_closed', items: steer.items });
      return;
    }
    const turn = this.#submit(items, {}, steers.length);
    for (const steer of steers) steer.settle({ status: 'committed', via: 'next_turn', turnId: turn.turnId, turn });
  }

  /**
   * Stops the running turn (or compaction): its stream is aborted, a running tool call's signal
   * fires and the call gets an "aborted" output, and the turn fails with
   * `TurnInterruptedError`. Returns whether something was running. Queued turns are not
   * affected.
   */
  interrupt(): boolean {
    const current = this.#current;
    if (current === null || current.signal.aborted) return false;
    current.abort(new TurnInterruptedError('interrupted'));
    return true;
  }

  /**
   * Compacts the history now (queued behind running turns) with a `TurnContext` of its own:
   * compaction v2 (a streamed request ending with `compaction_trigger`, retried at most twice
   * per transport) when the provider has `supportsCompactionTrigger`, else the legacy
   * `POST /responses/compact`. The history is then replaced by the new window (a `compacted`
   * journal record first) and the next request starts a new chain. On any failure, among them
   * a `CompactionFailedError` for an unusable answer, the history stays exactly as it was.
   */
  compact(options: SessionCallOptions = {}): Promise<CompactionResult> {
    this.#assertOpen();
    const { signal, ...overrides } = options;
    const settings = mergeTurnSettings(this.#defaults, overrides);
    const result = this.#enqueue(signal, (controller) =>
      this.#withContext(settings, controller.signal, async (context) => {
        // A client session of its own (its own sticky token); a switch to HTTP is reported by the next turn.
        const compaction = await compactHistory({
          client: this.services.client,
          turnOptions: this.services.turnOptions,
          journal: this.services.journal,
          prompt: promptSettings(this.#config, this.services.tools),
          context,
          signal: controller.signal,
          backoff: this.#config.backoff,
        });
        await this.services.journal.sync();
        return compaction;
      }),
    );
    result.catch(() => undefined);
    return result;
  }

  /**
   * Warm-up (ARCHITECTURE §3.2): sends the session's instructions, tools and history over the
   * WebSocket with `generate: false`, queued like a turn, with a `TurnContext` of its own. The
   * next request of the same settings then continues from it and sends only its new items.
   * Resolves with the warm-up response id, or `null` on HTTP (no warm-up there).
   */
  prewarm(options: SessionCallOptions = {}): Promise<string | null> {
    this.#assertOpen();
    const { signal, ...overrides } = options;
    const settings = mergeTurnSettings(this.#defaults, overrides);
    const result = this.#enqueue(signal, (controller) =>
      this.#withContext(settings, controller.signal, async (context) => {
        const turn = this.services.client.newTurn(this.services.turnOptions);
        try {
          // `null` also when the session switched to HTTP during the warm-up (426, budget spent).
          return await turn.prewarm({ ...promptSettings(this.#config, this.services.tools), input: this.services.history.items }, context, { signal: controller.signal });
        } finally {
          await turn.close();
        }
      }),
    );
    result.catch(() => undefined);
    return result;
  }

  /**
   * Summarises memory traces: trace file paths (JSON or JSONL, read and filtered, one trace per
   * file) or prepared traces. Runs beside turns (it does not touch the history), with a
   * `TurnContext` of its own (the model, effort and telemetry of the session's defaults and
   * `options`). Returns one summary per trace, in order.
   */
  async summarizeMemoryTraces(source: readonly string[] | readonly MemoryTraceInput[], options: SessionCallOptions = {}): Promise<MemoryTraceSummary[]> {
    this.#assertOpen();
    const { signal, ...overrides } = options;
    using combined = combineSignals(signal, this.#lifetime.signal);
    // `return await`: `combined` must stay attached until the call is over.
    return await this.#withContext(mergeTurnSettings(this.#defaults, overrides), combined.signal, async (context) => {
      const traces = isPathList(source) ? await readMemoryTraces(source, { signal: combined.signal }) : source;
      return this.services.client.summarizeMemoryTraces(traces, context, { signal: combined.signal });
    });
  }

  /**
   * Spawns a sub-agent: a child session with its own history (`options.history`, default
   * empty), its own turn queue and journal-less memory, that shares this session's
   * `ModelClient` — its sockets, pool and fallback decision — instead of opening its own.
   * Over the WebSocket every request of the child runs on the child's own lane of the shared
   * socket (`options.lane`, default `subagent-N`: the lowest N no open sub-agent of the same
   * client holds, so names are reused and the socket's lane count stays small), so parent and
   * sub-agents stream at the same time on one socket, each keeping its own continuation chain
   * from turn to turn; every request carries
   * `x-openai-subagent: <label>` (WebSocket `client_metadata`; HTTP header). The child uses
   * this session's settings, tools and telemetry unless `options` overrides instructions or
   * tools. Closing the child leaves this session and the client open; closing this session
   * closes its children first.
   *
   * @throws ClosedError after `close()`; InvalidArgumentError for an empty `label` or an
   *   invalid `lane` (1–256 characters of `A-Za-z0-9_.-`).
   */
  spawnSubagent(options: SubagentOptions): Session {
    this.#assertOpen();
    if (typeof options.label !== 'string' || options.label.length === 0) throw new InvalidArgumentError({ path: 'options.label', message: 'must be a non-empty string' });
    const client = this.services.client;
    const lane = options.lane ?? allocateSubagentLane(client);
    const turnOptions = { subagent: options.label, lane };
    // Validates the lane before anything is created.
    try {
      void client.newTurn(turnOptions);
    } catch (error) {
      if (options.lane === undefined) releaseSubagentLane(client, lane);
      throw error;
    }
    const services = new SessionServices({
      client: this.services.client,
      auth: this.services.auth,
      telemetry: this.services.telemetry,
      tools: options.tools ?? this.services.tools,
      journal: new SessionJournal(new ConversationHistory(options.history ?? [])),
      preconnect: false,
      turnOptions,
      ownsClient: false,
    });
    const config = { ...this.#config, ...(options.instructions === undefined ? {} : { instructions: options.instructions }) };
    const child = new Session(services, config, this.#defaults, { id: `${this.id}/${options.label}/${randomUUID()}` });
    this.#children.add(child);
    child.#onClosed = () => {
      this.#children.delete(child);
      if (options.lane === undefined) releaseSubagentLane(client, lane);
    };
    return child;
  }

  /** Called once when this (child) session closed. */
  #onClosed: (() => void) | null = null;

  /**
   * Stops the running turn, cancels queued ones (they fail with `TurnInterruptedError`,
   * `session_closed`), waits for them to let go, closes the sub-agent sessions spawned from
   * it, then closes the client (a sub-agent session leaves its parent's client open): no
   * socket, timer or pooled connection outlives the returned promise. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.all([...this.#children].map((child) => child.close()));
      const reason = new TurnInterruptedError('session_closed');
      this.#lifetime.abort(reason);
      for (const controller of this.#pending) controller.abort(reason);
      this.#current?.abort(reason);
      await this.#tail;
      await this.services.close();
      this.#onClosed?.();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs a turn, or a call outside a turn, with a `TurnContext` of its own (its turn id, fresh
   * by default, and its own telemetry handle, ended afterwards) and reports failures as typed
   * errors.
   */
  async #withContext<T>(settings: TurnSettings, signal: AbortSignal, call: (context: TurnContext) => Promise<T>, turnId?: string): Promise<T> {
    let context: TurnContext | undefined;
    try {
      context = buildTurnContext(settings, this.services.telemetry, turnId);
      const value = await call(context);
      endTurnTelemetry(context.telemetry);
      return value;
    } catch (caught) {
      const error = failureOf(caught, signal);
      if (context !== undefined) endTurnTelemetry(context.telemetry, error);
      throw error;
    }
  }

  #assertOpen(): void {
    if (this.#closed !== null) throw new ClosedError('the session');
  }

  /**
   * Queues `job` behind every earlier job. `signal` (the caller's) cancels it while queued or
   * aborts it while running. `onCancelled` runs instead of the job when it was cancelled
   * before its start.
   */
  #enqueue<T>(signal: AbortSignal | undefined, job: (controller: AbortController) => Promise<T>, onCancelled?: (error: Error) => void): Promise<T> {
    const controller = new AbortController();
    const onSignal = (): void => controller.abort(new TurnInterruptedError('signal', { cause: signal?.reason }));
    if (signal?.aborted) onSignal();
    else signal?.addEventListener('abort', onSignal, { once: true });
    this.#pending.add(controller);
    const start = async (): Promise<T> => {
      this.#pending.delete(controller);
      try {
        if (controller.signal.aborted) {
          const error = toAbortError(controller.signal.reason);
          onCancelled?.(error);
          throw error;
        }
        this.#current = controller;
        return await job(controller);
      } finally {
        if (this.#current === controller) this.#current = null;
        signal?.removeEventListener('abort', onSignal);
      }
    };
    const run = this.#tail.then(start);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

/** Options of {@link Session.spawnSubagent}. */
export interface SubagentOptions {
  /** The sub-agent label, sent as `x-openai-subagent` with each of its requests (e.g. `collab_spawn`, `review`). */
  readonly label: SubagentLabel;
  /** The child's starting history. Default empty. */
  readonly history?: readonly ResponseItem[];
  /** The child's instructions. Default the parent's. */
  readonly instructions?: string;
  /** The child's tools. Default the parent's registry. */
  readonly tools?: ToolRegistry;
  /**
   * The WebSocket lane (`stream_id`) of every request of the child: 1–256 characters of
   * `A-Za-z0-9_.-`. Default `subagent-N`, the lowest N no open sub-agent of the same client
   * holds (freed when the child closes).
   */
  readonly lane?: string;
}

/** Lanes held by the open sub-agents of each client (`subagent-N`). */
const subagentLanes = new WeakMap<object, Set<string>>();

/** The lowest `subagent-N` lane no open sub-agent of `client` holds, now held. */
function allocateSubagentLane(client: object): string {
  let held = subagentLanes.get(client);
  if (held === undefined) {
    held = new Set();
    subagentLanes.set(client, held);
  }
  let index = 1;
  while (held.has(`subagent-${index}`)) index += 1;
  const lane = `subagent-${index}`;
  held.add(lane);
  return lane;
}

function releaseSubagentLane(client: object, lane: string): void {
  subagentLanes.get(client)?.delete(lane);
}

function isPathList(source: readonly string[] | readonly MemoryTraceInput[]): source is readonly string[] {
  return source.every((entry) => typeof entry === 'string');
}

/** The typed error a stopped or failed operation reports. */
function failureOf(caught: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return toAbortError(signal.reason);
  return caught instanceof Error ? caught : new Error(String(caught), { cause: caught });
}
