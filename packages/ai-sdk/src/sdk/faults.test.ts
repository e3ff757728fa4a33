// Faults below the AI SDK, over real sockets: what the client absorbs (a connection closed
// before any output, a 426 on the upgrade, previous_response_not_found) the AI SDK never
// sees; what it cannot absorb reaches the AI SDK as the error it gets from the API over its
// own HTTP path (APICallError with the status). Abort, and nothing left open after close.
import { activeResources, Closables, settledLeaks, startResponsesServer, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import { APICallError, generateText, streamText, type LanguageModel, type ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelwire } from '../create-modelwire.js';
import { clientOptionsFor, openAiModel, startProvider } from '../__fixtures__/provider-setup.js';

const open = new Closables();
afterEach(() => open.closeAll());

async function startPlain(options: ResponsesServerOptions = {}): Promise<ResponsesServer> {
  return open.add(await startResponsesServer({ tokenDelayMs: 0, ...options }));
}

/** Streams one prompt; the part types the AI SDK's full stream shows, and the text. */
async function streamed(model: LanguageModel, prompt: string | ModelMessage[]): Promise<{ types: string[]; text: string; finishReason: string }> {
  const result = streamText({ model, maxRetries: 0, ...(typeof prompt === 'string' ? { prompt } : { messages: prompt }), onError: () => undefined });
  const types: string[] = [];
  for await (const part of result.fullStream) types.push(part.type);
  return { types, text: await result.text, finishReason: await result.finishReason };
}

describe('faults the AI SDK never sees', () => {
  it.each([
    ['WebSocket', true],
    ['HTTP/SSE', false],
  ])('a connection closed after response.created and before any output (%s): sent again, the AI SDK sees one normal stream', async (_label, webSockets) => {
    const plain = await startPlain();
    const expected = await streamed(openAiModel(plain, 'gpt-4.1'), 'hello there');
    const setup = open.add(await startProvider({}, { supportsWebSockets: webSockets }));
    setup.server.faults.next({ kind: 'close', afterEvents: 2, ...(webSockets ? { code: 1011 } : {}) }, { on: webSockets ? 'websocket' : 'http' });
    const seen = await streamed(setup.provider('gpt-4.1'), 'hello there');
    expect(seen).toEqual(expected);
    expect(seen.text).toBe('You said: hello there');
    expect(setup.server.recording.requests).toHaveLength(2);
  });

  it('a 426 on the WebSocket upgrade: the session goes on over HTTP and the AI SDK sees a normal stream', async () => {
    const server = await startPlain();
    server.faults.next({ kind: 'refuse-upgrade', status: 426 }, { on: 'handshake' });
    const provider = open.add(createModelwire(clientOptionsFor(server)));
    const seen = await streamed(provider('gpt-4.1'), 'hello there');
    expect(seen.text).toBe('You said: hello there');
    expect(seen.finishReason).toBe('stop');
    expect(provider.client.fallbackReason).toBe('upgrade_required');
    expect(server.recording.counters.requests).toEqual({ http: 1, websocket: 0 });
  });

  it('previous_response_not_found on a continuation: the client resends in full, the AI SDK sees a normal stream', async () => {
    const setup = open.add(await startProvider());
    const model = setup.provider('gpt-4.1');
    const messages: ModelMessage[] = [{ role: 'user', content: 'first' }];
    const first = await generateText({ model, messages, maxRetries: 0 });
    messages.push(...first.response.messages, { role: 'user', content: 'second' });
    setup.server.faults.next({ kind: 'error', code: 'previous_response_not_found' }, { on: 'websocket' });
    const seen = await streamed(model, messages);
    expect(seen.text).toBe('You said: second');
    expect(seen.types).not.toContain('error');
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies.map((body) => typeof body['previous_response_id'])).toEqual(['undefined', 'string', 'undefined']);
  });
});

