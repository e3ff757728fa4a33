import { ClosedError } from '@modelwire/transport';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { noopClientTelemetry } from '../telemetry/client-telemetry.js';
import { FakeSocket } from '../__fixtures__/fake-wire-socket.js';
import { ResponseRouter } from './response-router.js';

type Frame = Record<string, unknown>;

const routers: ResponseRouter[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function setup(maxInFlight = 16) {
  const socket = new FakeSocket();
  const router = new ResponseRouter(socket, { maxInFlight });
  routers.push(router);
  const start = (lane: string, options: { signal?: AbortSignal } = {}) => {
    const frames: Frame[] = [];
    const response = router.start({
      lane,
      message: JSON.stringify({ type: 'response.create', ...(lane === '' ? {} : { stream_id: lane }) }),
      sink: { onFrame: (frame) => void frames.push(frame.value ?? { text: frame.text }) },
      signal: options.signal ?? new AbortController().signal,
      idleTimeoutMs: 60_000,
      telemetry: noopClientTelemetry,
    });
    return { response, frames };
  };
  return { socket, router, start };
}

const onLane = (lane: string, frame: Frame): Frame => (lane === '' ? frame : { ...frame, stream_id: lane });
const created = (lane: string, id: string): Frame => onLane(lane, { type: 'response.created', sequence_number: 0, response: { id } });
const delta = (lane: string, itemId: string, sequence: number): Frame =>
  onLane(lane, { type: 'response.output_text.delta', sequence_number: sequence, item_id: itemId, output_index: 0, content_index: 0, delta: 'x' });
const completed = (lane: string, id: string, sequence: number): Frame => onLane(lane, { type: 'response.completed', sequence_number: sequence, response: { id } });
const laneError = (lane: string, code: string): Frame => onLane(lane, { type: 'error', error: { code, message: code } });

describe('ResponseRouter: lanes', () => {
  it('carries responses of several lanes at once, each lane receiving only its own frames, up to maxInFlight', async () => {
    const { socket, router, start } = setup(3);
    const a = start('a');
    const b = start('b');
    const main = start('');
    expect(router.inFlight).toBe(3);
    expect(router.acceptsRequests).toBe(false);
    expect(() => start('c')).toThrow(expect.objectContaining({ code: 'busy' }));
    const script = [created('a', 'resp_a'), created('', 'resp_m'), delta('a', 'msg_a', 1), created('b', 'resp_b'), delta('', 'msg_m', 1), delta('b', 'msg_b', 1)];
    for (const frame of script) socket.deliver(frame);
    for (const frame of [completed('b', 'resp_b', 2), completed('a', 'resp_a', 2), completed('', 'resp_m', 2)]) socket.deliver(frame);
    await Promise.all([a.response.ended, b.response.ended, main.response.ended]);
    expect(a.frames.map((frame) => frame['stream_id'])).toEqual(['a', 'a', 'a']);
    expect(b.frames.map((frame) => frame['stream_id'])).toEqual(['b', 'b', 'b']);
    expect(main.frames.every((frame) => frame['stream_id'] === undefined)).toBe(true);
    expect(main.frames).toHaveLength(3);
    expect(router.isReusable).toBe(true);
  });

  it('runs one lane FIFO: the second create on a lane owns nothing until the first ended', async () => {
    const { socket, start } = setup();
    const first = start('x');
    const second = start('x');
    socket.deliver(created('x', 'resp_1'));
    socket.deliver(delta('x', 'msg_1', 1));
    socket.deliver(completed('x', 'resp_1', 2));
    await first.response.ended;
    expect(second.frames).toEqual([]);
    socket.deliver(created('x', 'resp_2'));
    socket.deliver(completed('x', 'resp_2', 1));
    await second.response.ended;
    expect(first.frames.map((frame) => frame['type'])).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);
    expect((second.frames[0]?.['response'] as { id: string }).id).toBe('resp_2');
  });

  it('an error without stream_id goes to the default lane once; named lanes go on untouched', async () => {
    const { socket, router, start } = setup();
    const named = start('sub');
    const main = start('');
    socket.deliver(created('sub', 'resp_s'));
    socket.deliver({ type: 'error', error: { code: 'server_error', message: 'boom' } });
    await main.response.ended;
    expect(main.frames.map((frame) => frame['type'])).toEqual(['error']);
    expect(named.frames.map((frame) => frame['type'])).toEqual(['response.created']);
    socket.deliver(completed('sub', 'resp_s', 1));
    await named.response.ended;
    expect(named.frames.map((frame) => frame['type'])).toEqual(['response.created', 'response.completed']);
    expect(router.state).toBe('open');
  });

  it('an error without stream_id while only named lanes run is connection-level: dropped, the lanes finish, the socket retires', async () => {
    const { socket, router, start } = setup();
    const named = start('sub');
    socket.deliver(created('sub', 'resp_s'));
    socket.deliver({ type: 'error', error: { code: 'websocket_connection_limit_reached', message: 'old' } });
    expect(named.frames).toHaveLength(1);
    expect(router.droppedFrames.unsolicited).toBe(1);
    expect(router.state).toBe('draining');
    expect(router.acceptsRequests).toBe(false);
    socket.deliver(completed('sub', 'resp_s', 1));
    await named.response.ended;
    expect(socket.closes).toEqual([1000]);
  });

  it("an error on one lane ends only that lane's response", async () => {
    const { socket, start } = setup();
    const a = start('a');
    const b = start('b');
    socket.deliver(laneError('a', 'previous_response_not_found'));
    await a.response.ended;
    socket.deliver(created('b', 'resp_b'));
    socket.deliver(completed('b', 'resp_b', 1));
    await b.response.ended;
    expect(a.frames.map((frame) => frame['type'])).toEqual(['error']);
    expect(b.frames.map((frame) => frame['type'])).toEqual(['response.created', 'response.completed']);
  });

  it('an abandoned response retires the socket without cutting the other lanes; its queued lane-mates fail, its tail reaches nobody', async () => {
    const { socket, router, start } = setup();
    const controller = new AbortController();
    const aborted = start('a', { signal: controller.signal });
    const behind = start('a');
    const other = start('b');
    socket.deliver(created('a', 'resp_a'));
    socket.deliver(created('b', 'resp_b'));
    controller.abort();
    await expect(aborted.response.ended).rejects.toMatchObject({ code: 'aborted' });
    await expect(behind.response.ended).rejects.toBeInstanceOf(ClosedError);
    expect(router.state).toBe('draining');
    socket.deliver(delta('a', 'msg_a', 1));
    socket.deliver(completed('a', 'resp_a', 2));
    socket.deliver(delta('b', 'msg_b', 1));
    socket.deliver(completed('b', 'resp_b', 2));
    await other.response.ended;
    expect(other.frames.map((frame) => frame['type'])).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);
    expect(behind.frames).toEqual([]);
    expect(socket.closes).toEqual([1000]);
  });

  it('a socket failure fails every lane', async () => {
    const { socket, start } = setup();
    const requests = ['', 'a', 'b'].map((lane) => start(lane));
    socket.deliver(created('a', 'resp_a'));
    socket.close(1011);
    for (const request of requests) await expect(request.response.ended).rejects.toBeInstanceOf(ClosedError);
  });
});

