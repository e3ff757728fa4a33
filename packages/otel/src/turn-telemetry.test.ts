import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, OtelHarness, millis, parentIdOf } from './__fixtures__/otel-harness.js';
import { Attr, EventName, MetricName, SpanName } from './attribute-names.js';
import { createSessionTelemetry, type SessionTelemetry, type SessionTelemetryOptions } from './session-telemetry.js';
import type { TelemetryLogRecord } from './telemetry-logger.js';
import type { TurnTelemetry } from './turn-telemetry.js';

let harness: OtelHarness;
let clock: ManualClock;

beforeEach(() => {
  harness = new OtelHarness();
  clock = new ManualClock();
});
afterEach(async () => {
  await harness.shutdown();
});

function session(overrides: Partial<SessionTelemetryOptions> = {}): SessionTelemetry {
  return createSessionTelemetry({
    tracer: harness.tracer,
    meter: harness.meter,
    conversationId: 'conv-1',
    sessionSource: { kind: 'cli' },
    originator: 'modelwire-test',
    serverAddress: 'api.example.test',
    clock: clock.now,
    ...overrides,
  });
}

const STREAM_KINDS = ['response.created', 'response.in_progress', 'response.output_text.delta', 'response.output_text.delta', 'response.completed'];

/** Reports what the client reports for one successful WebSocket request. */
function webSocketRequest(turn: TurnTelemetry, options: { reused: boolean; incremental: boolean; responseId: string }): void {
  clock.advance(40);
  turn.onWebSocketConnect({ durationMs: options.reused ? 0 : 40, reused: options.reused, error: null });
  turn.onContinuationDecision(
    options.incremental ? { mode: 'incremental', sentItems: 1, totalItems: 3 } : { mode: 'full', reason: 'no_previous_response', sentItems: 1, totalItems: 1 },
  );
  turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: options.reused ? 1 : 41, error: null, willRetry: false });
  for (const kind of STREAM_KINDS) {
    clock.advance(10);
    turn.onStreamEvent({ transport: 'websocket', kind, durationMs: 10 });
  }
  turn.onTokenUsage({ inputTokens: 100, cachedInputTokens: 60, outputTokens: 20, reasoningOutputTokens: 5, totalTokens: 120, model: 'gpt-test', responseId: options.responseId });
}

/** A failure with a `code` (like a Modelwire error) whose message is NOT pre-redacted. */
function failure(code: string, message: string, status?: number): Error {
  return Object.assign(new Error(message), { code }, status === undefined ? {} : { status });
}

