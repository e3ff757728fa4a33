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
