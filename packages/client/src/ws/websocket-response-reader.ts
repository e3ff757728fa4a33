import { mapStreamEvent, type ErrorClassification, type ResponseEvent } from '@modelwire/protocol';
import { ProtocolViolationError, type ModelwireError } from '@modelwire/transport';
import type { ContinuationDecision, ContinuationTracker, PendingResponse } from '../continuation/continuation-tracker.js';
import type { RequestContext } from '../turn/request-context.js';
import type { StreamedItem } from '../turn/reconcile-output.js';
import type { CompletedResponse } from '../turn/response-stream.js';
import type { ResponseItem } from '../types/prompt.js';
import type { FrameEnvelope } from './frame-envelope.js';
import type { ResponseSink, RoutedResponse } from './routed-response.js';

/**
 * Events that carry no response output: a response that ended after only these produced
 * nothing, so resending its request cannot duplicate anything the caller saw (an event of an
 * unknown type included: it is forwarded once, like the header events).
 */
const NO_OUTPUT_EVENT_TYPES: ReadonlySet<ResponseEvent['type']> = new Set(['created', 'queued', 'rate_limits', 'server_model', 'models_etag', 'turn_state', 'reasoning_included', 'unknown']);

/** Lifecycle terminals that carry a `response` object (not `error`). */
const LIFECYCLE_TERMINALS: ReadonlySet<string> = new Set(['response.completed', 'response.failed', 'response.incomplete']);

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
  /** Set when the response completed. */
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
  readonly #headers: Readonly<Record<string, string>>;
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

  constructor(context: RequestContext, tracker: ContinuationTracker, headers: Readonly<Record<string, string>>, decision: ContinuationDecision, forwarded: Set<string>) {
    this.#context = context;
    this.#tracker = tracker;
    this.#headers = headers;
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
    let weight = frame.text.length;
    const items = mapStreamEvent(event, { headers: this.#headers });
    // The refusal answered by the transparent full resend is the client's business, not the caller's.
    const resends = items.some((item) => item.type === 'failed' && this.#answersWithResend(item.error));
    if (!resends) context.forwardRaw(value);
    for (const item of items) {
      if (item.type === 'failed') {
        if (resends) this.resendFull = true;
        else this.failure = item.error;
        return;
      }
      if (item.type === 'output_item_done') this.#streamed.push({ outputIndex: item.outputIndex, item: item.item });
      if (item.type === 'completed') {
        // Snapshot items are the same wire objects as streamed items (see mapStreamEvent's note on the union).
        const final = event.type === 'response.completed' ? (event.response.output as readonly ResponseItem[] | undefined) : undefined;
        const output = context.reconcile(item.responseId, this.#streamed, final, 'websocket');
        for (const done of output) this.#tracker.addOutputItem(done, this.pending);
        this.#tracker.complete(item.responseId, { compaction: context.options.compaction === true }, this.pending);
        try {
          this.completed = context.complete(item.responseId, item.usage, output, 'websocket', this.#decision.mode === 'incremental');
        } catch (error) {
          // The response itself ended cleanly: the socket stays usable.
          this.rejected = error as ModelwireError;
        }
        return;
      }
      if (NO_OUTPUT_EVENT_TYPES.has(item.type)) {
        const key = item.type === 'created' ? 'created' : JSON.stringify(item);
        if (this.#isResend && this.#forwarded.has(key)) continue;
        if (!this.#isResend) this.#forwarded.add(key);
      } else {
        this.#producedOutput = true;
      }
      context.emit(item, weight);
      weight = 0;
    }
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
    if (type !== undefined && LIFECYCLE_TERMINALS.has(type) && frame.responseId === undefined) {
      const bound = response.responseId;
      // The router delivers a terminal without id only to a bound response.
      if (bound === undefined) return value;
      const snapshot = value['response'];
      return { ...value, response: { ...(typeof snapshot === 'object' && snapshot !== null ? snapshot : {}), id: bound } };
    }
    if (type === 'response.output_item.added' || type === 'response.output_item.done') return this.#withOutputIndex(value, type, frame.itemId);
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
