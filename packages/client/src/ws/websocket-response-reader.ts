import { mapStreamEvent, toResponseUsage, type ErrorClassification, type ResponseEvent, type ResponseUsage } from '@modelwire/protocol';
import { ProtocolViolationError, type ModelwireError } from '@modelwire/transport';
import type { ContinuationDecision, ContinuationTracker, PendingResponse } from '../continuation/continuation-tracker.js';
import type { RequestContext } from '../turn/request-context.js';
import type { StreamedItem } from '../turn/reconcile-output.js';
import type { CompletedResponse } from '../turn/response-stream.js';
import type { PrecedingResponse } from '../steering/steer-handle.js';
import type { ResponseItem } from '../types/prompt.js';
import { TypeFlags, type FrameEnvelope } from './frame-envelope.js';
import type { ResponseSink, RoutedResponse } from './routed-response.js';

/**
 * Events that carry no response output: a response that ended after only these produced
 * nothing, so resending its request cannot duplicate anything the caller saw (an event of an
 * unknown type included: it is forwarded once, like the header events).
 */
const NO_OUTPUT_EVENT_TYPES: ReadonlySet<ResponseEvent['type']> = new Set(['created', 'queued', 'rate_limits', 'server_model', 'models_etag', 'turn_state', 'reasoning_included', 'unknown']);

/**
 * The request's side of one routed WebSocket response: decodes each frame the router assigns
 * to it (`decodeEvent` on the value the router already parsed), maps it, hands it to the
 * caller's queue, collects the output items, and records how the response ended. Runs
 * synchronously in the socket's message callback.
 *
 * Lenient where the binding makes a frame unambiguous (test fixtures of other clients omit
 * these): a terminal without `response.id` gets the bound id, an `output_item.added`/`.done`
 * without `output_index` gets the index of its item's `added` event, or the next index when no
 * other item is open. An `output_item.done` without index while other items are open is a
 * `protocol_violation`.
 */
export class WebSocketResponseReader implements ResponseSink {
  /** Set by {@link finish} when the (last) response completed. */
  completed: CompletedResponse | null = null;
  /** Set when the server ended it with a failure (`error`, `response.failed`, `response.incomplete`). */
  failure: ErrorClassification | null = null;
  /** Set when that failure is `previous_response_not_found` before any output: the request is resent in full. */
  resendFull = false;
  /** Set when the response completed but the request refused its output (a compaction without a usable item). */
  rejected: ModelwireError | null = null;
  /** The request as the lane's tracker recorded it when it was sent (`ContinuationTracker.begin`). */
  pending: PendingResponse | null = null;
  readonly #context: RequestContext;
  readonly #tracker: ContinuationTracker;
  /** What `mapStreamEvent` classifies failures with (the upgrade headers), one object for every frame. */
  readonly #mapOptions: { readonly headers: Readonly<Record<string, string>> };
  readonly #decision: ContinuationDecision;
  /** Keys of the no-output events forwarded before a full resend (not forwarded again). */
  readonly #forwarded: Set<string>;
  readonly #isResend: boolean;
  /** Whether an output event (item or delta) of this response reached the caller. */
  #producedOutput = false;
  readonly #streamed: StreamedItem[] = [];
  /** Items announced by `output_item.added` and not yet done, by id, with their index. */
  readonly #openItems = new Map<string, number>();
  #nextIndex = 0;
  /** The response that ended last (completed, or incomplete because it was steered); `null` while one streams. */
  #ended: (PrecedingResponse & { readonly incremental: boolean }) | null = null;
  /** Earlier responses of the request, followed by a steering successor. */
  readonly #predecessors: PrecedingResponse[] = [];

  constructor(context: RequestContext, tracker: ContinuationTracker, headers: Readonly<Record<string, string>>, decision: ContinuationDecision, forwarded: Set<string>) {
    this.#context = context;
    this.#tracker = tracker;
    this.#mapOptions = { headers };
    this.#decision = decision;
    this.#forwarded = forwarded;
    this.#isResend = decision.mode === 'full' && decision.reason === 'previous_response_not_found';
  }

