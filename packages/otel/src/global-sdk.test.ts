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
});
