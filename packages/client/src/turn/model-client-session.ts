import { InvalidArgumentError } from '@modelwire/errors';
import type { CompactionItem, ResponseEvent, ResponseUsage } from '@modelwire/protocol';
import { BusyError, ClosedError } from '@modelwire/transport';
import { buildCompactedWindow, COMPACTION_TRIGGER, DEFAULT_RETAINED_MESSAGE_TOKENS } from '../compaction/compaction-window.js';
import type { SessionServices } from '../client/session-services.js';
import { noopClientTelemetry, safeTelemetry, type ClientTelemetry, type TransportKind } from '../telemetry/client-telemetry.js';
import type { Prompt, ResponseItem } from '../types/prompt.js';
import type { SubagentLabel } from '../types/session-source.js';
import { resolvePrompt } from '../validation/resolve-prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { AbortLink } from './abort-link.js';
import { EventQueue } from './event-queue.js';
import type { RequestBudget } from './request-budget.js';
import { RequestContext, type RunOptions } from './request-context.js';
import { WarmUpSkipped } from './request-errors.js';
import { RequestRun } from './request-run.js';
import { ResponseStream, type CompletedResponse } from './response-stream.js';
import { StickyRoutingToken } from './sticky-routing-token.js';
import { RequestSteering } from '../steering/request-steering.js';
import { steeringRegistryOf } from '../steering/steering-registry-of.js';
import type { SteerHandle, SteerCommit, SteerUnavailableReason } from '../steering/steer-handle.js';
import type { SteerInput } from '@modelwire/protocol';

/**
 * One Responses stream event as the server sent it: the parsed JSON object of an SSE `data:`
 * line or a WebSocket text frame, `type` and `sequence_number` included. Read-only: the client
 * goes on using it after the callback returns.
 */
export type RawResponseEvent = Readonly<Record<string, unknown>> & { readonly type: string };

/** Options of one `stream` or `prewarm` call. */
export interface StreamOptions {
  /** Aborts the request (same as `ResponseStream.abort()`). */
  readonly signal?: AbortSignal;
  /**
   * The attempt budget and deadline of the request this call belongs to. Pass the same one to
   * every `stream()` call that re-sends the same request after a failure (see
   * {@link ModelClientSession.createRequestBudget}), so that its retries before and after the
   * response started share one counter and one deadline. Default: a fresh budget for this call.
   */
  readonly budget?: RequestBudget;
  /**
   * Receives every stream event of the request as the server sent it (a {@link RawResponseEvent}),
   * synchronously and in order, before the client acts on it: for a caller that re-serialises
   * the stream (the `@modelwire/fetch` adapter writes it back as SSE) or needs an event type
   * the `ResponseEvent` union leaves out. Events of every attempt are passed, a retried one's
   * included (an attempt that fails before `response.created` ends with its error event; a
   * retry then starts again with `response.created`), except the `previous_response_not_found`
   * refusal the client answers with its transparent full resend. WebSocket-only events
   * (`codex.rate_limits`, `response.metadata`, …) are passed too. Not called for `[DONE]` or
   * for a payload that fails to decode (the request fails with `decode_failed`). An exception
   * thrown by the callback fails the request. Default: none (nothing is copied or parsed twice).
   */
  readonly onRawEvent?: (event: RawResponseEvent) => void;
  /**
   * Told, synchronously, at each commit point of steering input (`ResponseStream.steer`): the
   * `response.created` of an automatic successor (with the response it follows) or of the
   * explicit continuation after `pending`. What the server's conversation then holds, in
   * order: the previous response's output, the steers' items, then the new response's output.
   * A history kept by the caller commits them here, exactly once. An exception thrown by the
   * callback fails the request. Default: none.
   */
  readonly onSteerCommitted?: (commit: SteerCommit) => void;
}

/** Options of `ModelClient.newTurn`. */
export interface TurnOptions {
  /**
   * The WebSocket lane (`stream_id`) of the turn's requests: 1–256 characters of
   * `A-Za-z0-9_.-`. Requests on one lane run in order (FIFO); different lanes run at the same
   * time on one socket. Default: the pool assigns one — the default lane when it is free on
   * the socket, else the lane the turn used last, else a free `auto-N` lane. Ignored over HTTP.
   */
  readonly lane?: string;
  /**
   * Sub-agent label sent as `x-openai-subagent` with each request of the turn (HTTP header;
   * WebSocket `client_metadata`), for a sub-agent sharing its parent's client. A client whose
   * `sessionSource` is a sub-agent already sends its own label on every request.
   */
  readonly subagent?: SubagentLabel;
}

/** Options of one `compact` call. */
export interface CompactOptions extends StreamOptions {
  /**
   * Token budget of the user, developer and system messages the new window keeps beside the
   * compaction item (estimated as UTF-8 bytes / 4; the newest are kept first). A non-negative
   * integer; `0` keeps the compaction item alone. Default 64 000.
   */
  readonly retainedMessageTokens?: number;
}

