import { activeResources, settledLeaks } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import type { CompletedResponse } from '../turn/response-stream.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Body = { readonly stream_id?: string; readonly previous_response_id?: string; readonly input?: readonly unknown[]; readonly client_metadata?: Record<string, string> };
const bodyOf = (index: number): Body => (setup?.server.recording.requests[index]?.body ?? {}) as Body;
const context = (id: string) => turnContext({ turnMetadata: { turn_id: id } });

describe('lanes over one socket', () => {
  it('runs 8 turns at once on one socket, each on its own lane with its own continuation chain', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 1, answerChars: 24 });
    await setup.client.preconnect();
    const turns = Array.from({ length: 8 }, (_, index) => ({ turn: setup!.client.newTurn({ lane: `agent-${index}` }), input: [userMessage(`task ${index}`)] as ResponseItem[] }));
    const first = await Promise.all(turns.map(({ turn, input }, index) => turn.stream(prompt(input), context(`t${index}`)).result));
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(new Set(first.map((result) => result.responseId)).size).toBe(8);
    expect(first.every((result) => result.transport === 'websocket')).toBe(true);
    expect(turns.map(({ turn }) => turn.lane)).toEqual(turns.map((_, index) => `agent-${index}`));
    // The second request of each turn continues its own first response, on its own lane.
    const second = await Promise.all(
      turns.map(({ turn, input }, index) => turn.stream(prompt([...input, ...first[index]!.output, userMessage(`more ${index}`)]), context(`t${index}`)).result),
    );
    expect(second.every((result) => result.incremental)).toBe(true);
    const requests = setup.server.recording.requests;
    expect(new Set(requests.map((request) => request.connectionId)).size).toBe(1);
    for (let index = 0; index < 8; index += 1) {
      const own = requests.map((request, at) => ({ request, body: bodyOf(at) })).filter(({ body }) => body.stream_id === `agent-${index}`);
      expect(own).toHaveLength(2);
      expect(own[1]?.body.previous_response_id).toBe(first[index]?.responseId);
      expect(own[1]?.body.input).toHaveLength(1);
    }
    expect(setup.server.recording.stickyViolations).toEqual([]);
  });

  it('assigns lanes to concurrent turns that name none: the default lane, then auto-N', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 1, answerChars: 24 });
    await setup.client.preconnect();
    const results = await Promise.all([0, 1, 2].map((index) => setup!.client.newTurn().stream(prompt([userMessage(`q${index}`)]), context(`a${index}`)).result));
    expect(new Set(results.map((result) => result.responseId)).size).toBe(3);
    expect(setup.server.recording.requests.map((request) => request.lane).sort()).toEqual(['auto-1', 'auto-2', 'default']);
    expect(setup.server.recording.counters.handshakes).toBe(1);
  });

  it('runs two turns on one named lane in order (FIFO), each with its own response', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 1, answerChars: 24 });
    await setup.client.preconnect();
    const [a, b] = await Promise.all(['x1', 'x2'].map((text) => setup!.client.newTurn({ lane: 'shared' }).stream(prompt([userMessage(text)]), context(text)).result));
    expect(a?.responseId).not.toBe(b?.responseId);
    expect(setup.server.recording.requests.map((request) => request.lane)).toEqual(['shared', 'shared']);
  });

  it('forks a lane from a response of another lane (lineage by previous_response_id)', async () => {
    setup = await startLoopback({}, { answerChars: 24 });
    const parentInput = [userMessage('shared context')];
    const parent = await setup.client.newTurn({ lane: 'parent' }).stream(prompt(parentInput), context('p')).result;
    const fork = await setup.client.newTurn({ lane: 'child' }).stream(prompt([...parentInput, ...parent.output, userMessage('go on alone')]), context('c')).result;
    expect(fork.incremental).toBe(true);
    const body = bodyOf(1);
    expect(body.stream_id).toBe('child');
    expect(body.previous_response_id).toBe(parent.responseId);
    expect(body.input).toHaveLength(1);
  });

  it('beyond the per-connection limits, requests go to another socket of the pool', async () => {
    setup = await startLoopback({ laneLimits: { maxInFlight: 2 } }, { tokenDelayMs: 1, answerChars: 24 });
    await setup.client.preconnect();
    await Promise.all([0, 1, 2].map((index) => setup!.client.newTurn().stream(prompt([userMessage(`q${index}`)]), context(`l${index}`)).result));
    const byConnection = new Map<number, number>();
    for (const request of setup.server.recording.requests) byConnection.set(request.connectionId, (byConnection.get(request.connectionId) ?? 0) + 1);
    expect([...byConnection.values()].sort()).toEqual([1, 2]);
    await setup.close();

    setup = await startLoopback({ laneLimits: { maxLanes: 1 } }, { tokenDelayMs: 1, answerChars: 24 });
    await setup.client.preconnect();
    await Promise.all(['x', 'y'].map((lane) => setup!.client.newTurn({ lane }).stream(prompt([userMessage(lane)]), context(lane)).result));
    expect(new Set(setup.server.recording.requests.map((request) => request.connectionId)).size).toBe(2);
    expect(setup.server.recording.requests.some((request) => JSON.stringify(bodyOf(request.index)).includes('websocket_stream_limit_reached'))).toBe(false);
  });

  it('a provider without lanes (supportsLanes: false) gets one response per socket and no stream_id', async () => {
    setup = await startLoopback({ providerOverrides: { supportsLanes: false } }, { tokenDelayMs: 1, answerChars: 24 });
    await setup.client.preconnect();
    await Promise.all(['x', 'y'].map((lane) => setup!.client.newTurn({ lane }).stream(prompt([userMessage(lane)]), context(lane)).result));
    expect(new Set(setup.server.recording.requests.map((request) => request.connectionId)).size).toBe(2);
    expect([0, 1].map((index) => bodyOf(index).stream_id)).toEqual([undefined, undefined]);
  });

  it('sends the sub-agent label of a turn in its client_metadata', async () => {
    setup = await startLoopback();
    await setup.client.newTurn({ subagent: 'collab_spawn' }).stream(prompt([userMessage('hi')]), context('s')).result;
    expect(bodyOf(0).client_metadata?.['x-openai-subagent']).toBe('collab_spawn');
    expect(() => setup!.client.newTurn({ lane: 'bad lane' })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('a socket failure fails or retries every lane; nothing hangs, and the next turns work on a new socket', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 2, answerChars: 40 });
    await setup.client.preconnect();
    setup.server.faults.next({ kind: 'close', afterEvents: 4 }, { on: 'websocket' });
    const outcomes = await Promise.allSettled([0, 1, 2, 3].map((index) => setup!.client.newTurn({ lane: `f${index}` }).stream(prompt([userMessage(`f${index}`)]), context(`f${index}`)).result));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ retryable: true });
    }
    expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true);
    const after: CompletedResponse = await setup.client.newTurn().stream(prompt([userMessage('after')]), context('after')).result;
    expect(after.transport).toBe('websocket');
    expect(setup.server.recording.counters.handshakes).toBeGreaterThanOrEqual(2);
  });

  it('leaves nothing behind after close(), with lanes in flight', async () => {
    const baseline = activeResources();
    setup = await startLoopback({}, { tokenDelayMs: 5, answerChars: 200 });
    await setup.client.preconnect();
    const running = [0, 1, 2, 3].map((index) => setup!.client.newTurn({ lane: `c${index}` }).stream(prompt([userMessage(`c${index}`)]), context(`c${index}`)));
    const iterators = running.map((stream) => stream[Symbol.asyncIterator]());
    await Promise.all(iterators.map((iterator) => iterator.next()));
    await setup.close();
    setup = undefined;
    for (const stream of running) await expect(stream.result).rejects.toMatchObject({ code: expect.any(String) });
    expect(await settledLeaks(baseline)).toEqual([]);
  });
});
