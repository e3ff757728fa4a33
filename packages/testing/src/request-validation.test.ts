// The loopback server accepts and refuses Responses requests as the API does, with the same
// answer over HTTP (status + error body) and over the WebSocket (error frame), and routes only
// the API's paths.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { validateResponsesRequest } from './request-validation.js';
import { RawSocket } from './__fixtures__/test-clients.js';

let server: ResponsesServer;
let socket: RawSocket;
beforeAll(async () => {
  server = await startResponsesServer();
  socket = await RawSocket.open(server.wsUrl);
});
afterAll(async () => {
  await socket.close();
  await server.close();
});

type Body = Record<string, unknown>;
interface Outcome {
  readonly status: number;
  readonly error?: { message: string; type: string; param: string | null; code: string | null };
}

async function overHttp(body: Body, path = '/responses'): Promise<Outcome> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { error?: Outcome['error'] };
  return response.status === 200 ? { status: 200 } : { status: response.status, ...(json.error ? { error: json.error } : {}) };
}

async function overWebSocket(body: Body): Promise<Outcome> {
  const frames = await socket.request(body);
  const terminal = frames.at(-1) as { type: string; status?: number; error?: Outcome['error'] };
  if (terminal.type === 'response.completed') return { status: 200 };
  return { status: terminal.status ?? 0, ...(terminal.error ? { error: terminal.error } : {}) };
}

const user = (content: unknown): Body => ({ role: 'user', content });
const fn = (name: string): Body => ({ type: 'function', name, parameters: { type: 'object', properties: {} }, strict: false });

const accepted: [string, Body][] = [
  ['a plain string input', { model: 'm', input: 'hi' }],
  ['an easy input message with string content', { model: 'm', input: [user('hi')] }],
  ['an easy input message with content parts', { model: 'm', input: [user([{ type: 'input_text', text: 'hi' }])] }],
  ['assistant, system and developer easy messages', { model: 'm', input: [{ role: 'developer', content: 'be brief' }, { role: 'system', content: 's' }, user('q'), { role: 'assistant', content: 'a' }, user('q2')] }],
  ['an assistant output message with output_text and refusal parts', { model: 'm', input: [user('q'), { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'a', annotations: [] }, { type: 'refusal', refusal: 'no' }] }, user('q2')] }],
  ['an item reference without type', { model: 'm', input: [user('q'), { id: 'msg_123' }] }],
  ['a function call and its output (output as content parts)', { model: 'm', input: [user('q'), { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'ok' }] }] }],
  ['tool names of 64 characters with - and _', { model: 'm', input: 'hi', tools: [fn('a'.repeat(64)), fn('read_file-2')] }],
  ['null for nullable fields', { model: 'm', input: 'hi', instructions: null, temperature: null, previous_response_id: null, reasoning: null }],
  ['sampling and limits at their bounds', { model: 'm', input: 'hi', temperature: 2, top_p: 0, max_output_tokens: 16, metadata: { k: 'v'.repeat(512) } }],
];

const rejected: [string, Body, { param: string | null; code: string | null; message?: RegExp }][] = [
  ['an unknown role', { model: 'm', input: [{ role: 'robot', content: 'hi' }] }, { param: 'input[0].role', code: 'invalid_value', message: /^Invalid value: 'robot'\. Supported values are: 'user', 'assistant', 'system', and 'developer'\.$/ }],
  ['a message without content', { model: 'm', input: [{ role: 'user' }] }, { param: 'input[0].content', code: 'missing_required_parameter', message: /^Missing required parameter: 'input\[0\]\.content'\.$/ }],
  ['an input part in an assistant message', { model: 'm', input: [{ type: 'message', role: 'assistant', content: [{ type: 'input_text', text: 'a' }] }] }, { param: 'input[0].content[0]', code: 'invalid_value' }],
  ['an unknown content part type', { model: 'm', input: [user([{ type: 'text', text: 'hi' }])] }, { param: 'input[0].content[0]', code: 'invalid_value' }],
  ['an unknown item type', { model: 'm', input: [{ type: 'chat_message', text: 'hi' }] }, { param: 'input[0].type', code: 'invalid_value' }],
  ['an item that is not an object', { model: 'm', input: ['hi'] }, { param: 'input[0]', code: 'invalid_type' }],
  ['a function call without call_id', { model: 'm', input: [{ type: 'function_call', name: 'shell', arguments: '{}' }] }, { param: 'input[0].call_id', code: 'missing_required_parameter' }],
  ['function call arguments as an object', { model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'shell', arguments: {} }] }, { param: 'input[0].arguments', code: 'invalid_type' }],
  ['a tool name with a space', { model: 'm', input: 'hi', tools: [fn('read file')] }, { param: 'tools[0].name', code: 'invalid_value', message: /^Invalid 'tools\[0\]\.name': string does not match pattern\. Expected a string that matches the pattern '\^\[a-zA-Z0-9_-\]\+\$'\.$/ }],
  ['a tool name with a dot', { model: 'm', input: 'hi', tools: [fn('ok'), fn('fs.read')] }, { param: 'tools[1].name', code: 'invalid_value' }],
  ['a tool name of 65 characters', { model: 'm', input: 'hi', tools: [fn('a'.repeat(65))] }, { param: 'tools[0].name', code: 'string_above_max_length' }],
  ['a function tool without a name', { model: 'm', input: 'hi', tools: [{ type: 'function', parameters: {} }] }, { param: 'tools[0].name', code: 'missing_required_parameter' }],
  ['an unknown tool type', { model: 'm', input: 'hi', tools: [{ type: 'browser' }] }, { param: 'tools[0].type', code: 'invalid_value' }],
  ['a missing model', { input: 'hi' }, { param: 'model', code: 'missing_required_parameter' }],
  ['an unknown top-level parameter', { model: 'm', input: 'hi', response_format: { type: 'json_object' } }, { param: 'response_format', code: 'unknown_parameter', message: /^Unknown parameter: 'response_format'\.$/ }],
  ['input of the wrong type', { model: 'm', input: { role: 'user', content: 'hi' } }, { param: 'input', code: 'invalid_type' }],
  ['a temperature above 2', { model: 'm', input: 'hi', temperature: 2.5 }, { param: 'temperature', code: 'decimal_above_max_value' }],
  ['max_output_tokens below 16', { model: 'm', input: 'hi', max_output_tokens: 8 }, { param: 'max_output_tokens', code: 'integer_below_min_value' }],
  ['an unknown include value', { model: 'm', input: 'hi', include: ['reasoning.summary'] }, { param: 'include[0]', code: 'invalid_value' }],
  ['an unknown tool_choice', { model: 'm', input: 'hi', tool_choice: 'any' }, { param: 'tool_choice', code: 'invalid_value' }],
  ['an unknown field on a message', { model: 'm', input: [{ role: 'user', content: 'hi', name: 'alice' }] }, { param: 'input[0].name', code: 'unknown_parameter', message: /^Unknown parameter: 'input\[0\]\.name'\.$/ }],
  ['an unknown field on a function call', { model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'shell', arguments: '{}', metadata: {} }] }, { param: 'input[0].metadata', code: 'unknown_parameter' }],
  ['a metadata value over 512 characters', { model: 'm', input: 'hi', metadata: { k: 'v'.repeat(513) } }, { param: 'metadata.k', code: 'string_above_max_length' }],
];

