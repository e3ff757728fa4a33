import { afterEach, describe, expect, it } from 'vitest';
import { collect, startSession, TEST_MODEL, turnIdOf, userMessage, type SessionSetup } from '../__fixtures__/session-fixtures.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Body = { input: Record<string, unknown>[]; previous_response_id?: string };

describe('compaction', () => {
  it('compacts on demand, replaces the history with the window, and starts a new chain', async () => {
    setup = await startSession();
    const { session, server } = setup;
    await session.submit('first question').result;
    await session.submit('second question').result;
    const before = [...session.history];
    expect(before).toHaveLength(6);

    const result = await session.compact();
    expect(result).toEqual({ itemsBefore: 6, itemsAfter: 3 });
    const compactRequest = server.recording.requests.find((request) => request.endpoint === 'compact');
    expect((compactRequest?.body as Body).input).toEqual(before);
    expect(compactRequest?.headers['x-codex-turn-metadata']).toEqual(expect.stringContaining('turn_id'));
    expect(session.history.map((item) => item.type)).toEqual(['message', 'message', 'compaction']);
    expect(session.history[2]).toMatchObject({ type: 'compaction', encrypted_content: expect.any(String) });

    const after = await session.submit('third question').result;
    expect(after.finalMessage).toBe('You said: third question');
    const last = server.recording.requests.at(-1);
    expect(last?.endpoint).toBe('responses');
    // Same socket, but a full request: the window is not a continuation of the old chain.
    expect(last?.connectionId).toBe(server.recording.requests[0]?.connectionId);
    expect((last?.body as Body).previous_response_id).toBeUndefined();
    expect((last?.body as Body).input).toEqual([...session.history.slice(0, 3), userMessage('third question')]);
  });

  it('compacts automatically before the next request once the last usage crosses the threshold', async () => {
    // 0.0001 of a 100k window is 10 tokens: any completed response crosses it.
    setup = await startSession({ model: { ...TEST_MODEL, contextWindow: 100_000 }, autoCompaction: { fraction: 0.0001 } });
    const { session, server } = setup;
    const first = await collect(session.submit('first question'));
    expect(first.types).not.toContain('compaction');
    const secondHandle = session.submit('second question');
    const second = await collect(secondHandle);
    const compactions = second.events.filter((event) => event.type === 'compaction');
    expect(compactions).toEqual([{ type: 'compaction', turnId: secondHandle.turnId, trigger: 'auto', itemsBefore: 4, itemsAfter: 3 }]);
    expect(second.types.indexOf('compaction')).toBeLessThan(second.types.indexOf('text_delta'));
    expect((await secondHandle.result).finalMessage).toBe('You said: second question');

    const [compactRequest] = server.recording.requests.filter((request) => request.endpoint === 'compact');
    // The compaction ran with the turn's own context.
    expect(turnIdOf(compactRequest ?? { headers: {}, body: undefined })).toBe(secondHandle.turnId);
    const streamRequest = server.recording.requests.at(-1);
    expect((streamRequest?.body as Body).previous_response_id).toBeUndefined();
    expect((streamRequest?.body as Body).input.map((item) => item['type'])).toEqual(['message', 'message', 'compaction']);
    expect(session.history.map((item) => item.type)).toEqual(['message', 'message', 'compaction', 'reasoning', 'message']);
  });

  it('does not compact below the threshold or when disabled', async () => {
    setup = await startSession({ model: { ...TEST_MODEL, contextWindow: 100_000 }, autoCompaction: { enabled: false, fraction: 0.0001 } });
    const { session, server } = setup;
    await session.submit('one').result;
    await session.submit('two').result;
    expect(server.recording.requests.filter((request) => request.endpoint === 'compact')).toEqual([]);
  });

  it('leaves the history untouched when the compaction fails', async () => {
    setup = await startSession();
    const { session, server } = setup;
    await session.submit('keep me').result;
    const before = [...session.history];
    server.faults.next({ kind: 'http-status', status: 400 }, { endpoint: 'compact' });
    await expect(session.compact()).rejects.toMatchObject({ code: 'invalid_request' });
    expect(session.history).toEqual(before);
  });
});
