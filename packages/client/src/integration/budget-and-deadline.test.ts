import { createServer, type AddressInfo, type Socket } from 'node:net';
import { startNetworkRelay as startRelay } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { ModelClient, type ModelClientOptions } from '../client/model-client.js';
import type { RequestWait } from '../turn/request-budget.js';

let setup: LoopbackSetup | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Midnight UTC, a whole second: an HTTP date then names an exact delay. */
const T0 = Date.UTC(2026, 0, 1);

/**
 * A clock that only moves when the client sleeps, and a sleep that returns at once after
 * recording the delay it was asked for: a retry schedule runs without waiting and its delays
 * are read exactly (no wall time involved).
 */
function virtualTime(onSleep?: (ms: number, index: number) => void | Promise<void>): { clock: { now(): number }; sleep: (ms: number, signal: AbortSignal) => Promise<void>; sleeps: number[] } {
  let now = T0;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleeps,
    sleep: async (ms, signal) => {
      signal.throwIfAborted();
      sleeps.push(ms);
      now += ms;
      await onSleep?.(ms, sleeps.length);
    },
  };
}

const basic = (text = 'hi') => prompt([userMessage(text)]);

/** A client of the provider at `port` (closed after the test); `provider` and `options` add to the defaults. */
function clientAt(port: number, provider: Partial<ModelClientOptions['provider']>, options: Partial<Omit<ModelClientOptions, 'provider'>> = {}): ModelClient {
  const client = new ModelClient({
    provider: { baseUrl: `http://127.0.0.1:${port}/v1`, supportsWebSockets: false, ...provider },
    auth: 'none',
    conversationId: 'conv-budget',
    sessionSource: { kind: 'cli' },
    random: () => 0.5,
    ...options,
  });
  cleanups.push(() => client.close());
  return client;
}

describe('the retry delay is the server hint, else the backoff (read through an injected sleep)', () => {
  it('HTTP: retry-after in seconds and as an HTTP date, retry-after-ms, the message hint, then 200 ms · 2ⁿ⁻¹', async () => {
    const time = virtualTime();
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false, requestMaxRetries: 5 }, clock: time.clock, sleep: time.sleep });
    const faults = setup.server.faults;
    faults.next({ kind: 'http-status', status: 429, headers: { 'retry-after': '2' } });
    faults.next({ kind: 'http-status', status: 503, headers: { 'retry-after': new Date(T0 + 2_000 + 7_000).toUTCString() } });
    faults.next({ kind: 'http-status', status: 429, headers: { 'retry-after-ms': '1234', 'retry-after': '9' } });
    faults.next({ kind: 'http-status', status: 429, body: JSON.stringify({ error: { code: 'rate_limit_exceeded', type: 'requests', message: 'Rate limit reached for gpt-5. Please try again in 1.5s.' } }) });
    faults.next({ kind: 'http-status', status: 502 });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(basic(), turnContext({}, telemetry)).result;
    expect(result.transport).toBe('http');
    // The fifth retry has no hint: the backoff of retry 5 (random 0.5: no jitter).
    expect(time.sleeps).toEqual([2_000, 7_000, 1_234, 1_500, 3_200]);
    expect(telemetry.attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.retryDelayMs])).toEqual([
      [1, 429, 2_000],
      [2, 503, 7_000],
      [3, 429, 1_234],
      [4, 429, 1_500],
      [5, 502, 3_200],
      [6, 200, undefined],
    ]);
  });

  it('WebSocket: an upgrade refused with 429 and retry-after waits the server delay, then the socket opens', async () => {
    const time = virtualTime();
    setup = await startLoopback({ clock: time.clock, sleep: time.sleep });
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 429, headers: { 'retry-after': '3' } });
    const result = await setup.client.newTurn().stream(basic(), turnContext()).result;
    expect(result.transport).toBe('websocket');
    expect(time.sleeps).toEqual([3_000]);
  });
});

