// What a request can receive on a reused WebSocket: exactly its own response, whatever the
// server sends around it (stale tails, duplicated terminals, an error followed by its failed
// response, a close right after the terminal), over real sockets against the loopback server.
import type { ResponseEvent } from '@modelwire/protocol';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { drain, RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import type { Fault, LateTiming } from '@modelwire/testing';
import type { CompletedResponse } from '../turn/response-stream.js';
import type { ResponseItem } from '../types/prompt.js';
import { createTransportWebSocketConnector } from '../wire/transport-websocket.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const TIMINGS: readonly (readonly [string, LateTiming])[] = [
  ['in the same burst', 'burst'],
  ['0 ms later', 0],
  ['30 ms later', 30],
  ['after the next request\'s response.created', 'after-next-created'],
];

/**
 * Each terminal kind with the fault that ends the first response that way (after its
 * `response.created`, so the failure reaches the caller: the client retries only before the
 * first event) and sends its stale tail at `at`; and the error code the first request fails
 * with, when it fails.
 */
const TERMINALS: readonly (readonly [string, (at: LateTiming) => Fault, string | null])[] = [
  ['completed', (at) => ({ kind: 'stale-tail', at }), null],
  ['failed', (at) => ({ kind: 'failed', code: 'server_error', staleTail: at }), 'response_failed'],
  ['incomplete', (at) => ({ kind: 'incomplete', staleTail: at }), 'response_incomplete'],
  ['error followed by failed', (at) => ({ kind: 'error', code: 'server_error', afterEvents: 2, trailingFailed: at }), 'retryable'],
];

function itemIds(items: readonly ResponseItem[]): string[] {
  return items.map((item) => String(item['id']));
}

/**
 * Checks that `result` is the response the server created for the request whose newest user
 * message is `text`: the recorded request that produced this response id carried that message,
 * and every output item is one the server's planner made for this response id.
 */
function expectOwnResponse(result: CompletedResponse, events: readonly ResponseEvent[], text: string): void {
  const server = setup!.server;
  const recorded = server.recording.requests.find((request) => request.responseId === result.responseId);
  expect(recorded, `no recorded request produced ${result.responseId}`).toBeDefined();
  const input = (recorded!.body as { input: ResponseItem[] }).input;
  expect(input.at(-1)).toEqual(userMessage(text));
  const suffix = result.responseId.replace(/^resp_/, '');
  expect(result.output.length).toBeGreaterThan(0);
  for (const id of itemIds(result.output)) expect(id).toContain(suffix);
  const done = events.filter((event) => event.type === 'output_item_done').map((event) => (event.type === 'output_item_done' ? event.item : undefined));
  expect(done).toEqual(result.output);
  expect(events.filter((event) => event.type === 'created')).toHaveLength(1);
  expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'completed', responseId: result.responseId }));
}

describe('a shared socket: every request receives its own response and no other', () => {
  describe.each(TERMINALS)('first response %s', (_kind, fault, failureCode) => {
    it.each(TIMINGS)('its stale tail arrives %s: the next two requests get exactly their own responses, nothing is committed twice', async (_timing, at) => {
      setup = await startLoopback();
      const { server, client } = setup;
      const telemetry = new RecordingTelemetry();
      const turn = client.newTurn();
      const history: ResponseItem[] = [userMessage('one')];
      server.faults.next(fault(at), { on: 'websocket' });
      const first = turn.stream(prompt(history), turnContext({}, telemetry));
      const firstEvents = await drain(first).catch(() => null);
      if (failureCode === null) {
        const result = await first.result;
        expectOwnResponse(result, firstEvents ?? [], 'one');
        history.push(...result.output);
      } else {
        await expect(first.result).rejects.toMatchObject({ code: failureCode });
      }
      for (const text of ['two', 'three']) {
        history.push(userMessage(text));
        const stream = turn.stream(prompt(history), turnContext({}, telemetry));
        const events = await drain(stream);
        const result = await stream.result;
        expectOwnResponse(result, events, text);
        history.push(...result.output);
      }
      const ids = itemIds(history.filter((item) => !(item.type === 'message' && item.role === 'user')));
      expect(new Set(ids).size).toBe(ids.length);
      expect(client.usesWebSocket).toBe(true);
      // The stale frames that reached the client were dropped and reported, never delivered.
      for (const drop of telemetry.drops) expect(['stale', 'unknown', 'unsolicited']).toContain(drop.reason);
    });
  });

  it.each([1, 2, 3, 4, 5])('a server that closes right after the terminal frame while the client sends at once: completes on a new socket and stays on WebSocket (round %i)', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 0 } });
    const { server, client } = setup;
    const turn = client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    server.faults.next({ kind: 'close-after-terminal' }, { on: 'websocket' });
    const first = await turn.stream(prompt(history), turnContext()).result;
    history.push(...first.output, userMessage('two'));
    const telemetry = new RecordingTelemetry();
    const second = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(second.transport).toBe('websocket');
    expect(second.incremental).toBe(false);
    expect(client.usesWebSocket).toBe(true);
    expect(client.fallbackReason).toBeNull();
    expect(telemetry.fallbacks).toEqual([]);
    expect(server.recording.counters.handshakes).toBe(2);
    // Whether the close was seen before the send or after it, exactly one request reached the new socket.
    const connections = server.recording.requests.map((request) => request.connectionId);
    expect(new Set(connections).size).toBe(2);
    expect(server.recording.requests.filter((request) => request.connectionId === connections.at(-1))).toHaveLength(1);
  });

  it('an unsolicited frame on the idle socket retires it: the next request goes out in full on a new socket', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const telemetry = new RecordingTelemetry();
    const turn = client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    server.faults.next({ kind: 'idle-flood', frames: 3, frameBytes: 4096, afterMs: 0 }, { on: 'websocket' });
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...first.output, userMessage('two'));
    // Wait until the client retired the socket (the server sees it close).
    while (server.recording.openConnections > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = turn.stream(prompt(history), turnContext({}, telemetry));
    const events = await drain(second);
    const result = await second.result;
    expectOwnResponse(result, events, 'two');
    expect(result.incremental).toBe(false);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'new_connection' });
    expect(telemetry.drops[0]).toEqual({ transport: 'websocket', reason: 'unsolicited', kind: 'response.output_text.delta', responseId: null });
  });
});

