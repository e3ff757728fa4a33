// Faults below the SDK, over real sockets: what the client absorbs (a socket closed before any
// output, a 426 on the upgrade, previous_response_not_found) the SDK never sees; what it cannot
// absorb reaches the SDK as the error type the API's own answer gives it.
import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateText } from 'ai';
import OpenAI, { type APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Closables, startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { clientOptionsFor, startAdapter } from '../__fixtures__/adapter-setup.js';
import { createModelwireFetch, type FetchFunction, type ModelwireFetch } from '../create-modelwire-fetch.js';

const open = new Closables();
afterEach(() => open.closeAll());

function sdk(baseURL: string, fetch: FetchFunction): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, fetch });
}

/** Streams one request and returns the event types, their sequence numbers and the text. */
async function streamed(client: OpenAI, input: string): Promise<{ types: string[]; sequence: number[]; text: string; responseId: string }> {
  const events = await client.responses.create({ model: 'gpt-4.1', input, stream: true });
  const types: string[] = [];
  const sequence: number[] = [];
  let text = '';
  let responseId = '';
  for await (const event of events) {
    types.push(event.type);
    sequence.push(event.sequence_number);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') responseId = event.response.id;
  }
  return { types, sequence, text, responseId };
}

async function startPlain(): Promise<ResponsesServer> {
  return open.add(await startResponsesServer({ tokenDelayMs: 0 }));
}

describe('faults the SDK never sees', () => {
  it.each([
    ['WebSocket', true],
    ['HTTP/SSE', false],
  ])('a connection closed after response.created and before any output (%s): the request is sent again, the SDK sees one normal stream', async (_label, webSockets) => {
    const plain = await startPlain();
    const expected = await streamed(new OpenAI({ apiKey: 'sk-test', baseURL: plain.url, maxRetries: 0 }), 'hello there');
    const setup = open.add(await startAdapter({}, { supportsWebSockets: webSockets }));
    setup.server.faults.next({ kind: 'close', afterEvents: 2, ...(webSockets ? { code: 1011 } : {}) }, { on: webSockets ? 'websocket' : 'http' });
    const seen = await streamed(sdk(setup.server.url, setup.fetch), 'hello there');
    expect(seen.types).toEqual(expected.types);
    expect(seen.types.filter((type) => type === 'response.created')).toHaveLength(1);
    expect(seen.sequence).toEqual(seen.types.map((_, index) => index));
    expect(seen.text).toBe(expected.text);
    expect(setup.server.recording.requests).toHaveLength(2);
    expect(seen.responseId).toBe(setup.server.recording.requests[1]?.responseId);
  });

  it('a 426 on the WebSocket upgrade: the session goes on over HTTP and the SDK sees a normal stream', async () => {
    const server = await startPlain();
    server.faults.next({ kind: 'refuse-upgrade', status: 426 }, { on: 'handshake' });
    const fetch = open.add(createModelwireFetch(clientOptionsFor(server)));
    const seen = await streamed(sdk(server.url, fetch), 'hello there');
    expect(seen.text).toBe('You said: hello there');
    expect(fetch.client.fallbackReason).toBe('upgrade_required');
    expect(server.recording.counters.requests).toEqual({ http: 1, websocket: 0 });
  });

  it('previous_response_not_found on a continuation: the client resends in full, the SDK sees a normal stream', async () => {
    const setup = open.add(await startAdapter());
    const client = sdk(setup.server.url, setup.fetch);
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'first' }];
    const first = await client.responses.create({ model: 'gpt-4.1', input });
    input.push(...(first.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'second' });
    setup.server.faults.next({ kind: 'error', code: 'previous_response_not_found' }, { on: 'websocket' });
    const events = await client.responses.create({ model: 'gpt-4.1', input, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of events) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('You said: second');
    expect(types).not.toContain('error');
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies.map((body) => typeof body['previous_response_id'])).toEqual(['undefined', 'string', 'undefined']);
  });
});