describe('failures the AI SDK sees as the API would answer them', () => {
  it('a refused request (an error before response.created) is an APICallError with the status and body it gets over HTTP', async () => {
    const message = 'Your input exceeds the context window of this model.';
    const plain = await startPlain();
    const apiBody = { error: { message, type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' } };
    plain.faults.next({ kind: 'http-status', status: 400, body: JSON.stringify(apiBody) }, { on: 'http' });
    const overHttp = await generateText({ model: openAiModel(plain, 'gpt-4.1'), prompt: 'too long', maxRetries: 0 }).catch((caught: unknown) => caught);

    const setup = open.add(await startProvider());
    setup.server.faults.next({ kind: 'error', code: 'context_length_exceeded', status: 400, message }, { on: 'websocket' });
    const error = await generateText({ model: setup.provider('gpt-4.1'), prompt: 'too long', maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(overHttp)).toBe(true);
    expect(APICallError.isInstance(error)).toBe(true);
    const { statusCode, isRetryable } = overHttp as APICallError;
    expect(statusCode).toBe(400);
    expect(error).toMatchObject({ statusCode, isRetryable, message: (overHttp as APICallError).message });
    expect((error as APICallError).data).toMatchObject({ error: { code: 'context_length_exceeded' } });

    // streamText reports it as an error part, as over HTTP.
    setup.server.faults.next({ kind: 'error', code: 'context_length_exceeded', status: 400 }, { on: 'websocket' });
    const errors: unknown[] = [];
    const result = streamText({ model: setup.provider('gpt-4.1'), prompt: 'too long', maxRetries: 0, onError: ({ error: caught }) => void errors.push(caught) });
    await result.consumeStream();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ statusCode: 400 });
  });

  it('a rate limit the client retried to the end of its budget is an APICallError the AI SDK does not retry again', async () => {
    const setup = open.add(await startProvider({}, { requestMaxRetries: 1, streamMaxRetries: 0 }));
    setup.server.faults.use((target) => (target.phase === 'request' ? { kind: 'error', code: 'rate_limit_exceeded', status: 429, message: 'Rate limit reached. Please try again in 1ms.' } : undefined));
    const error = await generateText({ model: setup.provider('gpt-4.1'), prompt: 'hi', maxRetries: 2 }).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, isRetryable: false });
    // Two WebSocket attempts, the session-wide switch to HTTP, two HTTP attempts; no AI SDK retry on top.
    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'websocket', 'http', 'http']);
  });

  it('a connection closed after output began is an error part and finish reason error; the next call works', async () => {
    const setup = open.add(await startProvider({ answerChars: 200 }));
    setup.server.faults.next({ kind: 'close', afterEvents: 6, code: 1011 }, { on: 'websocket' });
    const seen = await streamed(setup.provider('gpt-4.1'), 'cut me');
    expect(seen.types).toContain('text-delta');
    expect(seen.types).toContain('error');
    expect(seen.finishReason).toBe('error');
    expect((await streamed(setup.provider('gpt-4.1'), 'again')).text).toMatch(/^You said: again/);
  });
});

describe('abort and close', () => {
  it('abortSignal: before the stream starts the call rejects with the reason; mid-stream the stream ends with an abort; the session goes on', async () => {
    const setup = open.add(await startProvider({ tokenDelayMs: 5, answerChars: 400 }));
    const model = setup.provider('gpt-4.1');
    const early = new AbortController();
    early.abort(new Error('stop before start'));
    await expect(generateText({ model, prompt: 'never', maxRetries: 0, abortSignal: early.signal })).rejects.toThrow('stop before start');

    const midStream = new AbortController();
    const types: string[] = [];
    const result = streamText({ model, prompt: 'long', maxRetries: 0, abortSignal: midStream.signal });
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === 'text-delta') midStream.abort();
    }
    expect(types).toContain('text-delta');
    expect(types).toContain('abort');
    expect(types).not.toContain('finish-step');
    expect((await streamed(model, 'next')).text).toMatch(/^You said: next/);
    // The aborted request's socket is not reused: the next call connected again.
    expect(setup.server.recording.handshakes.length).toBeGreaterThanOrEqual(2);
  });

  it('leaves nothing open once the provider is closed; calls after close fail', async () => {
    const baseline = activeResources();
    const server = await startResponsesServer({ tokenDelayMs: 0 });
    const provider = createModelwire(clientOptionsFor(server));
    await streamed(provider('gpt-4.1'), 'one');
    await generateText({ model: provider('gpt-4.1'), prompt: 'two', maxRetries: 0 });
    await provider.close();
    await server.close();
    expect(await settledLeaks(baseline)).toEqual([]);
    await expect(generateText({ model: provider('gpt-4.1'), prompt: 'after close', maxRetries: 0 })).rejects.toBeInstanceOf(Error);
  });
});