/** The outcome of a compaction v2 request (`ModelClientSession.compact`). */
export interface CompactedHistory {
  /**
   * The new history window: the kept messages of the compacted input, then the `compaction`
   * item. Use it unchanged as the input of the next request (a new array; push onto it); that
   * request goes out in full and starts a new continuation chain.
   */
  readonly window: ResponseItem[];
  /** The `compaction` item the server produced (also the window's last item), as streamed. */
  readonly compaction: CompactionItem;
  /** The id of the compaction response (not a base for continuation). */
  readonly responseId: string;
  /** Token usage of the compaction; `undefined` when the server sent none. */
  readonly usage: ResponseUsage | undefined;
  /** Which wire path carried it. */
  readonly transport: TransportKind;
  /** Whether it was sent incrementally (`previous_response_id` plus the new items and the trigger). */
  readonly incremental: boolean;
}

/**
 * One turn of the session (turn lifetime), created by `ModelClient.newTurn()`.
 *
 * Owns the sticky-routing token (`x-codex-turn-state`: none at the start, first value wins,
 * replayed on every later request of the turn, on every transport). Borrows the session's
 * WebSocket for each request and gives it back when the response ends, so the socket and its
 * continuation chain outlive the turn. One request at a time: a `stream` call while another
 * is running is rejected with a `busy` error, never interleaved.
 */
export class ModelClientSession implements AsyncDisposable {
  readonly #services: SessionServices;
  readonly #options: TurnOptions;
  /** The lane the turn's last WebSocket request got. */
  #lastLane: string | undefined;
  readonly #sticky = new StickyRoutingToken();
  #active: ResponseStream<unknown> | null = null;
  #lastTelemetry: ClientTelemetry = noopClientTelemetry;
  #closed = false;

  /** @internal Use `ModelClient.newTurn()`. */
  constructor(services: SessionServices, options: TurnOptions = {}) {
    this.#services = services;
    this.#options = options;
  }

  /**
   * The WebSocket lane (`stream_id`) of the turn's last request: `''` for the default lane,
   * the turn's own `lane`, or the `auto-N` lane the pool assigned; `null` before a request
   * went over the WebSocket.
   */
  get lane(): string | null {
    return this.#lastLane ?? null;
  }

  /** The turn's sticky-routing token, or `null` before a response carried one. */
  get turnState(): string | null {
    return this.#sticky.value;
  }

  /**
   * Sends one Responses request for `prompt` and streams its events. The whole input is always
   * passed; the client decides whether the wire carries all of it or only the new tail.
   *
   * Retries the request phase (before the first event) on transport failures, 408/409/429/5xx
   * and one 401 after `auth.refresh()`, within the request's attempt budget and deadline
   * (`StreamOptions.budget`); switches the session to HTTP wherever the WebSocket path is
   * refused or unusable (see `FallbackReason`) or its budget ran out. A failure after the first
   * event is thrown to the caller (the turn loop decides whether to re-stream; the budget's
   * `lastFailure` says where it happened).
   *
   * @throws BusyError (`busy`) when a request of this turn is still running, ClosedError
   *   (`closed`) when the turn or the client was closed, InvalidArgumentError
   *   (`invalid_argument`, with field paths) for an invalid prompt or turn context; all before
   *   any I/O.
   */
  stream(prompt: Prompt, turnContext: TurnContext, options: StreamOptions = {}): ResponseStream {
    return this.#start(prompt, turnContext, options, { generate: true }, (completed) => completed);
  }