describe('one attempt counter per request', () => {
  it('failures before and after the response started add up: the turn loop shares the budget with the client', async () => {
    const time = virtualTime();
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false, requestMaxRetries: 2, streamMaxRetries: 2 }, clock: time.clock, sleep: time.sleep });
    // Cut before the first event, then after it, then before it again: three counted failures.
    setup.server.faults.next({ kind: 'close', afterEvents: 0 });
    setup.server.faults.next({ kind: 'close', afterEvents: 3 });
    setup.server.faults.next({ kind: 'close', afterEvents: 0 });
    const turn = setup.client.newTurn();
    const budget = turn.createRequestBudget();
    const first = await turn.stream(basic(), turnContext(), { budget }).result.catch((error: unknown) => error);
    expect(first).toMatchObject({ code: 'connection_closed' });
    expect(budget.lastFailure).toEqual({ phase: 'stream', transport: 'http', causedFallback: false });
    expect(budget.failures).toBe(1);
    // The caller re-streams with the same budget (as the turn loop does): its count goes on.
    expect(budget.plan(first as never, 'stream', () => 10)).toMatchObject({ retry: true, attempt: 2 });
    const second = await turn.stream(basic(), turnContext(), { budget }).result.catch((error: unknown) => error);
    // The third failure is past requestMaxRetries (2): the client gives up at once.
    expect(second).toMatchObject({ code: 'connection_closed' });
    expect(budget.lastFailure).toEqual({ phase: 'request', transport: 'http', causedFallback: false });
    expect(budget.failures).toBe(3);
    expect(setup.server.recording.requests).toHaveLength(3);
  });
});

describe('a target that refuses connections', () => {
  it('fails with a typed connect_failed naming scheme, host, path and transport, after one budget per transport', async () => {
    const relay = await startRelay(1);
    await relay.down();
    const time = virtualTime();
    const client = clientAt(relay.port, { supportsWebSockets: true, requestMaxRetries: 2 }, { auth: { getToken: () => 'sk-refused-secret' }, clock: time.clock, sleep: time.sleep });
    const telemetry = new RecordingTelemetry();
    const failure = await client.newTurn().stream(basic(), turnContext({}, telemetry)).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'connect_failed', retryable: true });
    expect((failure as Error).message).toBe(`could not connect to http://127.0.0.1:${relay.port}/v1/responses over HTTP (ECONNREFUSED)`);
    // Three WebSocket attempts, the switch, three HTTP attempts; the backoff of each transport's own count.
    expect(telemetry.attempts.map((attempt) => [attempt.transport, attempt.attempt, attempt.willRetry, attempt.retryDelayMs])).toEqual([
      ['websocket', 1, true, 200],
      ['websocket', 2, true, 400],
      ['websocket', 3, true, undefined],
      ['http', 4, true, 200],
      ['http', 5, true, 400],
      ['http', 6, false, undefined],
    ]);
    expect(telemetry.attempts[0]?.error?.message).toBe(`could not connect to ws://127.0.0.1:${relay.port}/v1/responses over WebSocket (ECONNREFUSED)`);
    expect(telemetry.fallbacks.map((fallback) => fallback.reason)).toEqual(['request_retries_exhausted']);
    expect(time.sleeps).toEqual([200, 400, 200, 400]);
  });

  it('a backoff that would end past the deadline is not waited: the request fails at once with its last error', async () => {
    const time = virtualTime();
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false, requestMaxRetries: 10, requestDeadlineMs: 10_000 }, clock: time.clock, sleep: time.sleep });
    setup.server.faults.use(() => ({ kind: 'http-status', status: 503, headers: { 'retry-after': '4' } }));
    const failure = await setup.client.newTurn().stream(basic(), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503, retryable: true });
    expect(time.sleeps).toEqual([4_000, 4_000]);
    expect(setup.server.recording.requests).toHaveLength(3);
  });
});

describe('the deadline stops an attempt that gets no answer', () => {
  it('HTTP: a peer that accepts the request and never starts the response', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false, requestDeadlineMs: 300, streamIdleTimeoutMs: 600_000 } });
    setup.server.faults.next({ kind: 'stall', afterEvents: 0 });
    const failure = await setup.client.newTurn().stream(basic(), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'DeadlineExceededError', code: 'deadline_exceeded', retryable: false, deadlineMs: 300, attempts: 1 });
    expect((failure as Error).message).toContain(`POST ${setup.server.url}/responses`);
  });

  it('WebSocket: an upgrade that is never answered (and no fallback: the deadline is the whole request)', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const held = new Set<Socket>();
    silent.on('connection', (socket) => held.add(socket));
    cleanups.push(async () => {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as AddressInfo).port;
    const client = clientAt(port, { supportsWebSockets: true, requestDeadlineMs: 300, websocketConnectTimeoutMs: 600_000 });
    const failure = await client.newTurn().stream(basic(), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'deadline_exceeded', attempts: 1 });
    expect((failure as Error).message).toContain(`ws://127.0.0.1:${port}/v1/responses over WebSocket`);
    expect(client.fallbackReason).toBeNull();
  });

  it('a response that started is never cut by the deadline: only the idle timeout ends a silent stream', async () => {
    // The margins are generous (a loopback `response.created` within 1 s of the request); the
    // assertion is on which error ends the stream, not on when.
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false, requestDeadlineMs: 1_000, streamIdleTimeoutMs: 1_500, requestMaxRetries: 0 } });
    setup.server.faults.next({ kind: 'stall', afterEvents: 1 });
    const turn = setup.client.newTurn();
    const budget = turn.createRequestBudget();
    const failure = await turn.stream(basic(), turnContext(), { budget }).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'idle_timeout' });
    expect(budget.lastFailure).toMatchObject({ phase: 'stream' });
  });
});

