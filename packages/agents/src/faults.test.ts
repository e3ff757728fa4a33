// Faults below the SDK, over real sockets: what the client absorbs (a connection closed before
// any output, a 426 on the upgrade, previous_response_not_found) the agent run never sees;
// what it cannot absorb reaches the SDK as the error openai-node raises for the API's answer.
// Abort, close and leaks.
import { ClosedError } from '@modelwire/client';
import { activeResources, Closables, settledLeaks, startResponsesServer, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import { Agent, Runner, user, type Model, type ModelRequest, type StreamEvent } from '@openai/agents';
import OpenAI, { type APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { clientOptionsFor, httpModel, plainOpenAI, startProvider } from './__fixtures__/agents-setup.js';
import { ModelwireProvider } from './modelwire-provider.js';

const open = new Closables();
afterEach(() => open.closeAll());

async function plainServer(options: ResponsesServerOptions = {}): Promise<ResponsesServer> {
  return open.add(await startResponsesServer({ tokenDelayMs: 0, ...options }));
}

const runner = new Runner({ tracingDisabled: true });

async function streamedRun(model: Model, input: string | ReturnType<typeof user>[]): Promise<{ finalOutput: unknown; events: string[] }> {
  const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model });
  const result = await runner.run(agent, input, { stream: true });
  const events: string[] = [];
  for await (const event of result) {
    if (event.type === 'raw_model_stream_event') events.push(event.data.type === 'model' ? `model:${(event.data.event as { type: string }).type}` : event.data.type);
  }
  await result.completed;
  return { finalOutput: result.finalOutput, events };
}

function requestOf(input: ModelRequest['input'], signal?: AbortSignal): ModelRequest {
  return { systemInstructions: 'Be brief.', input, modelSettings: {}, tools: [], outputType: 'text', handoffs: [], tracing: false, ...(signal ? { signal } : {}) };
}

describe('faults the SDK never sees', () => {
  it.each([
    ['WebSocket', true],
    ['HTTP/SSE', false],
  ])('a connection closed after response.created, before any output (%s): sent again, the run streams as usual', async (_label, webSockets) => {
    const plain = await plainServer();
    const expected = await streamedRun(httpModel(plain), 'hello there');
    const setup = open.add(await startProvider({}, { supportsWebSockets: webSockets }));
    setup.server.faults.next({ kind: 'close', afterEvents: 2, ...(webSockets ? { code: 1011 } : {}) }, { on: webSockets ? 'websocket' : 'http' });
    const seen = await streamedRun(setup.provider.getModel('gpt-4.1'), 'hello there');
    expect(seen).toEqual(expected);
    expect(seen.events.filter((type) => type === 'model:response.created')).toHaveLength(1);
    expect(setup.server.recording.requests).toHaveLength(2);
  });

  it('a 426 on the WebSocket upgrade: the session goes on over HTTP, the run streams as usual', async () => {
    const server = await plainServer();
    server.faults.next({ kind: 'refuse-upgrade', status: 426 }, { on: 'handshake' });
    const provider = open.add(new ModelwireProvider(clientOptionsFor(server), { openai: plainOpenAI(server) }));
    const seen = await streamedRun(provider.getModel('gpt-4.1'), 'hello there');
    expect(seen.finalOutput).toBe('You said: hello there');
    expect(provider.client.fallbackReason).toBe('upgrade_required');
    expect(server.recording.counters.requests).toEqual({ http: 1, websocket: 0 });
  });

  it('previous_response_not_found on a continuation: the client resends in full, the run streams as usual', async () => {
    const setup = open.add(await startProvider());
    const model = setup.provider.getModel('gpt-4.1');
    const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model });
    const first = await runner.run(agent, 'first');
    setup.server.faults.next({ kind: 'error', code: 'previous_response_not_found' }, { on: 'websocket' });
    const second = await streamedRun(model, [...first.history, user('second')] as ReturnType<typeof user>[]);
    expect(second.finalOutput).toBe('You said: second');
    expect(second.events).not.toContain('model:error');
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies.map((body) => typeof body['previous_response_id'])).toEqual(['undefined', 'string', 'undefined']);
  });
});

