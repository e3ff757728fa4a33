import { decodeEvent, type ResponseEvent, type ResponseUsage, type StreamEvent } from '@modelwire/protocol';
import { ErrorCode, ModelwireError } from '@modelwire/transport';
import type { SessionServices } from '../client/session-services.js';
import { CompactionFailedError } from '../compaction/compaction-failed-error.js';
import { compactionItemOf } from '../compaction/compaction-window.js';
import type { RequestFields } from '../request/request-fields.js';
import { requestFieldsOf } from '../request/request-fields-cache.js';
import { turnMetadataJson } from '../request/request-headers.js';
import type { ClientTelemetry, TransportKind } from '../telemetry/client-telemetry.js';
import type { ResolvedPrompt, ResponseItem } from '../types/prompt.js';
import { outputTextOf } from '../validation/resolve-prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import type { EventQueue, EventQueueFlowControl } from './event-queue.js';
import type { RequestBudget } from './request-budget.js';
import type { RequestSteering } from '../steering/request-steering.js';
import { reconcileOutput, type StreamedItem } from './reconcile-output.js';
import type { CompletedResponse } from './response-stream.js';
import type { RawResponseEvent } from './model-client-session.js';
import { stickyTokenProblem, type StickyRoutingToken, type StickyTokenProblem } from './sticky-routing-token.js';

/**
 * Events that do not end the request phase (they may repeat harmlessly on a retry): header
 * events, and events of a type this version does not know (they carry no response output).
 */
const HEADER_EVENT_TYPES: ReadonlySet<ResponseEvent['type']> = new Set(['rate_limits', 'server_model', 'models_etag', 'turn_state', 'reasoning_included', 'unknown']);

/** Per-request options. */
export interface RunOptions {
  /** `false` sends a warm-up (`generate:false`, WebSocket only). */
  readonly generate: boolean;
  /**
   * `true` for a compaction v2 request (its input ends with `compaction_trigger`): the
   * completed output must hold exactly one usable `compaction` item, else the request fails
   * with a `CompactionFailedError` instead of `completed`; its response is never a
   * continuation base. Default `false`.
   */
  readonly compaction?: boolean;
  /** The caller's raw event callback (`StreamOptions.onRawEvent`). */
  readonly onRawEvent?: (event: RawResponseEvent) => void;
  /** The lane (`stream_id`) the turn chose; `undefined`: the socket pool assigns one. */
  readonly lane?: string;
  /** The lane the turn's previous request got (an assigned lane is taken again when free). */
  readonly laneHint?: string;
  /** Told the lane each WebSocket attempt got. */
  readonly onLane?: (lane: string) => void;
  /** The turn's `x-openai-subagent` value (a sub-agent turn on a shared client), sent with each request. */
  readonly subagent?: string;
}


/**
 * What every attempt of one request shares, whatever the transport: the session services, the
 * turn's sticky token, the prompt and its request fields (built once), the caller's event queue,
 * and the bookkeeping of the request phase (`streaming` turns true with the first event that
 * the caller must not see twice).
 */
export class RequestContext {
  readonly services: SessionServices;
  readonly sticky: StickyRoutingToken;
  readonly prompt: ResolvedPrompt;
  readonly turn: TurnContext;
  readonly telemetry: ClientTelemetry;
  /** The caller's signal for the whole request (its abort, the turn's, the client's close). */
  readonly requestSignal: AbortSignal;
  readonly options: RunOptions;
  /** The attempt budget and deadline shared by every attempt of this request. */
  readonly budget: RequestBudget;
  /** The steering input submitted while the request runs (`ResponseStream.steer`). */
  readonly steering: RequestSteering;
  /** The non-input request fields, built once per request. */
  readonly fields: RequestFields;
  /** Their fingerprint, for the continuation check. */
  readonly fieldsFingerprint: string;
  /** Whether the request may continue a previous response (not when it names a stored conversation). */
  readonly continuable: boolean;
  /**
   * Whether the request must go over HTTP whatever the session's transport: `background: true`,
   * which the WebSocket mode does not support.
   */
  readonly httpOnly: boolean;
  readonly #queue: EventQueue<ResponseEvent>;
  /** Whether the telemetry wants `onStreamEvent` (read once; the no-op does not). */
  readonly #reportEvents: boolean;
  #streaming = false;
  #lastEventAt = 0;
  /** The running attempt's signal (the request's, plus the deadline); `null` between attempts. */
  #attemptSignal: AbortSignal | null = null;
  /** Called once, when the running attempt's response starts. */
  #onStreaming: (() => void) | null = null;