describe('lenient where unambiguous, typed where not', () => {
  const message = (id: string, text: string): Record<string, unknown> => ({ id, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] });

  it('accepts a terminal without response.id and items without output_index (the shape of other clients\' fixtures)', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    server.script.next({
      events: [
        { type: 'response.created', response: { id: 'resp_lenient' } },
        { type: 'response.output_item.done', item: message('msg_a', 'first') },
        { type: 'response.output_item.added', item: message('msg_b', '') },
        { type: 'response.output_item.done', item: message('msg_b', 'second') },
        { type: 'response.completed', response: { usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } } },
      ],
    });
    const stream = client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    const events = await drain(stream);
    const result = await stream.result;
    expect(result.responseId).toBe('resp_lenient');
    expect(itemIds(result.output)).toEqual(['msg_a', 'msg_b']);
    expect(events.filter((event) => event.type === 'output_item_done').map((event) => (event.type === 'output_item_done' ? event.outputIndex : -1))).toEqual([0, 1]);
    expect(result.usage?.totalTokens).toBe(3);
  });

  it('an output_item.done without output_index while other items are open is a protocol_violation', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    server.script.next({
      events: [
        { type: 'response.created', response: { id: 'resp_ambiguous' } },
        { type: 'response.output_item.added', output_index: 0, item: message('msg_a', '') },
        { type: 'response.output_item.added', output_index: 1, item: message('msg_b', '') },
        { type: 'response.output_item.done', item: message('msg_c', 'which one?') },
        { type: 'response.completed', response: { id: 'resp_ambiguous' } },
      ],
    });
    const stream = client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    await expect(stream.result).rejects.toMatchObject({ code: 'protocol_violation' });
  });
});

describe('no lost answer: response.completed.output', () => {
  it('adds items that were never streamed, keeps streamed ones once, and continues from the merged output', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const telemetry = new RecordingTelemetry();
    const reasoning = { id: 'rs_skipped', type: 'reasoning', summary: [] };
    const answer = { id: 'msg_streamed', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hello', annotations: [] }] };
    server.script.next({
      events: [
        { type: 'response.created', response: { id: 'resp_partial', output: [] } },
        { type: 'response.output_item.added', output_index: 1, item: { ...answer, status: 'in_progress', content: [] } },
        { type: 'response.output_item.done', output_index: 1, item: answer },
        { type: 'response.completed', response: { id: 'resp_partial', output: [reasoning, answer] } },
      ],
    });
    const turn = client.newTurn();
    const history: ResponseItem[] = [userMessage('hi')];
    const stream = turn.stream(prompt(history), turnContext({}, telemetry));
    const events = await drain(stream);
    const result = await stream.result;
    expect(result.output).toEqual([reasoning, answer]);
    expect(events.filter((event) => event.type === 'output_item_done').map((event) => (event.type === 'output_item_done' ? event.item['id'] : ''))).toEqual(['msg_streamed', 'rs_skipped']);
    expect(telemetry.reconciled).toEqual([{ transport: 'websocket', responseId: 'resp_partial', items: 1 }]);
    history.push(...result.output, userMessage('next'));
    await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'incremental', sentItems: 1 });
  });

  it('does not duplicate items that were streamed and completed (by id, or by position for servers that rename items)', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const telemetry = new RecordingTelemetry();
    const answer = (id: string) => ({ id, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'same', annotations: [] }] });
    server.script.next({
      events: [
        { type: 'response.created', response: { id: 'resp_renamed' } },
        { type: 'response.output_item.done', output_index: 0, item: answer('msg_streamed_id') },
        { type: 'response.completed', response: { id: 'resp_renamed', output: [answer('msg_final_id')] } },
      ],
    });
    const result = await client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
    expect(itemIds(result.output)).toEqual(['msg_streamed_id']);
    expect(telemetry.reconciled).toEqual([]);
  });
});

