import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

describe('request body and headers', () => {
  it('HTTP: body per PROTOCOL §1 and session + per-turn headers per §5', async () => {
    setup = await startLoopback({
      betaFeatures: ['feature_a', 'feature_b'],
      originator: 'modelwire_tests',
      providerOverrides: { supportsWebSockets: false },
    });
    const turn = setup.client.newTurn();
    const context = turnContext({ turnMetadata: { turn_id: 'turn-http', sandbox: 'none' }, serviceTier: 'priority' });
    await turn.stream(prompt([userMessage('hi')], { outputSchema: { name: 'answer', schema } }), context).result;
    const [request] = setup.server.recording.requests;
    expect(request?.transport).toBe('http');
    expect(request?.body).toEqual({
      model: 'gpt-test',
      instructions: 'be brief',
      input: [userMessage('hi')],
      tools: prompt([]).tools,
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
      stream: true,
      service_tier: 'priority',
      prompt_cache_key: 'conv-test',
      text: { verbosity: 'low', format: { type: 'json_schema', name: 'answer', schema, strict: true } },
    });
    const headers = request?.headers ?? {};
    expect(header(headers, 'authorization')).toBe('Bearer test-token');
    expect(header(headers, 'session_id')).toBe('conv-test');
    expect(header(headers, 'originator')).toBe('modelwire_tests');
    expect(header(headers, 'x-codex-beta-features')).toBe('feature_a,feature_b');
    expect(header(headers, 'x-codex-turn-metadata')).toBe('{"turn_id":"turn-http","sandbox":"none"}');
    expect(header(headers, 'x-oai-web-search-eligible')).toBe('true');
    expect(header(headers, 'accept')).toBe('text/event-stream');
    expect(header(headers, 'x-openai-subagent')).toBeUndefined();
    expect(header(headers, 'x-codex-turn-state')).toBeUndefined();
  });

  it('omits reasoning/include/verbosity for a model without those capabilities', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false } });
    const context = turnContext({ model: { slug: 'small', supportsReasoning: false, supportsVerbosity: false, contextWindow: 8000 } });
    await setup.client.newTurn().stream(prompt([userMessage('hi')]), context).result;
    const body = setup.server.recording.requests[0]?.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('reasoning');
    expect(body['include']).toEqual([]);
    expect(body).not.toHaveProperty('text');
    expect(body['model']).toBe('small');
  });

  it('WebSocket: handshake carries session values only; per-turn values travel in client_metadata', async () => {
    setup = await startLoopback({ betaFeatures: ['feature_a'], includeTimingMetrics: true, sessionSource: { kind: 'subagent', label: 'review' } });
    await setup.client.preconnect();
    const turn = setup.client.newTurn();
    await turn.stream(prompt([userMessage('hi')]), turnContext({ turnMetadata: { turn_id: 'turn-ws' } })).result;
    const [handshake] = setup.server.recording.handshakes;
    const headers = handshake?.headers ?? {};
    expect(header(headers, 'authorization')).toBe('Bearer test-token');
    expect(header(headers, 'session_id')).toBe('conv-test');
    expect(header(headers, 'x-codex-beta-features')).toBe('feature_a');
    expect(header(headers, 'openai-beta')).toBe('responses_websockets=2026-02-06');
    expect(header(headers, 'x-responsesapi-include-timing-metrics')).toBe('true');
    expect(header(headers, 'x-openai-subagent')).toBe('review');
    for (const perTurn of ['x-codex-turn-metadata', 'x-codex-turn-state', 'x-oai-web-search-eligible']) {
      expect(header(headers, perTurn)).toBeUndefined();
    }
    const body = setup.server.recording.requests[0]?.body as Record<string, unknown>;
    expect(body['type']).toBe('response.create');
    expect(body).not.toHaveProperty('stream');
    expect(body['client_metadata']).toEqual({ 'x-codex-turn-metadata': '{"turn_id":"turn-ws"}', 'x-oai-web-search-eligible': 'true' });
    expect(body['prompt_cache_key']).toBe('conv-test');
  });
});

describe('a base URL without /v1', () => {
  it.each([
    ['HTTP', false],
    ['WebSocket', true],
  ] as const)('fails on %s with a typed 404 naming the path, as on the API (a WebSocket 404 moves the session to HTTP first)', async (_transport, supportsWebSockets) => {
    setup = await startLoopback();
    const { ModelClient } = await import('../client/model-client.js');
    const client = new ModelClient({
      provider: { baseUrl: setup.server.url.replace(/\/v1$/, ''), supportsWebSockets },
      auth: 'none',
      conversationId: 'conv-no-v1',
      sessionSource: { kind: 'cli' },
    });
    try {
      const failure = await client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result.catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'invalid_request', status: 404, retryable: false });
      expect((failure as Error).message).toContain('Invalid URL (POST /responses)');
      expect(setup.server.recording.requests).toHaveLength(0);
      expect(client.fallbackReason).toBe(supportsWebSockets ? 'websocket_unsupported' : null);
    } finally {
      await client.close();
    }
  });
});

describe('request compression', () => {
  it('sends zstd bodies over HTTP when enabled; the server decodes the same body', async () => {
    setup = await startLoopback({ enableRequestCompression: true, providerOverrides: { supportsWebSockets: false } });
    await setup.client.newTurn().stream(prompt([userMessage('compress me '.repeat(200))]), turnContext()).result;
    const [request] = setup.server.recording.requests;
    expect(request?.contentEncoding).toBe('zstd');
    expect(request?.wireBytes).toBeLessThan(request?.decodedBytes ?? 0);
    expect((request?.body as Record<string, unknown>)['input']).toEqual([userMessage('compress me '.repeat(200))]);
  });
});
