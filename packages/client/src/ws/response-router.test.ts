import { ClosedError } from '@modelwire/transport';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { noopClientTelemetry, type ClientTelemetry, type FrameDroppedRecord } from '../telemetry/client-telemetry.js';
import { FakeSocket } from '../__fixtures__/fake-wire-socket.js';
import type { FrameEnvelope } from './frame-envelope.js';
import { ResponseRouter } from './response-router.js';
import type { RoutedResponse } from './routed-response.js';

type Frame = Record<string, unknown>;

/** Telemetry that keeps the drop reports. */
class DropLog implements ClientTelemetry {
  readonly drops: FrameDroppedRecord[] = [];
  onRequestAttempt(): void {}
  onStreamEvent(): void {}
  onWebSocketConnect(): void {}
  onContinuationDecision(): void {}
  onTransportFallback(): void {}
  onTokenUsage(): void {}
  onFrameDropped(record: FrameDroppedRecord): void {
    this.drops.push(record);
  }
}

const routers: ResponseRouter[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function setup(drainTimeoutMs = 60_000) {
  const socket = new FakeSocket();
  const router = new ResponseRouter(socket, { drainTimeoutMs });
  routers.push(router);
  const telemetry = new DropLog();
  const start = (options: { signal?: AbortSignal; idleTimeoutMs?: number; onFrame?: (frame: FrameEnvelope, response: RoutedResponse) => void } = {}) => {
    const frames: Frame[] = [];
    const response = router.start({
      lane: '',
      message: '{"type":"response.create"}',
      sink: {
        onFrame: (frame, routed) => {
          options.onFrame?.(frame, routed);
          frames.push(frame.value ?? { text: frame.text });
        },
      },
      signal: options.signal ?? new AbortController().signal,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      telemetry,
    });
    return { response, frames };
  };
  return { socket, router, telemetry, start };
}

const created = (id: string, sequence = 0): Frame => ({ type: 'response.created', sequence_number: sequence, response: { id } });
const delta = (itemId: string, sequence: number): Frame => ({ type: 'response.output_text.delta', sequence_number: sequence, item_id: itemId, output_index: 0, content_index: 0, delta: 'x' });
const itemDone = (itemId: string, sequence: number): Frame => ({ type: 'response.output_item.done', sequence_number: sequence, output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', content: [] } });
const completed = (id: string, sequence: number): Frame => ({ type: 'response.completed', sequence_number: sequence, response: { id } });

describe('ResponseRouter: identity', () => {
  it('binds a request to the response its create started and delivers only that response\'s frames', async () => {
    const { socket, router, telemetry, start } = setup();
    const first = start();
    const frames1 = [created('resp_1'), delta('msg_1', 1), itemDone('msg_1', 2), completed('resp_1', 3)];
    for (const frame of frames1) socket.deliver(frame);
    await first.response.ended;
    expect(first.frames).toEqual(frames1);
    expect(router.isReusable).toBe(true);

    const second = start();
    // The previous response's tail, before and after the new response.created.
    socket.deliver(itemDone('msg_1', 2));
    socket.deliver(completed('resp_1', 3));
    socket.deliver({ type: 'codex.rate_limits', rate_limits: {} });
    socket.deliver(created('resp_2'));
    socket.deliver(delta('msg_1', 4));
    socket.deliver(completed('resp_1', 3));
    socket.deliver({ type: 'response.in_progress', sequence_number: 7, response: { id: 'resp_other' } });
    const frames2 = [delta('msg_2', 1), itemDone('msg_2', 2), completed('resp_2', 3)];
    for (const frame of frames2) socket.deliver(frame);
    await second.response.ended;
    expect(second.frames).toEqual([{ type: 'codex.rate_limits', rate_limits: {} }, created('resp_2'), ...frames2]);
    expect(router.droppedFrames).toEqual({ stale: 4, unknown: 1, unsolicited: 0 });
    expect(telemetry.drops.map((drop) => [drop.reason, drop.kind, drop.responseId])).toEqual([
      ['stale', 'response.output_item.done', null],
      ['stale', 'response.completed', 'resp_1'],
      ['stale', 'response.output_text.delta', null],
      ['stale', 'response.completed', 'resp_1'],
      ['unknown', 'response.in_progress', 'resp_other'],
    ]);
    // Never content: a drop report has exactly these fields.
    expect(Object.keys(telemetry.drops[0]!).sort()).toEqual(['kind', 'reason', 'responseId', 'transport']);
  });

  it('accepts a terminal without response.id once bound; before response.created it is a protocol_violation', async () => {
    const { socket, start } = setup();
    const bound = start();
    socket.deliver(created('resp_1'));
    socket.deliver({ type: 'response.completed' });
    await bound.response.ended;
    expect(bound.frames.at(-1)).toEqual({ type: 'response.completed' });

    const unbound = start();
    socket.deliver({ type: 'response.completed', response: {} });
    await expect(unbound.response.ended).rejects.toMatchObject({ code: 'protocol_violation' });
    // The rest of that response may still come: the socket is retired.
    expect(socket.closes).toEqual([1000]);
  });

  it('follows a server that rotates ids only while the sequence numbers continue exactly', async () => {
    const { socket, router, start } = setup();
    const request = start();
    socket.deliver(created('capture-1', 0));
    socket.deliver({ type: 'response.in_progress', sequence_number: 1, response: { id: 'capture-2' } });
    socket.deliver({ type: 'response.in_progress', sequence_number: 9, response: { id: 'stranger' } });
    socket.deliver(completed('capture-3', 2));
    await request.response.ended;
    expect(request.frames.map((frame) => (frame['response'] as { id: string }).id)).toEqual(['capture-1', 'capture-2', 'capture-3']);
    expect(router.droppedFrames.unknown).toBe(1);
    expect(request.response.ids).toEqual(['capture-1', 'capture-2', 'capture-3']);
  });

  it('hands a frame that is not JSON to the one response in flight (whose decode then fails)', () => {
    const { socket, start } = setup();
    const request = start();
    socket.deliver(created('resp_1'));
    socket.deliver('{"type":"response.output_text.delta",');
    expect(request.frames.at(-1)).toEqual({ text: '{"type":"response.output_text.delta",' });
  });
});

describe('ResponseRouter: lifecycle', () => {
  it('retires an idle socket at the first data frame, without reading anything after it', () => {
    const { socket, router, telemetry, start } = setup();
    const request = start();
    for (const frame of [created('resp_1'), completed('resp_1', 1)]) socket.deliver(frame);
    expect(router.state).toBe('open');
    socket.deliver(delta('msg_x', 5));
    expect(router.state).toBe('closed');
    expect(socket.closes).toEqual([1000]);
    socket.deliver(delta('msg_y', 6));
    expect(telemetry.drops).toEqual([{ transport: 'websocket', reason: 'unsolicited', kind: 'response.output_text.delta', responseId: null }]);
    expect(router.isReusable).toBe(false);
    expect(() => start()).toThrow(ClosedError);
    void request;
  });

  it('after an error frame for a started response: not lent until its own response.failed, then retired', async () => {
    const { socket, router, start } = setup();
    const request = start();
    socket.deliver(created('resp_1'));
    socket.deliver({ type: 'error', error: { code: 'insufficient_quota' } });
    await request.response.ended;
    expect(router.state).toBe('draining');
    expect(router.isReusable).toBe(false);
    expect(() => start()).toThrow(ClosedError);
    const retired = router.retire();
    expect(socket.closes).toEqual([]);
    socket.deliver({ type: 'response.failed', response: { id: 'resp_1', status: 'failed' } });
    await retired;
    expect(socket.closes).toEqual([1000]);
    expect(router.droppedFrames.stale).toBe(1);
  });

  it('after an error frame: retired at the drain deadline when the failed response never ends', async () => {
    const { socket, router, start } = setup(20);
    const request = start();
    socket.deliver(created('resp_1'));
    socket.deliver({ type: 'error', error: { code: 'server_error' } });
    await request.response.ended;
    expect(router.state).toBe('draining');
    await router.retire();
    expect(socket.closes).toEqual([1000]);
  });

  it('an error frame before response.created ends the request; the socket may resend at once but is not lent again', async () => {
    const { socket, router, start } = setup();
    const refused = start();
    socket.deliver({ type: 'error', error: { code: 'previous_response_not_found' } });
    await refused.response.ended;
    expect(router.state).toBe('open');
    expect(router.isReusable).toBe(false);
    const resent = start();
    for (const frame of [created('resp_2'), completed('resp_2', 1)]) socket.deliver(frame);
    await resent.response.ended;
    expect(router.isReusable).toBe(true);
  });

  it('an aborted or idle response retires the socket; a peer close fails the response with the close error', async () => {
    const aborted = setup();
    const controller = new AbortController();
    const request = aborted.start({ signal: controller.signal });
    aborted.socket.deliver(created('resp_1'));
    controller.abort();
    await expect(request.response.ended).rejects.toMatchObject({ code: 'aborted' });
    expect(aborted.socket.closes).toEqual([1000]);

    const idle = setup();
    const silent = idle.start({ idleTimeoutMs: 20 });
    await expect(silent.response.ended).rejects.toMatchObject({ code: 'idle_timeout' });
    expect(idle.router.state).toBe('closed');

    const peer = setup();
    const cut = peer.start();
    peer.socket.peerClose(1011);
    await expect(cut.response.ended).rejects.toMatchObject({ code: 'connection_closed', closeCode: 1011 });
    expect(peer.router.state).toBe('closed');
  });

  it('reads the live socket state: a socket that is no longer open is not reusable and refuses a start', () => {
    const { socket, router, start } = setup();
    socket.isOpen = false;
    expect(router.state).toBe('closing');
    expect(router.isReusable).toBe(false);
    expect(() => start()).toThrow(ClosedError);
  });

  it('pauses reading while a caller is over its bound, and suspends the idle clock meanwhile', async () => {
    const { socket, router, start } = setup();
    const request = start({ idleTimeoutMs: 30 });
    socket.deliver(created('resp_1'));
    request.response.setPressure(true);
    expect(socket.paused).toBe(true);
    expect(router.isReadingPaused).toBe(true);
    // Well past the idle timeout while paused: the response is still alive.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(request.response.state).toBe('streaming');
    request.response.setPressure(false);
    expect(socket.paused).toBe(false);
    socket.deliver(completed('resp_1', 1));
    await request.response.ended;
  });

  it('hot path: no timer, no listener and no promise per frame', () => {
    const { socket, start } = setup();
    const request = start();
    socket.deliver(created('resp_1'));
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const clears = vi.spyOn(globalThis, 'clearTimeout');
    const promiseThen = vi.spyOn(Promise.prototype, 'then');
    try {
      for (let index = 1; index <= 1_000; index += 1) socket.deliver(delta('msg_1', index));
      expect(timers).not.toHaveBeenCalled();
      expect(clears).not.toHaveBeenCalled();
      expect(promiseThen).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
      clears.mockRestore();
      promiseThen.mockRestore();
    }
    expect(request.frames).toHaveLength(1_001);
    expect(request.response.framesDelivered).toBe(1_001);
  });

  it('close() fails what is in flight and leaves no timer behind', async () => {
    const { socket, router, start } = setup();
    const request = start();
    socket.deliver(created('resp_1'));
    await router.close();
    await expect(request.response.ended).rejects.toBeInstanceOf(ClosedError);
    expect(router.state).toBe('closed');
    expect(router.inFlight).toBe(0);
  });
});

/** A model of one response as a server streams it. */
interface ModelResponse {
  readonly id: string;
  readonly itemId: string;
  readonly frames: readonly Frame[];
}

function modelResponse(index: number, deltas: number): ModelResponse {
  const id = `resp_${index}`;
  const itemId = `msg_${index}`;
  const frames: Frame[] = [created(id, 0)];
  for (let sequence = 1; sequence <= deltas; sequence += 1) frames.push(delta(itemId, sequence));
  frames.push(itemDone(itemId, deltas + 1), completed(id, deltas + 2));
  return { id, itemId, frames };
}

/** A stale frame, chosen relative to the responses that already ended. */
type Stale =
  | { readonly kind: 'terminal-of-earlier'; readonly pick: number }
  | { readonly kind: 'item-of-earlier'; readonly pick: number }
  | { readonly kind: 'delta-of-earlier'; readonly pick: number }
  | { readonly kind: 'stranger'; readonly pick: number };

function staleFrame(stale: Stale, finished: readonly ModelResponse[]): Frame {
  const earlier = finished[stale.pick % Math.max(1, finished.length)];
  if (earlier === undefined || stale.kind === 'stranger') {
    // Another response, far into its own numbering (a frame of another response never continues the bound one's).
    return { type: stale.pick % 2 === 0 ? 'response.in_progress' : 'response.completed', sequence_number: 1_000 + stale.pick, response: { id: `resp_stranger_${stale.pick}` } };
  }
  if (stale.kind === 'terminal-of-earlier') return earlier.frames.at(-1) as Frame;
  if (stale.kind === 'item-of-earlier') return earlier.frames.at(-2) as Frame;
  return delta(earlier.itemId, 1);
}

const staleArbitrary: fc.Arbitrary<Stale> = fc.record({
  kind: fc.constantFrom('terminal-of-earlier', 'item-of-earlier', 'delta-of-earlier', 'stranger'),
  pick: fc.nat(20),
}) as fc.Arbitrary<Stale>;

describe('ResponseRouter: model-based property', () => {
  it('every request receives exactly the frames of the response its create started, whatever stale frames interleave', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            deltas: fc.integer({ min: 0, max: 4 }),
            // Stale frames inserted before frame `at` of this response (0: before its response.created).
            inserted: fc.array(fc.record({ at: fc.nat(8), stale: staleArbitrary }), { maxLength: 4 }),
            // Stale frames arriving while the socket is idle after this response.
            idle: fc.array(staleArbitrary, { maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (requests) => {
          let socket = new FakeSocket();
          let router = new ResponseRouter(socket);
          /** Responses that ended on the current socket (a tail never crosses sockets). */
          let finished: ModelResponse[] = [];
          let expectedDrops = 0;
          let droppedBefore = 0;
          requests.forEach((request, index) => {
            if (!router.isReusable) {
              droppedBefore += sum(router.droppedFrames);
              socket = new FakeSocket();
              router = new ResponseRouter(socket);
              finished = [];
            }
            const response = modelResponse(index, request.deltas);
            const received: Frame[] = [];
            const routed = router.start({
              lane: '',
              message: '{}',
              sink: { onFrame: (frame) => void received.push(frame.value ?? {}) },
              signal: new AbortController().signal,
              idleTimeoutMs: 60_000,
              telemetry: noopClientTelemetry,
            });
            response.frames.forEach((frame, position) => {
              for (const insert of request.inserted) {
                if (Math.min(insert.at, response.frames.length - 1) !== position) continue;
                socket.deliver(staleFrame(insert.stale, finished));
                expectedDrops += 1;
              }
              socket.deliver(frame);
            });
            expect(routed.state).toBe('done');
            expect(received).toEqual(response.frames);
            finished.push(response);
            for (const stale of request.idle) {
              if (router.state !== 'open') break;
              socket.deliver(staleFrame(stale, finished));
              expectedDrops += 1;
            }
            // A socket that received anything while idle is never lent again.
            if (request.idle.length > 0) expect(router.isReusable).toBe(false);
          });
          expect(droppedBefore + sum(router.droppedFrames)).toBe(expectedDrops);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

describe('ResponseRouter: steering successors', () => {
  /** A request whose sink awaits a successor while `outstanding` says so. */
  function steered(socket: FakeSocket, router: ResponseRouter, state: { outstanding: boolean }) {
    const frames: Frame[] = [];
    const response = router.start({
      lane: '',
      message: '{"type":"response.create"}',
      sink: {
        onFrame: (frame) => {
          frames.push(frame.value ?? { text: frame.text });
          if (frame.type === 'response.steer.pending' || frame.type === 'response.steer.failed') state.outstanding = false;
          if (frame.type === 'response.created' && frames.some((seen) => seen['type'] === 'response.incomplete')) state.outstanding = false;
        },
        awaitsSuccessor: () => state.outstanding,
      },
      signal: new AbortController().signal,
      idleTimeoutMs: 60_000,
      telemetry: noopClientTelemetry,
    });
    return { response, frames };
  }

  it('keeps a steered request in flight after its terminal, drops the stopped response\'s tail and binds the successor', async () => {
    const { socket, router } = setup();
    const state = { outstanding: true };
    const request = steered(socket, router, state);
    socket.deliver(created('resp_1'));
    socket.deliver(delta('msg_1', 1));
    socket.deliver({ type: 'response.steer.accepted', sequence_number: 2, steer: { id: 'steer_1', previous_response_id: 'resp_1' } });
    socket.deliver(itemDone('msg_1', 3));
    socket.deliver({ type: 'response.incomplete', sequence_number: 4, response: { id: 'resp_1', incomplete_details: { reason: 'steered' } } });
    expect(request.response.state).toBe('sent');
    expect(router.inFlight).toBe(1);
    expect(router.isReusable).toBe(false);
    // The stopped response's tail: stale, whatever it names.
    socket.deliver(delta('msg_1', 5));
    socket.deliver(completed('resp_1', 6));
    socket.deliver(created('resp_2'));
    expect(request.response.responseId).toBe('resp_2');
    socket.deliver(itemDone('msg_2', 1));
    socket.deliver(completed('resp_2', 2));
    await request.response.ended;
    expect(request.frames.map((frame) => frame['type'])).toEqual([
      'response.created',
      'response.output_text.delta',
      'response.steer.accepted',
      'response.output_item.done',
      'response.incomplete',
      'response.created',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(router.droppedFrames).toEqual({ stale: 2, unknown: 0, unsolicited: 0 });
    expect(router.isReusable).toBe(true);
  });

  it('ends the request with the answer that settles its last steer (pending after completed)', async () => {
    const { socket, router } = setup();
    const state = { outstanding: true };
    const request = steered(socket, router, state);
    socket.deliver(created('resp_1'));
    socket.deliver(completed('resp_1', 1));
    expect(request.response.state).toBe('sent');
    // Output before a successor's response.created is not the request's.
    socket.deliver(delta('msg_x', 2));
    socket.deliver({ type: 'response.steer.pending', sequence_number: 2, reason: 'waiting_for_required_input', required_input: [], steer: { id: 'steer_1', previous_response_id: 'resp_1' } });
    await request.response.ended;
    expect(request.frames.map((frame) => frame['type'])).toEqual(['response.created', 'response.completed', 'response.steer.pending']);
    expect(router.droppedFrames.stale).toBe(1);
    expect(router.isReusable).toBe(true);
  });

  it('sends control frames only on an open socket', () => {
    const { socket, router } = setup();
    router.sendControl('{"type":"response.steer"}');
    expect(socket.sent).toEqual(['{"type":"response.steer"}']);
    socket.close();
    expect(() => router.sendControl('{}')).toThrow();
  });
});
