import { activeResources, settledLeaks } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { shellTool, startSession, type SessionSetup } from '../__fixtures__/session-fixtures.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Body = { readonly stream_id?: string; readonly previous_response_id?: string; readonly client_metadata?: Record<string, string> };

describe('sub-agent sessions', () => {
  it('run 8 sub-agents with tool loops at once on the parent socket, each on its own lane with its own history: nothing lost or duplicated', async () => {
    const calls: string[] = [];
    setup = await startSession({ tools: [shellTool(calls)] }, { tokenDelayMs: 1 });
    const { session, server } = setup;
    await session.services.preconnected;
    const children = Array.from({ length: 8 }, (_, index) => session.spawnSubagent({ label: 'collab_spawn', lane: `sub-${index}` }));
    const results = await Promise.all(children.map((child, index) => child.submit(`run: echo ${index}`).result));
    results.forEach((result, index) => expect(result.finalMessage).toBe(`shell returned:\nran: echo ${index}\nDone.`));
    expect(calls.sort()).toEqual(Array.from({ length: 8 }, (_, index) => `echo ${index}`).sort());
    children.forEach((child, index) => {
      // The user message, the call, its output and the answer: each exactly once, only its own.
      const texts = child.history.map((item) => JSON.stringify(item));
      expect(new Set(texts).size).toBe(texts.length);
      expect(child.history.map((item) => item.type).filter((type) => type !== 'reasoning')).toEqual(['message', 'function_call', 'function_call_output', 'message']);
      expect(texts.join('').includes(`echo ${index}`)).toBe(true);
      for (let other = 0; other < 8; other += 1) if (other !== index) expect(texts.join('').includes(`echo ${other}`)).toBe(false);
    });
    expect(session.history).toEqual([]);
    const requests = server.recording.requests.filter((request) => request.endpoint === 'responses');
    expect(requests).toHaveLength(16);
    expect(server.recording.counters.handshakes).toBe(1);
    const bodies = requests.map((request) => request.body as Body);
    expect(bodies.every((body) => body.client_metadata?.['x-openai-subagent'] === 'collab_spawn')).toBe(true);
    // Each sub-agent's second request continues its first, on its own lane.
    for (let index = 0; index < 8; index += 1) {
      const own = bodies.filter((body) => body.stream_id === `sub-${index}`);
      expect(own).toHaveLength(2);
      expect(own[1]?.previous_response_id).toBeDefined();
    }
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('a parent turn and a sub-agent stream at once; closing the parent closes the child, and nothing leaks', async () => {
    const baseline = activeResources();
    setup = await startSession({}, { tokenDelayMs: 2 });
    const { session, server } = setup;
    const child = session.spawnSubagent({ label: 'review' });
    const [parent, sub] = await Promise.all([session.submit('hello parent').result, child.submit('hello child').result]);
    expect(parent.finalMessage).toBe('You said: hello parent');
    expect(sub.finalMessage).toBe('You said: hello child');
    expect(server.recording.counters.handshakes).toBe(1);
    const lanes = server.recording.requests.map((request) => request.lane).sort();
    expect(lanes).toEqual(['default', 'subagent-1']);
    // A second turn of the child stays on its lane and continues its chain.
    const again = await child.submit('and again').result;
    expect(again.finalMessage).toBe('You said: and again');
    const last = server.recording.requests.at(-1);
    expect(last?.lane).toBe('subagent-1');
    expect((last?.body as { previous_response_id?: string }).previous_response_id).toBeDefined();
    // Names are reused once a child closed.
    const other = session.spawnSubagent({ label: 'review' });
    await child.close();
    const third = session.spawnSubagent({ label: 'review' });
    await third.submit('hi').result;
    expect(server.recording.requests.at(-1)?.lane).toBe('subagent-1');
    await other.close();
    await third.close();
    const child2 = session.spawnSubagent({ label: 'review' });
    expect(() => session.spawnSubagent({ label: '' })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => session.spawnSubagent({ label: 'x', lane: 'no spaces' })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    const running = child2.submit('still going');
    await session.close();
    expect(child2.isClosed).toBe(true);
    await running.result.catch(() => undefined);
    await setup.close();
    setup = undefined;
    expect(await settledLeaks(baseline)).toEqual([]);
  });
});
