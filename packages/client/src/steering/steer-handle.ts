import type { ResponseUsage, SteerErrorCode, SteerInput, SteerRequiredInput } from '@modelwire/protocol';
import type { ResponseItem } from '../types/prompt.js';

/**
 * Why steering cannot be used for a request (no `response.steer` was sent, or the server said
 * the response cannot be steered):
 * - `http`: the request runs over HTTP (the session fell back, or never used the WebSocket);
 * - `unsupported_model`: the server answered `steering_not_supported` for this model before
 *   (remembered for the client's life);
 * - `steering_not_supported`: the server answered so for this response;
 * - `conversation`, `compaction`, `warm_up`: requests the API never steers (bound to a stored
 *   conversation, a compaction, a `generate: false` warm-up);
 * - `unsupported_server`: the server does not steer at all: it answered a `response.steer`
 *   with an `error` frame (an event it does not know), or left one unanswered past the
 *   steering grace (see `STEER_GRACE_MS`); remembered for the client's life, so later steers
 *   are handed back at once without a round trip;
 * - `request_ended`: the request ended before the input could be sent;
 * - `no_active_request`: nothing is running (`ModelClientSession.steer` between requests).
 */
export type SteerUnavailableReason =
  | 'http'
  | 'unsupported_model'
  | 'steering_not_supported'
  | 'unsupported_server'
  | 'conversation'
  | 'compaction'
  | 'warm_up'
  | 'request_ended'
  | 'no_active_request';

/**
 * Why the outcome of a sent steer cannot be known: the connection was lost (or the request
 * failed or was aborted) after it was sent and before an answer or the commit point; or, for a
 * pending steer, the next request did not continue its response (`not_continued`), so the
 * server will never apply it; or the server did not answer within the steering grace after the
 * steered response ended (`no_answer`: the request then ends with that response's own result).
 * The input was not committed anywhere the client can see.
 */
export type SteerUnknownReason = 'connection_lost' | 'request_failed' | 'aborted' | 'not_continued' | 'no_answer';

/** The server took the input (`response.steer.accepted`): it owns it now; not yet applied. */
export interface SteerAccepted {
  readonly status: 'accepted';
  readonly steerId: string;
  /** The response it steers. */
  readonly previousResponseId: string;
}

/** The input was committed: the `response.created` of `responseId` carries it. */
export interface SteerCommitted {
  readonly status: 'committed';
  readonly steerId: string;
  /** The response whose creation committed the input (an automatic successor, or the explicit continuation after `pending`). */
  readonly responseId: string;
  /** The response that was steered. */
  readonly previousResponseId: string;
}

/**
 * The steered response completed waiting for client-owned tool output or approvals
 * (`response.steer.pending`): the input stays queued on the server. Send the next request on
 * the same turn with an output for every stub of `requiredInput` (saved results: never rerun a
 * tool); its input must extend the completed response, so that the client sends it as the one
 * explicit continuation (`previous_response_id: previousResponseId`) the server prepends the
 * queued input to. Its `response.created` commits the input ({@link SteerHandle.final}).
 */
export interface SteerPending {
  readonly status: 'pending';
  readonly steerId: string;
  readonly previousResponseId: string;
  /** Why the input is still queued (`waiting_for_required_input`, or a reason added later). */
  readonly reason: string;
  /** Stubs of the tool outputs and approval decisions the server waits for. */
  readonly requiredInput: readonly SteerRequiredInput[];
}

/** The server refused the input or could not commit it (`response.steer.failed`); the input is handed back. */
export interface SteerFailed {
  readonly status: 'failed';
  /** Set when the failure came after acceptance. */
  readonly steerId: string | undefined;
  /** The error code (an open set: handle unknown values). */
  readonly code: SteerErrorCode;
  readonly message: string;
  /** The uncommitted input, as it was submitted. */
  readonly input: SteerInput;
}

/** Steering is not available for this request: nothing was committed; the input is handed back. */
export interface SteerUnavailable {
  readonly status: 'unavailable';
  readonly reason: SteerUnavailableReason;
  readonly input: SteerInput;
}

/** The outcome is unknown: the input was sent, then the connection or the request ended. It is not in any history the client holds. */
export interface SteerUnknown {
  readonly status: 'unknown';
  readonly reason: SteerUnknownReason;
  readonly steerId: string | undefined;
  readonly input: SteerInput;
}

/** The first answer to a steer. */
export type SteerAcknowledgement = SteerAccepted | SteerFailed | SteerUnavailable | SteerUnknown;
/** Where a steer ended for the request that carried it. */
export type SteerOutcome = SteerCommitted | SteerPending | SteerFailed | SteerUnavailable | SteerUnknown;
/** Where a steer ended for good (a pending steer resolves when its continuation is created, or not). */
export type SteerFinal = SteerCommitted | SteerFailed | SteerUnavailable | SteerUnknown;

/** Where a steer is now. */
export type SteerState = 'queued' | 'sent' | SteerOutcome['status'] | 'accepted';

/** An earlier response of a steered request: it ended (completed, or incomplete with reason `steered`) and a successor followed. */
export interface PrecedingResponse {
  readonly responseId: string;
  readonly status: 'completed' | 'incomplete';
  /** Its output items, in output order. */
  readonly output: readonly ResponseItem[];
  readonly usage: ResponseUsage | undefined;
}