  constructor(
    services: SessionServices,
    sticky: StickyRoutingToken,
    prompt: ResolvedPrompt,
    turn: TurnContext,
    telemetry: ClientTelemetry,
    queue: EventQueue<ResponseEvent>,
    signal: AbortSignal,
    options: RunOptions,
    budget: RequestBudget,
    steering: (context: { readonly continuable: boolean }) => RequestSteering,
  ) {
    this.services = services;
    this.sticky = sticky;
    this.prompt = prompt;
    this.turn = turn;
    this.telemetry = telemetry;
    this.#reportEvents = telemetry.wantsStreamEvents !== false;
    this.#queue = queue;
    this.requestSignal = signal;
    this.options = options;
    this.budget = budget;
    // Invalid per-turn values fail here, before a socket is touched.
    turnMetadataJson(turn);
    // Built once for a run of requests with the same settings (a turn's, a tool loop's).
    const { fields, fingerprint } = requestFieldsOf(prompt, turn, services.conversationId, services.verbosity);
    this.fields = fields;
    this.fieldsFingerprint = fingerprint;
    this.continuable = this.fields.conversation === undefined;
    this.httpOnly = this.fields.background === true;
    this.steering = steering(this);
  }

  /** The signal of the running attempt: the request's, plus the deadline while the response has not started. */
  get signal(): AbortSignal {
    return this.#attemptSignal ?? this.requestSignal;
  }

  /**
   * Starts an attempt with its own signal; `onStreaming` is called when its response starts
   * (the first event that ends the request phase). `endAttempt` detaches both.
   */
  beginAttempt(signal: AbortSignal, onStreaming: () => void): void {
    this.#attemptSignal = signal;
    this.#onStreaming = onStreaming;
  }

  /** Ends the running attempt (see {@link beginAttempt}). */
  endAttempt(): void {
    this.#attemptSignal = null;
    this.#onStreaming = null;
  }

  /** Whether an event that ends the request phase was handed to the caller. */
  get streaming(): boolean {
    return this.#streaming;
  }

  /** Marks the moment a request went out (the first event's duration counts from here). */
  markSent(): void {
    this.#lastEventAt = this.services.clock.now();
  }