  onFrame(frame: FrameEnvelope, response: RoutedResponse): void {
    const context = this.#context;
    // The Responses WebSocket mode sends one JSON object per text frame; anything else is garbage on this path.
    if (frame.value === undefined) throw new ProtocolViolationError(`a WebSocket text frame that is not a JSON object (${frame.text.length} characters)`, { violation: 'non_json_frame' });
    const value = this.#lenient(frame, response);
    const event = context.decode(value, 'websocket');
    if ((frame.flags & TypeFlags.SteerAnswer) !== 0) {
      context.forwardRaw(value);
      context.steering.onEvent(value as Record<string, unknown>);
      return;
    }
    if (event.type === 'response.incomplete' && event.response.incomplete_details?.reason === 'steered') {
      // Stopped at a safe boundary for steering input: not a failure; its successor follows.
      context.forwardRaw(value);
      this.#endResponse(response, event.response.id, 'incomplete', event.response.usage ? toResponseUsage(event.response.usage) : undefined, event.response.output as readonly ResponseItem[] | undefined);
      return;
    }
    if (event.type === 'response.created') this.#beginResponse(event.response.id);
    let weight = frame.text.length;
    const items = mapStreamEvent(event, this.#mapOptions);
    const count = items.length;
    // The refusal answered by the transparent full resend is the client's business, not the caller's.
    let resends = false;
    for (let index = 0; index < count; index += 1) {
      const item = items[index] as ResponseEvent;
      if (item.type === 'failed' && this.#answersWithResend(item.error)) resends = true;
    }
    if (!resends) context.forwardRaw(value);
    for (let index = 0; index < count; index += 1) {
      const item = items[index] as ResponseEvent;
      if (item.type === 'failed') {
        if (resends) this.resendFull = true;
        else this.failure = item.error;
        return;
      }
      if (item.type === 'output_item_done') this.#streamed.push({ outputIndex: item.outputIndex, item: item.item });
      if (item.type === 'completed') {
        // Snapshot items are the same wire objects as streamed items (see mapStreamEvent's note on the union).
        const final = event.type === 'response.completed' ? (event.response.output as readonly ResponseItem[] | undefined) : undefined;
        this.#endResponse(response, item.responseId, 'completed', item.usage, final);
        return;
      }
      // Once output went out, no resend can follow (nor, then, any need to remember what was forwarded).
      if (!this.#producedOutput || this.#isResend) {
        if (NO_OUTPUT_EVENT_TYPES.has(item.type)) {
          const key = item.type === 'created' ? 'created' : JSON.stringify(item);
          if (this.#isResend && this.#forwarded.has(key)) continue;
          if (!this.#isResend) this.#forwarded.add(key);
        } else {
          this.#producedOutput = true;
        }
      }
      context.emit(item, weight);
      weight = 0;
    }
  }

  /** An `error` frame that answers one of this request's steers (a server without steering): see `RequestSteering.takeErrorFrame`. */
  takeSteerError(frame: FrameEnvelope): boolean {
    if (frame.value === undefined || !this.#context.steering.takeErrorFrame(frame.value)) return false;
    this.#context.forwardRaw(frame.value);
    return true;
  }

  /** Whether the request waits for a steering successor after the response that just ended. */
  awaitsSuccessor(): boolean {
    return this.#ended !== null && this.failure === null && this.#context.steering.awaitsSuccessor;
  }

  /**
   * The router ended the request after a terminal frame: the response that ended last is the
   * request's result (its `completed` event goes to the caller now; the earlier responses of a
   * steered request are its `predecessors`). No-op unless a response ended.
   */
  finish(): void {
    const ended = this.#ended;
    if (ended === null || this.failure !== null) return;
    const context = this.#context;
    this.#tracker.complete(ended.responseId, { compaction: context.options.compaction === true }, this.pending);
    try {
      const completed = context.complete(ended.responseId, ended.usage, ended.output, 'websocket', ended.incremental);
      this.completed = this.#predecessors.length === 0 ? completed : { ...completed, predecessors: [...this.#predecessors] };
    } catch (error) {
      // The response itself ended cleanly: the socket stays usable.
      this.rejected = error as ModelwireError;
    }
  }

  /** A response ended with `response.completed` or a steered `response.incomplete`: its output is final. */
  #endResponse(response: RoutedResponse, responseId: string, status: 'completed' | 'incomplete', usage: ResponseUsage | undefined, final: readonly ResponseItem[] | undefined): void {
    const output = this.#context.reconcile(responseId, this.#streamed, final, 'websocket');
    for (const done of output) this.#tracker.addOutputItem(done, this.pending);
    this.#ended = { responseId, status, output, usage, incremental: this.#predecessors.length === 0 && this.#decision.mode === 'incremental' };
    // Past the steering grace the request ends with this response's result.
    this.#context.steering.onTerminal(() => {
      const awaited = response.awaitedAfter;
      if (awaited !== null) response.finish(awaited);
    });
  }

  /**
   * A `response.created`: the request's first response, or a steering successor of the one that
   * ended. Either is a commit point of steering input; the committed input joins the
   * continuation baseline (after the request's input and the predecessor's output).
   */
  #beginResponse(responseId: string): void {
    const ended = this.#ended;
    let previous: PrecedingResponse | null = null;
    if (ended !== null) {
      previous = { responseId: ended.responseId, status: ended.status, output: ended.output, usage: ended.usage };
      this.#predecessors.push(previous);
      if (ended.usage !== undefined) this.#context.telemetry.onTokenUsage({ ...ended.usage, model: this.#context.turn.model.slug, responseId: ended.responseId });
      this.#ended = null;
      this.#streamed.length = 0;
      this.#openItems.clear();
      this.#nextIndex = 0;
    }
    const commit = this.#context.steering.onCreated(responseId, previous);
    // Steers the request's input already held are in the baseline (the input) already.
    if (commit !== null && !commit.inInput) for (const steer of commit.steers) for (const item of steer.items) this.#tracker.addOutputItem(item, this.pending);
  }

  /** Whether a failure is a `previous_response_not_found` this reader answers with one full resend. */
  #answersWithResend(error: ErrorClassification): boolean {
    return error.kind === 'previous_response_not_found' && this.#decision.mode === 'incremental' && !this.#producedOutput;
  }

