// The loopback server's steering, frame by frame over a raw WebSocket: the shapes of the
// official `ResponseSteer*Event` types, each refusal, steered incomplete plus successor,
// automatic successor after completion, pending with required input and its continuation.
import { afterEach, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { RawSocket, tools, userMessage, type Frame } from './__fixtures__/test-clients.js';

let server: ResponsesServer | undefined;
const sockets: RawSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await server?.close();
  server = undefined;
});

async function open(options: Parameters<typeof startResponsesServer>[0] = {}): Promise<{ server: ResponsesServer; socket: RawSocket }> {
  server = await startResponsesServer(options);
  const socket = await RawSocket.open(server.wsUrl);
  sockets.push(socket);
  return { server, socket };
}

const typesOf = (frames: Frame[]): unknown[] => frames.map((frame) => frame['type']).filter((type) => type !== 'codex.rate_limits' && type !== 'response.metadata' && !String(type).includes('.delta'));
const idOf = (frame: Frame | undefined): string => (frame?.['response'] as { id: string }).id;
const created = (frames: Frame[]): Frame[] => frames.filter((frame) => frame['type'] === 'response.created');
const steerAnswer = (frames: Frame[]): Frame | undefined => frames.find((frame) => String(frame['type']).startsWith('response.steer.'));

