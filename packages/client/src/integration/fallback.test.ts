import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('session-wide fallback to HTTP', () => {
  it('426 on the upgrade switches at once, for every later turn, reported once', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 426 });
    const heard: string[] = [];
    setup.client.onTransportFallback((reason) => heard.push(reason));
    const telemetry = new RecordingTelemetry();
    const first = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(first.transport).toBe('http');
    const second = await setup.client.newTurn().stream(prompt([userMessage('again')]), turnContext({ turnMetadata: { turn_id: 't2' } }, telemetry)).result;
    expect(second.transport).toBe('http');
    expect(telemetry.fallbacks).toEqual([{ from: 'responses_websocket', to: 'responses_http', reason: 'upgrade_required' }]);
    expect(setup.client.fallbackReason).toBe('upgrade_required');
    expect(heard).toEqual(['upgrade_required']);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['http', 'http']);
    // Nothing re-opens a socket afterwards.
    await setup.client.preconnect();
    expect(setup.server.recording.counters.handshakes).toBe(1);
  });

  it('an exhausted WebSocket retry budget switches to HTTP with a fresh budget', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } });
    const refuse = setup.server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 503, headers: { 'retry-after-ms': '1' } } : undefined));
    // HTTP then fails once too: the fresh budget absorbs it.
    setup.server.faults.next({ kind: 'http-status', status: 500, headers: { 'retry-after-ms': '1' } });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    refuse();
    expect(result.transport).toBe('http');
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['request_retries_exhausted']);
    expect(telemetry.attempts.map((attempt) => [attempt.transport, attempt.attempt, attempt.willRetry])).toEqual([
      ['websocket', 1, true],
      ['websocket', 2, false],
      ['http', 1, true],
      ['http', 2, false],
    ]);
  });

  it('close code 1009 (message too big) switches to HTTP and resends there', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'close', afterEvents: 0, code: 1009, reason: 'message too big' }, { on: 'websocket' });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['message_too_big']);
  });

  it('trySwitchToHttpFallback flips the flag once and drops the socket', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    await turn.stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(setup.client.usesWebSocket).toBe(true);
    const telemetry = new RecordingTelemetry();
    expect(turn.trySwitchToHttpFallback(telemetry)).toBe(true);
    expect(setup.client.newTurn().trySwitchToHttpFallback(telemetry)).toBe(false);
    expect(setup.client.usesWebSocket).toBe(false);
    // The turn loop's budget, told apart from the client's own request-phase budget.
    expect(setup.client.fallbackReason).toBe('stream_retries_exhausted');
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['stream_retries_exhausted']);
    await waitFor(() => setup?.server.recording.connections.every((connection) => connection.transport !== 'websocket' || connection.closedAt !== undefined) ?? false);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let index = 0; index < 500 && !condition(); index += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('fallback found by the pre-connect', () => {
  it('a 426 on the pre-connect switches the first request to HTTP without a second handshake', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 426 });
    await setup.client.preconnect();
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['upgrade_required']);
  });
});
