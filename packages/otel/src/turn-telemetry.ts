import type {
  ClientTelemetry,
  ContinuationDecisionRecord,
  FrameDroppedRecord,
  OutputReconciledRecord,
  RequestAttemptRecord,
  StickyTokenIgnoredRecord,
  StreamEventRecord,
  TokenUsageRecord,
  TransportFallbackRecord,
  WebSocketConnectRecord,
} from '@modelwire/client';
import { isSpanContextValid, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { Attr, EventName, SpanName } from './attribute-names.js';
import { errorTypeOf, isAbort, type RequestSpan, type SpanOutcome } from './request-span.js';
import { errorAttributes, RequestTracker } from './request-tracker.js';
import type { SessionShared, TurnTelemetryOptions } from './session-telemetry.js';

/** Stream events that do not mean the response began: failures and header-like events. */
const NOT_OUTPUT_KINDS: ReadonlySet<string> = new Set(['error', 'response.failed', 'codex.rate_limits', 'response.metadata', 'responsesapi.websocket_timing']);

type RequestStartRecord = Parameters<NonNullable<ClientTelemetry['onRequestStart']>>[0];
type RequestEndRecord = Parameters<NonNullable<ClientTelemetry['onRequestEnd']>>[0];
type StreamRetryRecord = Parameters<NonNullable<ClientTelemetry['onStreamRetry']>>[0];

/** How a turn ended, for {@link TurnTelemetry.end}. */
export interface TurnEndOptions {
  /** The failure that ended the turn; `undefined`/`null` when it ended normally. */
  readonly error?: unknown;
}

/**
 * One turn's telemetry (turn lifetime): the `ClientTelemetry` to put in the turn's
 * `TurnContext`, plus {@link end}. Owns the turn span; each request becomes a child span
 * (`{operation} {model}`), each new WebSocket a child of its request.
 *
 * Request boundaries come from `onRequestStart`/`onRequestEnd` when the client reports them;
 * without them they are inferred: a request begins at its first report (its start backdated
 * by the reported duration) and ends at its token usage, at a final failed attempt, at the
 * next request's first report, or at the end of the turn.
 */
export class TurnTelemetry implements ClientTelemetry, Disposable {
  /** The turn span (a non-recording span when no SDK is registered). */
  readonly span: Span;
  readonly #shared: SessionShared;
  readonly #model: string;
  readonly #context: Context;
  readonly #tracker: RequestTracker;
  readonly #timed: boolean;
  /**
   * Whether nothing of this turn can be recorded: no tracing (the tracer is the no-op one), no
   * metrics (the no-op meter) and no logger. Every report then returns at once (only the
   * session-wide fallback flag is still kept), so the turn costs its no-op span and nothing else.
   */
  readonly #inert: boolean;
  #inputTokens = 0;
  #outputTokens = 0;
  #ended = false;

  /** @internal Use `SessionTelemetry.forTurn`. */
  constructor(shared: SessionShared, options: TurnTelemetryOptions, parent: Context) {
    this.#shared = shared;
    const sanitizer = shared.sanitizer;
    this.#model = sanitizer.text(options.model);
    this.span = shared.tracer.startSpan(SpanName.turn, { kind: SpanKind.INTERNAL, startTime: shared.clock() }, parent);
    if (this.span.isRecording()) {
      const attributes: Attributes = { ...shared.spanAttributes, [Attr.requestModel]: this.#model, [Attr.turnId]: sanitizer.text(options.turnId) };
      for (const [key, value] of Object.entries(options.attributes ?? {})) {
        attributes[key] = typeof value === 'string' ? sanitizer.text(value) : value;
      }
      this.span.setAttributes(attributes);
    }
    this.#context = trace.setSpan(parent, this.span);
    // The no-op tracer hands out spans with an invalid context (an SDK's spans are valid even
    // when sampled out): then requests and connects start no span, and with no metrics either
    // no report even reads the clock.
    const tracing = isSpanContextValid(this.span.spanContext());
    this.#timed = tracing || shared.metricsEnabled;
    this.#inert = !this.#timed && shared.logger === undefined;
    this.#tracker = new RequestTracker(shared, tracing ? this.#context : null, this.#model);
  }

  /**
   * Whether per-event reports are worth making: `false` with no SDK (neither tracing nor
   * metrics), so that the client skips its clock read and record per stream event. Fixed for
   * the turn's lifetime.
   */
  get wantsStreamEvents(): boolean {
    return this.#timed;
  }

  /** The wall clock, or 0 when nothing uses time (no tracing, no metrics). */
  #now(): number {
    return this.#timed ? this.#shared.clock() : 0;
  }

  /** The context with the turn span active (parent for the caller's own child spans). */
  get context(): Context {
    return this.#context;
  }

  // ------------------------------------------------------------ ClientTelemetry

  onRequestStart(record: RequestStartRecord): void {
    if (this.#inert) return;
    if (this.#ended) return;
    this.#tracker.start(record.endpoint, this.#now());
  }

  onRequestEnd(record: RequestEndRecord): void {
    if (this.#inert) return;
    const request = this.#tracker.current;
    if (request === null) return;
    if (record.responseId !== null) request.responseId = record.responseId;
    const outcome: SpanOutcome = record.outcome === 'failed' && isAbort(record.error) ? 'aborted' : record.outcome;
    this.#tracker.finish(request, outcome, this.#now(), record.error ?? request.error);
  }

  onWebSocketConnect(record: WebSocketConnectRecord): void {
    if (this.#inert) return;
    const now = this.#now();
    const request = this.#requestFor('responses', true, now, record.durationMs);
    if (request === null) return;
    request.transport = 'websocket';
    request.settledAt = now;
    request.connectionReused = record.reused;
    if (record.reused || (request.span === this.#shared.noopSpan && !this.#shared.metricsEnabled)) return;
    const errorType = record.error === null ? null : this.#shared.sanitizer.text(errorTypeOf(record.error));
    if (request.span !== this.#shared.noopSpan) {
      const connect = this.#shared.tracer.startSpan(
        SpanName.websocketConnect,
        { kind: SpanKind.CLIENT, startTime: now - record.durationMs, attributes: this.#shared.spanAttributes },
        trace.setSpan(this.#context, request.span),
      );
      if (errorType !== null && record.error !== null && connect.isRecording()) {
        connect.setAttribute(Attr.errorType, errorType);
        connect.setStatus({ code: SpanStatusCode.ERROR, message: this.#shared.sanitizer.text(record.error.message) });
      }
      connect.end(now);
    }
    if (!this.#shared.metricsEnabled) return;
    this.#shared.instruments.websocketConnectDuration.record(
      record.durationMs / 1000,
      errorType === null ? this.#shared.metricAttributes : { ...this.#shared.metricAttributes, [Attr.errorType]: errorType },
    );
  }

  onContinuationDecision(record: ContinuationDecisionRecord): void {
    if (this.#inert) return;
    const now = this.#now();
    const resend = record.mode === 'full' && record.reason === 'previous_response_not_found';
    const request = this.#requestFor('responses', !resend, now, 0);
    if (this.#shared.metricsEnabled) {
      const metricAttributes: Attributes =
        record.mode === 'full'
          ? { ...this.#shared.metricAttributes, [Attr.continuationMode]: 'full', [Attr.continuationReason]: record.reason }
          : { ...this.#shared.metricAttributes, [Attr.continuationMode]: 'incremental' };
      this.#shared.instruments.continuationDecisions.add(1, metricAttributes);
    }
    if (request === null) return;
    request.settledAt = now;
    if (resend) {
      request.firstEventSeen = false;
      request.phase = 'sending';
    }
    request.decision = record;
    if (record.mode === 'full' && record.reason === 'http_transport') request.connectionReused = null;
    if (resend && request.span.isRecording()) request.span.addEvent(EventName.resendFull, { [Attr.continuationReason]: record.reason }, now);
  }

  onRequestAttempt(record: RequestAttemptRecord): void {
    if (this.#inert) return;
    const now = this.#now();
    const failed = record.error !== null;
    const unary = record.endpoint !== 'responses';
    // A failure report continues the request it belongs to; a success report after a
    // successful attempt (or any report for another endpoint) is a new request.
    const request = this.#requestFor(record.endpoint, !failed, now, record.durationMs);
    if (request === null) return;
    request.attempt = record.attempt;
    request.transport = record.transport;
    if (record.status !== null) request.status = record.status;
    request.settledAt = now;
    if (record.error !== null) {
      request.error = record.error;
      const retryAttributes = this.#errorAttributes(record.error, record.status);
      retryAttributes[Attr.attempt] = record.attempt;
      retryAttributes[Attr.transport] = record.transport;
      retryAttributes[Attr.willRetry] = record.willRetry;
      if (request.span.isRecording()) request.span.addEvent(EventName.retry, retryAttributes, now);
      if (record.willRetry) {
        request.phase = 'awaiting_retry';
        this.#shared.instruments.requestRetries.add(1, {
          ...this.#shared.metricAttributes,
          [Attr.transport]: record.transport,
          [Attr.errorType]: retryAttributes[Attr.errorType] ?? '_OTHER',
        });
        this.#shared.log('info', EventName.retry, `request attempt ${record.attempt} failed; retrying`, retryAttributes);
      } else {
        request.phase = 'failed';
        this.#shared.log('warn', EventName.retry, `request attempt ${record.attempt} failed; not retried`, retryAttributes);
        if (unary && !request.explicit) this.#tracker.finish(request, isAbort(record.error) ? 'aborted' : 'failed', now, record.error);
      }
      return;
    }
    request.error = null;
    if (unary) {
      request.phase = 'completed';
      if (!request.explicit) this.#tracker.finish(request, 'completed', now, null);
      return;
    }
    request.phase = 'streaming';
    request.firstEventSeen = false;
    request.outputBegan = false;
    request.streamBase = now;
    request.streamMs = 0;
    request.attemptMs = record.transport === 'http' ? record.durationMs : 0;
  }

  onStreamEvent(record: StreamEventRecord): void {
    if (this.#inert) return;
    const shared = this.#shared;
    const request = this.#tracker.current;
    if (request === null) {
      if (shared.metricsEnabled) shared.instruments.streamEvents.add(1, shared.eventAttributes(record.transport, record.kind));
      return;
    }
    if (shared.metricsEnabled) request.countEvent(record.transport, record.kind);
    request.events += 1;
    request.streamMs += record.durationMs;
    if (!request.firstEventSeen) {
      request.firstEventSeen = true;
      const waitMs = request.attemptMs + record.durationMs;
      if (shared.metricsEnabled) {
        shared.instruments.timeToFirstChunk.record(waitMs / 1000, {
          ...shared.metricAttributes,
          [Attr.operationName]: 'chat',
          [Attr.transport]: record.transport,
          [Attr.requestModel]: this.#model,
        });
      }
      if (request.span.isRecording()) {
        request.span.setAttribute(Attr.timeToFirstChunk, waitMs / 1000);
        request.span.addEvent(EventName.firstEvent, { [Attr.eventKind]: this.#shared.sanitizer.text(record.kind) }, request.streamBase + request.streamMs);
      }
    }
    const kind = record.kind;
    if (!request.outputBegan && !NOT_OUTPUT_KINDS.has(kind)) request.outputBegan = true;
    if (kind === 'response.completed') {
      request.phase = 'completed';
      request.settledAt = request.streamBase + request.streamMs;
    } else if (kind === 'response.failed' || kind === 'response.incomplete' || kind === 'error') {
      request.phase = 'failed';
      request.settledAt = request.streamBase + request.streamMs;
    }
  }

  onTokenUsage(record: TokenUsageRecord): void {
    if (this.#inert) return;
    const now = this.#now();
    this.#inputTokens += record.inputTokens;
    this.#outputTokens += record.outputTokens;
    const shared = this.#shared;
    if (shared.metricsEnabled) {
      const base = { ...shared.metricAttributes, [Attr.requestModel]: this.#model };
      const instruments = shared.instruments;
      instruments.tokenUsage.record(record.inputTokens, { ...base, [Attr.tokenType]: 'input' });
      instruments.tokenUsage.record(record.outputTokens, { ...base, [Attr.tokenType]: 'output' });
      instruments.tokens.add(record.inputTokens, { ...base, [Attr.tokenKind]: 'input' });
      instruments.tokens.add(record.cachedInputTokens, { ...base, [Attr.tokenKind]: 'cached_input' });
      instruments.tokens.add(record.outputTokens, { ...base, [Attr.tokenKind]: 'output' });
      instruments.tokens.add(record.reasoningOutputTokens, { ...base, [Attr.tokenKind]: 'reasoning_output' });
    }
    const request = this.#tracker.current;
    if (request === null) return;
    request.responseId = record.responseId;
    if (request.span.isRecording()) {
      request.span.setAttributes({
        [Attr.inputTokens]: record.inputTokens,
        [Attr.outputTokens]: record.outputTokens,
        [Attr.cachedInputTokens]: record.cachedInputTokens,
        [Attr.reasoningOutputTokens]: record.reasoningOutputTokens,
      });
    }
    request.phase = 'completed';
    request.settledAt = now;
    if (!request.explicit) this.#tracker.finish(request, 'completed', now, null);
  }

  onTransportFallback(record: TransportFallbackRecord): void {
    const now = this.#now();
    if (!this.#shared.reportFallback(record) || this.#inert) return;
    const request = this.#tracker.current;
    // A request that failed before its output began goes on over HTTP inside the same call;
    // one whose output had begun is over (the caller re-streams, as a new request).
    if (request !== null && request.phase === 'failed' && !request.outputBegan) request.phase = 'awaiting_retry';
    const span = request?.span ?? this.span;
    if (span.isRecording()) {
      span.addEvent(EventName.fallback, { [Attr.fallbackFrom]: record.from, [Attr.fallbackTo]: record.to, [Attr.fallbackReason]: record.reason, ...(record.remembered === true ? { [Attr.fallbackRemembered]: true } : {}) }, now);
    }
  }

  onStreamRetry(record: StreamRetryRecord): void {
    if (this.#inert) return;
    const now = this.#now();
    const attributes = record.error === null ? {} : this.#errorAttributes(record.error, null);
    attributes[Attr.attempt] = record.attempt;
    attributes[Attr.retryDelayMs] = record.delayMs;
    this.#shared.instruments.streamRetries.add(1, {
      ...this.#shared.metricAttributes,
      [Attr.requestModel]: this.#model,
      [Attr.errorType]: attributes[Attr.errorType] ?? '_OTHER',
    });
    if (this.span.isRecording()) this.span.addEvent(EventName.streamRetry, attributes, now);
    this.#shared.log('info', EventName.streamRetry, `re-streaming after a stream failure (retry ${record.attempt})`, attributes);
  }

  onFrameDropped(record: FrameDroppedRecord): void {
    if (this.#inert) return;
    const shared = this.#shared;
    if (shared.metricsEnabled) {
      const kind = shared.eventAttributes('websocket', record.kind)[Attr.eventKind] ?? 'other';
      shared.instruments.framesDropped.add(1, { ...shared.metricAttributes, [Attr.transport]: 'websocket', [Attr.dropReason]: record.reason, [Attr.eventKind]: kind });
    }
    const span = this.#tracker.current?.span ?? this.span;
    if (!span.isRecording()) return;
    const attributes: Attributes = { [Attr.dropReason]: record.reason, [Attr.eventKind]: shared.sanitizer.text(record.kind) };
    if (record.responseId !== null) attributes[Attr.responseId] = shared.sanitizer.text(record.responseId);
    span.addEvent(EventName.frameDropped, attributes, this.#now());
  }

  onOutputReconciled(record: OutputReconciledRecord): void {
    if (this.#inert) return;
    const shared = this.#shared;
    if (shared.metricsEnabled) shared.instruments.outputReconciled.add(record.items, { ...shared.metricAttributes, [Attr.transport]: record.transport });
    const span = this.#tracker.current?.span ?? this.span;
    if (span.isRecording()) span.addEvent(EventName.outputReconciled, { [Attr.responseId]: shared.sanitizer.text(record.responseId), [Attr.transport]: record.transport, [Attr.reconciledItems]: record.items }, this.#now());
  }

  onStickyTokenIgnored(record: StickyTokenIgnoredRecord): void {
    if (this.#inert) return;
    const attributes: Attributes = { [Attr.stickyTokenProblem]: record.problem, [Attr.stickyTokenLength]: record.length };
    const span = this.#tracker.current?.span ?? this.span;
    if (span.isRecording()) span.addEvent(EventName.stickyTokenIgnored, attributes, this.#now());
    this.#shared.log('warn', EventName.stickyTokenIgnored, `ignored a sticky-routing token that is not a valid header value (${record.problem})`, attributes);
  }

  // ------------------------------------------------------------ prompts

  /**
   * Records the request input as `gen_ai.input.messages` on the next request span (or the
   * current one, before its first event). Ignored unless `recordPrompts` is on. Strings are
   * recorded as they are, anything else as JSON; always redacted and length-capped.
   */
  recordPrompt(input: unknown): void {
    if (this.#inert) return;
    if (!this.#shared.recordPrompts || this.#ended) return;
    const value = this.#shared.sanitizer.json(input);
    const request = this.#tracker.current;
    if (request !== null && (request.phase === 'sending' || request.phase === 'awaiting_retry')) {
      request.span.setAttribute(Attr.inputMessages, value);
    } else {
      this.#tracker.setPendingInput(value);
    }
  }

  /**
   * Records output as `gen_ai.output.messages` on the open request span, or on the turn span
   * when none is open. Ignored unless `recordPrompts` is on.
   */
  recordCompletion(output: unknown): void {
    if (this.#inert) return;
    if (!this.#shared.recordPrompts || this.#ended) return;
    const value = this.#shared.sanitizer.json(output);
    (this.#tracker.current?.span ?? this.span).setAttribute(Attr.outputMessages, value);
  }

  // ------------------------------------------------------------ end

  /** Ends the open request (if any) and the turn span. Idempotent. */
  end(options: TurnEndOptions = {}): void {
    if (this.#ended) return;
    const now = this.#now();
    const error = options.error instanceof Error ? options.error : null;
    const request = this.#tracker.current;
    if (request !== null) {
      if (error !== null && (request.phase === 'streaming' || request.phase === 'sending' || request.phase === 'awaiting_retry')) {
        this.#tracker.finish(request, isAbort(error) ? 'aborted' : 'failed', now, error);
      } else {
        this.#tracker.closeCurrent(now);
      }
    }
    this.#ended = true;
    const span = this.span;
    if (span.isRecording()) {
      span.setAttributes({ [Attr.turnRequests]: this.#tracker.opened, [Attr.inputTokens]: this.#inputTokens, [Attr.outputTokens]: this.#outputTokens });
      if (options.error !== undefined && options.error !== null) {
        const failure = options.error instanceof Error ? options.error : new Error(String(options.error));
        span.setAttribute(Attr.errorType, this.#shared.sanitizer.text(errorTypeOf(failure)));
        span.setStatus({ code: SpanStatusCode.ERROR, message: this.#shared.sanitizer.text(failure.message) });
      }
    }
    span.end(now);
    this.#shared.turnEnded(this);
  }

  [Symbol.dispose](): void {
    this.end();
  }

  // ------------------------------------------------------------ internals

  /** The request a report belongs to (see {@link RequestTracker.requestFor}); `null` after the end. */
  #requestFor(endpoint: string, startsRequest: boolean, now: number, backdateMs: number): RequestSpan | null {
    return this.#ended ? null : this.#tracker.requestFor(endpoint, startsRequest, now, backdateMs);
  }

  #errorAttributes(error: Error, status: number | null): Attributes {
    return errorAttributes(this.#shared.sanitizer, error, status);
  }
}