describe('span tree and attributes (client reports only, no request start/end)', () => {
  it('makes a turn span with one child per request and a connect span under the first request', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    webSocketRequest(turn, { reused: false, incremental: false, responseId: 'resp_1' });
    webSocketRequest(turn, { reused: true, incremental: true, responseId: 'resp_2' });
    turn.end();

    const [turnSpan] = harness.spansNamed(SpanName.turn);
    const requests = harness.spansNamed('chat gpt-test');
    const connects = harness.spansNamed(SpanName.websocketConnect);
    expect(turnSpan).toBeDefined();
    expect(parentIdOf(turnSpan!)).toBeUndefined();
    expect(requests).toHaveLength(2);
    expect(connects).toHaveLength(1);
    for (const request of requests) expect(parentIdOf(request)).toBe(turnSpan!.spanContext().spanId);
    expect(parentIdOf(connects[0]!)).toBe(requests[0]!.spanContext().spanId);
    expect(requests.every((span) => span.spanContext().traceId === turnSpan!.spanContext().traceId)).toBe(true);

    expect(turnSpan!.attributes).toMatchObject({
      [Attr.conversationId]: 'conv-1',
      [Attr.requestModel]: 'gpt-test',
      [Attr.turnId]: 'turn-1',
      [Attr.sessionSource]: 'cli',
      [Attr.originator]: 'modelwire-test',
      [Attr.turnRequests]: 2,
      [Attr.inputTokens]: 200,
      [Attr.outputTokens]: 40,
    });
    expect(requests[0]!.attributes).toMatchObject({
      [Attr.operationName]: 'chat',
      [Attr.providerName]: 'openai',
      [Attr.requestModel]: 'gpt-test',
      [Attr.serverAddress]: 'api.example.test',
      [Attr.transport]: 'websocket',
      [Attr.attempt]: 1,
      [Attr.connectionReused]: false,
      [Attr.continuationMode]: 'full',
      [Attr.continuationReason]: 'no_previous_response',
      [Attr.responseId]: 'resp_1',
      [Attr.inputTokens]: 100,
      [Attr.outputTokens]: 20,
      [Attr.cachedInputTokens]: 60,
      [Attr.reasoningOutputTokens]: 5,
      [Attr.outcome]: 'completed',
      [Attr.streamEvents]: 5,
      [Attr.timeToFirstChunk]: 0.01,
      [Attr.openaiApiType]: 'responses',
      [Attr.requestStream]: true,
    });
    expect(requests[1]!.attributes).toMatchObject({ [Attr.connectionReused]: true, [Attr.continuationMode]: 'incremental', [Attr.responseId]: 'resp_2' });
    expect(requests[1]!.attributes[Attr.continuationReason]).toBeUndefined();
    expect(requests[0]!.status.code).toBe(SpanStatusCode.OK);
    // The request started when its connect started (backdated by the reported duration).
    expect(millis(requests[0]!.startTime)).toBe(millis(connects[0]!.startTime));
    expect(millis(connects[0]!.endTime) - millis(connects[0]!.startTime)).toBe(40);
  });

  it('keeps retries and the in-request fallback to HTTP inside one request span, with events', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onWebSocketConnect({ durationMs: 30, reused: false, error: null });
    turn.onContinuationDecision({ mode: 'full', reason: 'no_previous_response', sentItems: 1, totalItems: 1 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 31, error: null, willRetry: false });
    turn.onStreamEvent({ transport: 'websocket', kind: 'error', durationMs: 5 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: 500, durationMs: 40, error: failure('server_error', 'boom', 500), willRetry: true });
    turn.onWebSocketConnect({ durationMs: 0, reused: true, error: null });
    turn.onContinuationDecision({ mode: 'full', reason: 'previous_not_completed', sentItems: 1, totalItems: 1 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 2, status: null, durationMs: 1, error: null, willRetry: false });
    turn.onStreamEvent({ transport: 'websocket', kind: 'error', durationMs: 5 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 2, status: 500, durationMs: 9, error: failure('server_error', 'boom', 500), willRetry: false });
    turn.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'retries_exhausted' });
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 200, durationMs: 12, error: null, willRetry: false });
    for (const kind of STREAM_KINDS) turn.onStreamEvent({ transport: 'http', kind, durationMs: 3 });
    turn.onTokenUsage({ inputTokens: 10, cachedInputTokens: 0, outputTokens: 2, reasoningOutputTokens: 0, totalTokens: 12, model: 'gpt-test', responseId: 'resp_h' });
    turn.end();

    const requests = harness.spansNamed('chat gpt-test');
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.attributes).toMatchObject({ [Attr.transport]: 'http', [Attr.attempt]: 1, [Attr.httpStatusCode]: 200, [Attr.outcome]: 'completed', [Attr.continuationReason]: 'http_transport' });
    // The span describes the attempt that got through: no WebSocket connection attribute left from the earlier attempts.
    expect(request.attributes[Attr.connectionReused]).toBeUndefined();
    const events = request.events.map((event) => event.name);
    expect(events.filter((name) => name === EventName.retry)).toHaveLength(2);
    expect(events).toContain(EventName.fallback);
    const retry = request.events.find((event) => event.name === EventName.retry)!;
    expect(retry.attributes).toMatchObject({ [Attr.errorType]: 'server_error', [Attr.httpStatusCode]: 500, [Attr.attempt]: 1, [Attr.willRetry]: true });
    expect(request.events.find((event) => event.name === EventName.fallback)!.attributes).toMatchObject({ from: 'responses_websocket', to: 'responses_http', reason: 'retries_exhausted' });
    // Time to first event over HTTP counts from sending: the attempt's 12 ms plus the first event's 3 ms.
    expect(request.attributes[Attr.timeToFirstChunk]).toBeCloseTo(0.015, 9);

    expect(await harness.sum(MetricName.requestRetries, { [Attr.transport]: 'websocket', [Attr.errorType]: 'server_error' })).toBe(1);
    expect(await harness.sum(MetricName.fallbackToHttp, { from: 'responses_websocket', reason: 'retries_exhausted' })).toBe(1);
    expect(await harness.sum(MetricName.requests, { [Attr.transport]: 'http', [Attr.outcome]: 'completed', [Attr.httpStatusCode]: 200 })).toBe(1);
  });

  it('ends a request whose WebSocket failed after its output began, even when the session falls back to HTTP then', () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onWebSocketConnect({ durationMs: 0, reused: true, error: null });
    turn.onContinuationDecision({ mode: 'incremental', sentItems: 1, totalItems: 3 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 1, error: null, willRetry: false });
    for (const kind of ['codex.rate_limits', 'response.created', 'response.output_text.delta']) turn.onStreamEvent({ transport: 'websocket', kind, durationMs: 2 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 9, error: failure('connection_closed', 'closed with 1009'), willRetry: false });
    turn.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'message_too_big' });
    // The caller re-streams: a new request over HTTP.
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 3, totalItems: 3 });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 200, durationMs: 4, error: null, willRetry: false });
    for (const kind of STREAM_KINDS) turn.onStreamEvent({ transport: 'http', kind, durationMs: 1 });
    turn.onTokenUsage({ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2, model: 'gpt-test', responseId: 'resp_h' });
    turn.end();
    const [failed, again] = harness.spansNamed('chat gpt-test');
    expect(failed!.attributes).toMatchObject({ [Attr.outcome]: 'failed', [Attr.transport]: 'websocket', [Attr.errorType]: 'connection_closed' });
    expect(failed!.events.map((event) => event.name)).toContain(EventName.fallback);
    expect(again!.attributes).toMatchObject({ [Attr.outcome]: 'completed', [Attr.transport]: 'http' });
  });

  it('keeps the transparent full resend (previous_response_not_found) in the same request span', () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onWebSocketConnect({ durationMs: 0, reused: true, error: null });
    turn.onContinuationDecision({ mode: 'incremental', sentItems: 1, totalItems: 5 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 1, error: null, willRetry: false });
    turn.onStreamEvent({ transport: 'websocket', kind: 'error', durationMs: 2 });
    turn.onContinuationDecision({ mode: 'full', reason: 'previous_response_not_found', sentItems: 5, totalItems: 5 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 4, error: null, willRetry: false });
    for (const kind of STREAM_KINDS) turn.onStreamEvent({ transport: 'websocket', kind, durationMs: 1 });
    turn.onTokenUsage({ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2, model: 'gpt-test', responseId: 'resp_x' });
    turn.end();
    const requests = harness.spansNamed('chat gpt-test');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.attributes).toMatchObject({ [Attr.continuationMode]: 'full', [Attr.continuationReason]: 'previous_response_not_found', [Attr.outcome]: 'completed', [Attr.streamEvents]: 6 });
    expect(requests[0]!.events.map((event) => event.name)).toContain(EventName.resendFull);
  });

  it('ends a request whose stream failed unreported as unknown when the next request begins, and as failed with the turn error', () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 200, durationMs: 5, error: null, willRetry: false });
    turn.onStreamEvent({ transport: 'http', kind: 'response.created', durationMs: 5 });
    clock.advance(1000);
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 200, durationMs: 5, error: null, willRetry: false });
    turn.onStreamEvent({ transport: 'http', kind: 'response.created', durationMs: 5 });
    turn.end({ error: failure('stream_cut', 'the stream ended without a terminal event') });
    const [first, second] = harness.spansNamed('chat gpt-test');
    expect(first!.attributes[Attr.outcome]).toBe('unknown');
    // Ended at its last known activity, not when the next request began.
    expect(millis(first!.endTime)).toBe(clock.nowMs - 1000 + 5);
    expect(second!.attributes).toMatchObject({ [Attr.outcome]: 'failed', [Attr.errorType]: 'stream_cut' });
    expect(second!.status.code).toBe(SpanStatusCode.ERROR);
    const [turnSpan] = harness.spansNamed(SpanName.turn);
    expect(turnSpan!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('makes one span per unary call, named after its operation', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses/compact', attempt: 1, status: 503, durationMs: 5, error: failure('server_overloaded', 'busy', 503), willRetry: true });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses/compact', attempt: 2, status: 200, durationMs: 7, error: null, willRetry: false });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'memories/trace_summarize', attempt: 1, status: 400, durationMs: 7, error: failure('invalid_request', 'bad', 400), willRetry: false });
    turn.end();
    const [compact] = harness.spansNamed('compact gpt-test');
    const [summarize] = harness.spansNamed('summarize_memory_traces gpt-test');
    expect(compact!.attributes).toMatchObject({ [Attr.attempt]: 2, [Attr.outcome]: 'completed', [Attr.endpoint]: 'responses/compact' });
    expect(compact!.events.map((event) => event.name)).toEqual([EventName.retry]);
    expect(summarize!.attributes).toMatchObject({ [Attr.outcome]: 'failed', [Attr.errorType]: 'invalid_request', [Attr.httpStatusCode]: 400 });
    expect(await harness.count(MetricName.operationDuration, { [Attr.operationName]: 'compact' })).toBe(1);
  });
});

