import type { FullRequestReason } from '../telemetry/client-telemetry.js';
import type { ResponseItem } from '../types/prompt.js';
import { extendChain, fingerprintText, type Fingerprint } from './item-fingerprint.js';
import { chainFingerprint } from './sequence-fingerprint.js';
import type { RequestFields } from '../request/request-fields.js';

/** The outcome of a continuation check for one WebSocket request. */
export type ContinuationDecision =
  | {
      readonly mode: 'incremental';
      /** The response to continue from. */
      readonly previousResponseId: string;
      /** Only the items after the previous input and output; may be empty. */
      readonly delta: readonly ResponseItem[];
    }
  | {
      readonly mode: 'full';
      /** Why the request cannot continue the previous response. */
      readonly reason: FullRequestReason;
    };

/** A request as the tracker sees it: its fields fingerprint and its full input. */
export interface TrackedRequest {
  /** {@link fingerprintRequestFields} of the request's non-input fields. */
  readonly fieldsFingerprint: Fingerprint;
  /** The caller's full input (append-only arrays make the check O(new items)). */
  readonly input: readonly ResponseItem[];
  /**
   * `false` when the request may not name a previous response at all (it names a stored
   * `conversation`, which the API does not combine with `previous_response_id`). Default `true`.
   */
  readonly continuable?: boolean;
}

/** The request {@link ContinuationTracker.begin} recorded, to be completed by its own response. */
export type PendingResponse = LastResponse;

interface LastResponse {
  readonly fieldsFingerprint: Fingerprint;
  /** The previous request's input array (a prefix hint for the next one). */
  readonly input: readonly ResponseItem[];
  /** Length of input + output of the previous response. */
  expectedLength: number;
  /**
   * Chain fingerprint of the input and of the output items folded in so far; see
   * {@link expectedChainOf}, which folds in {@link LastResponse.unfolded} first.
   */
  expectedChain: Fingerprint;
  /**
   * Output items recorded and not yet part of {@link expectedChain} (folded in by the first
   * check that needs them: a response whose chain nobody checks is never fingerprinted).
   * Replaced, never changed in place: records copied with a spread share it.
   */
  unfolded: readonly ResponseItem[];
  /** Set once the response completed with a non-empty id and its stream was read to the end. */
  responseId: string | null;
  /** Set when the response completed but is never a base (a compaction). */
  compaction?: boolean;
}

const toolFingerprints = new WeakMap<object, Fingerprint>();

const NO_ITEMS: readonly ResponseItem[] = Object.freeze([]);

/** The chain fingerprint of a recorded request's input and output (its recorded items folded in, once). */
function expectedChainOf(last: LastResponse): Fingerprint {
  if (last.unfolded.length === 0) return last.expectedChain;
  let chain = last.expectedChain;
  for (const item of last.unfolded) chain = extendChain(chain, item);
  last.expectedChain = chain;
  last.unfolded = NO_ITEMS;
  return chain;
}

/**
 * Fingerprint of the non-input request fields, compared for equality only. The (often large)
 * tools array is hashed once per array object; the rest is kept as its JSON text (one request
 * per socket lane holds it; comparing two texts costs less than hashing one on every request).
 */
export function fingerprintRequestFields(fields: RequestFields): Fingerprint {
  let tools = toolFingerprints.get(fields.tools);
  if (tools === undefined) {
    tools = fingerprintText(JSON.stringify(fields.tools));
    toolFingerprints.set(fields.tools, tools);
  }
  return `${tools}\u0000${JSON.stringify({ ...fields, tools: undefined })}`;
}

/**
 * Decides, per WebSocket connection, whether the next request can continue the previous
 * response incrementally (ARCHITECTURE §3.4). Lives with the connection: a new socket starts a
 * new tracker, which is how "the same socket served the previous response" is enforced.
 *
 * Cost of a decision: the new items only. The tracker never compares histories item by item;
 * it compares chain fingerprints (see `chainFingerprint`).
 */
export class ContinuationTracker {
  #last: LastResponse | null = null;
  #pending: LastResponse | null = null;
  readonly #isFresh: boolean;

