import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** A clock the test moves by hand. */
function manualClock(): { now(): number; advance(ms: number): void } {
  let now = 1_000_000;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('socket reuse and health', () => {
  it('keeps the socket across turns', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    for (const turnId of ['a', 'b', 'c']) {
      await setup.client.newTurn().stream(prompt([userMessage(turnId)]), turnContext({ turnMetadata: { turn_id: turnId } }, telemetry)).result;
    }
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.connects.map((connect) => connect.reused)).toEqual([false, true, true]);
  });

  it('replaces a socket that missed its pong (half-open) instead of reusing it', async () => {
    setup = await startLoopback({ pingIntervalMs: 30, pongTimeoutMs: 30 });
    const history: ResponseItem[] = [userMessage('one')];
    const turn = setup.client.newTurn();
    const first = await turn.stream(prompt(history), turnContext()).result;
    history.push(...first.output, userMessage('two'));
    // The next response completes, then the server stops answering pings on that socket.
    setup.server.faults.next({ kind: 'half-open', afterEvents: 100_000 }, { on: 'websocket' });
    const second = await turn.stream(prompt(history), turnContext()).result;
    history.push(...second.output, userMessage('three'));
    // Idle long enough for a keep-alive ping to go unanswered (the delay makes the fault happen).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const telemetry = new RecordingTelemetry();
    const third = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(third.transport).toBe('websocket');
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.connects.map((connect) => connect.reused)).toEqual([false]);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'new_connection' });
    expect(telemetry.attempts.filter((attempt) => attempt.error !== null)).toEqual([]);
  });

  it('rotates the socket before the age limit, between requests, and sends in full on the new one', async () => {
    const clock = manualClock();
    setup = await startLoopback({ clock, maxConnectionAgeMs: 55 * 60_000 });
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...first.output, userMessage('two'));
    clock.advance(55 * 60_000);
    await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'new_connection' });
    expect(setup.server.recording.stickyViolations).toEqual([]);
  });

  it('on websocket_connection_limit_reached, reconnects at once and resends in full', async () => {
    setup = await startLoopback({}, { connectionAgeLimitMs: 100 });
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...first.output, userMessage('two'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(second.incremental).toBe(false);
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.attempts.filter((attempt) => attempt.error !== null).map((attempt) => attempt.error?.message)).toHaveLength(1);
    expect(setup.server.recording.stickyViolations).toEqual([]);
  });

  it('never carries two responses at once: a second stream on a busy turn is rejected', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 5, answerChars: 40 });
    const turn = setup.client.newTurn();
    const running = turn.stream(prompt([userMessage('one')]), turnContext());
    expect(() => turn.stream(prompt([userMessage('two')]), turnContext())).toThrow(expect.objectContaining({ code: 'busy' }));
    await running.result;
    // Free again once the first one ended.
    await turn.stream(prompt([userMessage('three')]), turnContext()).result;
  });

  it('two turns streaming at once use two sockets, never one interleaved (even racing for the pre-connect)', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 2, answerChars: 40, handshakeDelayMs: 20 });
    void setup.client.preconnect();
    const [a, b] = await Promise.all([
      setup.client.newTurn().stream(prompt([userMessage('a')]), turnContext({ turnMetadata: { turn_id: 'a' } })).result,
      setup.client.newTurn().stream(prompt([userMessage('b')]), turnContext({ turnMetadata: { turn_id: 'b' } })).result,
    ]);
    expect(a.responseId).not.toBe(b.responseId);
    const connections = new Set(setup.server.recording.requests.map((request) => request.connectionId));
    expect(connections.size).toBe(2);
    expect(setup.server.recording.stickyViolations).toEqual([]);
  });

  it('closes every socket on client.close()', async () => {
    setup = await startLoopback();
    await setup.client.preconnect();
    await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(setup.server.recording.openConnections).toBeGreaterThan(0);
    await setup.client.close();
    // close() resolves only once every socket is closed.
    await waitFor(() => setup?.server.recording.openConnections === 0);
    expect(() => setup?.client.newTurn()).toThrow(expect.objectContaining({ code: 'closed' }));
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let index = 0; index < 500 && !condition(); index += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
