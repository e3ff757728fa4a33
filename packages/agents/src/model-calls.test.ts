// The Model on its own (what the Runner calls), against the loopback server over real sockets:
// the stream events the SDK gets match its HTTP path's, a previousResponseId the session
// produced continues on the socket, one it did not goes over the SDK's HTTP path, a
// conversationId is sent, and tracing records the response.
import { Closables, startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { Agent, addTraceProcessor, getDefaultModel, run, Runner, setDefaultModelProvider, user, setTraceProcessors, setTracingDisabled, type Model, type ModelRequest, type Span, type StreamEvent, type Trace, type TracingProcessor, withTrace } from '@openai/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { httpModel, startProvider, withoutServerIds } from './__fixtures__/agents-setup.js';

const open = new Closables();
afterEach(() => open.closeAll());

async function plainServer(): Promise<ResponsesServer> {
  return open.add(await startResponsesServer({ tokenDelayMs: 0 }));
}

function requestOf(input: ModelRequest['input'], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { systemInstructions: 'Be brief.', input, modelSettings: {}, tools: [], outputType: 'text', handoffs: [], tracing: false, ...extra };
}

async function streamEvents(model: Model, request: ModelRequest): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of model.getStreamedResponse(request)) events.push(event);
  return events;
}

describe('getStreamedResponse and getResponse', () => {
  it('stream the events the SDK gets over HTTP: response_started, the raw model events, output_text_delta, response_done with the full response', async () => {
    const plain = await plainServer();
    const overHttp = await streamEvents(httpModel(plain), requestOf('hello there'));
    const setup = open.add(await startProvider());
    const through = await streamEvents(setup.provider.getModel('gpt-4.1'), requestOf('hello there'));

    expect(withoutServerIds(through)).toEqual(withoutServerIds(overHttp));
    const types = through.map((event) => event.type);
    expect(types[0]).toBe('response_started');
    expect(types).toContain('output_text_delta');
    expect(types.filter((type) => type === 'response_done')).toHaveLength(1);
    const raw = through.filter((event) => event.type === 'model').map((event) => (event as { event: { type: string } }).event.type);
    expect(raw[0]).toBe('response.created');
    expect(raw.at(-1)).toBe('response.completed');
    // The WebSocket-only events stay below the SDK; sequence numbers count from 0.
    expect(raw).not.toContain('response.metadata');
    const sequence = through.filter((event) => event.type === 'model').map((event) => (event as { event: { sequence_number: number } }).event.sequence_number);
    expect(sequence).toEqual(sequence.map((_, index) => index));
    const done = through.find((event) => event.type === 'response_done') as Extract<StreamEvent, { type: 'response_done' }>;
    expect(done.response.id).toBe(setup.server.recording.requests[0]?.responseId);
    expect(done.response.output).toEqual([expect.objectContaining({ type: 'message', role: 'assistant' })]);
    expect(done.response.usage.totalTokens).toBeGreaterThan(0);
  });

  it('getResponse gives the output, usage and response id the SDK gets over HTTP', async () => {
    const plain = await plainServer();
    const overHttp = await withTrace('plain', () => httpModel(plain).getResponse(requestOf('hello there')));
    const setup = open.add(await startProvider());
    const model = setup.provider.getModel('gpt-4.1');
    const through = await withTrace('through', () => model.getResponse(requestOf('hello there')));
    expect(withoutServerIds({ ...through, providerData: undefined })).toEqual(withoutServerIds({ ...overHttp, providerData: undefined }));
    expect(through.responseId).toBe(setup.server.recording.requests[0]?.responseId);
    expect(through.requestId).toMatch(/^req_/);
  });
});