  /**
   * @param replacesEarlierConnection whether this tracker's socket replaces one that served
   *   earlier responses of the session (so the first full request reports `new_connection`
   *   instead of `no_previous_response`).
   */
  constructor(replacesEarlierConnection = false) {
    this.#isFresh = replacesEarlierConnection;
  }

  /** Decides how the request is sent. Does not change state; call {@link begin} when sending. */
  decide(request: TrackedRequest): ContinuationDecision {
    const last = this.#last;
    if (last === null) return { mode: 'full', reason: this.#isFresh ? 'new_connection' : 'no_previous_response' };
    if (last.compaction === true) return { mode: 'full', reason: 'after_compaction' };
    if (last.responseId === null) return { mode: 'full', reason: 'previous_not_completed' };
    if (request.continuable === false) return { mode: 'full', reason: 'conversation' };
    if (last.fieldsFingerprint !== request.fieldsFingerprint) return { mode: 'full', reason: 'request_changed' };
    if (request.input.length < last.expectedLength) return { mode: 'full', reason: 'input_not_extended' };
    if (chainFingerprint(request.input, last.expectedLength, last.input) !== expectedChainOf(last)) return { mode: 'full', reason: 'input_not_extended' };
    return { mode: 'incremental', previousResponseId: last.responseId, delta: request.input.slice(last.expectedLength) };
  }

  /**
   * Records that `request` is being sent on this connection. Until {@link complete} is called,
   * the connection has no continuable response: an error, an abort or an undrained stream
   * leaves it that way.
   */
  begin(request: TrackedRequest): PendingResponse {
    this.#pending = {
      fieldsFingerprint: request.fieldsFingerprint,
      input: request.input,
      expectedLength: request.input.length,
      expectedChain: chainFingerprint(request.input, request.input.length, this.#last?.input),
      unfolded: NO_ITEMS,
      responseId: null,
    };
    this.#last = { ...this.#pending };
    return this.#pending;
  }

  /**
   * Records one output item of the in-flight response (from `response.output_item.done`):
   * `pending` (what {@link begin} returned) when several requests of one lane are in flight at
   * once, else the last one begun. No hashing here: the item joins the expected chain when a
   * later {@link decide} compares against it.
   */
  addOutputItem(item: ResponseItem, pending: PendingResponse | null = this.#pending): void {
    if (pending === null) return;
    pending.unfolded = [...pending.unfolded, item];
    pending.expectedLength += 1;
  }

  /**
   * Marks the in-flight response complete and read to its end. An empty `responseId` leaves
   * the connection without a continuable response.
   *
   * A compaction (`compaction: true`, its input ended with `compaction_trigger`) is never a
   * base: its server-side state is the whole uncompacted history plus the trigger, so
   * continuing from it would bring back what the compaction removed, and the caller's next
   * input (the compacted window) does not extend it anyway. The next request goes out in full
   * (`after_compaction`) and starts a new chain. The compaction request itself may continue the
   * response before it: the server then compacts that response's context plus the new items.
   */
  complete(responseId: string, options: { readonly compaction?: boolean } = {}, pending: PendingResponse | null = this.#pending): void {
    if (this.#pending === pending) this.#pending = null;
    if (options.compaction === true) {
      this.#last = { ...(pending ?? this.#last ?? { fieldsFingerprint: '', input: [], expectedLength: 0, expectedChain: '', unfolded: NO_ITEMS }), responseId: null, compaction: true };
      return;
    }
    if (pending === null || responseId.length === 0) {
      this.#last = this.#last === null ? null : { ...this.#last, responseId: null };
      return;
    }
    this.#last = { ...pending, responseId };
  }

  /** Forgets everything (after an error, an abort, or when the server lost the response). */
  reset(): void {
    this.#pending = null;
    if (this.#last !== null) this.#last = { ...this.#last, responseId: null };
  }

  /** The id a request would continue from, if any (for diagnostics and tests). */
  get lastResponseId(): string | null {
    return this.#last?.responseId ?? null;
  }
}