  /** The frame's value, with what the binding makes unambiguous filled in (a copy; the frame is not changed). */
  #lenient(frame: FrameEnvelope, response: RoutedResponse): unknown {
    const value = frame.value;
    if (value === undefined) return frame.text;
    const type = frame.type;
    if ((frame.flags & TypeFlags.LifecycleTerminal) !== 0 && frame.responseId === undefined) {
      const bound = response.responseId;
      // The router delivers a terminal without id only to a bound response.
      if (bound === undefined) return value;
      const snapshot = value['response'];
      return { ...value, response: { ...(typeof snapshot === 'object' && snapshot !== null ? snapshot : {}), id: bound } };
    }
    if ((frame.flags & TypeFlags.OutputItem) !== 0 && (type === 'response.output_item.added' || type === 'response.output_item.done')) return this.#withOutputIndex(value, type, frame.itemId);
    return value;
  }

  #withOutputIndex(value: Record<string, unknown>, type: string, itemId: string | undefined): Record<string, unknown> {
    const given = value['output_index'];
    let index: number;
    if (typeof given === 'number') {
      index = given;
    } else if (type === 'response.output_item.added') {
      index = this.#nextIndex;
    } else {
      const open = itemId === undefined ? undefined : this.#openItems.get(itemId);
      if (open !== undefined) index = open;
      else if (this.#openItems.size === 0) index = this.#nextIndex;
      else throw new ProtocolViolationError('response.output_item.done without output_index while other items are open: its position in the output is ambiguous');
    }
    if (type === 'response.output_item.added' && itemId !== undefined) this.#openItems.set(itemId, index);
    if (type === 'response.output_item.done' && itemId !== undefined) this.#openItems.delete(itemId);
    if (index >= this.#nextIndex) this.#nextIndex = index + 1;
    return typeof given === 'number' ? value : { ...value, output_index: index };
  }

  /** The output items streamed so far (for tests and diagnostics). */
  get streamedItems(): readonly ResponseItem[] {
    return this.#streamed.map((entry) => entry.item);
  }
}