describe('waiting for network (opt-in)', () => {
  it('once the provider was reached, connection failures wait 5 s, 10 s, 20 s … without spending the budget, until the network is back', async () => {
    setup = await startLoopback();
    const relay = await startRelay(setup.server.port);
    cleanups.push(() => relay.close());
    const time = virtualTime(async (_ms, index) => {
      if (index === 3) await relay.up();
    });
    const client = clientAt(relay.port, { supportsWebSockets: false, requestMaxRetries: 1 }, { auth: { getToken: () => 'test-token' }, waitForNetwork: true, clock: time.clock, sleep: time.sleep });
    await client.newTurn().stream(basic('reach it once'), turnContext()).result;
    await relay.down();
    const turn = client.newTurn();
    const budget = turn.createRequestBudget();
    const waits: RequestWait[] = [];
    budget.onWait((wait) => waits.push(wait));
    const telemetry = new RecordingTelemetry();
    const result = await turn.stream(basic('after the outage'), turnContext({}, telemetry), { budget }).result;
    expect(result.transport).toBe('http');
    expect(time.sleeps).toEqual([5_000, 10_000, 20_000]);
    expect(waits.map((wait) => [wait.plan.waitingForNetwork, wait.plan.attempt, wait.plan.delayMs, wait.error.code])).toEqual([
      [true, 1, 5_000, 'connect_failed'],
      [true, 2, 10_000, 'connect_failed'],
      [true, 3, 20_000, 'connect_failed'],
    ]);
    expect(telemetry.attempts.filter((attempt) => attempt.waitingForNetwork === true)).toHaveLength(3);
    // Network waits are not counted: the budget of one retry is untouched.
    expect(budget.failures).toBe(0);
  });

  it('ends at the deadline with the connection failure', async () => {
    setup = await startLoopback();
    const relay = await startRelay(setup.server.port);
    cleanups.push(() => relay.close());
    const time = virtualTime();
    const client = clientAt(relay.port, { supportsWebSockets: false, requestDeadlineMs: 30_000 }, { waitForNetwork: true, clock: time.clock, sleep: time.sleep });
    await client.newTurn().stream(basic(), turnContext()).result;
    await relay.down();
    const failure = await client.newTurn().stream(basic('again'), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'connect_failed' });
    // 5 s + 10 s; the next wait (20 s) would end past the 30 s deadline.
    expect(time.sleeps).toEqual([5_000, 10_000]);
  });

  it('does not wait before the provider was ever reached: a dead endpoint fails within the ordinary budget', async () => {
    const relay = await startRelay(1);
    await relay.down();
    const time = virtualTime();
    const client = clientAt(relay.port, { supportsWebSockets: false, requestMaxRetries: 2 }, { waitForNetwork: true, clock: time.clock, sleep: time.sleep });
    const failure = await client.newTurn().stream(basic(), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'connect_failed' });
    expect(time.sleeps).toEqual([200, 400]);
  });

  it('is cancelled by an abort while it waits', async () => {
    setup = await startLoopback();
    const relay = await startRelay(setup.server.port);
    cleanups.push(() => relay.close());
    const client = clientAt(relay.port, { supportsWebSockets: false }, { waitForNetwork: true });
    await client.newTurn().stream(basic(), turnContext()).result;
    await relay.down();
    const telemetry = new RecordingTelemetry();
    const stream = client.newTurn().stream(basic('again'), turnContext({}, telemetry));
    await waitFor(() => telemetry.attempts.some((attempt) => attempt.waitingForNetwork === true));
    stream.abort();
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    expect(telemetry.attempts).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let index = 0; index < 500 && !condition(); index += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