  /**
   * Compaction v2: streams one ordinary Responses request whose input is `prompt.input` (the
   * history to compact) followed by `{"type":"compaction_trigger"}`, with the prompt's
   * instructions, tools and options and the turn's model, reasoning and sticky token, over the
   * session's current transport with the same retry and fallback rules as `stream`. On the
   * WebSocket it continues the socket's previous response when the history extends it (only
   * the new items and the trigger go out). The events stream like any response's (the
   * compaction item as `output_item_added` / `output_item_done`); `result` resolves with the
   * new history window (see {@link CompactedHistory}).
   *
   * The compaction response is never a continuation base: the next request on the socket goes
   * out in full (`after_compaction`) with the window as its input.
   *
   * A response that completed without exactly one usable `compaction` item (other output items
   * are ignored) fails with `CompactionFailedError` (`compaction_failed`, not retryable) in
   * place of `completed`; so does a compaction item the decoder cannot read. Nothing is
   * committed anywhere: the caller's history is the caller's, untouched.
   *
   * @throws InvalidArgumentError (`invalid_argument`) for an empty input, an input that already
   *   holds a `compaction_trigger`, `options.background`, or an invalid `retainedMessageTokens`;
   *   plus everything `stream` throws before any I/O.
   */
  compact(prompt: Prompt, turnContext: TurnContext, options: CompactOptions = {}): ResponseStream<CompactedHistory> {
    const { retainedMessageTokens = DEFAULT_RETAINED_MESSAGE_TOKENS, ...streamOptions } = options;
    if (!Number.isInteger(retainedMessageTokens) || retainedMessageTokens < 0) {
      throw new InvalidArgumentError({ path: 'options.retainedMessageTokens', message: 'must be a non-negative integer' });
    }
    const history = resolvePrompt(prompt, turnContext).input;
    if (history.length === 0) throw new InvalidArgumentError({ path: 'prompt.input', message: 'must hold the history to compact' });
    const trigger = history.findIndex((item) => item.type === 'compaction_trigger');
    if (trigger >= 0) throw new InvalidArgumentError({ path: `prompt.input[${trigger}]`, message: 'must not be a compaction_trigger: compact() appends it' });
    if (prompt.options?.background === true) throw new InvalidArgumentError({ path: 'prompt.options.background', message: 'must not be true: a compaction is read from its stream' });
    return this.#start({ ...prompt, input: [...history, COMPACTION_TRIGGER] }, turnContext, streamOptions, { generate: true, compaction: true }, (completed) => {
      const compaction = completed.output.find((item): item is CompactionItem => item.type === 'compaction') as CompactionItem;
      return {
        window: buildCompactedWindow(history, compaction, retainedMessageTokens),
        compaction,
        responseId: completed.responseId,
        usage: completed.usage,
        transport: completed.transport,
        incremental: completed.incremental,
      };
    });
  }

  /**
   * Warm-up: sends the prompt with `generate: false` over the WebSocket so the server prepares
   * instructions, tools and input; the response id becomes the base of the next request, which
   * then sends only new items. Resolves with that id, or `null` when the session uses HTTP (no
   * warm-up there), also when it switched to HTTP during this warm-up (a 426 on the upgrade,
   * or the WebSocket request budget running out): the request is then reported as completed
   * without a response id. Also `null`, without a request, for a provider that cannot continue
   * responses (`supportsContinuation: false`): a warm-up would serve nothing there.
   */
  async prewarm(prompt: Prompt, turnContext: TurnContext, options: StreamOptions = {}): Promise<string | null> {
    if (!this.#services.usesWebSocket || !this.#services.provider.supportsContinuation) return null;
    const stream = this.#start(prompt, turnContext, options, { generate: false }, (completed) => completed);
    try {
      const result = await stream.result;
      return result.responseId;
    } catch (error) {
      if (error instanceof WarmUpSkipped) return null;
      throw error;
    }
  }

  /**
   * Steers the request of this turn that is running now: the same as `steer` on its
   * {@link ResponseStream}. Between requests (nothing running) the handle is `unavailable`
   * with reason `no_active_request` and the input handed back: send it with the next request.
   *
   * @throws InvalidArgumentError (`invalid_argument`, path `input…`) for input the API refuses.
   */
  steer(input: SteerInput): SteerHandle {
    const active = this.#active;
    if (active !== null) return active.steer(input);
    return new RequestSteering({ registry: steeringRegistryOf(this.#services), model: '', unavailable: 'no_active_request' }).steer(input);
  }

  /**
   * Switches the whole session to HTTP (for the turn loop, when its stream retry budget ran out
   * on the WebSocket). Returns `true` when this call flipped the session-wide flag, `false` when
   * it was already flipped or the session never used WebSockets. Reported once to telemetry,
   * with the reason `stream_retries_exhausted`.
   */
  trySwitchToHttpFallback(telemetry?: ClientTelemetry): boolean {
    if (!this.#services.webSocketsEnabled) return false;
    return this.#services.fallback.activate('stream_retries_exhausted', safeTelemetry(telemetry ?? this.#lastTelemetry));
  }

  /**
   * A fresh attempt budget and deadline for one request (the provider's `requestMaxRetries`,
   * `streamMaxRetries` and `requestDeadlineMs`, and the client's waiting-for-network policy).
   * A caller that re-sends a request whose stream broke passes the same budget to each
   * `stream()` call (`StreamOptions.budget`), as the turn loop of `@modelwire/core-session` does.
   * `limits.streamMaxRetries` lowers the stream retry count for this request (a compaction
   * retries at most twice); it can never exceed the provider's.
   *
   * @throws InvalidArgumentError when `limits.streamMaxRetries` is not a non-negative integer.
   */
  createRequestBudget(limits: { readonly streamMaxRetries?: number } = {}): RequestBudget {
    const streamMaxRetries = limits.streamMaxRetries;
    if (streamMaxRetries !== undefined && (!Number.isInteger(streamMaxRetries) || streamMaxRetries < 0)) {
      throw new InvalidArgumentError([{ path: 'limits.streamMaxRetries', message: 'must be a non-negative integer' }]);
    }
    return this.#services.createBudget(streamMaxRetries === undefined ? {} : { streamMaxRetries });
  }

  /** Ends the turn: aborts a running request. The session's socket stays with the client. */
  async close(): Promise<void> {
    this.#closed = true;
    const active = this.#active;
    if (active !== null) await active[Symbol.asyncDispose]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Starts one request; `finish` turns the completed response into the stream's result (it must not throw). */
  #start<TResult>(input: Prompt, turnContext: TurnContext, options: StreamOptions, runOptions: RunOptions, finish: (completed: CompletedResponse) => TResult): ResponseStream<TResult> {
    if (this.#closed || this.#services.lifetime.aborted) throw new ClosedError(this.#closed ? 'the turn' : 'the model client');
    if (this.#active !== null) throw new BusyError('a request of this turn is still running; wait for it or abort it first');
    const prompt = resolvePrompt(input, turnContext);
    const telemetry = safeTelemetry(turnContext.telemetry, this.#services.redactSecrets);
    this.#lastTelemetry = turnContext.telemetry;
    // The stream's controller is the request's signal: `abort()`, a `break`, the caller's
    // signal and the client's close all abort it (the first reason wins).
    const controller = new AbortController();
    const link = new AbortLink(controller, options.signal, this.#services.lifetime);
    const signal = controller.signal;
    const queue = new EventQueue<ResponseEvent>(() => controller.abort());
    const steering = (context: { readonly continuable: boolean }): RequestSteering =>
      new RequestSteering({
        registry: steeringRegistryOf(this.#services),
        model: turnContext.model.slug,
        unavailable: unsteerable(context.continuable, runOptions),
        ...(options.onSteerCommitted === undefined ? {} : { onCommit: options.onSteerCommitted }),
      });
    let run: RequestRun;
    let requestSteering: RequestSteering;
    try {
      const context = new RequestContext(
          this.#services,
          this.#sticky,
          prompt,
          turnContext,
          telemetry,
          queue,
          signal,
          {
            ...runOptions,
            ...(options.onRawEvent === undefined ? {} : { onRawEvent: options.onRawEvent }),
            ...(this.#options.lane === undefined ? {} : { lane: this.#options.lane }),
            ...(this.#lastLane === undefined ? {} : { laneHint: this.#lastLane }),
            ...(this.#options.subagent === undefined ? {} : { subagent: this.#options.subagent }),
            onLane: (lane) => {
              this.#lastLane = lane;
            },
          },
          options.budget ?? this.#services.createBudget(),
          steering,
        );
      requestSteering = context.steering;
      run = new RequestRun(context);
    } catch (error) {
      link.dispose();
      throw error;
    }
    let stream: ResponseStream<TResult> | null = null;
    const release = (failed: boolean): void => {
      link.dispose();
      requestSteering.end(signal.aborted ? 'aborted' : failed ? 'request_failed' : 'connection_lost');
      if (this.#active === stream) this.#active = null;
    };
    telemetry.onRequestStart?.({ endpoint: 'responses' });
    // The turn is free again before the result settles for the caller, so that a caller
    // awaiting `result` (or finishing its iteration) can stream again at once.
    const result: Promise<TResult> = run.run().then(
      (completed) => {
        release(false);
        telemetry.onRequestEnd?.({ endpoint: 'responses', outcome: 'completed', error: null, responseId: completed.responseId });
        const value = finish(completed);
        queue.end();
        return value;
      },
      (failure: unknown) => {
        release(true);
        // Every failure already passed the request run's scrubbing; this covers anything else.
        const error = this.#services.redactSecrets(failure);
        if (error instanceof WarmUpSkipped) {
          // Not a failure: the session is on HTTP now and a warm-up has nothing to do there.
          telemetry.onRequestEnd?.({ endpoint: 'responses', outcome: 'completed', error: null, responseId: null });
          queue.end();
          throw error;
        }
        telemetry.onRequestEnd?.({
          endpoint: 'responses',
          outcome: signal.aborted ? 'aborted' : 'failed',
          error: error instanceof Error ? error : null,
          responseId: null,
        });
        queue.fail(error);
        throw error;
      },
    );
    stream = new ResponseStream(queue, controller, result, requestSteering);
    this.#active = stream;
    return stream;
  }
}

/** Why a request can never be steered, or `null` when it can. */
function unsteerable(continuable: boolean, runOptions: RunOptions): SteerUnavailableReason | null {
  if (!runOptions.generate) return 'warm_up';
  if (runOptions.compaction === true) return 'compaction';
  if (!continuable) return 'conversation';
  return null;
}
