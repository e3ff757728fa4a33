import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('pre-connect and warm-up', () => {
  it('adopts the pre-connected socket: one handshake, first request sent on it', async () => {
    setup = await startLoopback({}, { handshakeDelayMs: 50 });
    const preconnect = setup.client.preconnect();
    const telemetry = new RecordingTelemetry();
    // The turn starts while the handshake is still in flight: it must wait for it, not open another.
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    await preconnect;
    expect(result.transport).toBe('websocket');
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(setup.server.recording.requests[0]?.connectionId).toBe(setup.server.recording.handshakes[0]?.connectionId);
    expect(telemetry.connects).toEqual([{ durationMs: 0, reused: true, error: null }]);
  });

  it('a failed pre-connect costs the turn no retry and no error', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 500 });
    await setup.client.preconnect();
    expect(setup.server.recording.handshakes.map((handshake) => handshake.status)).toEqual([500]);
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('websocket');
    expect(telemetry.attempts.map((attempt) => [attempt.attempt, attempt.error])).toEqual([[1, null]]);
    expect(telemetry.connects.map((connect) => connect.reused)).toEqual([false]);
    expect(setup.server.recording.counters.handshakes).toBe(2);
  });

  it('warm-up with generate:false makes the first real request incremental', async () => {
    setup = await startLoopback();
    await setup.client.preconnect();
    const turn = setup.client.newTurn();
    const telemetry = new RecordingTelemetry();
    const history: ResponseItem[] = [];
    const warmId = await turn.prewarm(prompt(history), turnContext({}, telemetry));
    expect(warmId).toMatch(/\S/);
    history.push(userMessage('first real request'));
    const result = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(result.incremental).toBe(true);
    const [warm, real] = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(warm?.['generate']).toBe(false);
    expect(warm?.['instructions']).toBe('be brief');
    expect(warm?.['tools']).toEqual(prompt([]).tools);
    expect(real?.['previous_response_id']).toBe(warmId);
    expect(real?.['input']).toEqual([userMessage('first real request')]);
    expect(real).not.toHaveProperty('generate');
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(setup.server.recording.stickyViolations).toEqual([]);
  });

  it('prewarm is a no-op on HTTP', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false } });
    expect(await setup.client.newTurn().prewarm(prompt([]), turnContext())).toBeNull();
    expect(setup.server.recording.requests).toHaveLength(0);
  });

  it('prewarm resolves null when the upgrade of its own socket is refused with 426 (the session is HTTP from then on)', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 426 });
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    expect(await turn.prewarm(prompt([userMessage('hi')]), turnContext({}, telemetry))).toBeNull();
    expect(setup.client.usesWebSocket).toBe(false);
    expect(telemetry.fallbacks).toEqual([{ from: 'responses_websocket', to: 'responses_http', reason: 'upgrade_required' }]);
    expect(telemetry.boundaries).toEqual(['start:responses', 'end:responses:completed']);
    // Nothing went out over HTTP for the warm-up; the next request of the turn uses HTTP.
    expect(setup.server.recording.requests).toHaveLength(0);
    const result = await turn.stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    expect(await turn.prewarm(prompt([userMessage('hi')]), turnContext())).toBeNull();
  });

  it('prewarm resolves null when its WebSocket request budget runs out and the session moves to HTTP', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } });
    const refuse = setup.server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 503, headers: { 'retry-after-ms': '1' } } : undefined));
    const telemetry = new RecordingTelemetry();
    expect(await setup.client.newTurn().prewarm(prompt([userMessage('hi')]), turnContext({}, telemetry))).toBeNull();
    refuse();
    expect(setup.client.usesWebSocket).toBe(false);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toHaveLength(1);
    expect(setup.server.recording.requests).toHaveLength(0);
  });
});