describe('explicit request boundaries (onRequestStart / onRequestEnd)', () => {
  it('opens at the start and closes at the end, also for a failure after the first event', () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onRequestStart({ endpoint: 'responses' });
    const startedAt = clock.nowMs;
    clock.advance(50);
    turn.onWebSocketConnect({ durationMs: 20, reused: false, error: null });
    turn.onContinuationDecision({ mode: 'full', reason: 'new_connection', sentItems: 2, totalItems: 2 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 50, error: null, willRetry: false });
    turn.onStreamEvent({ transport: 'websocket', kind: 'response.created', durationMs: 9 });
    clock.advance(30);
    turn.onRequestEnd({ endpoint: 'responses', outcome: 'failed', error: failure('stream_idle_timeout', 'no event for 300000 ms'), responseId: null });
    turn.onRequestStart({ endpoint: 'responses' });
    turn.onWebSocketConnect({ durationMs: 0, reused: true, error: null });
    turn.onContinuationDecision({ mode: 'full', reason: 'previous_not_completed', sentItems: 2, totalItems: 2 });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 1, error: null, willRetry: false });
    for (const kind of STREAM_KINDS) turn.onStreamEvent({ transport: 'websocket', kind, durationMs: 1 });
    turn.onTokenUsage({ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2, model: 'gpt-test', responseId: 'resp_ok' });
    turn.onRequestEnd({ endpoint: 'responses', outcome: 'completed', error: null, responseId: 'resp_ok' });
    turn.end();
    const [failed, completed] = harness.spansNamed('chat gpt-test');
    expect(millis(failed!.startTime)).toBe(startedAt);
    expect(millis(failed!.endTime)).toBe(startedAt + 80);
    expect(failed!.attributes).toMatchObject({ [Attr.outcome]: 'failed', [Attr.errorType]: 'stream_idle_timeout', [Attr.continuationReason]: 'new_connection' });
    expect(failed!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'no event for 300000 ms' });
    expect(completed!.attributes).toMatchObject({ [Attr.outcome]: 'completed', [Attr.responseId]: 'resp_ok' });
    expect(harness.spansNamed(SpanName.websocketConnect)).toHaveLength(1);
  });

  it('records an aborted request as aborted', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onRequestStart({ endpoint: 'responses' });
    turn.onRequestEnd({ endpoint: 'responses', outcome: 'aborted', error: failure('aborted', 'aborted by the caller'), responseId: null });
    turn.end();
    expect(harness.spansNamed('chat gpt-test')[0]!.attributes[Attr.outcome]).toBe('aborted');
    expect(await harness.sum(MetricName.requests, { [Attr.outcome]: 'aborted', [Attr.errorType]: 'aborted' })).toBe(1);
  });

  it('counts stream retries reported by the turn loop, as turn span events', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onStreamRetry({ attempt: 1, delayMs: 200, error: failure('stream_cut', 'cut') });
    turn.onStreamRetry({ attempt: 2, delayMs: 400, error: null });
    turn.end();
    expect(await harness.sum(MetricName.streamRetries)).toBe(2);
    expect(await harness.sum(MetricName.streamRetries, { [Attr.errorType]: 'stream_cut' })).toBe(1);
    const [turnSpan] = harness.spansNamed(SpanName.turn);
    expect(turnSpan!.events.map((event) => [event.name, event.attributes?.[Attr.retryDelayMs]])).toEqual([
      [EventName.streamRetry, 200],
      [EventName.streamRetry, 400],
    ]);
  });
});

