import { afterEach, describe, expect, it } from 'vitest';
import { UsageLimitReachedError, type ResponseEvent } from '@modelwire/protocol';
import type { ErrorShape, ErrorStatusField } from '@modelwire/testing';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseStream } from '../turn/response-stream.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const rateLimitHeaders = { 'x-codex-primary-used-percent': '100', 'x-codex-primary-window-minutes': '300', 'x-codex-primary-reset-at': '1790000000', 'x-request-id': 'req_limit' };

/** The events a stream yielded and the error it ended with. */
async function collect(stream: ResponseStream): Promise<{ events: ResponseEvent[]; failure: unknown }> {
  const events: ResponseEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (failure) {
    return { events, failure };
  }
  return { events, failure: undefined };
}

function expectUsageLimit(outcome: { events: ResponseEvent[]; failure: unknown }): void {
  expect(outcome.failure).toBeInstanceOf(UsageLimitReachedError);
  expect(outcome.failure).toMatchObject({
    code: 'usage_limit_reached',
    retryable: false,
    requestId: 'req_limit',
    resetsAt: 1_790_000_000,
    rateLimits: { primary: { usedPercent: 100, windowMinutes: 300, resetsAt: 1_790_000_000 } },
    classification: { planType: 'pro' },
  });
  // The account's state reaches the caller before the error that ends the request.
  expect(outcome.events.at(-1)).toEqual({ type: 'rate_limits', snapshot: { primary: { usedPercent: 100, windowMinutes: 300, resetsAt: 1_790_000_000 } } });
}

describe('wrapped error frames over real sockets', () => {
  it.each<[string, ErrorShape, ErrorStatusField]>([
    ['Codex shape: status, headers at the top level', 'wrapped', 'status'],
    ['status_code instead of status', 'wrapped', 'status_code'],
    ['SDK shape: headers inside error', 'nested', 'status'],
    ['flat shape', 'flat', 'status'],
  ])('WebSocket, %s: rate_limits, then the typed usage-limit error, not retried', async (_name, shape, statusField) => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'error', code: 'usage_limit_reached', shape, statusField, headers: rateLimitHeaders, errorFields: { plan_type: 'pro' } }, { on: 'websocket' });
    const outcome = await collect(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()));
    expectUsageLimit(outcome);
    if (shape !== 'flat') expect(outcome.failure).toMatchObject({ status: 429 });
    expect(setup.server.recording.requests).toHaveLength(1);
  });

  it.each<[string, ErrorShape]>([
    ['nested, headers inside error', 'nested'],
    ['flat, headers at the top level', 'flat'],
  ])('HTTP/SSE, %s: the same', async (_name, shape) => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false } });
    setup.server.faults.next({ kind: 'error', code: 'usage_limit_reached', shape, headers: rateLimitHeaders, errorFields: { plan_type: 'pro' }, afterEvents: 2 }, { on: 'http' });
    const outcome = await collect(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()));
    expectUsageLimit(outcome);
    expect(setup.server.recording.requests).toHaveLength(1);
  });

  const usageLimitBody = JSON.stringify({ error: { type: 'usage_limit_reached', code: null, message: 'The usage limit has been reached', plan_type: 'pro' } });

  it('an HTTP 429 usage limit before the body: the same event, then the same error', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false } });
    setup.server.faults.next({ kind: 'http-status', status: 429, headers: rateLimitHeaders, body: usageLimitBody });
    const outcome = await collect(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()));
    expectUsageLimit(outcome);
    expect(outcome.failure).toMatchObject({ status: 429 });
    expect(setup.server.recording.requests).toHaveLength(1);
  });

  it('a WebSocket upgrade refused with a usage-limit 429: the same event, then the same error, no fallback', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'refuse-upgrade', status: 429, headers: rateLimitHeaders, body: usageLimitBody });
    const outcome = await collect(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()));
    expectUsageLimit(outcome);
    expect(setup.server.recording.handshakes).toHaveLength(1);
    expect(setup.server.recording.requests).toHaveLength(0);
    expect(setup.client.fallbackReason).toBeNull();
  });
});
