import { metrics, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { OtelHarness } from './__fixtures__/otel-harness.js';
import { Attr, MetricName, SpanName } from './attribute-names.js';
import { createSessionTelemetry } from './session-telemetry.js';

let harness: OtelHarness | undefined;
afterEach(async () => {
  trace.disable();
  metrics.disable();
  await harness?.shutdown();
  harness = undefined;
});

describe('with an SDK registered globally (no tracer or meter passed)', () => {
  it('reports through the global tracer and meter providers', async () => {
    harness = new OtelHarness();
    expect(trace.setGlobalTracerProvider(harness.tracerProvider)).toBe(true);
    expect(metrics.setGlobalMeterProvider(harness.meterProvider)).toBe(true);
    const telemetry = createSessionTelemetry({ conversationId: 'conv-g', sessionSource: { kind: 'ide' }, originator: 'modelwire' });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-g' });
    expect(turn.wantsStreamEvents).toBe(true);
    turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
    turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 200, durationMs: 3, error: null, willRetry: false });
    turn.onStreamEvent({ transport: 'http', kind: 'response.completed', durationMs: 2 });
    turn.onTokenUsage({ inputTokens: 7, cachedInputTokens: 0, outputTokens: 3, reasoningOutputTokens: 0, totalTokens: 10, model: 'gpt-test', responseId: 'resp_g' });
    turn.end();
    telemetry.close();
    expect(harness.spansNamed(SpanName.turn)[0]?.attributes[Attr.sessionSource]).toBe('ide');
    expect(harness.spansNamed('chat gpt-test')[0]?.attributes[Attr.responseId]).toBe('resp_g');
    expect(harness.spans()[0]?.instrumentationScope.name).toBe('@modelwire/otel');
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'input' })).toBe(7);
    expect(await harness.sum(MetricName.streamEvents, { [Attr.eventKind]: 'response.completed' })).toBe(1);
  });

  it('starts recording from the next turn when the SDK is registered after the session telemetry was created', async () => {
    const telemetry = createSessionTelemetry({ conversationId: 'conv-late', sessionSource: { kind: 'cli' }, originator: 'modelwire' });
    const report = (turn: ReturnType<typeof telemetry.forTurn>, responseId: string): void => {
      turn.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: 1, totalItems: 1 });
      turn.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt: 1, status: 200, durationMs: 3, error: null, willRetry: false });
      turn.onStreamEvent({ transport: 'http', kind: 'response.completed', durationMs: 2 });
      turn.onTokenUsage({ inputTokens: 7, cachedInputTokens: 0, outputTokens: 3, reasoningOutputTokens: 0, totalTokens: 10, model: 'gpt-test', responseId });
    };
    const before = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-before' });
    expect(before.wantsStreamEvents).toBe(false);
    report(before, 'resp_before');
    harness = new OtelHarness();
    expect(trace.setGlobalTracerProvider(harness.tracerProvider)).toBe(true);
    expect(metrics.setGlobalMeterProvider(harness.meterProvider)).toBe(true);
    // The turn that began without an SDK stays inert to its end; the next one records.
    report(before, 'resp_before_2');
    before.end();
    const after = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-after' });
    expect(after.wantsStreamEvents).toBe(true);
    expect(after.span.isRecording()).toBe(true);
    report(after, 'resp_after');
    after.end();
    telemetry.close();
    expect(harness.spansNamed(SpanName.turn).map((span) => span.attributes[Attr.turnId])).toEqual(['turn-after']);
    expect(harness.spansNamed('chat gpt-test').map((span) => span.attributes[Attr.responseId])).toEqual(['resp_after']);
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'input' })).toBe(7);
    expect(await harness.sum(MetricName.streamEvents, { [Attr.eventKind]: 'response.completed' })).toBe(1);
    expect(await harness.count(MetricName.operationDuration)).toBe(1);
  });

  it('keeps a meter passed in options even when a global meter provider is registered later', async () => {
    const own = new OtelHarness();
    try {
      const telemetry = createSessionTelemetry({ meter: own.meter, conversationId: 'conv-own', sessionSource: { kind: 'cli' }, originator: 'modelwire' });
      harness = new OtelHarness();
      expect(metrics.setGlobalMeterProvider(harness.meterProvider)).toBe(true);
      const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-own' });
      turn.onTokenUsage({ inputTokens: 5, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 6, model: 'gpt-test', responseId: 'resp_own' });
      turn.end();
      telemetry.close();
      expect(await own.sum(MetricName.tokens, { [Attr.tokenKind]: 'input' })).toBe(5);
      expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'input' })).toBe(0);
    } finally {
      await own.shutdown();
    }
  });
});
