// Lanes against servers without them (a custom baseUrl with a lanes-capable preset), over real
// sockets to a hand-written server: one that refuses `stream_id`, one that ignores it and
// answers every request of a socket in order without echo. The client finds out at run time,
// keeps the default lane's request intact, resends the refused or unanswered lane request on
// a socket of its own without `stream_id` (nothing reaches the caller twice), and sends no
// `stream_id` for the rest of the session.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseEvent } from '@modelwire/protocol';
import { responseFrames, startScripted, type ScriptedSetup, type ScriptedSocket } from '../__fixtures__/scripted-ws-server.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';

let setup: ScriptedSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/**
 * How the server treats `stream_id`: `lanes` runs lanes as the API does (every frame echoes
 * it); `refuse` answers a create carrying it with an `error` naming the parameter (no echo);
 * `ignore` runs every create of a socket in order, frames without `stream_id`.
 */
type LaneMode = 'lanes' | 'refuse' | 'ignore';

/** The text of the last user message of a create's input. */
function lastUserText(frame: Record<string, unknown>): string {
  const input = (frame['input'] ?? []) as { role?: string; content?: { text?: string }[] }[];
  const user = input.filter((item) => item.role === 'user').at(-1);
  return user?.content?.[0]?.text ?? '?';
}

/**
 * A server in `mode` whose responses answer `echo <last user text>`. The first response
 * waits after its `response.created` until a second create arrived (on any socket), so that
 * another request is sent while it is in flight.
 */
function laneServer(mode: LaneMode, hold = true): (received: { frame: Record<string, unknown>; socket: ScriptedSocket }) => void {
  const concurrent = hold ? 2 : 1;
  let creates = 0;
  let released: (() => void) | null = null;
  let responses = 0;
  /** Per socket: the end of the chain of responses sent in order (`ignore` and the default lane). */
  const queues = new Map<number, Promise<void>>();
  const play = async (socket: ScriptedSocket, frame: Record<string, unknown>, echo: string | undefined): Promise<void> => {
    responses += 1;
    const frames = responseFrames(`resp_${responses}`, `echo ${lastUserText(frame)}`, echo);
    socket.send(frames[0] as Record<string, unknown>);
    if (released === null && responses === 1 && creates < concurrent) await new Promise<void>((resolve) => (released = resolve));
    for (const next of frames.slice(1)) {
      // One macrotask between frames: other sockets' and lanes' frames interleave.
      await new Promise((resolve) => setImmediate(resolve));
      socket.send(next);
    }
  };
  return ({ frame, socket }) => {
    if (frame['type'] !== 'response.create') return;
    creates += 1;
    if (creates >= concurrent) released?.();
    const streamId = typeof frame['stream_id'] === 'string' ? frame['stream_id'] : undefined;
    if (mode === 'refuse' && streamId !== undefined) {
      socket.send({ type: 'error', error: { type: 'invalid_request_error', code: 'unknown_parameter', message: "Unknown parameter: 'stream_id'.", param: 'stream_id' } });
      return;
    }
    if (mode === 'lanes' && streamId !== undefined) {
      void play(socket, frame, streamId);
      return;
    }
    // In order on the socket, never echoing a lane.
    const before = queues.get(socket.index) ?? Promise.resolve();
    queues.set(socket.index, before.then(() => play(socket, frame, undefined)));
  };
}

/**
 * Runs `count` turns at once; with `afterFirstCreated`, the others start once the first one's
 * `response.created` arrived (until a lane was echoed, a busy socket takes another request
 * only once every request on it was heard from).
 */
async function runConcurrent(count: number, from = 0, afterFirstCreated = true): Promise<{ readonly texts: string[]; readonly events: ResponseEvent[][] }> {
  let firstCreated!: () => void;
  const created = new Promise<void>((resolve) => (firstCreated = resolve));
  const runs = Array.from({ length: count }, async (_, index) => {
    if (index > 0 && afterFirstCreated) await created;
    const stream = (setup as ScriptedSetup).client.newTurn().stream(prompt([userMessage(`task ${from + index}`)]), turnContext({ turnMetadata: { turn_id: `t${from + index}` } }));
    const events: ResponseEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (index === 0 && event.type === 'created') firstCreated();
    }
    const result = await stream.result;
    return { text: JSON.stringify(result.output), events };
  });
  const done = await Promise.all(runs);
  return { texts: done.map((run) => run.text), events: done.map((run) => run.events) };
}