describe('failures the SDK sees as it sees the API answer them', () => {
  it('a refused request (an error frame before response.created) is the BadRequestError openai-node raises for the API answer', async () => {
    const plain = await plainServer();
    // Over HTTP the API refuses such a request with a 400 before any stream.
    plain.faults.next({ kind: 'http-status', status: 400, body: JSON.stringify({ error: { message: 'Your input exceeds the context window of this model.', type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' } }) }, { on: 'http' });
    const overHttp = await streamedRun(httpModel(plain), 'too long').catch((caught: unknown) => caught);
    const setup = open.add(await startProvider());
    setup.server.faults.next({ kind: 'error', code: 'context_length_exceeded', status: 400 }, { on: 'websocket' });
    const through = await streamedRun(setup.provider.getModel('gpt-4.1'), 'too long').catch((caught: unknown) => caught);
    expect(overHttp).toBeInstanceOf(OpenAI.BadRequestError);
    expect(through).toBeInstanceOf(OpenAI.BadRequestError);
    expect(through).toMatchObject({ status: 400, code: 'context_length_exceeded', type: (overHttp as APIError).type, message: (overHttp as APIError).message });
  });

  it('a rate limit the client retried to the end of its budget is a RateLimitError that says not to retry', async () => {
    const setup = open.add(await startProvider({}, { requestMaxRetries: 1, streamMaxRetries: 0 }));
    setup.server.faults.use((target) => (target.phase === 'request' ? { kind: 'error', code: 'rate_limit_exceeded', status: 429, message: 'Rate limit reached. Please try again in 1ms.' } : undefined));
    const error = await setup.provider.getModel('gpt-4.1').getStreamedResponse(requestOf('hi'))[Symbol.asyncIterator]().next().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).headers?.get('x-should-retry')).toBe('false');
    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'websocket', 'http', 'http']);
  });

  it('an error event after output throws the APIError openai-node throws for it; a cut after output throws; the next call works', async () => {
    const plain = await plainServer({ answerChars: 200 });
    plain.faults.next({ kind: 'error', code: 'server_error', afterEvents: 6 }, { on: 'http' });
    const overHttp = await streamedRun(httpModel(plain), 'fail late').catch((caught: unknown) => caught);
    const setup = open.add(await startProvider({ answerChars: 200 }));
    const model = setup.provider.getModel('gpt-4.1');
    setup.server.faults.next({ kind: 'error', code: 'server_error', afterEvents: 6 }, { on: 'websocket' });
    const failed = await streamedRun(model, 'fail late').catch((caught: unknown) => caught);
    expect(overHttp).toBeInstanceOf(OpenAI.APIError);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect(failed).toMatchObject({ status: undefined, code: 'server_error', message: (overHttp as Error).message });
    setup.server.faults.next({ kind: 'close', afterEvents: 6, code: 1011 }, { on: 'websocket' });
    const cut = await streamedRun(model, 'cut me').catch((caught: unknown) => caught);
    expect(cut).toBeInstanceOf(TypeError);
    expect((cut as TypeError).message).toBe('terminated');
    expect((await streamedRun(model, 'again')).finalOutput).toMatch(/^You said: again/);
  });
});

describe('abort, close and leaks', () => {
  it('the request signal: mid-stream the events stop without an error, before the first event the call rejects with APIUserAbortError; the session goes on', async () => {
    const setup = open.add(await startProvider({ tokenDelayMs: 5, answerChars: 400 }));
    const model = setup.provider.getModel('gpt-4.1');
    const midStream = new AbortController();
    const types: string[] = [];
    for await (const event of model.getStreamedResponse(requestOf('long', midStream.signal)) as AsyncIterable<StreamEvent>) {
      types.push(event.type);
      if (event.type === 'output_text_delta') midStream.abort();
    }
    expect(types).toContain('output_text_delta');
    expect(types).not.toContain('response_done');
    const early = new AbortController();
    early.abort();
    await expect(model.getStreamedResponse(requestOf('never', early.signal))[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    expect((await streamedRun(model, 'next')).finalOutput).toMatch(/^You said: next/);
  });

  it('leaves nothing open once the provider is closed; calls made afterwards fail with the client ClosedError', async () => {
    const baseline = activeResources();
    const server = await startResponsesServer({ tokenDelayMs: 0 });
    const provider = new ModelwireProvider(clientOptionsFor(server), { openai: plainOpenAI(server) });
    const model = provider.getModel('gpt-4.1');
    await streamedRun(model, 'one');
    await runner.run(new Agent({ name: 'assistant', model }), 'two');
    await provider.close();
    await server.close();
    expect(await settledLeaks(baseline)).toEqual([]);
    await expect(runner.run(new Agent({ name: 'assistant', model }), 'after close')).rejects.toBeInstanceOf(ClosedError);
  });
});
