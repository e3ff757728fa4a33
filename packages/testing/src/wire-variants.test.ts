// The wire variants of today's API the server can produce: headers on the 101, the metadata
// event under both names, the shapes of an error event, reasoning re-encrypted on completion.
import { afterEach, describe, expect, it } from 'vitest';
import { Closables, startResponsesServer, type ResponsesServer } from './index.js';
import { completedOf, parseSse, RawSocket, userMessage, type Frame } from './__fixtures__/test-clients.js';

// Servers and sockets a test opened, closed after it (sockets first: the last added closes first).
const closables = new Closables();
afterEach(() => closables.closeAll());

async function start(options: Parameters<typeof startResponsesServer>[0] = {}): Promise<ResponsesServer> {
  return closables.add(await startResponsesServer(options));
}

async function open(target: ResponsesServer): Promise<RawSocket> {
  const socket = await RawSocket.open(target.wsUrl);
  return closables.add(socket);
}

const reasoningRequest = { model: 'gpt-test', reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'], input: [userMessage('hi')] };

describe('wire variants', () => {
  it('adds the configured headers to every 101, as given or per handshake', async () => {
    const target = await start({ upgradeHeaders: ({ connectionId }) => ({ 'x-codex-turn-state': `ts-connection-${connectionId}`, 'openai-model': 'gpt-routed' }) });
    const first = await open(target);
    const second = await open(target);
    expect(first.upgradeHeaders['x-codex-turn-state']).toBe(`ts-connection-${target.recording.handshakes[0]?.connectionId}`);
    expect(second.upgradeHeaders['x-codex-turn-state']).toBe(`ts-connection-${target.recording.handshakes[1]?.connectionId}`);
    expect(second.upgradeHeaders['openai-model']).toBe('gpt-routed');
    await target.close();
    const plain = await start({ upgradeHeaders: { 'x-reasoning-included': 'true' } });
    expect((await open(plain)).upgradeHeaders['x-reasoning-included']).toBe('true');
  });

  it('sends its per-response metadata as codex.response.metadata when asked to', async () => {
    const target = await start({ metadataEvent: 'codex.response.metadata' });
    const frames = await (await open(target)).request({ model: 'gpt-test', input: [userMessage('hi')] });
    expect(frames.map((frame) => frame['type']).slice(0, 3)).toEqual(['codex.rate_limits', 'codex.response.metadata', 'response.created']);
    expect(frames[1]?.['headers']).toMatchObject({ 'openai-model': 'gpt-test' });
  });

  it('sends an error frame in the nested, wrapped or flat shape, with status or status_code', async () => {
    const target = await start();
    const socket = await open(target);
    const headers = { 'x-codex-primary-used-percent': '100' };
    const errorFrame = async (fault: Record<string, unknown>): Promise<Frame | undefined> => {
      target.faults.next({ kind: 'error', code: 'usage_limit_reached', headers, errorFields: { plan_type: 'pro' }, ...fault } as never);
      return (await socket.request({ model: 'gpt-test', input: [userMessage('hi')] })).find((frame) => frame['type'] === 'error');
    };
    const error = { type: 'usage_limit_reached', code: 'usage_limit_reached', message: 'The usage limit has been reached', param: null, plan_type: 'pro' };
    expect(await errorFrame({})).toMatchObject({ type: 'error', status: 429, error: { ...error, headers } });
    expect(await errorFrame({ shape: 'wrapped' })).toMatchObject({ type: 'error', status: 429, error, headers });
    const codeOnly = await errorFrame({ shape: 'wrapped', statusField: 'status_code' });
    expect(codeOnly).toMatchObject({ status_code: 429, headers });
    expect(codeOnly).not.toHaveProperty('status');
    expect((codeOnly?.['error'] as Frame)['headers']).toBeUndefined();
    const flat = await errorFrame({ shape: 'flat' });
    expect(flat).toMatchObject({ type: 'error', code: 'usage_limit_reached', plan_type: 'pro', headers });
    expect(flat).not.toHaveProperty('error');
  });

  it('re-encrypts reasoning in response.completed (default), and not when told so; continuation keeps working', async () => {
    const target = await start();
    const socket = await open(target);
    const frames = await socket.request(reasoningRequest);
    const streamed = frames.find((frame) => frame['type'] === 'response.output_item.done')?.['item'] as Frame;
    const completed = completedOf(frames).response.output[0] as Frame;
    expect(streamed['type']).toBe('reasoning');
    expect(completed).toEqual({ ...streamed, encrypted_content: expect.any(String) });
    expect(completed['encrypted_content']).not.toBe(streamed['encrypted_content']);
    const next = completedOf(await socket.request({ ...reasoningRequest, previous_response_id: completedOf(frames).response.id, input: [userMessage('again')] }));
    expect(JSON.stringify(next.response.output)).toContain('You said: again');
    await target.close();

    const unchanged = await start({ reencryptReasoningOnCompletion: false });
    const response = await fetch(`${unchanged.url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...reasoningRequest, stream: true }) });
    const events = parseSse(await response.text()).map((event) => event.json as Frame);
    const done = events.find((event) => event['type'] === 'response.output_item.done')?.['item'];
    expect((completedOf(events).response.output[0] as Frame)['encrypted_content']).toBe((done as Frame)['encrypted_content']);
  });
});