describe('router reports', () => {
  it('counts dropped frames by reason and kind and reconciled items, with span events carrying the response id', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    webSocketRequest(turn, { reused: false, incremental: false, responseId: 'resp_1' });
    turn.onFrameDropped({ transport: 'websocket', reason: 'stale', kind: 'response.completed', responseId: 'resp_0' });
    turn.onFrameDropped({ transport: 'websocket', reason: 'stale', kind: 'response.output_item.done', responseId: null });
    turn.onFrameDropped({ transport: 'websocket', reason: 'unsolicited', kind: '(not json)', responseId: null });
    turn.onOutputReconciled({ transport: 'websocket', responseId: 'resp_1', items: 2 });
    turn.end();
    expect(await harness.sum(MetricName.framesDropped)).toBe(3);
    expect(await harness.sum(MetricName.framesDropped, { [Attr.dropReason]: 'stale', [Attr.eventKind]: 'response.completed' })).toBe(1);
    expect(await harness.sum(MetricName.framesDropped, { [Attr.dropReason]: 'unsolicited' })).toBe(1);
    expect(await harness.sum(MetricName.outputReconciled, { [Attr.transport]: 'websocket' })).toBe(2);
    // Response ids go on span events only, never on metrics.
    for (const point of await harness.points(MetricName.framesDropped)) expect(point.attributes[Attr.responseId]).toBeUndefined();
    const events = [...harness.spansNamed('chat gpt-test'), ...harness.spansNamed(SpanName.turn)].flatMap((span) => span.events);
    expect(events.filter((event) => event.name === EventName.frameDropped).map((event) => event.attributes?.[Attr.responseId] ?? null)).toEqual(['resp_0', null, null]);
    expect(events.find((event) => event.name === EventName.outputReconciled)?.attributes).toMatchObject({ [Attr.responseId]: 'resp_1', [Attr.reconciledItems]: 2 });
  });

  it('reports an ignored sticky-routing token as a span event and a warning, with its problem and length only', () => {
    const logged: TelemetryLogRecord[] = [];
    const telemetry = session({ logger: { emit: (record) => logged.push(record) } });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onStickyTokenIgnored({ problem: 'control_character', length: 17 });
    turn.end();
    const expected = { [Attr.stickyTokenProblem]: 'control_character', [Attr.stickyTokenLength]: 17 };
    const [turnSpan] = harness.spansNamed(SpanName.turn);
    expect(turnSpan!.events.find((event) => event.name === EventName.stickyTokenIgnored)?.attributes).toEqual(expected);
    expect(logged.filter((record) => record.eventName === EventName.stickyTokenIgnored)).toEqual([expect.objectContaining({ severityText: 'WARN', attributes: expected })]);
  });
});

