import { afterEach, describe, expect, it, vi } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseItem } from '../types/prompt.js';
import { createTransportWebSocketConnector } from '../wire/transport-websocket.js';
import type { WireSocketConnector } from '../wire/wire-types.js';

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

/**
 * The default connector (pings only on demand) with each request frame sent and each pong
 * answered reported to the test.
 */
function observedConnector(observe: { onSend?: () => void; onPong?: () => void }): WireSocketConnector {
  const base = createTransportWebSocketConnector({ pingIntervalMs: 600_000, pongTimeoutMs: 1_000 });
  return async (url, options) => {
    const socket = await base(url, options);
    return {
      get upgradeHeaders() {
        return socket.upgradeHeaders;
      },
      get isOpen() {
        return socket.isOpen;
      },
      send: (text) => {
        observe.onSend?.();
        return socket.send(text);
      },
      listen: (onFrame, onClose) => socket.listen(onFrame, onClose),
      pause: () => socket.pause?.(),
      resume: () => socket.resume?.(),
      close: (code, reason) => socket.close(code, reason),
      ...(socket.ping === undefined
        ? {}
        : {
            ping: async (timeoutMs: number, signal?: AbortSignal) => {
              await socket.ping?.(timeoutMs, signal);
              observe.onPong?.();
            },
          }),
    };
  };
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

  it('lends an open idle socket at once: the next request frame goes out before stream() returns, and the request completes as before', async () => {
    let sends = 0;
    const webSocketConnector = observedConnector({
      onSend: () => {
        sends += 1;
      },
    });
    setup = await startLoopback({ webSocketConnector });
    const history: ResponseItem[] = [userMessage('one')];
    const turn = setup.client.newTurn();
    // The first request opens the socket: its frame goes out later, after the handshake.
    const first = turn.stream(prompt(history), turnContext());
    expect(sends).toBe(0);
    const firstResult = await first.result;
    history.push(...firstResult.output, userMessage('two'));
    const telemetry = new RecordingTelemetry();
    const second = turn.stream(prompt(history), turnContext({}, telemetry));
    expect(sends).toBe(2);
    const secondResult = await second.result;
    expect(secondResult.incremental).toBe(true);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.connects).toEqual([expect.objectContaining({ reused: true, durationMs: 0, error: null })]);
    expect(telemetry.decisions).toEqual([expect.objectContaining({ mode: 'incremental' })]);
  });

  it('replaces a socket that missed its pong (half-open) instead of reusing it', async () => {
    // Frequent pings; a pong timeout long enough that a healthy socket survives a busy machine's
    // event-loop lag (a 30 ms one dropped healthy sockets before the fault under load).
    setup = await startLoopback({ pingIntervalMs: 30, pongTimeoutMs: 2_000 });
    const history: ResponseItem[] = [userMessage('one')];
    const turn = setup.client.newTurn();
    const first = await turn.stream(prompt(history), turnContext()).result;
    history.push(...first.output, userMessage('two'));
    // The next response completes, then the server stops answering pings on that socket.
    setup.server.faults.next({ kind: 'half-open', afterEvents: 100_000 }, { on: 'websocket' });
    const second = await turn.stream(prompt(history), turnContext()).result;
    history.push(...second.output, userMessage('three'));
    // Wait until a keep-alive ping went unanswered and the client dropped that socket (the server
    // sees its connection close): a state to wait for, not a fixed delay.
    await vi.waitFor(() => expect(setup?.server.recording.connections.filter((connection) => connection.transport === 'websocket' && connection.closedAt !== undefined)).toHaveLength(1), { timeout: 15_000, interval: 10 });
    const telemetry = new RecordingTelemetry();
    const third = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(third.transport).toBe('websocket');
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.connects.map((connect) => connect.reused)).toEqual([false]);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'new_connection' });
    expect(telemetry.attempts.filter((attempt) => attempt.error !== null)).toEqual([]);
  });

  it('pings a socket idle past the threshold before reuse: a half-open one is replaced and the turn succeeds on a new socket', async () => {
    const clock = manualClock();
    // Keep-alive pings far apart: only the on-demand check can find the dead peer. A short idle
    // timeout makes a reuse of the dead socket fail quickly instead of hanging.
    setup = await startLoopback({ clock, pingIntervalMs: 600_000, pongTimeoutMs: 100, healthCheckAfterIdleMs: 10_000, providerOverrides: { streamIdleTimeoutMs: 2_000 } });
    const history: ResponseItem[] = [userMessage('one')];
    const turn = setup.client.newTurn();
    const first = await turn.stream(prompt(history), turnContext()).result;
    history.push(...first.output, userMessage('two'));
    // The next response completes, then that socket goes half-open (TCP up, nothing answered).
    setup.server.faults.next({ kind: 'half-open', afterEvents: 100_000 }, { on: 'websocket' });
    const second = await turn.stream(prompt(history), turnContext()).result;
    history.push(...second.output, userMessage('three'));
    clock.advance(10_001);
    const telemetry = new RecordingTelemetry();
    const third = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(third.transport).toBe('websocket');
    expect(third.incremental).toBe(false);
    expect(setup.server.recording.counters.handshakes).toBe(2);
    expect(telemetry.connects).toEqual([expect.objectContaining({ reused: false, error: null })]);
    expect(telemetry.attempts).toEqual([expect.objectContaining({ attempt: 1, error: null })]);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'new_connection' });
  });

  it('reuses a healthy socket that was idle past the threshold (ping answered, one handshake)', async () => {
    const clock = manualClock();
    // The default connector, with its on-demand pings counted.
    const pings: string[] = [];
    const webSocketConnector = observedConnector({
      onPong: () => {
        pings.push('pong');
      },
    });
    setup = await startLoopback({ clock, webSocketConnector, pongTimeoutMs: 1_000, healthCheckAfterIdleMs: 10_000 });
    const history: ResponseItem[] = [userMessage('one')];
    const turn = setup.client.newTurn();
    const telemetry = new RecordingTelemetry();
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...first.output, userMessage('two'));
    clock.advance(5_000);
    const second = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...second.output, userMessage('three'));
    // Used 5 s ago: trusted without a ping.
    expect(pings).toEqual([]);
    clock.advance(60_000);
    const third = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(pings).toEqual(['pong']);
    expect(third.incremental).toBe(true);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.connects.map((connect) => connect.reused)).toEqual([false, true, true]);
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

  it('two turns streaming at once share the pre-connected socket on two lanes (even racing for the pre-connect)', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 2, answerChars: 40, handshakeDelayMs: 20 });
    void setup.client.preconnect();
    const [a, b] = await Promise.all([
      setup.client.newTurn().stream(prompt([userMessage('a')]), turnContext({ turnMetadata: { turn_id: 'a' } })).result,
      setup.client.newTurn().stream(prompt([userMessage('b')]), turnContext({ turnMetadata: { turn_id: 'b' } })).result,
    ]);
    expect(a.responseId).not.toBe(b.responseId);
    const requests = setup.server.recording.requests;
    expect(new Set(requests.map((request) => request.connectionId)).size).toBe(1);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(requests.map((request) => request.lane).sort()).toEqual(['auto-1', 'default']);
    expect(setup.server.recording.stickyViolations).toEqual([]);
  });

  it('with laneLimits.maxInFlight 1, two turns streaming at once use two sockets, never one interleaved (even racing for the pre-connect)', async () => {
    setup = await startLoopback({ laneLimits: { maxInFlight: 1 } }, { tokenDelayMs: 2, answerChars: 40, handshakeDelayMs: 20 });
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
