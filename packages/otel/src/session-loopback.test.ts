import { ModelClient, staticTokenAuth, type CompletedResponse, type ModelClientSession, type Prompt, type ResponseItem, type TurnContext } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { OtelHarness, parentIdOf } from './__fixtures__/otel-harness.js';
import { Attr, EventName, MetricName, SpanName } from './attribute-names.js';
import { createSessionTelemetry, type SessionTelemetry } from './session-telemetry.js';
import type { TurnTelemetry } from './turn-telemetry.js';

/** Distinctive, and matching none of the built-in secret patterns: only the scan can catch it. */
const API_KEY = 'mwkey-loopback-5f0e2d9c8b7a61';
const MODEL = 'gpt-otel-test';

let server: ResponsesServer | undefined;
let client: ModelClient | undefined;
let harness: OtelHarness | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  await harness?.shutdown();
  client = undefined;
  server = undefined;
  harness = undefined;
});

function prompt(input: readonly ResponseItem[]): Prompt {
  return { input, instructions: 'be brief', tools: [], parallelToolCalls: false };
}

function userMessage(text: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

function turnContext(turnId: string, telemetry: TurnTelemetry): TurnContext {
  return {
    model: { slug: MODEL, supportsReasoning: true, supportsVerbosity: true, contextWindow: 272_000 },
    reasoningEffort: 'medium',
    reasoningSummary: 'auto',
    turnMetadata: { turn_id: turnId },
    telemetry,
  };
}

/** One model call that completes: the user message goes in, the output is committed. */
async function exchange(turn: ModelClientSession, context: TurnContext, history: ResponseItem[], text: string): Promise<CompletedResponse> {
  history.push(userMessage(text));
  const stream = turn.stream(prompt(history), context);
  for await (const event of stream) void event;
  const result = await stream.result;
  history.push(...result.output);
  return result;
}

function childrenOf(parent: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((span) => parentIdOf(span) === parent.spanContext().spanId);
}

describe('a real multi-turn session through the loopback server', () => {
  it('exports the span tree, attributes and metrics, counts the fallback once and never exports the API key', async () => {
    server = await startResponsesServer();
    harness = new OtelHarness();
    const port = Number(new URL(server.url).port);
    client = new ModelClient({
      provider: { baseUrl: server.url, supportsWebSockets: true },
      auth: staticTokenAuth(API_KEY),
      conversationId: 'conv-otel',
      sessionSource: { kind: 'cli' },
      random: () => 0.5,
    });
    const telemetry: SessionTelemetry = createSessionTelemetry({
      tracer: harness.tracer,
      meter: harness.meter,
      conversationId: 'conv-otel',
      sessionSource: { kind: 'cli' },
      originator: 'modelwire',
      serverAddress: '127.0.0.1',
      serverPort: port,
      secrets: [API_KEY],
    });
    const history: ResponseItem[] = [];
    const results: CompletedResponse[] = [];

    // Turn 1 (WebSocket): a request-phase retry after an error frame that names the key, then an incremental follow-up.
    const turn1Telemetry = telemetry.forTurn({ model: MODEL, turnId: 'turn-1' });
    const turn1 = client.newTurn();
    const context1 = turnContext('turn-1', turn1Telemetry);
    server.faults.next({ kind: 'error', code: 'server_error', message: `upstream refused Bearer ${API_KEY} (key ${API_KEY})` }, { on: 'websocket' });
    results.push(await exchange(turn1, context1, history, 'hello'));
    results.push(await exchange(turn1, context1, history, 'and again'));
    await turn1.close();
    turn1Telemetry.end();

    // Turn 2: the socket outlives the turn; then close code 1009 makes the session fall back to HTTP mid-request.
    const turn2Telemetry = telemetry.forTurn({ model: MODEL, turnId: 'turn-2' });
    const turn2 = client.newTurn();
    const context2 = turnContext('turn-2', turn2Telemetry);
    results.push(await exchange(turn2, context2, history, 'third'));
    server.faults.next({ kind: 'close', afterEvents: 0, code: 1009 }, { on: 'websocket' });
    results.push(await exchange(turn2, context2, history, 'fourth'));
    expect(client.fallbackReason).toBe('message_too_big');
    // The client reports the switch once; a second report (another path) must not count again.
    expect(turn2.trySwitchToHttpFallback(turn2Telemetry)).toBe(false);
    turn2Telemetry.onTransportFallback({ from: 'responses_websocket', to: 'responses_http', reason: 'retries_exhausted' });
    await turn2.close();
    turn2Telemetry.end();

    // Turn 3 (HTTP for good): one streamed request and one compaction.
    const turn3Telemetry = telemetry.forTurn({ model: MODEL, turnId: 'turn-3' });
    const turn3 = client.newTurn();
    const context3 = turnContext('turn-3', turn3Telemetry);
    results.push(await exchange(turn3, context3, history, 'fifth'));
    const compacted = await client.compactConversationHistory(prompt(history), context3);
    expect(compacted.length).toBeGreaterThan(0);
    await turn3.close();
    turn3Telemetry.end();
    telemetry.close();

    expect(results.map((result) => result.transport)).toEqual(['websocket', 'websocket', 'websocket', 'http', 'http']);

    // ---- spans
    const spans = harness.spans();
    const turns = harness.spansNamed(SpanName.turn);
    expect(turns.map((span) => span.attributes[Attr.turnId])).toEqual(['turn-1', 'turn-2', 'turn-3']);
    for (const turnSpan of turns) {
      expect(parentIdOf(turnSpan)).toBeUndefined();
      expect(turnSpan.attributes).toMatchObject({ [Attr.conversationId]: 'conv-otel', [Attr.requestModel]: MODEL, [Attr.originator]: 'modelwire' });
    }
    const [t1, t2, t3] = turns.map((turnSpan) => childrenOf(turnSpan, spans));
    expect(t1!.map((span) => span.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`]);
    expect(t2!.map((span) => span.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`]);
    expect(t3!.map((span) => span.name)).toEqual([`chat ${MODEL}`, `compact ${MODEL}`]);
    expect(turns.map((span) => span.attributes[Attr.turnRequests])).toEqual([2, 2, 2]);

    const requests = [...t1!, ...t2!, t3![0]!];
    requests.forEach((span, index) => {
      expect(span.attributes).toMatchObject({
        [Attr.operationName]: 'chat',
        [Attr.outcome]: 'completed',
        [Attr.transport]: results[index]!.transport,
        [Attr.responseId]: results[index]!.responseId,
        [Attr.inputTokens]: results[index]!.usage?.inputTokens,
        [Attr.outputTokens]: results[index]!.usage?.outputTokens,
        [Attr.serverAddress]: '127.0.0.1',
        [Attr.serverPort]: port,
      });
      expect(span.attributes[Attr.continuationMode]).toBe(results[index]!.incremental ? 'incremental' : 'full');
    });
    // First request: a new socket, an error frame, and a retry on another new socket (a socket
    // whose response ended in an error frame is retired): two connect spans under it.
    const [first, second] = t1!;
    // Attributes describe the attempt that got through.
    expect(first!.attributes).toMatchObject({ [Attr.attempt]: 2, [Attr.connectionReused]: false, [Attr.continuationMode]: 'full' });
    const retry = first!.events.find((event) => event.name === EventName.retry);
    expect(retry?.attributes).toMatchObject({ [Attr.errorType]: expect.any(String), [Attr.willRetry]: true });
    expect(String(retry?.attributes?.[Attr.errorMessage])).toContain('[redacted]');
    expect(childrenOf(first!, spans).map((span) => span.name)).toEqual([SpanName.websocketConnect, SpanName.websocketConnect]);
    expect(harness.spansNamed(SpanName.websocketConnect)).toHaveLength(2);
    expect(second!.attributes).toMatchObject({ [Attr.connectionReused]: true, [Attr.continuationMode]: 'incremental' });
    // Fourth request: the fallback happened inside it, and it completed over HTTP.
    const fourth = t2![1]!;
    expect(fourth.events.filter((event) => event.name === EventName.fallback).map((event) => event.attributes)).toEqual([
      { from: 'responses_websocket', to: 'responses_http', reason: 'message_too_big' },
    ]);
    expect(fourth.attributes).toMatchObject({ [Attr.transport]: 'http', [Attr.httpStatusCode]: 200, [Attr.continuationReason]: 'http_transport' });
    expect(t3![1]!.attributes).toMatchObject({ [Attr.endpoint]: 'responses/compact', [Attr.outcome]: 'completed', [Attr.httpStatusCode]: 200 });

    // ---- metrics
    expect(await harness.sum(MetricName.fallbackToHttp)).toBe(1);
    expect(await harness.sum(MetricName.fallbackToHttp, { from: 'responses_websocket', reason: 'message_too_big' })).toBe(1);
    expect(await harness.sum(MetricName.requests, { [Attr.operationName]: 'chat', [Attr.outcome]: 'completed', [Attr.transport]: 'websocket' })).toBe(3);
    expect(await harness.sum(MetricName.requests, { [Attr.operationName]: 'chat', [Attr.outcome]: 'completed', [Attr.transport]: 'http' })).toBe(2);
    expect(await harness.sum(MetricName.requests, { [Attr.operationName]: 'compact' })).toBe(1);
    expect(await harness.count(MetricName.requestDuration)).toBe(6);
    expect(await harness.count(MetricName.websocketConnectDuration)).toBe(2);
    // One retry after the error frame, one when the 1009 close moved the request to HTTP.
    expect(await harness.sum(MetricName.requestRetries, { [Attr.transport]: 'websocket' })).toBe(2);
    expect(await harness.sum(MetricName.streamEvents, { [Attr.eventKind]: 'response.completed' })).toBe(5);
    expect(await harness.sum(MetricName.streamEvents, { [Attr.eventKind]: 'response.completed', [Attr.transport]: 'http' })).toBe(2);
    const usage = results.map((result) => result.usage!);
    const total = (pick: (entry: (typeof usage)[number]) => number): number => usage.reduce((sum, entry) => sum + pick(entry), 0);
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'input' })).toBe(total((entry) => entry.inputTokens));
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'cached_input' })).toBe(total((entry) => entry.cachedInputTokens));
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'output' })).toBe(total((entry) => entry.outputTokens));
    expect(await harness.sum(MetricName.tokens, { [Attr.tokenKind]: 'reasoning_output' })).toBe(total((entry) => entry.reasoningOutputTokens));
    // The chain outlives turn 1; the fourth request was sent incrementally before the 1009 close, then in full over HTTP.
    expect(results.map((result) => result.incremental)).toEqual([false, true, true, false, false]);
    expect(await harness.sum(MetricName.continuationDecisions, { [Attr.continuationMode]: 'incremental' })).toBe(3);
    expect(await harness.sum(MetricName.continuationDecisions, { [Attr.continuationReason]: 'http_transport' })).toBe(2);
    expect(await harness.count(MetricName.timeToFirstChunk)).toBeGreaterThanOrEqual(5);

    // ---- privacy: the key reached the server on every handshake and request, and no exported datum.
    expect(server.recording.handshakes.some((handshake) => JSON.stringify(handshake.headers).includes(API_KEY))).toBe(true);
    const exported = await harness.everything();
    expect(exported).not.toContain(API_KEY);
    expect(exported.toLowerCase()).not.toContain('bearer mwkey');
    expect(exported).not.toContain('hello');
  });

  it('without configured secrets: a 401 with auth refresh and a stream failure export neither token, and end their spans right', async () => {
    server = await startResponsesServer();
    harness = new OtelHarness();
    let token = API_KEY;
    const refreshedKey = `${API_KEY}-refreshed`;
    client = new ModelClient({
      provider: { baseUrl: server.url, supportsWebSockets: true, requestMaxRetries: 0 },
      auth: {
        getToken: () => token,
        refresh: async () => {
          token = refreshedKey;
          return true;
        },
      },
      conversationId: 'conv-otel-2',
      sessionSource: { kind: 'subagent', label: 'review' },
      random: () => 0.5,
    });
    const telemetry = createSessionTelemetry({ tracer: harness.tracer, meter: harness.meter, conversationId: 'conv-otel-2', sessionSource: { kind: 'subagent', label: 'review' }, originator: 'modelwire' });
    const turnTelemetry = telemetry.forTurn({ model: MODEL, turnId: 'turn-1' });
    const turn = client.newTurn();
    const context = turnContext('turn-1', turnTelemetry);
    const history: ResponseItem[] = [];

    server.faults.next({ kind: 'unauthorized-until-token-changes', token: API_KEY }, { on: 'handshake' });
    await exchange(turn, context, history, 'first');

    server.faults.next({ kind: 'failed', code: 'server_error', afterEvents: 3 }, { on: 'websocket' });
    history.push(userMessage('second'));
    const failing = turn.stream(prompt(history), context);
    await expect((async () => {
      for await (const event of failing) void event;
    })()).rejects.toMatchObject({ retryable: true });
    // What the turn loop reports before it re-streams.
    turnTelemetry.onStreamRetry({ attempt: 1, delayMs: 0, error: null });
    const retried = turn.stream(prompt(history), context);
    for await (const event of retried) void event;
    await retried.result;
    await turn.close();
    turnTelemetry.end();
    telemetry.close();

    const [turnSpan] = harness.spansNamed(SpanName.turn);
    expect(turnSpan!.attributes).toMatchObject({ [Attr.sessionSource]: 'subagent', [Attr.subagent]: 'review', [Attr.turnRequests]: 3 });
    expect(turnSpan!.events.map((event) => event.name)).toEqual([EventName.streamRetry]);
    const [first, failed, again] = childrenOf(turnSpan!, harness.spans());
    // The refused upgrade (401) is a failed attempt followed by a retry after the refresh: the
    // request's one attempt counter says the second attempt completed.
    expect(first!.attributes).toMatchObject({ [Attr.outcome]: 'completed', [Attr.attempt]: 2 });
    expect(first!.events.filter((event) => event.name === EventName.retry).map((event) => event.attributes?.[Attr.httpStatusCode])).toEqual([401]);
    expect(failed!.attributes).toMatchObject({ [Attr.outcome]: 'failed' });
    expect(again!.attributes).toMatchObject({ [Attr.outcome]: 'completed', [Attr.continuationMode]: 'full', [Attr.continuationReason]: 'previous_not_completed' });
    expect(await harness.sum(MetricName.requests, { [Attr.outcome]: 'failed' })).toBe(1);
    expect(await harness.sum(MetricName.streamRetries)).toBe(1);
    expect(await harness.sum(MetricName.fallbackToHttp)).toBe(0);

    const exported = await harness.everything();
    expect(server.recording.handshakes.some((handshake) => JSON.stringify(handshake.headers).includes(refreshedKey))).toBe(true);
    expect(exported).not.toContain(API_KEY);
  });

  it('a WebSocket closed with 1009 after output began: that request fails, the session falls back once, the re-stream is a new HTTP request', async () => {
    server = await startResponsesServer();
    harness = new OtelHarness();
    client = new ModelClient({
      provider: { baseUrl: server.url, supportsWebSockets: true },
      auth: staticTokenAuth(API_KEY),
      conversationId: 'conv-otel-3',
      sessionSource: { kind: 'cli' },
      random: () => 0.5,
    });
    const telemetry = createSessionTelemetry({ tracer: harness.tracer, meter: harness.meter, conversationId: 'conv-otel-3', sessionSource: { kind: 'cli' }, originator: 'modelwire' });
    const turnTelemetry = telemetry.forTurn({ model: MODEL, turnId: 'turn-1' });
    const turn = client.newTurn();
    const context = turnContext('turn-1', turnTelemetry);
    const history: ResponseItem[] = [];
    await exchange(turn, context, history, 'first');
    server.faults.next({ kind: 'close', afterEvents: 4, code: 1009 }, { on: 'websocket' });
    history.push(userMessage('second'));
    const cut = turn.stream(prompt(history), context);
    await expect((async () => {
      for await (const event of cut) void event;
    })()).rejects.toBeInstanceOf(Error);
    expect(client.fallbackReason).toBe('message_too_big');
    const again = turn.stream(prompt(history), context);
    for await (const event of again) void event;
    expect((await again.result).transport).toBe('http');
    await turn.close();
    turnTelemetry.end();
    telemetry.close();

    const requests = harness.spansNamed(`chat ${MODEL}`);
    expect(requests.map((span) => [span.attributes[Attr.transport], span.attributes[Attr.outcome]])).toEqual([
      ['websocket', 'completed'],
      ['websocket', 'failed'],
      ['http', 'completed'],
    ]);
    expect(requests[1]!.events.map((event) => event.name)).toContain(EventName.fallback);
    expect(await harness.sum(MetricName.fallbackToHttp, { reason: 'message_too_big' })).toBe(1);
    expect(await harness.sum(MetricName.requests, { [Attr.outcome]: 'failed', [Attr.transport]: 'websocket' })).toBe(1);
    expect(await harness.everything()).not.toContain(API_KEY);
  });
});
