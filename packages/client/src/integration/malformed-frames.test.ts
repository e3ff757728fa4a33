import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('undecodable and illegal frames', () => {
  it('a text frame that is not JSON before any event moves the session to HTTP at once (invalid_frames)', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } });
    setup.server.faults.next({ kind: 'malformed-json', afterEvents: 0 }, { on: 'websocket' });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['invalid_frames']);
    expect(telemetry.attempts.find((attempt) => attempt.error !== null)?.error).toMatchObject({ code: 'protocol_violation', violation: 'non_json_frame' });
    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'http']);
  });

  it('a text frame that is not JSON after output began fails the stream, and the session is on HTTP for the next one', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'malformed-json', afterEvents: 6 }, { on: 'websocket' });
    const turn = setup.client.newTurn();
    const budget = turn.createRequestBudget();
    await expect(drain(turn.stream(prompt([userMessage('hi')]), turnContext(), { budget }))).rejects.toMatchObject({ code: 'protocol_violation', violation: 'non_json_frame' });
    // The turn loop reads where the failure happened and that it moved the session.
    expect(budget.lastFailure).toEqual({ phase: 'stream', transport: 'websocket', causedFallback: true });
    expect(setup.client.fallbackReason).toBe('invalid_frames');
    const again = await turn.stream(prompt([userMessage('again')]), turnContext()).result;
    expect(again.transport).toBe('http');
  });

  it('a binary frame moves the session to HTTP at once (invalid_frames)', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'binary-frame', afterEvents: 0 }, { on: 'websocket' });
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('http');
    expect(setup.client.fallbackReason).toBe('invalid_frames');
    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'http']);
  });

  // A terminal event without a response id before `response.created`: whose response it ends cannot be told.
  const ambiguous = { kind: 'inject', frames: [{ afterEvents: 0, event: { type: 'response.failed', response: { status: 'failed' } } }] } as const;

  it('a protocol violation is retried once on a new socket; a completed response there keeps the WebSocket', async () => {
    setup = await startLoopback();
    setup.server.faults.next(ambiguous, { on: 'websocket' });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('websocket');
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.attempts.find((attempt) => attempt.error !== null)).toMatchObject({ willRetry: true, error: { code: 'protocol_violation', retryable: true } });
    // The count starts again after a completed response: one more violation is retried again.
    setup.server.faults.next(ambiguous, { on: 'websocket' });
    expect((await setup.client.newTurn().stream(prompt([userMessage('again')]), turnContext()).result).transport).toBe('websocket');
    expect(setup.client.fallbackReason).toBeNull();
  });

  it('protocol violations on two fresh sockets in a row move the session to HTTP (protocol_violations)', async () => {
    setup = await startLoopback();
    setup.server.faults.use((target) => (target.phase === 'request' && target.transport === 'websocket' ? ambiguous : undefined));
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['protocol_violations']);
    expect(setup.server.recording.requests.map((request) => [request.transport, request.connectionId])).toEqual([
      ['websocket', expect.any(Number)],
      ['websocket', expect.any(Number)],
      ['http', expect.any(Number)],
    ]);
    const [first, second] = setup.server.recording.requests;
    expect(first?.connectionId).not.toBe(second?.connectionId);
  });
});
