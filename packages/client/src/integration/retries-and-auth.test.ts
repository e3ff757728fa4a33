import { afterEach, describe, expect, it } from 'vitest';
import { ContextWindowExceededError, UnauthorizedError } from '@modelwire/protocol';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { AuthProvider } from '../types/auth-provider.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** An auth provider whose token changes on refresh. */
function rotatingAuth(): AuthProvider & { refreshes: number } {
  const auth = {
    refreshes: 0,
    getToken: () => `token-${auth.refreshes}`,
    refresh: async () => {
      auth.refreshes += 1;
      return true;
    },
  };
  return auth;
}

const http = { providerOverrides: { supportsWebSockets: false } } as const;

describe('request-phase retries', () => {
  it('retries 429/5xx with Retry-After / retry-after-ms and succeeds', async () => {
    setup = await startLoopback(http);
    setup.server.faults.next({ kind: 'http-status', status: 429, headers: { 'retry-after-ms': '5' } });
    setup.server.faults.next({ kind: 'http-status', status: 503, headers: { 'retry-after': '0' } });
    const telemetry = new RecordingTelemetry();
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(result.responseId).toMatch(/\S/);
    expect(telemetry.attempts.map((attempt) => [attempt.status, attempt.willRetry])).toEqual([
      [429, true],
      [503, true],
      [200, false],
    ]);
  });

  it('honours x-should-retry in both directions', async () => {
    setup = await startLoopback(http);
    setup.server.faults.next({ kind: 'http-status', status: 500, headers: { 'x-should-retry': 'false' } });
    await expect(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result).rejects.toMatchObject({ status: 500, retryable: false });
    expect(setup.server.recording.requests).toHaveLength(1);
    setup.server.faults.next({ kind: 'http-status', status: 400, headers: { 'x-should-retry': 'true', 'retry-after-ms': '1' } });
    await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(setup.server.recording.requests).toHaveLength(3);
  });

  it('gives up after the request budget with the typed error', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false, requestMaxRetries: 2 } });
    setup.server.faults.use(() => ({ kind: 'http-status', status: 502, headers: { 'retry-after-ms': '1' } }));
    const failure = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, retryable: true });
    expect(setup.server.recording.requests).toHaveLength(3);
  });

  it('surfaces fatal kinds as typed errors without retrying', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'error', code: 'context_length_exceeded' }, { on: 'websocket' });
    const failure = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContextWindowExceededError);
    expect(failure).toMatchObject({ code: 'context_window_exceeded', retryable: false });
    expect(setup.server.recording.requests).toHaveLength(1);
  });
});

describe('401: one auth refresh, then a retry', () => {
  it('on HTTP', async () => {
    const auth = rotatingAuth();
    setup = await startLoopback({ ...http, auth });
    setup.server.faults.next({ kind: 'unauthorized-until-token-changes' });
    await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(auth.refreshes).toBe(1);
    expect(setup.server.recording.requests.map((request) => request.headers['authorization'])).toEqual(['Bearer token-0', 'Bearer token-1']);
  });

  it('on the WebSocket handshake', async () => {
    const auth = rotatingAuth();
    setup = await startLoopback({ auth });
    setup.server.faults.next({ kind: 'unauthorized-until-token-changes' });
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('websocket');
    expect(auth.refreshes).toBe(1);
    expect(setup.server.recording.handshakes.map((handshake) => [handshake.status, handshake.headers['authorization']])).toEqual([
      [401, 'Bearer token-0'],
      [101, 'Bearer token-1'],
    ]);
  });

  it('is final after the one refresh, and never leaks the token', async () => {
    const auth: AuthProvider & { refreshes: number } = { refreshes: 0, getToken: () => 'sk-secret-token-value', refresh: async () => ((auth.refreshes += 1), true) };
    setup = await startLoopback({ ...http, auth });
    setup.server.faults.use(() => ({ kind: 'http-status', status: 401 }));
    const failure = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnauthorizedError);
    expect(auth.refreshes).toBe(1);
    expect(setup.server.recording.requests).toHaveLength(2);
    expect(JSON.stringify((failure as UnauthorizedError).toJSON())).not.toContain('sk-secret-token-value');
    expect(String((failure as Error).message)).not.toContain('sk-secret-token-value');
  });
});

describe('abort during backoff', () => {
  it('stops waiting at once and does not retry', async () => {
    setup = await startLoopback(http);
    setup.server.faults.next({ kind: 'http-status', status: 503, headers: { 'retry-after-ms': '30000' } });
    const stream = setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    await waitFor(() => setup?.server.recording.requests.length === 1);
    stream.abort();
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    expect(setup.server.recording.requests).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let index = 0; index < 500 && !condition(); index += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