  /**
   * Decodes one payload (JSON text, or a value already parsed from it) and reports it (unless
   * the telemetry does not want events); an undecodable payload is a retryable `decode_failed`.
   */
  decode(payload: unknown, transport: TransportKind): StreamEvent {
    const decoded = decodeEvent(payload);
    if (!decoded.ok) {
      const failure = new ModelwireError(ErrorCode.DecodeFailed, `undecodable ${transport} event (${decoded.error.reason}): ${decoded.error.message}`, { retryable: true });
      // A compaction item the decoder cannot read is the compaction's failure, not a glitch of the stream.
      if (this.options.compaction === true && isCompactionItemEvent(payload)) throw new CompactionFailedError('malformed_item', 'v2', 0, { cause: failure });
      throw failure;
    }
    // Nobody listening: no clock read, no record, no call per event.
    if (!this.#reportEvents) return decoded.event;
    const now = this.services.clock.now();
    const kind = decoded.event.type === 'unknown' ? decoded.event.originalType : decoded.event.type;
    this.telemetry.onStreamEvent({ transport, kind, durationMs: now - this.#lastEventAt });
    this.#lastEventAt = now;
    return decoded.event;
  }

  /** Whether the caller wants raw events (`StreamOptions.onRawEvent`): the HTTP path then parses payloads itself. */
  get wantsRawEvents(): boolean {
    return this.options.onRawEvent !== undefined;
  }

  /** Hands a decoded event's payload, as the server sent it, to the caller's raw callback (if any). */
  forwardRaw(payload: unknown): void {
    this.options.onRawEvent?.(payload as RawResponseEvent);
  }

  /**
   * Offers a sticky-routing token seen on a response (the first valid value of the turn wins).
   * A value that is not a valid header value is ignored and reported to telemetry (its
   * problem and length, never the value).
   */
  captureSticky(value: string | undefined): void {
    this.sticky.capture(value, this.#onInvalidSticky);
  }

  readonly #onInvalidSticky = (problem: StickyTokenProblem, length: number): void => {
    this.telemetry.onStickyTokenIgnored?.({ problem, length });
  };

  /**
   * Hands an event to the caller (capturing a sticky token it carries). `weight` is the size
   * of the frame it came from, in bytes, for the caller's bound of unread events.
   */
  emit(event: ResponseEvent, weight = 0): void {
    if (event.type === 'turn_state') {
      this.captureSticky(event.turnState);
      // An invalid token reaches nobody: not the next request, not the caller.
      if (stickyTokenProblem(event.turnState) !== undefined) return;
    }
    if (!this.#streaming && !HEADER_EVENT_TYPES.has(event.type)) {
      this.#streaming = true;
      const onStreaming = this.#onStreaming;
      this.#onStreaming = null;
      onStreaming?.();
    }
    this.#queue.push(event, weight);
  }

  /** Attaches the running attempt's backpressure to the caller's queue (`null` detaches it). */
  attachFlowControl(flow: EventQueueFlowControl | null): void {
    this.#queue.attachFlowControl(flow);
  }

  /**
   * The output to commit for a completed response: the streamed items merged with
   * `response.completed.output` (see `reconcileOutput`). Items only the final list held are
   * handed to the caller as `output_item_done` events (before `completed`) and reported to
   * telemetry.
   */
  reconcile(responseId: string, streamed: readonly StreamedItem[], final: readonly ResponseItem[] | undefined, transport: TransportKind): readonly ResponseItem[] {
    const { output, added } = reconcileOutput(streamed, final);
    if (added.length === 0) return output;
    for (const item of added) this.emit({ type: 'output_item_done', outputIndex: output.indexOf(item), item });
    this.telemetry.onOutputReconciled?.({ transport, responseId, items: added.length });
    return output;
  }

  /**
   * Reports usage, hands the `completed` event to the caller and builds the result. For a
   * compaction, first checks the output (throws `CompactionFailedError` instead of `completed`).
   */
  complete(responseId: string, usage: ResponseUsage | undefined, output: readonly ResponseItem[], transport: TransportKind, incremental: boolean): CompletedResponse {
    if (usage !== undefined) this.telemetry.onTokenUsage({ ...usage, model: this.turn.model.slug, responseId });
    if (this.options.compaction === true) compactionItemOf(output, 'v2');
    this.#queue.push({ type: 'completed', responseId, usage });
    return { responseId, output, outputText: outputTextOf(output), usage, transport, incremental };
  }
}

/** Whether an undecodable payload is an `output_item` event carrying a `compaction` item. */
function isCompactionItemEvent(payload: unknown): boolean {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return false;
    }
  }
  if (typeof value !== 'object' || value === null) return false;
  const event = value as { type?: unknown; item?: unknown };
  if (event.type !== 'response.output_item.added' && event.type !== 'response.output_item.done') return false;
  return typeof event.item === 'object' && event.item !== null && (event.item as { type?: unknown }).type === 'compaction';
}
