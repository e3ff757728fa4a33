import * as client from '@modelwire/client';
import { safeTelemetry } from '@modelwire/client';
import { context, trace, type Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import * as publicEntry from './index.js';
import { createSessionTelemetry } from './session-telemetry.js';

describe('with no OpenTelemetry SDK registered', () => {
  it('uses the global no-op tracer and meter: nothing records, every report is accepted', () => {
    expect(trace.getSpan(context.active())).toBeUndefined();
    const telemetry = createSessionTelemetry({ conversationId: 'conv-1', sessionSource: { kind: 'exec' }, originator: 'modelwire', recordPrompts: true });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    expect(turn.span.isRecording()).toBe(false);
    // Nothing listens: the client is told to skip its per-event clock read and record.
    expect(turn.wantsStreamEvents).toBe(false);
    const client = safeTelemetry(turn);
    expect(client.wantsStreamEvents).toBe(false);
    client.onRequestStart?.({ endpoint: 'responses' });
    client.onWebSocketConnect({ durationMs: 3, reused: false, error: null });
    client.onContinuationDecision({ mode: 'full', reason: 'new_connection', sentItems: 1, totalItems: 1 });
    client.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 3, error: null, willRetry: false });
    client.onStreamEvent({ transport: 'websocket', kind: 'response.completed', durationMs: 1 });
    client.onTokenUsage({ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2, model: 'gpt-test', responseId: 'resp_1' });
    client.onRequestEnd?.({ endpoint: 'responses', outcome: 'completed', error: null, responseId: 'resp_1' });
    client.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'requested' });
    client.onStreamRetry?.({ attempt: 1, delayMs: 0, error: new Error('cut') });
    turn.recordPrompt('hello');
    turn.recordCompletion('world');
    turn.end();
    expect(telemetry.fallbackReported).toBe(true);
    telemetry.close();
  });

  it('starts only the turn span and reads the clock only for it: requests cost no span and no clock read', () => {
    const noopTracer = trace.getTracer('probe');
    let spansStarted = 0;
    let clockReads = 0;
    const countingTracer: Tracer = {
      startSpan: (...args: Parameters<Tracer['startSpan']>) => {
        spansStarted += 1;
        return noopTracer.startSpan(...args);
      },
      startActiveSpan: noopTracer.startActiveSpan.bind(noopTracer) as Tracer['startActiveSpan'],
    };
    const telemetry = createSessionTelemetry({
      tracer: countingTracer,
      conversationId: 'conv-1',
      sessionSource: { kind: 'cli' },
      originator: 'modelwire',
      clock: () => {
        clockReads += 1;
        return 1;
      },
    });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    for (let request = 0; request < 3; request += 1) {
      turn.onWebSocketConnect({ durationMs: 5, reused: request > 0, error: null });
      turn.onContinuationDecision({ mode: 'full', reason: 'no_previous_response', sentItems: 1, totalItems: 1 });
      turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 5, error: null, willRetry: false });
      turn.onStreamEvent({ transport: 'websocket', kind: 'response.completed', durationMs: 1 });
      turn.onTokenUsage({ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2, model: 'gpt-test', responseId: `resp_${request}` });
    }
    turn.end();
    expect(spansStarted).toBe(1);
    expect(clockReads).toBe(1);
  });

  it('reads nothing of a report when nothing records (no SDK, no logger), yet still tells the session about a fallback', () => {
    const reads: string[] = [];
    // A record whose every field read is noted: an inert turn returns before looking at it.
    const watched = <T extends object>(record: T): T =>
      new Proxy(record, {
        get(target, key, receiver) {
          reads.push(String(key));
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const telemetry = createSessionTelemetry({ conversationId: 'conv-1', sessionSource: { kind: 'cli' }, originator: 'modelwire', recordPrompts: true });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    turn.onRequestStart(watched({ endpoint: 'responses' }));
    turn.onWebSocketConnect(watched({ durationMs: 5, reused: false, error: null }));
    turn.onContinuationDecision(watched({ mode: 'full', reason: 'no_previous_response', sentItems: 1, totalItems: 1 } as const));
    turn.onRequestAttempt(watched({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 5, error: new Error('cut'), willRetry: true } as const));
    turn.onStreamEvent(watched({ transport: 'websocket', kind: 'response.completed', durationMs: 1 } as const));
    turn.onTokenUsage(watched({ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2, model: 'gpt-test', responseId: 'resp_1' }));
    turn.onStreamRetry(watched({ attempt: 1, delayMs: 0, error: new Error('cut') }));
    turn.onFrameDropped(watched({ kind: 'response.output_text.delta', reason: 'stale', responseId: 'resp_1', transport: 'websocket' } as const));
    turn.onOutputReconciled(watched({ transport: 'websocket', responseId: 'resp_1', items: 2 } as const));
    turn.onStickyTokenIgnored(watched({ problem: 'control_character', length: 3 } as const));
    turn.onRequestEnd(watched({ endpoint: 'responses', outcome: 'completed', error: null, responseId: 'resp_1' } as const));
    turn.recordPrompt(watched({ text: 'hello' }));
    turn.recordCompletion(watched({ text: 'world' }));
    expect(reads).toEqual([]);
    turn.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'requested' });
    expect(telemetry.fallbackReported).toBe(true);
    turn.end();
    telemetry.close();
  });

  it('still logs without an SDK when a logger is configured', () => {
    const logged: string[] = [];
    const telemetry = createSessionTelemetry({
      conversationId: 'conv-1',
      sessionSource: { kind: 'cli' },
      originator: 'modelwire',
      logger: { emit: (record) => logged.push(String(record.eventName)) },
    });
    const turn = telemetry.forTurn({ model: 'gpt-test', turnId: 'turn-1' });
    expect(turn.wantsStreamEvents).toBe(false);
    turn.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 5, error: new Error('cut'), willRetry: true });
    turn.onStreamRetry?.({ attempt: 1, delayMs: 0, error: new Error('cut') });
    turn.end();
    telemetry.close();
    expect(logged.length).toBe(2);
  });

  it('rejects options that cannot work', () => {
    // The error class is importable from this package, and it is the one every Modelwire package throws.
    expect(publicEntry.InvalidArgumentError).toBe(client.InvalidArgumentError);
    expect(publicEntry.ModelwireError).toBe(client.ModelwireError);
    expect(publicEntry.ErrorCode).toBe(client.ErrorCode);
    const thrown = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const emptyId = thrown(() => createSessionTelemetry({ conversationId: '', sessionSource: { kind: 'cli' }, originator: 'x' }));
    expect(emptyId).toBeInstanceOf(publicEntry.InvalidArgumentError);
    expect(emptyId).toMatchObject({ code: 'invalid_argument', path: 'conversationId' });
    const shortCap = thrown(() => createSessionTelemetry({ conversationId: 'c', sessionSource: { kind: 'cli' }, originator: 'x', maxAttributeLength: 3 }));
    expect(shortCap).toBeInstanceOf(publicEntry.InvalidArgumentError);
    expect(shortCap).toMatchObject({ path: 'maxAttributeLength' });
  });
});