/**
 * Steering input committed by one `response.created` (`StreamOptions.onSteerCommitted`): what
 * the server's conversation now holds, in order: `previous`'s output (for an automatic
 * successor; `null` for the explicit continuation after `pending`, whose parent is the previous
 * request's result), then each steer's items, then the output of `responseId`. For the
 * explicit continuation the steers' items come before that request's own new input (the tool
 * outputs): see {@link SteerCommit.inInput}.
 */
export interface SteerCommit {
  /** The response whose creation committed the input. */
  readonly responseId: string;
  /** The response it follows, for an automatic successor. */
  readonly previous: PrecedingResponse | null;
  /** The committed steers, in submission order, with their input as history items. */
  readonly steers: readonly { readonly steerId: string; readonly items: readonly ResponseItem[] }[];
  /**
   * For the explicit continuation after `pending` (`previous` null): `true` when the request's
   * input already held the steers' items right before its new input (after the steered
   * response's output, where the server puts them: it prepends the queued input to the
   * request's input), so the client left them out of what it sent and the history needs
   * nothing more. `false` otherwise: the server still put them before the request's new input.
   * Always `false` for an automatic successor.
   */
  readonly inInput: boolean;
}

/**
 * One `steer()` call: its state now, and promises of its answers. Never rejects: every way it
 * can end is a typed value.
 * - `acknowledged`: the first answer (accepted, failed, unavailable, unknown);
 * - `outcome`: how it ended for the request (committed, pending, failed, unavailable, unknown);
 * - `final`: how it ended for good (a pending steer becomes committed when its explicit
 *   continuation is created, or unknown when the next request does not continue its response).
 */
export class SteerHandle {
  /** The input as submitted. */
  readonly input: SteerInput;
  /** The input as history items (user messages). */
  readonly items: readonly ResponseItem[];
  readonly acknowledged: Promise<SteerAcknowledgement>;
  readonly outcome: Promise<SteerOutcome>;
  readonly final: Promise<SteerFinal>;
  #state: SteerState = 'queued';
  #steerId: string | undefined;
  #target: string | undefined;
  #acknowledge!: (value: SteerAcknowledgement) => void;
  #settle!: (value: SteerOutcome) => void;
  #finish!: (value: SteerFinal) => void;

  /** @internal Created by `ResponseStream.steer`. */
  constructor(input: SteerInput) {
    this.input = input;
    this.items = steerItems(input);
    this.acknowledged = new Promise((resolve) => (this.#acknowledge = resolve));
    this.outcome = new Promise((resolve) => (this.#settle = resolve));
    this.final = new Promise((resolve) => (this.#finish = resolve));
  }

  /** Where the steer is now. */
  get state(): SteerState {
    return this.#state;
  }

  /** The id the server gave it (`steer_…`), once accepted. */
  get steerId(): string | undefined {
    return this.#steerId;
  }

  /** The response it was sent to, once sent. */
  get previousResponseId(): string | undefined {
    return this.#target;
  }

  /** Whether it reached an end for good. */
  get isFinal(): boolean {
    return this.#state === 'committed' || this.#state === 'failed' || this.#state === 'unavailable' || this.#state === 'unknown';
  }

  /** @internal */
  markSent(target: string): void {
    this.#state = 'sent';
    this.#target = target;
  }

  /** @internal */
  accept(steerId: string, previousResponseId: string): void {
    if (this.#state !== 'sent') return;
    this.#state = 'accepted';
    this.#steerId = steerId;
    this.#acknowledge({ status: 'accepted', steerId, previousResponseId });
  }

  /** @internal */
  pend(pending: Omit<SteerPending, 'status' | 'steerId'>): void {
    if (this.#state !== 'accepted' || this.#steerId === undefined) return;
    this.#state = 'pending';
    this.#settle({ status: 'pending', steerId: this.#steerId, ...pending });
  }

  /** @internal */
  commit(responseId: string): void {
    if ((this.#state !== 'accepted' && this.#state !== 'pending') || this.#steerId === undefined) return;
    const value: SteerCommitted = { status: 'committed', steerId: this.#steerId, responseId, previousResponseId: this.#target ?? '' };
    this.#state = 'committed';
    this.#end(value);
  }

  /** @internal */
  fail(code: SteerErrorCode, message: string, steerId: string | undefined): void {
    if (this.isFinal) return;
    this.#end({ status: 'failed', steerId: steerId ?? this.#steerId, code, message, input: this.input }, 'failed');
  }

  /** @internal */
  unavailable(reason: SteerUnavailableReason): void {
    if (this.isFinal) return;
    this.#end({ status: 'unavailable', reason, input: this.input }, 'unavailable');
  }

  /** @internal */
  lose(reason: SteerUnknownReason): void {
    if (this.isFinal) return;
    this.#end({ status: 'unknown', reason, steerId: this.#steerId, input: this.input }, 'unknown');
  }

  #end(value: SteerFinal, state: SteerState = value.status): void {
    this.#state = state;
    if (value.status !== 'committed') this.#acknowledge(value);
    this.#settle(value);
    this.#finish(value);
  }
}

/** The history items of a steering input: one user message per message (a string becomes one `input_text` part). */
export function steerItems(input: SteerInput): ResponseItem[] {
  const messages = typeof input === 'string' ? [{ role: 'user' as const, content: input }] : input;
  return messages.map(
    (message) =>
      ({
        type: 'message',
        role: 'user',
        content: typeof message.content === 'string' ? [{ type: 'input_text', text: message.content }] : message.content.map((part) => ({ ...part })),
      }) as ResponseItem,
  );
}
