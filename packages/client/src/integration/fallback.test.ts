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

  it('an upgrade refused with 503 until the budget ran out switches to HTTP (upgrade_refused) with a fresh count', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } });
    const refuse = setup.server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 503, headers: { 'retry-after-ms': '1' } } : undefined));
    // HTTP then fails once too: the fresh count absorbs it.
    setup.server.faults.next({ kind: 'http-status', status: 500, headers: { 'retry-after-ms': '1' } });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    refuse();
    expect(result.transport).toBe('http');
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['upgrade_refused']);
    // One attempt counter for the request, across transports.
    expect(telemetry.attempts.map((attempt) => [attempt.transport, attempt.attempt, attempt.status, attempt.willRetry, attempt.retryDelayMs])).toEqual([
      ['websocket', 1, 503, true, 1],
      ['websocket', 2, 503, true, undefined],
      ['http', 3, 500, true, 1],
      ['http', 4, 200, false, undefined],
    ]);
  });

  it('connections cut before the first event until the budget ran out switch to HTTP (request_retries_exhausted)', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } });
    setup.server.faults.use((target) => (target.phase === 'request' && target.transport === 'websocket' ? { kind: 'close', afterEvents: 0, code: 1011 } : undefined));
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['request_retries_exhausted']);
    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'websocket', 'http']);
  });

  it.each([404, 405, 501])('an upgrade answered %i (a route without WebSocket mode) switches to HTTP at once', async (status) => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['websocket_unsupported']);
    expect(telemetry.attempts.map((attempt) => [attempt.transport, attempt.status, attempt.willRetry])).toEqual([
      ['websocket', status, true],
      ['http', 200, false],
    ]);
  });

  it('an upgrade answered with a redirect is not followed and switches to HTTP at once (upgrade_refused)', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 307, headers: { location: 'wss://elsewhere.example.test/v1/responses' } });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['upgrade_refused']);
    expect(telemetry.attempts[0]?.error).toMatchObject({ code: 'redirect_refused', targetHost: 'elsewhere.example.test' });
  });

  it.each([400, 403, 407, 410])('an upgrade answered %i switches to HTTP at once (upgrade_refused), without an auth refresh', async (status) => {
    let refreshes = 0;
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 2 }, auth: { getToken: () => 'token-4xx', refresh: async () => ((refreshes += 1), true) } });
    setup.server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status, headers: { 'retry-after-ms': '2' } } : undefined));
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(refreshes).toBe(0);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['upgrade_refused']);
    expect(telemetry.attempts.map((attempt) => [attempt.transport, attempt.status, attempt.retryDelayMs])).toEqual([
      ['websocket', status, undefined],
      ['http', 200, undefined],
    ]);
  });

  it('an upgrade refused with 429 until the budget ran out fails with the rate limit: HTTP would meet the same limit', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } });
    setup.server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 429, headers: { 'retry-after-ms': '1' } } : undefined));
    const failure = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 429 });
    expect(setup.client.fallbackReason).toBeNull();
    expect(setup.server.recording.requests).toHaveLength(0);
  });

  it('a 101 whose answer fails validation switches to HTTP at once (upgrade_invalid)', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'invalid-upgrade' });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['upgrade_invalid']);
    expect(telemetry.attempts[0]?.error).toMatchObject({ code: 'protocol_violation', violation: 'upgrade' });
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
  it.each([
    [{ kind: 'refuse-upgrade', status: 404 } as const, 'websocket_unsupported'],
    [{ kind: 'invalid-upgrade' } as const, 'upgrade_invalid'],
  ])('a pre-connect answered %o switches the first request to HTTP without a second handshake', async (fault, reason) => {
    setup = await startLoopback();
    setup.server.faults.next(fault);
    await setup.client.preconnect();
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual([reason]);
  });

  it('a pre-connect refused with 500 costs nothing: the request shakes hands itself', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 500 });
    await setup.client.preconnect();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('websocket');
    expect(setup.server.recording.counters.handshakes).toBe(2);
  });

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