describe('loopback steering', () => {
  it('accepts a steer, stops the response at the next boundary (steered) and starts a successor with the input', async () => {
    const { server: target, socket } = await open();
    target.steering.hold('after-created');
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hello')], stream_id: 'lane-a' });
    const [first] = created(await socket.until((frames) => created(frames).length === 1));
    socket.send({ type: 'response.steer', previous_response_id: idOf(first), input: [{ role: 'user', content: 'say goodbye' }] });
    const frames = await socket.until((seen) => seen.filter((frame) => frame['type'] === 'response.completed').length === 1);
    const accepted = steerAnswer(frames);
    expect(accepted).toEqual({ type: 'response.steer.accepted', sequence_number: expect.any(Number), stream_id: 'lane-a', steer: { id: expect.stringMatching(/^steer_[0-9a-f]{32}$/), previous_response_id: idOf(first) } });
    const incomplete = frames.find((frame) => frame['type'] === 'response.incomplete') as { response: { id: string; status: string; incomplete_details: unknown; output: unknown[] }; stream_id: string };
    expect(incomplete.response).toMatchObject({ id: idOf(first), status: 'incomplete', incomplete_details: { reason: 'steered' } });
    expect(incomplete.response.output.length).toBeGreaterThan(0);
    expect(incomplete.stream_id).toBe('lane-a');
    const [, successor] = created(frames);
    expect(idOf(successor)).not.toBe(idOf(first));
    const completed = frames.find((frame) => frame['type'] === 'response.completed') as { response: { id: string; output: { content?: { text: string }[] }[] } };
    expect(completed.response.id).toBe(idOf(successor));
    expect(JSON.stringify(completed.response.output)).toContain('say goodbye');
    // The successor is the lane's latest response: the next request continues it.
    socket.frames.length = 0;
    socket.send({ type: 'response.create', model: 'gpt-test', previous_response_id: idOf(successor), input: [userMessage('more')], stream_id: 'lane-a' });
    const next = await socket.until((seen) => seen.some((frame) => frame['type'] === 'response.completed' || frame['type'] === 'error'));
    expect(next.some((frame) => frame['type'] === 'error')).toBe(false);
  });

  it('completes, then starts an automatic successor for input accepted after the last boundary', async () => {
    const { server: target, socket } = await open();
    target.steering.hold('before-completed');
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hello')] });
    const [first] = created(await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.output_item.done')));
    socket.send({ type: 'response.steer', previous_response_id: idOf(first), input: 'one more thing' });
    const frames = await socket.until((seen) => seen.filter((frame) => frame['type'] === 'response.completed').length === 2);
    expect(typesOf(frames).filter((type) => String(type).startsWith('response.') && !String(type).startsWith('response.output') && !String(type).startsWith('response.content'))).toEqual([
      'response.created',
      'response.in_progress',
      'response.steer.accepted',
      'response.completed',
      'response.created',
      'response.in_progress',
      'response.completed',
    ]);
  });

  it('keeps input pending while the response waits for tool output; the continuation gets it prepended', async () => {
    const { server: target, socket } = await open();
    target.steering.hold('before-completed');
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('run: ls')], tools });
    const [first] = created(await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.output_item.done' && (frame['item'] as { type: string }).type === 'function_call')));
    socket.send({ type: 'response.steer', previous_response_id: idOf(first), input: 'then stop' });
    const frames = await socket.until((seen) => seen.some((frame) => frame['type'] === 'response.steer.pending'));
    const call = frames.find((frame) => frame['type'] === 'response.output_item.done' && (frame['item'] as { type: string }).type === 'function_call')?.['item'] as { call_id: string; name: string };
    const pending = steerAnswer(frames.filter((frame) => frame['type'] === 'response.steer.pending'));
    expect(pending).toEqual({
      type: 'response.steer.pending',
      sequence_number: expect.any(Number),
      reason: 'waiting_for_required_input',
      required_input: [{ type: 'function_call_output', call_id: call.call_id, name: call.name }],
      steer: { id: expect.stringMatching(/^steer_/), previous_response_id: idOf(first) },
    });
    expect(frames.findIndex((frame) => frame['type'] === 'response.completed')).toBeLessThan(frames.indexOf(pending as Frame));
    socket.frames.length = 0;
    socket.send({ type: 'response.create', model: 'gpt-test', previous_response_id: idOf(first), input: [{ type: 'function_call_output', call_id: call.call_id, output: 'file.txt' }], tools });
    await socket.until((seen) => seen.some((frame) => frame['type'] === 'response.completed'));
    expect(target.recording.requests.at(-1)?.body).toMatchObject({ previous_response_id: idOf(first) });
  });

  it.each([
    ['a field the API does not take', { stream_id: 'x' }, 'invalid_input'],
    ['a tool output', { input: [{ type: 'function_call_output', call_id: 'c', output: 'x' }] }, 'invalid_input'],
    ['an assistant message', { input: [{ role: 'assistant', content: 'x' }] }, 'invalid_input'],
    ['an empty array', { input: [] }, 'invalid_input'],
    ['an unknown response', { previous_response_id: 'resp_nowhere' }, 'response_not_found'],
  ])('refuses %s with response.steer.failed, handing the input back', async (_name, override, code) => {
    const { server: target, socket } = await open();
    target.steering.hold('after-created');
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hello')] });
    const [first] = created(await socket.until((frames) => created(frames).length === 1));
    const steer = { type: 'response.steer', previous_response_id: idOf(first), input: 'x', ...override };
    socket.send(steer);
    const failed = steerAnswer(await socket.until((frames) => steerAnswer(frames) !== undefined));
    expect(failed).toMatchObject({ type: 'response.steer.failed', error: { type: 'invalid_request_error', code, message: expect.any(String) }, steer: { previous_response_id: steer.previous_response_id, input: steer.input } });
    expect((failed?.['steer'] as { id?: string }).id).toBeUndefined();
  });

  it('refuses a completed response, an unsupported model, a stopped response and too many pending steers', async () => {
    const { server: target, socket } = await open({ steering: { supported: (model) => model !== 'gpt-old', maxPendingSteers: 1 } });
    const answer = async (previous: string, input = 'x'): Promise<Frame | undefined> => {
      const before = socket.frames.length;
      socket.send({ type: 'response.steer', previous_response_id: previous, input });
      const after = await socket.until((frames) => steerAnswer(frames.slice(before)) !== undefined);
      return steerAnswer(after.slice(before));
    };
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hello')] });
    const [done] = created(await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.completed')));
    expect((await answer(idOf(done)))?.['error']).toMatchObject({ code: 'response_already_completed' });

    socket.frames.length = 0;
    target.steering.hold('after-created');
    socket.send({ type: 'response.create', model: 'gpt-old', input: [userMessage('hello')] });
    const [old] = created(await socket.until((frames) => created(frames).length === 1));
    expect((await answer(idOf(old)))?.['error']).toMatchObject({ code: 'steering_not_supported' });
    await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.completed'));

    socket.frames.length = 0;
    target.steering.hold('after-first-item');
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hello')] });
    const [stopped] = created(await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.output_item.done')));
    expect((await answer(idOf(stopped)))?.['type']).toBe('response.steer.accepted');
    await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.completed'));
    expect((await answer(idOf(stopped)))?.['error']).toMatchObject({ code: 'response_not_active' });

    // A response that stalls after response.created never reaches a boundary: its queue fills up.
    socket.frames.length = 0;
    target.faults.next({ kind: 'stall', afterEvents: 1 }, { on: 'websocket' });
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hello')] });
    const [stalled] = created(await socket.until((frames) => created(frames).length === 1));
    expect((await answer(idOf(stalled), 'one'))?.['type']).toBe('response.steer.accepted');
    expect(await answer(idOf(stalled), 'two')).toMatchObject({ error: { code: 'too_many_pending_steers' }, steer: { input: 'two' } });
  });

  it('fails every steer of a successor that cannot be created, with their ids', async () => {
    const { server: target, socket } = await open();
    target.steering.hold('after-first-item');
    target.steering.failNextSuccessor();
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hello')] });
    const [first] = created(await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.output_item.done')));
    socket.send({ type: 'response.steer', previous_response_id: idOf(first), input: 'x' });
    const frames = await socket.until((seen) => seen.some((frame) => frame['type'] === 'response.steer.failed'));
    const accepted = frames.find((frame) => frame['type'] === 'response.steer.accepted') as { steer: { id: string } };
    expect(frames.find((frame) => frame['type'] === 'response.steer.failed')).toMatchObject({ error: { code: 'successor_creation_failed' }, steer: { id: accepted.steer.id, input: 'x' } });
    expect(created(frames)).toHaveLength(1);
  });
});
