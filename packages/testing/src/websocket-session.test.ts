import { afterEach, describe, expect, it } from 'vitest';
import { Closables, startResponsesServer, type ResponsesServer } from './index.js';
import { completedOf, RawSocket, tools, userMessage, type Frame } from './__fixtures__/test-clients.js';

// Servers and sockets a test opened, closed after it (sockets first: the last added closes first).
const closables = new Closables();
afterEach(() => closables.closeAll());

async function start(options: Parameters<typeof startResponsesServer>[0] = {}): Promise<ResponsesServer> {
  return closables.add(await startResponsesServer(options));
}

async function open(target: ResponsesServer, headers: Record<string, string> = {}): Promise<RawSocket> {
  const socket = await RawSocket.open(target.wsUrl, { headers: { authorization: 'Bearer sk-test', ...headers } });
  return closables.add(socket);
}

const errorOf = (frames: Frame[]): { status?: number; error: { code: string } } =>
  frames.find((frame) => frame['type'] === 'error') as never;

describe('WebSocket mode', () => {
  it('records the handshake and sends rate limits and metadata before the response', async () => {
    const target = await start();
    const socket = await open(target, { 'openai-beta': 'responses_websockets=2026-02-06' });
    const frames = await socket.request({ model: 'gpt-test', input: [userMessage('hi')] });
    expect(frames.map((frame) => frame['type']).slice(0, 3)).toEqual(['codex.rate_limits', 'response.metadata', 'response.created']);
    expect(target.recording.handshakes[0]?.headers['openai-beta']).toBe('responses_websockets=2026-02-06');
    expect(target.recording.handshakes[0]?.status).toBe(101);
    expect(target.recording.requests[0]).toMatchObject({ transport: 'websocket', lane: 'default', connectionId: target.recording.handshakes[0]?.connectionId });
    expect(frames.some((frame) => frame['type'] === 'responsesapi.websocket_timing')).toBe(false);
  });

  it('sends timing events when the handshake asked for them', async () => {
    const target = await start();
    const socket = await open(target, { 'x-responsesapi-include-timing-metrics': 'true' });
    const frames = await socket.request({ model: 'gpt-test', input: [userMessage('hi')] });
    const types = frames.map((frame) => frame['type']);
    expect(types.at(-2)).toBe('responsesapi.websocket_timing');
  });

  it('continues on the same socket and answers previous_response_not_found on another', async () => {
    const target = await start();
    const socket = await open(target);
    const first = completedOf(await socket.request({ model: 'gpt-test', input: [userMessage('run: pwd')], tools }));
    const call = first.response.output[0]!;
    const second = completedOf(
      await socket.request({
        model: 'gpt-test',
        tools,
        previous_response_id: first.response.id,
        input: [{ type: 'function_call_output', call_id: call['call_id'], output: '/work' }],
      }),
    );
    expect(JSON.stringify(second.response.output)).toContain('/work');
    // Only the latest response is kept: the first id is no longer chainable.
    const stale = errorOf(await socket.request({ model: 'gpt-test', previous_response_id: first.response.id, input: [] }));
    expect(stale.status).toBe(400);
    expect(stale.error.code).toBe('previous_response_not_found');
    const other = await open(target);
    const missing = errorOf(await other.request({ model: 'gpt-test', previous_response_id: second.response.id, input: [] }));
    expect(missing.error.code).toBe('previous_response_not_found');
  });

  it('stores a response created over the socket unless store is false: HTTP continues it', async () => {
    const target = await start();
    const socket = await open(target);
    const stored = completedOf(await socket.request({ model: 'gpt-test', input: [userMessage('kept')] }));
    const unstored = completedOf(await socket.request({ model: 'gpt-test', input: [userMessage('not kept')], store: false }));
    const continueOverHttp = (previous: string) =>
      fetch(`${target.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: JSON.stringify({ model: 'gpt-test', previous_response_id: previous, input: 'and then?' }),
      });
    expect((await continueOverHttp(stored.response.id)).status).toBe(200);
    const refused = await continueOverHttp(unstored.response.id);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'previous_response_not_found' } });
  });

  it('warms up with generate:false and chains from the warm-up id', async () => {
    const target = await start();
    const socket = await open(target);
    const warm = completedOf(await socket.request({ model: 'gpt-test', generate: false, instructions: 'be nice', tools, input: [] }));
    expect(warm.response.output).toEqual([]);
    const answer = completedOf(await socket.request({ model: 'gpt-test', previous_response_id: warm.response.id, input: [userMessage('hello')] }));
    expect(JSON.stringify(answer.response.output)).toContain('You said: hello');
  });

  it('serves one response at a time per lane, in order, and lanes side by side', async () => {
    const target = await start({ tokenDelayMs: 1 });
    const socket = await open(target);
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('first answer please')] });
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('second')] });
    const frames = await socket.terminals(2);
    const ids = frames.filter((frame) => 'response' in frame).map((frame) => (frame['response'] as { id: string }).id);
    const firstId = ids[0];
    const lastOfFirst = ids.lastIndexOf(firstId!);
    expect(ids.slice(0, lastOfFirst + 1).every((id) => id === firstId)).toBe(true);
    expect(new Set(ids).size).toBe(2);

    const laneFrom = socket.frames.length;
    socket.send({ type: 'response.create', stream_id: 'a', model: 'gpt-test', input: [userMessage('on lane a')] });
    socket.send({ type: 'response.create', stream_id: 'b', model: 'gpt-test', input: [userMessage('on lane b')] });
    const laneFrames = (await socket.terminals(2, laneFrom)).filter((frame) => frame['type'] === 'response.completed');
    expect(laneFrames.map((frame) => frame['stream_id']).sort()).toEqual(['a', 'b']);
    expect(target.recording.requests.slice(2).map((request) => request.lane)).toEqual(['a', 'b']);
  });

  it('refuses more named lanes than allowed', async () => {
    const target = await start({ maxLanes: 1 });
    const socket = await open(target);
    await socket.request({ stream_id: 'one', model: 'gpt-test', input: [userMessage('x')] });
    const refused = errorOf(await socket.request({ stream_id: 'two', model: 'gpt-test', input: [userMessage('x')] }));
    expect(refused.error.code).toBe('websocket_stream_limit_reached');
  });

  it('answers websocket_connection_limit_reached once the socket is too old', async () => {
    const target = await start({ connectionAgeLimitMs: 30 });
    const socket = await open(target);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const frames = await socket.request({ model: 'gpt-test', input: [userMessage('late')] });
    expect(errorOf(frames).error.code).toBe('websocket_connection_limit_reached');
    expect(await socket.closed).toBe(1000);
  });

  it('tracks sticky routing through client_metadata', async () => {
    const target = await start();
    const socket = await open(target);
    const metadata = (turnId: string, state?: string): Record<string, string> => ({
      'x-codex-turn-metadata': JSON.stringify({ turn_id: turnId }),
      ...(state ? { 'x-codex-turn-state': state } : {}),
    });
    const first = await socket.request({ model: 'gpt-test', input: [userMessage('a')], client_metadata: metadata('t1') });
    const token = (first.find((frame) => frame['type'] === 'response.metadata')?.['headers'] as Record<string, string>)['x-codex-turn-state'];
    expect(token).toMatch(/^ts_/);
    await socket.request({ model: 'gpt-test', input: [userMessage('b')], client_metadata: metadata('t1', token) });
    expect(target.recording.stickyViolations).toEqual([]);
    await socket.request({ model: 'gpt-test', input: [userMessage('c')], client_metadata: metadata('t1') });
    await socket.request({ model: 'gpt-test', input: [userMessage('d')], client_metadata: metadata('t2', token) });
    expect(target.recording.stickyViolations.map((violation) => [violation.kind, violation.transport])).toEqual([
      ['missing', 'websocket'],
      ['replayed', 'websocket'],
    ]);
  });

  it('answers scripted events exactly, from the queue and from the model option', async () => {
    const target = await start({
      model: (request) => (request.requestIndex === 1 ? { events: [{ type: 'response.created', response: { id: 'resp_model' } }, { type: 'response.completed', response: { id: 'resp_model', output: [] } }] } : undefined),
    });
    target.script.next({ events: [{ type: 'response.created', response: { id: 'resp_script' }, sequence_number: 0 }, { type: 'response.completed', response: { id: 'resp_script', output: [{ type: 'message', role: 'assistant', content: [] }] }, sequence_number: 1 }] });
    const socket = await open(target);
    const scripted = (await socket.request({ model: 'gpt-test', input: [] })).filter((frame) => String(frame['type']).startsWith('response.') && frame['type'] !== 'response.metadata');
    expect(scripted).toEqual([
      { type: 'response.created', response: { id: 'resp_script' }, sequence_number: 0 },
      { type: 'response.completed', response: { id: 'resp_script', output: [{ type: 'message', role: 'assistant', content: [] }] }, sequence_number: 1 },
    ]);
    const fromModel = completedOf(await socket.request({ model: 'gpt-test', previous_response_id: 'resp_script', input: [] }));
    expect(fromModel.response.id).toBe('resp_model');
    expect(fromModel['sequence_number']).toBe(1);
    const fallback = completedOf(await socket.request({ model: 'gpt-test', input: [userMessage('default again')] }));
    expect(JSON.stringify(fallback.response.output)).toContain('default again');
    expect(target.script.pending).toBe(0);
  });

  it('answers invalid frames with error frames and keeps the socket open', async () => {
    const target = await start();
    const socket = await open(target);
    socket.socket.send('{nope');
    await socket.until((frames) => frames.length >= 1);
    socket.send({ type: 'session.update' });
    await socket.until((frames) => frames.length >= 2);
    expect(socket.frames.map((frame) => (frame['error'] as { code: string }).code)).toEqual(['invalid_json', 'unknown_event_type']);
    completedOf(await socket.request({ model: 'gpt-test', input: [userMessage('still fine')] }));
    expect(target.recording.counters.requests.websocket).toBe(3);
  });
});