const createsSent = (): Record<string, unknown>[] => (setup?.server.received ?? []).filter((entry) => entry.frame['type'] === 'response.create').map((entry) => entry.frame);

describe('lanes against a server without them', () => {
  it('a single turn on the default lane sends no stream_id', async () => {
    setup = await startScripted(laneServer('refuse', false));
    await setup.client.preconnect();
    const { texts } = await runConcurrent(1);
    expect(texts[0]).toContain('echo task 0');
    expect(createsSent().map((frame) => 'stream_id' in frame)).toEqual([false]);
  });

  it('a server that refuses stream_id: the default lane is untouched, the lane request goes out again without it on a socket of its own, and the session uses no lane again', async () => {
    setup = await startScripted(laneServer('refuse'));
    await setup.client.preconnect();
    const { texts, events } = await runConcurrent(2);
    expect(texts[0]).toContain('echo task 0');
    expect(texts[1]).toContain('echo task 1');
    // Nothing reached the caller twice: one created and one completed per stream, no failure.
    for (const seen of events) {
      expect(seen.filter((event) => event.type === 'created')).toHaveLength(1);
      expect(seen.filter((event) => event.type === 'completed')).toHaveLength(1);
      expect(seen.filter((event) => event.type === 'failed')).toEqual([]);
    }
    const first = createsSent();
    expect(first.map((frame) => frame['stream_id'])).toEqual([undefined, 'auto-1', undefined]);
    expect(setup.server.received.filter((entry) => entry.frame['type'] === 'response.create').map((entry) => entry.connection)).toEqual([0, 0, 1]);
    // Remembered: two more at once go out without stream_id, each on its own socket.
    const again = await runConcurrent(2, 2);
    expect(again.texts[0]).toContain('echo task 2');
    expect(again.texts[1]).toContain('echo task 3');
    expect(createsSent().slice(first.length).every((frame) => !('stream_id' in frame))).toBe(true);
  });

  it('a server that ignores stream_id and answers in order without echo: the lane request is resent, never mixed with the default lane', async () => {
    setup = await startScripted(laneServer('ignore'));
    await setup.client.preconnect();
    const { texts, events } = await runConcurrent(2);
    expect(texts[0]).toContain('echo task 0');
    expect(texts[0]).not.toContain('task 1');
    expect(texts[1]).toContain('echo task 1');
    for (const seen of events) expect(seen.filter((event) => event.type === 'created')).toHaveLength(1);
    const sent = createsSent();
    expect(sent.map((frame) => frame['stream_id'])).toEqual([undefined, 'auto-1', undefined]);
    const again = await runConcurrent(2, 2);
    expect(again.texts.map((text) => text.includes('echo task 2') || text.includes('echo task 3'))).toEqual([true, true]);
    expect(createsSent().slice(sent.length).every((frame) => !('stream_id' in frame))).toBe(true);
  });

  it('property: whatever the server does with stream_id and however many turns run at once, every turn gets its own answer, once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<LaneMode>('lanes', 'refuse', 'ignore'), fc.integer({ min: 2, max: 4 }), fc.boolean(), async (mode, count, afterFirstCreated) => {
        try {
          setup = await startScripted(laneServer(mode));
          await setup.client.preconnect();
          const { texts, events } = await runConcurrent(count, 0, afterFirstCreated);
          for (const [index, text] of texts.entries()) {
            expect(text).toContain(`echo task ${index}`);
            for (let other = 0; other < count; other += 1) if (other !== index) expect(text).not.toContain(`task ${other}"`);
          }
          for (const seen of events) {
            expect(seen.filter((event) => event.type === 'created')).toHaveLength(1);
            expect(seen.filter((event) => event.type === 'completed')).toHaveLength(1);
          }
          const named = createsSent().filter((frame) => 'stream_id' in frame).length;
          if (mode === 'lanes') {
            // Lanes work: nothing was sent twice.
            expect(createsSent()).toHaveLength(count);
            if (afterFirstCreated) expect(named).toBeGreaterThan(0);
          } else {
            // Once found out, no more lanes: every named create was refused or ignored and sent again without one.
            expect(createsSent()).toHaveLength(count + named);
          }
        } finally {
          await setup?.close();
          setup = undefined;
        }
      }),
      { numRuns: 12 },
    );
  }, 60_000);
});
