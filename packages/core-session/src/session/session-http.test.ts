import { afterEach, describe, expect, it } from 'vitest';
import { collect, milestones, shellTool, startSession, turnIdOf, type SessionSetup } from '../__fixtures__/session-fixtures.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('a session over HTTP/SSE', () => {
  it('runs multi-turn tool loops with full requests, the sticky token replayed within each turn', async () => {
    const calls: string[] = [];
    setup = await startSession({ webSocket: false, tools: [shellTool(calls)] });
    const { session, server } = setup;
    const first = session.submit('run: git status');
    const events = await collect(first);
    expect(milestones(events.events)).toEqual(['turn_started', 'tool_call_started', 'tool_call_finished', 'turn_completed']);
    expect((await first.result).finalMessage).toBe('shell returned:\nran: git status\nDone.');
    const second = await session.submit('run: make test').result;
    expect(second.finalMessage).toBe('shell returned:\nran: make test\nDone.');
    expect(calls).toEqual(['git status', 'make test']);

    expect(server.recording.counters.handshakes).toBe(0);
    const requests = server.recording.requests;
    expect(requests.map((request) => request.transport)).toEqual(['http', 'http', 'http', 'http']);
    expect(server.recording.stickyViolations).toEqual([]);
    // The follow-up of each turn carries the token issued to that turn; a new turn starts without one.
    expect(requests[0]?.headers['x-codex-turn-state']).toBeUndefined();
    expect(requests[1]?.headers['x-codex-turn-state']).toEqual(expect.any(String));
    expect(requests[2]?.headers['x-codex-turn-state']).toBeUndefined();
    expect(requests[3]?.headers['x-codex-turn-state']).not.toBe(requests[1]?.headers['x-codex-turn-state']);
    expect(requests.map(turnIdOf)).toEqual([first.turnId, first.turnId, second.turnId, second.turnId]);
    // Full requests: the whole committed history every time.
    const last = requests[3]?.body as { input: unknown[]; previous_response_id?: string };
    expect(last.previous_response_id).toBeUndefined();
    expect(last.input).toEqual(session.history.slice(0, last.input.length));
    expect(last.input).toHaveLength(session.history.length - 2);
  });
});

describe('x-should-retry from the server, one level up', () => {
  it('a 500 with x-should-retry: false fails the turn after exactly one request, not retryable', async () => {
    setup = await startSession({ webSocket: false });
    const { session, server } = setup;
    server.faults.next({ kind: 'http-status', status: 500, headers: { 'x-should-retry': 'false' } });
    const handle = session.submit('hello');
    const failure = handle.result.catch((error: unknown) => error);
    const events = await collect(handle);
    expect(milestones(events.events)).toEqual(['turn_started', 'turn_failed']);
    expect(await failure).toMatchObject({ status: 500, retryable: false });
    expect(server.recording.requests).toHaveLength(1);
    // The session goes on.
    expect((await session.submit('again').result).finalMessage).toEqual(expect.any(String));
    expect(server.recording.requests).toHaveLength(2);
  });
});

describe('a key echoed by the server', () => {
  it('is in neither the turn_failed event nor the rejected result', async () => {
    const key = 'mwkey-session-8d2c4f6a0e1b3957';
    setup = await startSession({ webSocket: false, auth: { getToken: () => key } });
    const { session, server } = setup;
    server.faults.next({ kind: 'http-status', status: 401, body: JSON.stringify({ error: { code: 'invalid_api_key', message: `Incorrect API key provided: ${key}.` } }) });
    const handle = session.submit('hello');
    const failure = handle.result.then(
      () => new Error('the turn completed'),
      (error: unknown) => error as Error,
    );
    const events = await collect(handle);
    const failed = events.events.find((event) => event.type === 'turn_failed');
    const error = await failure;
    expect(failed?.type === 'turn_failed' ? failed.error : undefined).toBe(error);
    expect(error).toMatchObject({ code: 'unauthorized' });
    expect(error.message).toBe('unauthorized (HTTP 401) [invalid_api_key]: Incorrect API key provided: [redacted].');
    const seen = [error.message, String(error), error.stack ?? '', JSON.stringify(error), JSON.stringify((error as unknown as { toJSON(): unknown }).toJSON()), String(error.cause), JSON.stringify(error.cause)];
    for (const text of seen) expect(text).not.toContain(key);
  });
});