describe('nothing committed twice within a response', () => {
  it('an output_item.done repeated within one response counts once', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const message = { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi.', annotations: [] }] };
    const done = { type: 'response.output_item.done', output_index: 0, item: message };
    server.script.next({ events: [{ type: 'response.created', response: { id: 'resp_1', status: 'in_progress', output: [] } }, done, done, { type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [message] } }] });
    const result = await client.newTurn().stream(prompt([userMessage('hello')]), turnContext()).result;
    expect(result.output).toEqual([message]);
  });
});

describe('bounded memory for a caller that does not read', () => {
  const BIG_DELTAS = 600;
  const bigResponse = (id: string) => {
    const delta = 'x'.repeat(64 * 1024);
    const events: Record<string, unknown>[] = [{ type: 'response.created', response: { id } }];
    for (let index = 0; index < BIG_DELTAS; index += 1) events.push({ type: 'response.output_text.delta', item_id: 'msg_big', output_index: 0, content_index: 0, delta });
    events.push({ type: 'response.completed', response: { id } });
    return events;
  };

  it('stops reading the socket while the caller lags (the server backs up), and delivers everything in order once it reads', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    server.script.next({ events: bigResponse('resp_big') });
    const stream = client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    // Nobody reads for a while: the server's sends stall in TCP flow control.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentWhileIdle = server.recording.events.length;
    expect(sentWhileIdle).toBeLessThan(BIG_DELTAS / 2);
    let deltas = 0;
    for await (const event of stream) if (event.type === 'output_text_delta') deltas += 1;
    expect(deltas).toBe(BIG_DELTAS);
    expect((await stream.result).responseId).toBe('resp_big');
  });

  it('never stalls a caller that only awaits the result', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const events: Record<string, unknown>[] = [{ type: 'response.created', response: { id: 'resp_long' } }];
    for (let index = 0; index < 3_000; index += 1) events.push({ type: 'response.output_text.delta', item_id: 'msg_long', output_index: 0, content_index: 0, delta: 'ab' });
    events.push({ type: 'response.completed', response: { id: 'resp_long' } });
    server.script.next({ events });
    const result = await client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.responseId).toBe('resp_long');
  });
});

describe('close()', () => {
  it('resolves only once every socket is closed: idle, lent to a running request, and still connecting', async () => {
    const sockets: WebSocket[] = [];
    const webSocketConnector = createTransportWebSocketConnector({
      createWebSocket: (url, options) => {
        const socket = new WebSocket(url, options);
        sockets.push(socket);
        return socket;
      },
    });
    // One response per socket, so that each request below holds a socket of its own.
    setup = await startLoopback({ webSocketConnector, laneLimits: { maxInFlight: 1 } });
    const { server, client } = setup;
    // A socket lent to a running request: it stalls after its first events.
    server.faults.next({ kind: 'stall', afterEvents: 3 }, { on: 'websocket' });
    const running = client.newTurn().stream(prompt([userMessage('stalls')]), turnContext());
    const iterator = running[Symbol.asyncIterator]();
    await iterator.next();
    // An idle socket in the pool: another turn's request completed on its own socket.
    await client.newTurn().stream(prompt([userMessage('idle')]), turnContext()).result;
    // A socket still connecting: its handshake is held.
    server.faults.next({ kind: 'delay-handshake', ms: 5_000 });
    const busy = client.newTurn();
    const other = client.newTurn();
    const holder = busy.stream(prompt([userMessage('takes the idle socket')]), turnContext());
    const connecting = other.stream(prompt([userMessage('connects')]), turnContext());
    while (server.recording.counters.handshakes < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sockets.length).toBe(3);
    expect(sockets.some((socket) => socket.readyState === WebSocket.CONNECTING)).toBe(true);

    await client.close();
    // At the moment close() resolves, not a moment later.
    expect(sockets.map((socket) => socket.readyState)).toEqual(sockets.map(() => WebSocket.CLOSED));
    await expect(running.result).rejects.toMatchObject({ code: 'closed' });
    await Promise.all([holder.result.catch(() => undefined), connecting.result.catch(() => undefined)]);
  });
});
