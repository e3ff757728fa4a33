import { startResponsesServer } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { activeResources, collect, leakedResources, shellTool, TEST_MODEL } from '../__fixtures__/session-fixtures.js';
import { TurnInterruptedError } from '../errors/turn-interrupted-error.js';
import { createSession } from './create-session.js';

describe('closing a session', () => {
  it('stops the running turn, cancels queued ones and leaves no handle open', async () => {
    const baseline = activeResources();
    const server = await startResponsesServer({ handshakeDelayMs: 10 });
    let toolSignal: AbortSignal | undefined;
    const session = createSession({
      provider: { baseUrl: server.url, supportsWebSockets: true },
      auth: { getToken: () => 'test-token' },
      model: TEST_MODEL,
      instructions: 'test',
      tools: [shellTool([], (_command, signal) => {
        toolSignal = signal;
        return new Promise<string>(() => undefined);
      })],
    });
    await session.submit('warm up').result;
    const running = session.submit('run: sleep 60');
    const queued = session.submit('never runs');
    for await (const event of running) {
      if (event.type === 'tool_call_started') break;
    }
    await session.close();
    await expect(running.result).rejects.toMatchObject({ code: 'aborted', reason: 'session_closed' });
    await expect(queued.result).rejects.toBeInstanceOf(TurnInterruptedError);
    expect((await collect(queued)).types).toEqual(['turn_failed']);
    expect(toolSignal?.aborted).toBe(true);
    expect(() => session.submit('late')).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => session.compact()).toThrow(expect.objectContaining({ code: 'closed' }));
    await session.close();
    await expect.poll(() => server?.recording.openConnections).toBe(0);
    await server.close();
    expect(await leakedResources(baseline)).toEqual([]);
  });

  it('closes while the pre-connect is still opening, with await using', async () => {
    const baseline = activeResources();
    const server = await startResponsesServer({ handshakeDelayMs: 200 });
    {
      await using session = createSession({
        provider: { baseUrl: server.url, supportsWebSockets: true },
        auth: { getToken: () => 'test-token' },
        model: TEST_MODEL,
        instructions: 'test',
      });
      expect(session.isClosed).toBe(false);
    }
    await server.close();
    expect(await leakedResources(baseline)).toEqual([]);
  });
});