describe('the provider where the SDK takes one', () => {
  it('setDefaultModelProvider(provider): run() of an agent naming a model, and of one naming none (the SDK default model), goes through the session', async () => {
    const setup = open.add(await startProvider());
    setDefaultModelProvider(setup.provider);
    const named = await run(new Agent({ name: 'named', model: 'gpt-4.1-mini' }), 'first');
    const unnamed = await run(new Agent({ name: 'unnamed' }), [...named.history, user('second')]);
    expect(unnamed.finalOutput).toBe('You said: second');
    const { requests, handshakes } = setup.server.recording;
    expect(handshakes).toHaveLength(1);
    expect(requests.map((request) => [request.transport, (request.body as Record<string, unknown>)['model']])).toEqual([
      ['websocket', 'gpt-4.1-mini'],
      ['websocket', getDefaultModel()],
    ]);
  });

  it('new Runner({ modelProvider }) resolves model names through the provider, one model object per name', async () => {
    const setup = open.add(await startProvider());
    const runner = new Runner({ modelProvider: setup.provider, tracingDisabled: true });
    const result = await runner.run(new Agent({ name: 'named', model: 'gpt-4.1' }), 'hello');
    expect(result.finalOutput).toBe('You said: hello');
    expect(setup.provider.getModel('gpt-4.1')).toBe(setup.provider.getModel('gpt-4.1'));
    expect(setup.server.recording.counters.requests).toEqual({ http: 0, websocket: 1 });
  });
});

describe('previousResponseId and conversationId from the SDK', () => {
  it('a previousResponseId the session produced continues that response on the socket (only the new items go out)', async () => {
    const setup = open.add(await startProvider());
    const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model: setup.provider.getModel('gpt-4.1') });
    const runner = new Runner({ tracingDisabled: true });
    const first = await runner.run(agent, 'first question');
    const second = await runner.run(agent, 'second question', { previousResponseId: first.lastResponseId! });
    expect(second.finalOutput).toBe('You said: second question');
    const { requests, handshakes } = setup.server.recording;
    expect(handshakes).toHaveLength(1);
    expect(requests.map((request) => request.transport)).toEqual(['websocket', 'websocket']);
    const body = requests[1]?.body as Record<string, unknown>;
    expect(body['previous_response_id']).toBe(first.lastResponseId);
    expect(body['input']).toEqual([expect.objectContaining({ role: 'user', content: 'second question' })]);
  });

  it('a previousResponseId of a response the session did not produce goes over the SDK HTTP path, as without the provider', async () => {
    const setup = open.add(await startProvider());
    const plain = new Agent({ name: 'assistant', instructions: 'Be brief.', model: httpModel(setup.server) });
    const elsewhere = await new Runner({ tracingDisabled: true }).run(plain, 'stored question');
    const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model: setup.provider.getModel('gpt-4.1') });
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'follow-up', { previousResponseId: elsewhere.lastResponseId! });
    expect(result.finalOutput).toBe('You said: follow-up');
    const last = setup.server.recording.requests.at(-1)!;
    expect(last.transport).toBe('http');
    expect((last.body as Record<string, unknown>)['previous_response_id']).toBe(elsewhere.lastResponseId);
  });

  it('a conversationId is sent as conversation on every request (full requests: the API does not combine it with previous_response_id)', async () => {
    const setup = open.add(await startProvider());
    const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model: setup.provider.getModel('gpt-4.1') });
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'hello', { conversationId: 'conv_123' });
    expect(result.finalOutput).toBe('You said: hello');
    const body = setup.server.recording.requests[0]?.body as Record<string, unknown>;
    expect(body['conversation']).toBe('conv_123');
    expect(body['previous_response_id']).toBeUndefined();
  });
});

describe('tracing', () => {
  it('the run trace holds the response span of each model call, with the response id', async () => {
    const spans: Span<never>[] = [];
    const processor: TracingProcessor = {
      onTraceStart: async (_trace: Trace) => undefined,
      onTraceEnd: async (_trace: Trace) => undefined,
      onSpanStart: async () => undefined,
      onSpanEnd: async (span) => {
        spans.push(span as Span<never>);
      },
      shutdown: async () => undefined,
      forceFlush: async () => undefined,
    };
    setTraceProcessors([processor]);
    setTracingDisabled(false);
    try {
      const setup = open.add(await startProvider());
      const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model: setup.provider.getModel('gpt-4.1') });
      const result = await new Runner().run(agent, 'traced', { stream: true });
      for await (const _event of result) {
        // drained
      }
      await result.completed;
      const responses = spans.map((span) => (span as unknown as { spanData: { type: string; response_id?: string } }).spanData).filter((data) => data.type === 'response');
      expect(responses).toEqual([expect.objectContaining({ response_id: result.lastResponseId })]);
    } finally {
      setTracingDisabled(true);
      setTraceProcessors([]);
      void addTraceProcessor;
    }
  });
});