describe('ResponseRouter: lanes, property', () => {
  it("whatever the interleaving of lanes and of stale frames of finished responses, each request gets exactly its response's frames", async () => {
    const lanes = ['', 'a', 'b', 'c'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: lanes.length, maxLength: lanes.length }),
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat({ max: lanes.length - 1 }), fc.nat({ max: 1000 })), { maxLength: 8 }),
        async (deltas, order, staleAt) => {
          const { socket, router, start } = setup();
          // A first round on every lane, finished: its response ids and item ids become stale
          // (an id-less delta of an item never announced is a forgery no router can tell apart).
          const first = lanes.map((lane) => start(lane));
          lanes.forEach((lane, index) => {
            socket.deliver(created(lane, `old_${index}`));
            socket.deliver(delta(lane, `old_msg_${index}`, 1));
            socket.deliver(onLane(lane, { type: 'response.output_item.done', sequence_number: 2, output_index: 0, item: { id: `old_msg_${index}`, type: 'message', role: 'assistant', content: [] } }));
            socket.deliver(completed(lane, `old_${index}`, 3));
          });
          await Promise.all(first.map((request) => request.response.ended));
          const requests = lanes.map((lane) => start(lane));
          // Each lane's own script, in order; stale frames of old responses mixed in on their lanes.
          const scripts = lanes.map((lane, index) => {
            const frames: Frame[] = [created(lane, `new_${index}`)];
            for (let count = 1; count <= (deltas[index] ?? 0); count += 1) frames.push(delta(lane, `new_msg_${index}`, count));
            frames.push(completed(lane, `new_${index}`, (deltas[index] ?? 0) + 1));
            return frames;
          });
          const expected = scripts.map((frames) => [...frames]);
          const stale = staleAt.map(([lane, at]) => ({ lane, at, frame: delta(lanes[lane] ?? '', `old_msg_${lane}`, 99) }));
          const cursors = scripts.map(() => 0);
          let step = 0;
          for (;;) {
            const open = scripts.map((frames, index) => (cursors[index]! < frames.length ? index : -1)).filter((index) => index >= 0);
            if (open.length === 0) break;
            for (const injected of stale) if (injected.at % 50 === step) socket.deliver(injected.frame);
            const lane = open[(order[step % order.length] ?? 0) % open.length]!;
            socket.deliver(scripts[lane]![cursors[lane]!]!);
            cursors[lane]! += 1;
            step += 1;
          }
          await Promise.all(requests.map((request) => request.response.ended));
          requests.forEach((request, index) => expect(request.frames).toEqual(expected[index]));
          expect(router.droppedFrames.stale).toBe(stale.filter((injected) => injected.at % 50 < step).length);
          expect(router.inFlight).toBe(0);
          await router.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