describe('failures the SDK sees as the API would answer them', () => {
  it('a refused request (an error frame before response.created) is the API status and error body: BadRequestError, and the AI SDK APICallError', async () => {
    const setup = open.add(await startAdapter());
    setup.server.faults.next({ kind: 'error', code: 'context_length_exceeded', status: 400 }, { on: 'websocket' });
    const error = await sdk(setup.server.url, setup.fetch)
      .responses.create({ model: 'gpt-4.1', input: 'too long', stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', type: 'invalid_request_error' });

    setup.server.faults.next({ kind: 'error', code: 'context_length_exceeded', status: 400 }, { on: 'websocket' });
    const provider = createOpenAI({ apiKey: 'sk-test', baseURL: setup.server.url, fetch: setup.fetch });
    const aiError = await generateText({ model: provider.responses('gpt-4.1'), prompt: 'too long', maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(aiError)).toBe(true);
    expect(aiError).toMatchObject({ statusCode: 400, isRetryable: false });
  });

  it('a request the client refuses to build goes to the API unchanged, which answers with its own error', async () => {
    const plain = await startPlain();
    const badTool = { type: 'function' as const, name: 'read file', parameters: {}, strict: false };
    const expected = await new OpenAI({ apiKey: 'sk-test', baseURL: plain.url, maxRetries: 0 }).responses.create({ model: 'gpt-4.1', input: 'hi', tools: [badTool] }).catch((caught: unknown) => caught);
    const setup = open.add(await startAdapter());
    const error = await sdk(setup.server.url, setup.fetch).responses.create({ model: 'gpt-4.1', input: 'hi', tools: [badTool] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'tools[0].name', code: 'invalid_value' });
    expect(JSON.stringify((error as APIError).error)).toBe(JSON.stringify((expected as APIError).error));
    expect(setup.server.recording.counters.requests).toEqual({ http: 1, websocket: 0 });
  });

  it('a rate limit the client retried to the end of its budget is a RateLimitError the SDK is told not to retry', async () => {
    const setup = open.add(await startAdapter({}, { requestMaxRetries: 1, streamMaxRetries: 0 }));
    setup.server.faults.use((target) => (target.phase === 'request' ? { kind: 'error', code: 'rate_limit_exceeded', status: 429, message: 'Rate limit reached. Please try again in 1ms.' } : undefined));
    const error = await sdk(setup.server.url, setup.fetch)
      .responses.create({ model: 'gpt-4.1', input: 'hi' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((error as APIError).headers?.get('x-should-retry')).toBe('false');
    // Two WebSocket attempts, the session-wide switch to HTTP, two HTTP attempts.
    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'websocket', 'http', 'http']);
  });

  it('a connection closed after output began ends the SDK stream with an error, and the next request works', async () => {
    const setup = open.add(await startAdapter({ answerChars: 200 }));
    setup.server.faults.next({ kind: 'close', afterEvents: 6, code: 1011 }, { on: 'websocket' });
    const client = sdk(setup.server.url, setup.fetch);
    const outcome = await streamed(client, 'cut me').catch((caught: unknown) => caught);
    expect(outcome).toBeInstanceOf(Error);
    expect((await streamed(client, 'again')).text).toMatch(/^You said: again/);
  });
});

describe('abort, pass-through and close', () => {
  it('the request signal aborts: mid-stream the SDK iteration stops, before the first event the SDK raises APIUserAbortError; the session goes on', async () => {
    const setup = open.add(await startAdapter({ tokenDelayMs: 5, answerChars: 400 }));
    const client = sdk(setup.server.url, setup.fetch);
    const midStream = new AbortController();
    const events = await client.responses.create({ model: 'gpt-4.1', input: 'long', stream: true }, { signal: midStream.signal });
    const types: string[] = [];
    for await (const event of events) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') midStream.abort();
    }
    // openai-node ends the iteration quietly on its own abort, as over HTTP.
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
    const early = new AbortController();
    const pending = client.responses.create({ model: 'gpt-4.1', input: 'never', stream: true }, { signal: early.signal });
    early.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    expect((await streamed(client, 'next')).text).toMatch(/^You said: next/);
  });

  it('passes every other request, and a body it cannot serve, through to the given fetch unchanged', async () => {
    const server = await startPlain();
    const passed: string[] = [];
    const passThrough: FetchFunction = (input, init) => {
      passed.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return globalThis.fetch(input, init);
    };
    const fetch: ModelwireFetch = open.add(createModelwireFetch(clientOptionsFor(server), { fetch: passThrough }));
    const client = sdk(server.url, fetch);
    const listed = await client.models.list().catch((caught: unknown) => caught);
    expect(listed).toBeInstanceOf(OpenAI.NotFoundError);
    const first = await client.responses.create({ model: 'gpt-4.1', input: 'stored', store: true });
    await client.responses.create({ model: 'gpt-4.1', input: 'continued', previous_response_id: first.id });
    expect(passed).toEqual([`GET ${server.url}/models`, `POST ${server.url}/responses`]);
    expect(server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'http']);
  });

  it('leaves nothing open once the adapter is closed', async () => {
    const { activeResources, settledLeaks } = await import('@modelwire/testing');
    const baseline = activeResources();
    const server = await startResponsesServer({ tokenDelayMs: 0 });
    const fetch = createModelwireFetch(clientOptionsFor(server));
    const client = sdk(server.url, fetch);
    await streamed(client, 'one');
    await client.responses.create({ model: 'gpt-4.1', input: 'two' });
    await fetch.close();
    await server.close();
    expect(await settledLeaks(baseline)).toEqual([]);
    await expect(client.responses.create({ model: 'gpt-4.1', input: 'after close' })).rejects.toBeInstanceOf(Error);
  });
});
