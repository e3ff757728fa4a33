import { afterEach, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { completedOf, RawSocket, userMessage, type Frame } from './__fixtures__/test-clients.js';

let server: ResponsesServer | undefined;
const sockets: RawSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await server?.close();
  server = undefined;
});

async function open(options: Parameters<typeof startResponsesServer>[0] = {}): Promise<RawSocket> {
  server = await startResponsesServer(options);
  const socket = await RawSocket.open(server.wsUrl, { headers: { authorization: 'Bearer sk-test' } });
  sockets.push(socket);
  return socket;
}

const create = (lane: string | undefined, text: string, extra: Frame = {}): Frame => ({
  type: 'response.create',
  model: 'gpt-test',
  input: [userMessage(text)],
  ...(lane === undefined ? {} : { stream_id: lane }),
  ...extra,
});
const responseIdOf = (frame: Frame | undefined): string | undefined => (frame?.['response'] as { id?: string } | undefined)?.id;

describe('WebSocket lanes', () => {
  it('echoes stream_id on every event of a lane, interleaves concurrent lanes, and keeps the default lane bare', async () => {
    const socket = await open({ tokenDelayMs: 3, answerChars: 40 });
    socket.send(create('a', 'on a'));
    socket.send(create('b', 'on b'));
    socket.send(create(undefined, 'default'));
    const frames = await socket.terminals(3);
    for (const lane of ['a', 'b']) {
      const own = frames.filter((frame) => frame['stream_id'] === lane);
      expect(own.filter((frame) => frame['type'] === 'response.completed')).toHaveLength(1);
    }
    const ids = new Set(frames.map((frame) => responseIdOf(frame)).filter((id) => id !== undefined));
    expect(ids.size).toBe(3);
    // Every frame names its lane by stream_id, or none for the default lane; each response id on one lane only.
    for (const id of ids) {
      const lanes = new Set(frames.filter((frame) => responseIdOf(frame) === id).map((frame) => frame['stream_id'] ?? 'default'));
      expect(lanes.size).toBe(1);
    }
    // Concurrent: every lane's response.created comes before the first response.completed.
    const firstCompleted = frames.findIndex((frame) => frame['type'] === 'response.completed');
    expect(frames.slice(0, firstCompleted).filter((frame) => frame['type'] === 'response.created')).toHaveLength(3);
  });

  it('runs one lane FIFO: the second response starts after the first ended', async () => {
    const socket = await open({ tokenDelayMs: 1, answerChars: 20 });
    socket.send(create('x', 'first'));
    socket.send(create('x', 'second'));
    const types = (await socket.terminals(2)).filter((frame) => frame['stream_id'] === 'x').map((frame) => frame['type']);
    const firstCompleted = types.indexOf('response.completed');
    const secondCreated = types.indexOf('response.created', types.indexOf('response.created') + 1);
    expect(secondCreated).toBeGreaterThan(firstCompleted);
  });

  it('serves at most maxInFlight responses at once; more wait their turn and all complete', async () => {
    const socket = await open({ tokenDelayMs: 2, answerChars: 24, maxInFlight: 2 });
    for (const lane of ['a', 'b', 'c']) socket.send(create(lane, lane));
    const frames = await socket.terminals(3);
    const firstCompleted = frames.findIndex((frame) => frame['type'] === 'response.completed');
    expect(frames.slice(0, firstCompleted).filter((frame) => frame['type'] === 'response.created')).toHaveLength(2);
    expect(frames.filter((frame) => frame['type'] === 'response.completed')).toHaveLength(3);
  });

  it('refuses a named lane past maxLanes with websocket_stream_limit_reached on that lane', async () => {
    const socket = await open({ maxLanes: 1 });
    await socket.request(create('one', 'x'));
    const refused = (await socket.request(create('two', 'x'))).find((frame) => frame['type'] === 'error');
    expect(refused).toMatchObject({ stream_id: 'two', error: { code: 'websocket_stream_limit_reached' } });
  });

  it('a lane named "default" is a named lane like any other, not the default lane', async () => {
    const socket = await open({ maxLanes: 1 });
    const named = await socket.request(create('default', 'x'));
    expect(named.filter((frame) => frame['type'] !== 'codex.rate_limits').every((frame) => frame['stream_id'] === 'default')).toBe(true);
    const refused = (await socket.request(create('other', 'x'))).find((frame) => frame['type'] === 'error');
    expect(refused).toMatchObject({ error: { code: 'websocket_stream_limit_reached' } });
    expect(completedOf(await socket.request(create(undefined, 'unnamed'))).stream_id).toBeUndefined();
  });

  it('follows lineage by previous_response_id across lanes: a lane forks from another lane’s latest response', async () => {
    const socket = await open();
    const parent = completedOf(await socket.request(create('parent', 'remember the word kiwi')));
    const child = completedOf(await socket.request(create('child', 'go on', { previous_response_id: parent.response.id })));
    expect(child.response.id).not.toBe(parent.response.id);
    expect(server?.recording.requests[1]?.lane).toBe('child');
    const unknown = (await socket.request(create('other', 'x', { previous_response_id: 'resp_nowhere' }))).find((frame) => frame['type'] === 'error');
    expect(unknown).toMatchObject({ stream_id: 'other', error: { code: 'previous_response_not_found' } });
  });
});
