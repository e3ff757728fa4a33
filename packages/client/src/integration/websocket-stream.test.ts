import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('ModelClientSession over the WebSocket', () => {
  it('streams a response and returns its output', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext({}, telemetry));
    const events = await drain(stream);
    const result = await stream.result;
    expect(events.at(-1)?.type).toBe('completed');
    expect(events.some((event) => event.type === 'output_text_delta')).toBe(true);
    expect(result.transport).toBe('websocket');
    expect(result.output.length).toBeGreaterThan(0);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.usage).toHaveLength(1);
  });

  it('continues incrementally on the same socket across a tool loop and across turns', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const history: ResponseItem[] = [userMessage('hello')];
    const first = setup.client.newTurn();
    const one = await first.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...one.output, userMessage('again'));
    const two = await first.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(two.incremental).toBe(true);
    history.push(...two.output, userMessage('third'));
    const second = setup.client.newTurn();
    const three = await second.stream(prompt(history), turnContext({ turnMetadata: { turn_id: 'turn-2' } }, telemetry)).result;
    expect(three.incremental).toBe(true);
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies[1]?.['previous_response_id']).toBe(one.responseId);
    expect(bodies[1]?.['input']).toEqual([userMessage('again')]);
    expect(bodies[2]?.['input']).toEqual([userMessage('third')]);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(setup.server.recording.stickyViolations).toEqual([]);
    expect(telemetry.decisions.map((decision) => decision.mode)).toEqual(['full', 'incremental', 'incremental']);
  });
});


describe('argument checks', () => {
  it('rejects bad per-turn values before touching the socket, and bad session values at construction', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    expect(() => turn.stream(prompt([userMessage('hi')]), turnContext({ turnMetadata: { turn_id: '' } }))).toThrow(TypeError);
    expect(() => turn.stream(prompt([userMessage('hi')], { compactThreshold: 5 }), turnContext())).toThrow(RangeError);
    expect(setup.server.recording.counters.handshakes).toBe(0);
    const result = await turn.stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('websocket');
    const { ModelClient } = await import('../client/model-client.js');
    const base = { provider: { baseUrl: setup.server.url }, auth: { getToken: () => null }, conversationId: 'c' } as const;
    expect(() => new ModelClient({ ...base, sessionSource: { kind: 'subagent', label: '' } })).toThrow(TypeError);
    expect(() => new ModelClient({ ...base, conversationId: '', sessionSource: { kind: 'cli' } })).toThrow(TypeError);
    expect(() => new ModelClient({ ...base, provider: { baseUrl: 'ftp://x' }, sessionSource: { kind: 'cli' } })).toThrow(TypeError);
    expect(() => new ModelClient({ ...base, provider: { baseUrl: setup!.server.url, requestMaxRetries: -1 }, sessionSource: { kind: 'cli' } })).toThrow(RangeError);
  });
});
