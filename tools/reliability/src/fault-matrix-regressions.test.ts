// Regression cells for behaviour the fault matrix once found broken: each is the reproduction
// recorded when the gap was found, now asserting the designed behaviour.
import { startResponsesServer } from '@modelwire/testing';
import { createSession } from '@modelwire/core-session';
import { describe, expect, it } from 'vitest';

const model = { slug: 'gpt-gap', supportsReasoning: true, supportsVerbosity: true, contextWindow: 200_000 };

describe('regressions found by the fault matrix', () => {
  it('previous_response_not_found after codex.rate_limits and response.metadata is resent in full, transparently', async () => {
    await using server = await startResponsesServer();
    server.faults.use((target) => (target.phase === 'request' && target.requestIndex === 1 ? { kind: 'error', code: 'previous_response_not_found', afterEvents: 2 } : undefined));
    const shell = { kind: 'function' as const, name: 'shell', description: 'Runs a command', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] }, handler: () => 'ok' };
    await using session = createSession({ provider: { baseUrl: server.url, supportsWebSockets: true }, auth: { getToken: () => 'k' }, model, instructions: 'x', tools: [shell] });
    const result = await session.submit('run: ls').result;
    expect(result.finalMessage).toMatch(/^shell returned/);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('a WebSocket closed with 1009 after output began falls back and streams the answer again over HTTP', async () => {
    await using server = await startResponsesServer({ answerChars: 40 });
    server.faults.use((target) => (target.phase === 'request' && target.requestIndex === 0 ? { kind: 'close', afterEvents: 33, code: 1009 } : undefined));
    await using session = createSession({ provider: { baseUrl: server.url, supportsWebSockets: true }, auth: { getToken: () => 'k' }, model, instructions: 'x' });
    const handle = session.submit('hello');
    const types: string[] = [];
    for await (const event of handle) if (!event.type.endsWith('_delta')) types.push(event.type);
    expect(types).toEqual(['turn_started', 'transport_fallback', 'turn_completed']);
    expect(session.history.filter((item) => (item as { type?: string }).type === 'message')).toHaveLength(2);
  });

  it('an API key echoed by the server is not in the typed error', async () => {
    const key = 'mwkey-reliability-7c4e1a9d3b52f0e8';
    await using server = await startResponsesServer();
    server.faults.next({ kind: 'http-status', status: 401, body: JSON.stringify({ error: { code: 'invalid_api_key', message: `Incorrect API key provided: ${key}.` } }) });
    await using session = createSession({ provider: { baseUrl: server.url }, auth: { getToken: () => key }, model, instructions: 'x' });
    const error = await session.submit('hello').result.then(() => null, (caught: unknown) => caught);
    if (!(error instanceof Error)) throw new Error('the turn should have failed with a typed error');
    for (const rendering of [error.message, String(error), error.stack ?? '', JSON.stringify(error)]) expect(rendering).not.toContain(key);
  });

  it('x-should-retry: false on a 500 is not retried by anyone', async () => {
    await using server = await startResponsesServer();
    server.faults.next({ kind: 'http-status', status: 500, headers: { 'x-should-retry': 'false' } });
    await using session = createSession({ provider: { baseUrl: server.url }, auth: { getToken: () => 'k' }, model, instructions: 'x' });
    const error = await session.submit('hello').result.then(() => undefined, (caught: unknown) => caught);
    expect(server.recording.requests).toHaveLength(1);
    expect(error).toMatchObject({ retryable: false });
  });
});