describe('metrics', () => {
  it('records requests, durations, connects, time to first event, events by kind, tokens and decisions', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    webSocketRequest(turn, { reused: false, incremental: false, responseId: 'resp_1' });
    webSocketRequest(turn, { reused: true, incremental: true, responseId: 'resp_2' });
    turn.end();

    expect(await harness.sum(MetricName.requests, { [Attr.transport]: 'websocket', [Attr.outcome]: 'completed', [Attr.requestModel]: 'gpt-test' })).toBe(2);
    expect(await harness.count(MetricName.requestDuration, { [Attr.transport]: 'websocket' })).toBe(2);
    const [duration] = await harness.points(MetricName.requestDuration);
    // 40 ms connect + 5 events × 10 ms, twice (the second without a connect: 50 ms).
    expect((duration!.value as { sum: number }).sum).toBeCloseTo(0.09 + 0.05, 6);
    expect(await harness.count(MetricName.operationDuration, { [Attr.operationName]: 'chat', [Attr.serverAddress]: 'api.example.test' })).toBe(2);
    expect(await harness.count(MetricName.websocketConnectDuration)).toBe(1);
    expect(await harness.count(MetricName.timeToFirstChunk, { [Attr.transport]: 'websocket' })).toBe(2);
    expect(await harness.sum(MetricName.streamEvents, { [Attr.eventKind]: 'response.output_text.delta', [Attr.transport]: 'websocket' })).toBe(4);
    expect(await harness.sum(MetricName.streamEvents)).toBe(10);
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'input' })).toBe(200);
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'cached_input' })).toBe(120);
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'output' })).toBe(40);
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'reasoning_output' })).toBe(10);
    expect(await harness.count(MetricName.tokenUsage, { [Attr.tokenType]: 'input' })).toBe(2);
    expect(await harness.sum(MetricName.continuationDecisions, { [Attr.continuationMode]: 'full', [Attr.continuationReason]: 'no_previous_response' })).toBe(1);
    expect(await harness.sum(MetricName.continuationDecisions, { [Attr.continuationMode]: 'incremental' })).toBe(1);
    // No high-cardinality values in metric attributes.
    const points = (await harness.metrics()).flatMap((metric) => metric.dataPoints as readonly { attributes: Record<string, unknown> }[]);
    for (const point of points) {
      expect(point.attributes[Attr.conversationId]).toBeUndefined();
      expect(point.attributes[Attr.turnId]).toBeUndefined();
      expect(point.attributes[Attr.responseId]).toBeUndefined();
    }
  });

  it('counts the fallback to HTTP once per session, even when reported again by another turn', async () => {
    const logged: TelemetryLogRecord[] = [];
    const telemetry = session({ logger: { emit: (record) => logged.push(record) } });
    const first = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    first.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'upgrade_required' });
    first.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'upgrade_required' });
    first.end();
    const second = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-2' });
    second.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'retries_exhausted' });
    second.end();
    expect(telemetry.fallbackReported).toBe(true);
    expect(await harness.sum(MetricName.fallbackToHttp)).toBe(1);
    expect(await harness.sum(MetricName.fallbackToHttp, { from: 'responses_websocket', reason: 'upgrade_required' })).toBe(1);
    const events = harness.spans().flatMap((span) => span.events).filter((event) => event.name === EventName.fallback);
    expect(events).toHaveLength(1);
    expect(logged.filter((record) => record.eventName === EventName.fallback)).toEqual([
      expect.objectContaining({ severityText: 'WARN', severityNumber: 13, attributes: { from: 'responses_websocket', to: 'responses_http', reason: 'upgrade_required' } }),
    ]);
    // A second session counts its own fallback.
    const other = session();
    other.forTurn({ model: 'gpt-test', turnId: 'turn-1' }).onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'requested' });
    expect(await harness.sum(MetricName.fallbackToHttp)).toBe(2);
    other.close();
  });

  it('bounds the event kinds kept as metric attribute values', async () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    for (let index = 0; index < 300; index += 1) turn.onStreamEvent({ transport: 'http', kind: `custom.kind.${index}`, durationMs: 0 });
    turn.end();
    const points = await harness.points(MetricName.streamEvents);
    expect(points.length).toBe(257);
    expect(await harness.sum(MetricName.streamEvents, { [Attr.eventKind]: 'other' })).toBe(44);
  });
});

