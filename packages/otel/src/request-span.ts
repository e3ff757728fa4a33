import type { ContinuationDecisionRecord, TransportKind } from '@modelwire/client';
import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { Attr, operationNameOf } from './attribute-names.js';
import type { SessionShared } from './session-telemetry.js';

/**
 * Where a request stands, as far as the reports tell:
 * - `sending`: started, no attempt reported yet (connect, continuation decision);
 * - `awaiting_retry`: the last attempt failed and the client retries (or falls back to HTTP);
 * - `streaming`: the last attempt got through; events may arrive;
 * - `completed`: `response.completed` (or a successful unary answer) arrived;
 * - `failed`: the last attempt failed for good, or a failure terminal event arrived.
 */
export type RequestPhase = 'sending' | 'awaiting_retry' | 'streaming' | 'completed' | 'failed';

/** How a request span ended (`modelwire.request.outcome`). `unknown`: no end was reported. */
export type SpanOutcome = 'completed' | 'failed' | 'aborted' | 'unknown';

/**
 * One request (one `stream` call or one unary call, all its attempts): its span and what its
 * metrics need at the end. Mutable state driven by {@link TurnTelemetry}.
 */
export class RequestSpan {
  readonly span: Span;
  readonly endpoint: string;
  /** Opened by `onRequestStart`: ends only on `onRequestEnd` (or a newer start, or turn end). */
  readonly explicit: boolean;
  readonly startedAt: number;
  phase: RequestPhase = 'sending';
  transport: TransportKind | null = null;
  attempt = 0;
  status: number | null = null;
  error: Error | null = null;
  /** Time of the last phase-changing report, for the end time of a span closed later. */
  settledAt: number;
  /** When the stream's event durations count from (the successful attempt's report). */
  streamBase = 0;
  /** Sum of the event durations since {@link streamBase}, in milliseconds. */
  streamMs = 0;
  /** Send-to-status time of the last successful HTTP attempt (added to the first event's wait). */
  attemptMs = 0;
  firstEventSeen = false;
  /** Whether the last attempt got past its request phase (an event other than an error or header event arrived). */
  outputBegan = false;
  events = 0;
  responseId: string | null = null;
  /** The continuation decision of the last attempt (written to the span at the end). */
  decision: ContinuationDecisionRecord | null = null;
  /** Whether the last attempt used an open socket; `null` when it did not use a WebSocket. */
  connectionReused: boolean | null = null;
  /**
   * Events received per transport and kind, added to the event counter when the request ends:
   * one counter update per kind per request instead of one per event. `null` without metrics.
   */
  readonly #eventCounts: Record<TransportKind, Map<string, number>> | null;
  readonly #shared: SessionShared;
  readonly #model: string;

  constructor(shared: SessionShared, parent: Context | null, endpoint: string, model: string, startedAt: number, explicit: boolean) {
    this.#shared = shared;
    this.#model = model;
    this.endpoint = endpoint;
    this.explicit = explicit;
    this.startedAt = startedAt;
    this.settledAt = startedAt;
    this.#eventCounts = shared.metricsEnabled ? { http: new Map(), websocket: new Map() } : null;
    const operation = operationNameOf(endpoint);
    // Attributes are set after the start, and only on a recording span: without an SDK a
    // request costs one no-op span and nothing else.
    // `parent` is null when the turn's tracer is the no-op one: no span to start at all.
    this.span = parent === null ? shared.noopSpan : shared.tracer.startSpan(`${operation} ${model}`, { kind: SpanKind.CLIENT, startTime: startedAt }, parent);
    if (this.span.isRecording()) {
      this.span.setAttributes(shared.spanAttributes);
      this.span.setAttributes({ [Attr.operationName]: operation, [Attr.requestModel]: model, [Attr.endpoint]: shared.sanitizer.text(endpoint) });
      if (endpoint === 'responses') this.span.setAttributes({ [Attr.openaiApiType]: 'responses', [Attr.requestStream]: true });
    }
  }

  /** Counts one received event (a no-op without metrics). */
  countEvent(transport: TransportKind, kind: string): void {
    const counts = this.#eventCounts?.[transport];
    if (counts !== undefined) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }

  /** When the stream last showed activity (for an end reported by nobody). */
  get lastActivityAt(): number {
    return this.phase === 'streaming' ? this.streamBase + this.streamMs : this.settledAt;
  }

  /** Ends the span and records the request metrics. Call once. */
  finish(outcome: SpanOutcome, endTime: number, error: Error | null): void {
    const shared = this.#shared;
    const sanitizer = shared.sanitizer;
    const span = this.span;
    // Redacted once, for the span and the metrics alike.
    const errorType = error === null ? null : sanitizer.text(errorTypeOf(error));
    if (span.isRecording()) {
      const attributes: Attributes = {
        [Attr.attempt]: this.attempt,
        [Attr.outcome]: outcome,
        [Attr.streamEvents]: this.events,
      };
      if (this.transport !== null) attributes[Attr.transport] = this.transport;
      if (this.status !== null) attributes[Attr.httpStatusCode] = this.status;
      if (this.connectionReused !== null) attributes[Attr.connectionReused] = this.connectionReused;
      const decision = this.decision;
      if (decision !== null) {
        attributes[Attr.continuationMode] = decision.mode;
        if (decision.mode === 'full') attributes[Attr.continuationReason] = decision.reason;
        attributes[Attr.continuationSentItems] = decision.sentItems;
        attributes[Attr.continuationTotalItems] = decision.totalItems;
      }
      if (this.responseId !== null) attributes[Attr.responseId] = sanitizer.text(this.responseId);
      if (errorType !== null) {
        attributes[Attr.errorType] = errorType;
        attributes[Attr.errorCode] = errorType;
      }
      span.setAttributes(attributes);
      if (outcome === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: error === null ? 'failed' : sanitizer.text(error.message) });
      else if (outcome === 'completed') span.setStatus({ code: SpanStatusCode.OK });
    }
    span.end(endTime);
    if (!shared.metricsEnabled) return;
    const eventCounts = this.#eventCounts;
    if (eventCounts !== null) {
      for (const transport of ['http', 'websocket'] as const) {
        for (const [kind, count] of eventCounts[transport]) shared.instruments.streamEvents.add(count, shared.eventAttributes(transport, kind));
      }
    }
    const seconds = Math.max(0, endTime - this.startedAt) / 1000;
    const metricAttributes: Attributes = {
      ...shared.metricAttributes,
      [Attr.operationName]: operationNameOf(this.endpoint),
      [Attr.requestModel]: this.#model,
      [Attr.endpoint]: this.endpoint,
      [Attr.outcome]: outcome,
    };
    if (this.transport !== null) metricAttributes[Attr.transport] = this.transport;
    if (this.status !== null) metricAttributes[Attr.httpStatusCode] = this.status;
    if (errorType !== null) metricAttributes[Attr.errorType] = errorType;
    else if (outcome !== 'completed') metricAttributes[Attr.errorType] = outcome === 'aborted' ? 'aborted' : '_OTHER';
    const instruments = shared.instruments;
    instruments.requests.add(1, metricAttributes);
    instruments.requestDuration.record(seconds, metricAttributes);
    instruments.operationDuration.record(seconds, metricAttributes);
  }
}

/** `error.type`: the Modelwire error code when there is one, else the error's class name. */
export function errorTypeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 ? code : error.name || 'Error';
}

/** Whether a failure means the caller aborted. */
export function isAbort(error: Error | null): boolean {
  return error !== null && (errorTypeOf(error) === 'aborted' || error.name === 'AbortError');
}
