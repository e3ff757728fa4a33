import { afterEach, describe, expect, it } from 'vitest';
import { collect, shellTool, startSession, turnIdOf, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import { TurnInterruptedError } from '../errors/turn-interrupted-error.js';
import type { SessionEvent } from '../events/session-event.js';
import type { TurnHandle } from './turn-handle.js';
import { ABORTED_TOOL_OUTPUT } from '../turn/run-tool-calls.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** Reads the turn's events, calling `onEvent` for each; resolves with all of them. */
async function watch(handle: TurnHandle, onEvent: (event: SessionEvent) => void): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  for await (const event of handle) {
    events.push(event);
    onEvent(event);
  }
  return events;
}

describe('interrupt', () => {
  it('stops a turn while it streams, commits nothing partial, and the next turn works', async () => {
    setup = await startSession({}, { tokenDelayMs: 5, answerChars: 400 });
    const { session, server } = setup;
    const handle = session.submit('tell me a long story');
    let interrupted = false;
    const events = await watch(handle, (event) => {
      if (event.type === 'text_delta' && !interrupted) interrupted = session.interrupt();
    });
    expect(interrupted).toBe(true);
    const last = events.at(-1);
    expect(last?.type).toBe('turn_failed');
    await expect(handle.result).rejects.toBeInstanceOf(TurnInterruptedError);
    await expect(handle.result).rejects.toMatchObject({ code: 'aborted', reason: 'interrupted' });
    expect(session.history.map((item) => item.type)).toEqual(['message']);
    expect(session.isBusy).toBe(false);
    expect(session.interrupt()).toBe(false);

    const next = await session.submit('short one', {}).result;
    expect(next.finalMessage).toHaveLength(400);
    expect(session.history.map((item) => item.type)).toEqual(['message', 'message', 'reasoning', 'message']);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('stops a running tool call through its signal and records an aborted output', async () => {
    let sawAbort = false;
    const tool = shellTool([], (_command, signal) => new Promise<string>((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        sawAbort = true;
        reject(new Error('stopped'));
      });
    }));
    setup = await startSession({ tools: [tool] });
    const { session, server } = setup;
    const handle = session.submit('run: sleep 100');
    const events = await watch(handle, (event) => {
      if (event.type === 'tool_call_started') session.interrupt();
    });
    expect(sawAbort).toBe(true);
    expect(events.filter((event) => event.type === 'tool_call_finished')).toEqual([expect.objectContaining({ output: ABORTED_TOOL_OUTPUT, success: false })]);
    expect(events.at(-1)?.type).toBe('turn_failed');
    await expect(handle.result).rejects.toMatchObject({ reason: 'interrupted' });
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'function_call', 'function_call_output']);
    const call = session.history[2];
    expect(session.history.at(-1)).toMatchObject({ output: ABORTED_TOOL_OUTPUT, call_id: call?.type === 'function_call' ? call.call_id : 'not a function call' });

    // The next request carries the aborted output, so the model sees a complete call.
    await session.submit('what happened?').result;
    const input = (server.recording.requests.at(-1)?.body as { input: { type: string }[] }).input;
    expect(input.some((item) => item.type === 'function_call_output')).toBe(true);
  });

  it('does not wait for a tool handler that ignores its signal', async () => {
    setup = await startSession({ tools: [shellTool([], () => new Promise<string>(() => undefined))] });
    const { session } = setup;
    const handle = session.submit('run: hang');
    await watch(handle, (event) => {
      if (event.type === 'tool_call_started') session.interrupt();
    });
    await expect(handle.result).rejects.toBeInstanceOf(TurnInterruptedError);
  });
});

describe('interrupt before output', () => {
  it('stops a turn still waiting for its WebSocket handshake', async () => {
    setup = await startSession({ preconnect: false }, { handshakeDelayMs: 300 });
    const { session, server } = setup;
    const handle = session.submit('hello');
    const events = await watch(handle, (event) => {
      if (event.type === 'turn_started') session.interrupt();
    });
    expect(events.map((event) => event.type)).toEqual(['turn_started', 'turn_failed']);
    await expect(handle.result).rejects.toMatchObject({ reason: 'interrupted' });
    expect(server.recording.requests).toEqual([]);
    expect(session.history.map((item) => item.type)).toEqual(['message']);
  });

  it('stops a turn waiting to retry', async () => {
    setup = await startSession({ retryBackoff: { baseMs: 60_000, maxMs: 60_000 } }, { answerChars: 40 });
    const { session, server } = setup;
    server.faults.next({ kind: 'close', afterEvents: 33 });
    const handle = session.submit('hello');
    const events = await watch(handle, (event) => {
      if (event.type === 'retrying') session.interrupt();
    });
    expect(events.filter((event) => event.type === 'retrying')).toEqual([expect.objectContaining({ delayMs: 60_000 })]);
    expect(events.at(-1)?.type).toBe('turn_failed');
    await expect(handle.result).rejects.toMatchObject({ reason: 'interrupted' });
    expect(server.recording.requests).toHaveLength(1);
  });
});

describe('serialised turns', () => {
  it('a second submit waits for the running turn', async () => {
    setup = await startSession({ tools: [shellTool()] }, { tokenDelayMs: 1 });
    const { session, server } = setup;
    const first = session.submit('run: one');
    const second = session.submit('run: two');
    const order: string[] = [];
    const track = async (name: string, handle: TurnHandle): Promise<void> => {
      for await (const event of handle) if (event.type === 'turn_started' || event.type === 'turn_completed') order.push(`${name}:${event.type}`);
    };
    await Promise.all([track('first', first), track('second', second)]);
    expect(order).toEqual(['first:turn_started', 'first:turn_completed', 'second:turn_started', 'second:turn_completed']);
    expect(server.recording.requests.map(turnIdOf)).toEqual([first.turnId, first.turnId, second.turnId, second.turnId]);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it("a queued turn's signal cancels it before it starts, without touching the running one", async () => {
    setup = await startSession({}, { tokenDelayMs: 2, answerChars: 200 });
    const { session, server } = setup;
    const running = session.submit('first');
    const controller = new AbortController();
    const queued = session.submit('second', { signal: controller.signal });
    controller.abort();
    const queuedEvents = await collect(queued);
    expect(queuedEvents.types).toEqual(['turn_failed']);
    await expect(queued.result).rejects.toMatchObject({ code: 'aborted', reason: 'signal' });
    expect((await running.result).finalMessage).toHaveLength(200);
    expect(server.recording.requests.map(turnIdOf)).toEqual([running.turnId]);
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'message']);
  });
});
