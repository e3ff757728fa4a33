import { afterEach, describe, expect, it } from 'vitest';
import { ModelwireError } from '@modelwire/transport';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { AuthProvider } from '../types/auth-provider.js';

// Keys of a shape the pattern redaction does not know (no `Bearer `, no `sk-`).
const KEY = 'mwkey-client-3b9d6e2f81a4c07d';
const REFRESHED_KEY = 'mwkey-client-refreshed-5e0a7c1d';
const ACCOUNT = 'acct-echo-91f3c2d8e7';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const http = { providerOverrides: { supportsWebSockets: false } } as const;
const webSocket = { providerOverrides: { supportsWebSockets: true } } as const;

function keyAuth(): AuthProvider {
  return { getToken: () => KEY };
}

/** Everything a caller, a logger or an exporter could read from an error and its causes. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth += 1) {
    parts.push(current.message, String(current), current.stack ?? '', JSON.stringify(current));
    if (ModelwireError.isInstance(current)) parts.push(JSON.stringify(current.toJSON()));
    parts.push(JSON.stringify(Object.fromEntries(Object.entries(current))));
    current = current.cause;
  }
  return parts.join('\n');
}

async function failureOf(result: Promise<unknown>): Promise<Error> {
  const failure = await result.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  return failure as Error;
}

function expectClean(error: Error, telemetry: RecordingTelemetry, ...secrets: string[]): void {
  expect(ModelwireError.isInstance(error)).toBe(true);
  expect(error.message).toContain('[redacted]');
  const text = [everything(error), ...telemetry.attempts.map((attempt) => everything(attempt.error)), ...telemetry.connects.map((connect) => everything(connect.error))].join('\n');
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('a key echoed by the server never survives in the error', () => {
  it('HTTP 401 whose body quotes the key', async () => {
    setup = await startLoopback({ ...http, auth: keyAuth() });
    setup.server.faults.next({ kind: 'http-status', status: 401, body: JSON.stringify({ error: { code: 'invalid_api_key', message: `Incorrect API key provided: ${KEY}.` } }) });
    const telemetry = new RecordingTelemetry();
    const error = await failureOf(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).toBe('unauthorized (HTTP 401) [invalid_api_key]: Incorrect API key provided: [redacted].');
    expect((error.cause as { body?: string }).body).toContain('[redacted]');
    expect(telemetry.attempts).toHaveLength(1);
    expectClean(error, telemetry, KEY);
  });

  it('an error event whose message quotes the key, over HTTP and over the WebSocket', async () => {
    for (const transport of [http, webSocket]) {
      setup = await startLoopback({ ...transport, auth: keyAuth() });
      setup.server.faults.next({ kind: 'error', code: 'invalid_prompt', message: `prompt rejected for key ${KEY}`, afterEvents: 1 });
      const telemetry = new RecordingTelemetry();
      const error = await failureOf(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result);
      expect(error).toMatchObject({ code: 'invalid_request', serverCode: 'invalid_prompt' });
      expectClean(error, telemetry, KEY);
      await setup.close();
      setup = undefined;
    }
  });

  it('a response.failed message that quotes the key, after output began', async () => {
    setup = await startLoopback({ ...webSocket, auth: keyAuth() });
    setup.server.faults.next({ kind: 'failed', code: 'context_length_exceeded', message: `too long (key ${KEY})`, afterEvents: 4 });
    const telemetry = new RecordingTelemetry();
    const error = await failureOf(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result);
    expect(error).toMatchObject({ code: 'context_window_exceeded' });
    expectClean(error, telemetry, KEY);
  });

  it('a refused WebSocket upgrade whose body quotes the key', async () => {
    setup = await startLoopback({ ...webSocket, auth: keyAuth() });
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 401, body: JSON.stringify({ error: { code: 'invalid_api_key', message: `Incorrect API key provided: ${KEY}.` } }) });
    const telemetry = new RecordingTelemetry();
    const error = await failureOf(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result);
    expect(error).toMatchObject({ code: 'unauthorized' });
    expectClean(error, telemetry, KEY);
  });

  it('refreshed tokens and extra auth header values are scrubbed too', async () => {
    let refreshed = false;
    const auth: AuthProvider = {
      getToken: () => (refreshed ? REFRESHED_KEY : KEY),
      getHeaders: () => ({ 'chatgpt-account-id': ACCOUNT }),
      refresh: async () => {
        refreshed = true;
        return true;
      },
    };
    setup = await startLoopback({ ...http, auth });
    setup.server.faults.next({ kind: 'http-status', status: 401, body: JSON.stringify({ error: { code: 'invalid_api_key', message: `Incorrect API key provided: ${KEY}.` } }) });
    setup.server.faults.next({ kind: 'error', code: 'invalid_prompt', message: `keys ${KEY} and ${REFRESHED_KEY}, account ${ACCOUNT}` });
    const telemetry = new RecordingTelemetry();
    const error = await failureOf(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result);
    expect(setup.server.recording.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${REFRESHED_KEY}`]);
    expect(error.message).toBe('invalid request [invalid_prompt]: keys [redacted] and [redacted], account [redacted]');
    expect(telemetry.attempts[0]).toMatchObject({ status: 401, willRetry: true });
    expectClean(error, telemetry, KEY, REFRESHED_KEY, ACCOUNT);
  });

  it('a unary call (compaction) refused with a body that quotes the key', async () => {
    setup = await startLoopback({ ...http, auth: keyAuth() });
    setup.server.faults.next({ kind: 'http-status', status: 400, body: JSON.stringify({ error: { code: 'invalid_prompt', message: `bad request from ${KEY}` } }) }, { endpoint: 'compact' });
    const telemetry = new RecordingTelemetry();
    const error = await failureOf(setup.client.compactConversationHistory(prompt([userMessage('hi')]), turnContext({}, telemetry)));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    expectClean(error, telemetry, KEY);
  });
});