describe('privacy', () => {
  const API_KEY = 'mw-test-key-9d1c0b7e4a';

  it('never exports a secret: configured literals, bearer tokens and sk- keys are redacted everywhere', async () => {
    const logged: string[] = [];
    const telemetry = session({ secrets: [API_KEY], logger: { emit: (record) => logged.push(JSON.stringify(record)) } });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: `turn-${API_KEY}`, attributes: { 'app.note': `Bearer ${API_KEY}` } });
    const leaky = failure('server_error', `upstream said: Authorization: Bearer ${API_KEY}; key sk-proj-abcdefghijklmnop; raw ${API_KEY}`, 500);
    turn.onWebSocketConnect({ durationMs: 10, reused: false, error: leaky });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: 500, durationMs: 10, error: leaky, willRetry: true });
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 2, status: 500, durationMs: 10, error: leaky, willRetry: false });
    turn.onStreamRetry({ attempt: 1, delayMs: 1, error: leaky });
    turn.end({ error: leaky });
    const everything = await harness.everything();
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain('sk-proj-abcdefghijklmnop');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(API_KEY);
  });

  it('caps every string attribute at maxAttributeLength', async () => {
    const telemetry = session({ maxAttributeLength: 64, recordPrompts: true });
    const turn = telemetry.forTurn({ model: 'm'.repeat(500), turnId: 't'.repeat(500) });
    turn.recordPrompt('p'.repeat(500));
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 400, durationMs: 1, error: failure('invalid_request', 'x'.repeat(5000), 400), willRetry: false });
    turn.end();
    const strings = harness.spans().flatMap((span) => [
      ...Object.values(span.attributes),
      ...span.events.flatMap((event) => Object.values(event.attributes ?? {})),
      span.status.message ?? '',
    ]);
    const texts = strings.filter((value): value is string => typeof value === 'string');
    expect(texts.length).toBeGreaterThan(5);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(64);
    expect(texts.some((text) => text.endsWith('…'))).toBe(true);
  });

  it('records no prompt or output text by default', () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.recordPrompt([{ role: 'user', content: 'my secret plans' }]);
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    turn.recordCompletion('the answer');
    turn.end();
    const exported = JSON.stringify(harness.spans().map((span) => [span.attributes, span.events]));
    expect(exported).not.toContain('my secret plans');
    expect(exported).not.toContain('the answer');
    expect(exported).not.toContain(Attr.inputMessages);
  });

  it('records prompt and output text with recordPrompts, redacted', () => {
    const telemetry = session({ recordPrompts: true, secrets: [API_KEY] });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.recordPrompt([{ role: 'user', content: `my plans, key ${API_KEY}` }]);
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 200, durationMs: 1, error: null, willRetry: false });
    turn.recordCompletion('the answer');
    turn.end();
    const [request] = harness.spansNamed('chat gpt-test');
    expect(request!.attributes[Attr.inputMessages]).toBe('[{"role":"user","content":"my plans, key [redacted]"}]');
    expect(request!.attributes[Attr.outputMessages]).toBe('the answer');
  });
});

describe('lifecycle', () => {
  it('close() ends open turns and their requests; reports after the end are ignored', () => {
    const telemetry = session();
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    telemetry.close();
    expect(harness.spansNamed(SpanName.turn)).toHaveLength(1);
    expect(harness.spansNamed('chat gpt-test')[0]!.attributes[Attr.outcome]).toBe('unknown');
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    turn.end();
    expect(harness.spans()).toHaveLength(2);
    const late = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-2' });
    expect(harness.spans()).toHaveLength(3);
    late.end();
    expect(harness.spans()).toHaveLength(3);
  });

  it('parents the turn span to the active context, or to the one given', () => {
    const telemetry = session();
    const outer = harness.tracer.startSpan('agent');
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1', parentContext: trace.setSpan(context.active(), outer) });
    turn.end();
    outer.end();
    expect(parentIdOf(harness.spansNamed(SpanName.turn)[0]!)).toBe(outer.spanContext().spanId);
  });
});