describe('request validation, the same over HTTP and WebSocket', () => {
  it.each(accepted)('accepts %s', async (_name, body) => {
    expect(await overHttp(body)).toEqual({ status: 200 });
    expect(await overWebSocket(body)).toEqual({ status: 200 });
  });

  it.each(rejected)('rejects %s with 400 and the API error body', async (_name, body, expected) => {
    for (const outcome of [await overHttp(body), await overWebSocket(body)]) {
      expect(outcome.status).toBe(400);
      expect(outcome.error).toMatchObject({ type: 'invalid_request_error', param: expected.param, code: expected.code });
      if (expected.message) expect(outcome.error?.message).toMatch(expected.message);
    }
    expect(socket.closeCode).toBeUndefined();
  });

  it('keeps WebSocket-only fields off HTTP and background off the WebSocket', async () => {
    expect((await overHttp({ model: 'm', input: 'hi', generate: false })).error).toMatchObject({ param: 'generate', code: 'unknown_parameter' });
    expect((await overHttp({ model: 'm', input: 'hi', client_metadata: {} })).error).toMatchObject({ param: 'client_metadata', code: 'unknown_parameter' });
    expect((await overWebSocket({ model: 'm', input: 'hi', background: true })).error).toMatchObject({ param: 'background', code: 'unsupported_parameter' });
    expect((await overWebSocket({ model: 'm', input: 'hi', stream_id: 'bad lane' })).error).toMatchObject({ param: 'stream_id', code: 'invalid_stream_id' });
    expect(await overWebSocket({ model: 'm', input: 'hi', client_metadata: { 'x-codex-turn-metadata': '{}' }, generate: true })).toEqual({ status: 200 });
  });

  it('treats a tool name as valid exactly when it matches ^[a-zA-Z0-9_-]+$ within 64 characters', () => {
    const nameCharacter = fc.constantFrom(...'aZ09_-. /:é'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: nameCharacter, minLength: 0, maxLength: 70 }), fc.constantFrom('http' as const, 'websocket' as const), (name, transport) => {
        const result = validateResponsesRequest({ model: 'm', input: 'hi', tools: [fn(name)] }, transport);
        expect(result.ok).toBe(/^[a-zA-Z0-9_-]{1,64}$/.test(name));
        if (!result.ok) expect(result.rejection.error.param).toBe('tools[0].name');
      }),
    );
  });

  it('accepts a role exactly when the API knows it, with or without type: "message"', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'developer', 'tool', 'function', 'User', ''), fc.string()), fc.boolean(), (role, typed) => {
        const item = { ...(typed ? { type: 'message' } : {}), role, content: 'hi' };
        const result = validateResponsesRequest({ model: 'm', input: [item] }, 'http');
        expect(result.ok).toBe(['user', 'assistant', 'system', 'developer'].includes(role));
      }),
    );
  });
});

describe('routes', () => {
  it('answers 404 with the API error body for a path without /v1, an unknown path and a wrong method', async () => {
    const base = server.url.replace(/\/v1$/, '');
    for (const [method, path] of [['POST', '/responses'], ['POST', '/v1/response'], ['POST', '/v1/chat/responses'], ['GET', '/v1/responses']] as const) {
      const response = await fetch(`${base}${path}`, { method, ...(method === 'POST' ? { body: JSON.stringify({ model: 'm', input: 'hi' }) } : {}) });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
    }
  });

  it('refuses a WebSocket upgrade outside /v1/responses with 404', async () => {
    const error = await RawSocket.open(server.wsUrl.replace('/v1/responses', '/responses')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 404 });
  });

  it('serves the endpoints under a provider path prefix only', async () => {
    const azure = await startResponsesServer({ providerRules: { pathPrefix: '/openai/v1' } });
    try {
      const base = azure.url.replace(/\/v1$/, '');
      const post = (path: string): Promise<Response> => fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify({ model: 'm', input: 'hi' }) });
      expect((await post('/openai/v1/responses')).status).toBe(200);
      expect((await post('/v1/responses')).status).toBe(404);
    } finally {
      await azure.close();
    }
  });
});
