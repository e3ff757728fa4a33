import type { Attributes, Context } from '@opentelemetry/api';
import { Attr, EventName } from './attribute-names.js';
import type { AttributeSanitizer } from './attribute-sanitizer.js';
import { errorTypeOf, isAbort, RequestSpan, type SpanOutcome } from './request-span.js';
import type { SessionShared } from './session-telemetry.js';

/**
 * The request boundaries of one turn: which request span is open, when a report belongs to it,
 * and when it has to be ended because a new request began. One request at a time, as the
 * client runs one request at a time per turn.
 */
export class RequestTracker {
  readonly #shared: SessionShared;
  readonly #parent: Context | null;
  readonly #model: string;
  #current: RequestSpan | null = null;
  #pendingInput: string | null = null;
  #opened = 0;

  /** @param parent The turn's context, or `null` when its tracer is the no-op one. */
  constructor(shared: SessionShared, parent: Context | null, model: string) {
    this.#shared = shared;
    this.#parent = parent;
    this.#model = model;
  }

  /** The open request, or `null`. */
  get current(): RequestSpan | null {
    return this.#current;
  }

  /** Requests opened so far. */
  get opened(): number {
    return this.#opened;
  }

  /** Input text (already sanitised) for the next request span opened. */
  setPendingInput(value: string): void {
    this.#pendingInput = value;
  }

  /** Opens a request reported by `onRequestStart`, ending any open one first. */
  start(endpoint: string, now: number): RequestSpan {
    this.closeCurrent(now);
    return this.#open(endpoint, now, true);
  }

  /**
   * The request a report belongs to, opening one when needed. `startsRequest`: the report may
   * begin a new request (a connect, a decision, a successful attempt). `backdateMs`: how long
   * before now the report's work began (the start of a request opened here).
   */
  requestFor(endpoint: string, startsRequest: boolean, now: number, backdateMs: number): RequestSpan {
    const current = this.#current;
    if (current !== null) {
      if (current.explicit) return current;
      const continues =
        current.endpoint === endpoint &&
        (current.phase === 'sending' || current.phase === 'awaiting_retry' || (!startsRequest && (current.phase === 'streaming' || current.phase === 'failed')));
      if (continues) return current;
      this.closeCurrent(now);
    }
    return this.#open(endpoint, now - Math.max(0, backdateMs), false);
  }

  /** Ends the open request from what is known (used when no end was reported). */
  closeCurrent(now: number): void {
    const request = this.#current;
    if (request === null) return;
    switch (request.phase) {
      case 'completed':
        this.finish(request, 'completed', request.settledAt, null);
        return;
      case 'failed':
        this.finish(request, isAbort(request.error) ? 'aborted' : 'failed', request.settledAt, request.error);
        return;
      case 'streaming':
        this.finish(request, 'unknown', Math.min(now, request.lastActivityAt), null);
        return;
      default:
        this.finish(request, 'unknown', now, request.error);
    }
  }

  /** Ends `request` (the open one, normally) with what is known of its end. */
  finish(request: RequestSpan, outcome: SpanOutcome, endTime: number, error: Error | null): void {
    if (this.#current === request) this.#current = null;
    request.finish(outcome, endTime, outcome === 'completed' ? null : error);
    if (outcome === 'failed') {
      this.#shared.log('warn', EventName.requestFailed, `request to ${request.endpoint} failed`, error === null ? {} : errorAttributes(this.#shared.sanitizer, error, request.status));
    }
  }

  #open(endpoint: string, startedAt: number, explicit: boolean): RequestSpan {
    const request = new RequestSpan(this.#shared, this.#parent, endpoint, this.#model, startedAt, explicit);
    this.#opened += 1;
    if (this.#pendingInput !== null) {
      request.span.setAttribute(Attr.inputMessages, this.#pendingInput);
      this.#pendingInput = null;
    }
    this.#current = request;
    return request;
  }
}

/** `error.type`, the redacted message and the status of a failure, as span event attributes. */
export function errorAttributes(sanitizer: AttributeSanitizer, error: Error, status: number | null): Attributes {
  const attributes: Attributes = {
    [Attr.errorType]: sanitizer.text(errorTypeOf(error)),
    [Attr.errorMessage]: sanitizer.text(error.message),
  };
  if (status !== null) attributes[Attr.httpStatusCode] = status;
  return attributes;
}
