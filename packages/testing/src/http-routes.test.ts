import { zstdCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { parseSse, tools, userMessage } from './__fixtures__/test-clients.js';

let server: ResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startResponsesServer>[0] = {}): Promise<ResponsesServer> {
  server = await startResponsesServer(options);
  return server;
}

function post(target: ResponsesServer, path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

const request = (text: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'gpt-test',
  stream: true,
  input: [userMessage(text)],
  ...extra,
});

describe('POST /v1/responses', () => {
  it('sends only SSE comments and blank lines after N events under a noise fault', async () => {
    const target = await start();
    target.faults.next({ kind: 'noise', noise: 'sse-comment', everyMs: 5 });
    const controller = new AbortController();
    const response = await post(target, '/responses', request('hello'), {}, controller.signal);
    const reader = response.body!.getReader();
    let text = '';
    while ((text.match(/: keep-alive/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const events = parseSse(text);
    expect(events.filter((event) => event.data !== '').map((event) => event.event)).toEqual(['response.created', 'response.in_progress']);
    expect(text).toMatch(/response\.in_progress[^]*\n: keep-alive\n\n\n: keep-alive\n\n/);
  });

  it('streams SSE with event and data lines, contiguous sequence numbers and service headers', async () => {
    const target = await start();
    const response = await post(target, '/responses', request('hello'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('openai-model')).toBe('gpt-test');
    expect(response.headers.get('x-models-etag')).toBeTruthy();
    expect(response.headers.get('x-codex-primary-used-percent')).toBe('12.5');
    const events = parseSse(await response.text());
    for (const event of events) expect(event.event).toBe(event.json?.['type']);
    expect(events.map((event) => event.json?.['sequence_number'])).toEqual(events.map((_, index) => index));
    expect(events.some((event) => event.data === '[DONE]')).toBe(false);
    const completed = events.at(-1)?.json as { type: string; response: { usage: { input_tokens: number; output_tokens: number } } };
    expect(completed.type).toBe('response.completed');
    expect(completed.response.usage.input_tokens).toBeGreaterThan(0);
    expect(completed.response.usage.output_tokens).toBe(Math.ceil('You said: hello'.length / 4));
    expect(target.recording.counters.requests.http).toBe(1);
    expect(target.recording.eventsFor(0)).toHaveLength(events.length);
  });

  it('decodes zstd bodies and records wire and decoded sizes', async () => {
    const target = await start();
    const json = JSON.stringify(request('compressed '.repeat(50)));
    const compressed = zstdCompressSync(Buffer.from(json));
    const response = await post(target, '/responses', new Uint8Array(compressed), { 'content-encoding': 'zstd' });
    expect(response.status).toBe(200);
    await response.text();
    const recorded = target.recording.requests[0]!;
    expect(recorded.contentEncoding).toBe('zstd');
    expect(recorded.wireBytes).toBe(compressed.length);
    expect(recorded.decodedBytes).toBe(Buffer.byteLength(json));
    expect(recorded.wireBytes).toBeLessThan(recorded.decodedBytes);
    expect(target.recording.counters.bytesReceived).toBe(compressed.length);
  });

  it('answers a tool request with a function_call and then quotes the tool output', async () => {
    const target = await start();
    const first = parseSse(await (await post(target, '/responses', request('run: ls', { tools }))).text());
    const call = (first.at(-1)?.json as { response: { output: { type: string; call_id: string; arguments: string }[] } }).response.output[0]!;
    expect(call.type).toBe('function_call');
    expect(JSON.parse(call.arguments)).toEqual({ command: ['bash', '-lc', 'ls'] });
    const followUp = {
      model: 'gpt-test',
      stream: true,
      tools,
      input: [userMessage('run: ls'), call, { type: 'function_call_output', call_id: call.call_id, output: 'a.txt b.txt' }],
    };
    const second = parseSse(await (await post(target, '/responses', followUp)).text());
    const text = second.filter((event) => event.json?.['type'] === 'response.output_text.delta').map((event) => event.json?.['delta']).join('');
    expect(text).toContain('a.txt b.txt');
  });

  it('continues with previous_response_id only for stored responses (store defaults to true, as on the API)', async () => {
    const target = await start();
    const completedId = async (extra: Record<string, unknown>): Promise<string> =>
      (parseSse(await (await post(target, '/responses', request('one', extra))).text()).at(-1)?.json as { response: { id: string } }).response.id;
    for (const id of [await completedId({ store: true }), await completedId({})]) {
      const continued = await post(target, '/responses', { model: 'gpt-test', stream: true, previous_response_id: id, input: [userMessage('two')] });
      expect(continued.status).toBe(200);
      await continued.text();
    }
    const unstored = await post(target, '/responses', { model: 'gpt-test', previous_response_id: await completedId({ store: false }), input: [] });
    expect(unstored.status).toBe(400);
    expect(await unstored.json()).toMatchObject({ error: { code: 'previous_response_not_found', param: 'previous_response_id' } });
    const unknown = await post(target, '/responses', { model: 'gpt-test', stream: true, previous_response_id: 'resp_nope', input: [] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('previous_response_not_found');
  });

  it('answers a non-streaming request with the completed response object', async () => {
    const target = await start();
    const response = await post(target, '/responses', request('plain', { stream: false }));
    const body = (await response.json()) as { status: string; output: unknown[] };
    expect(body.status).toBe('completed');
    expect(body.output).toHaveLength(1);
  });

  it('rejects bodies that are not JSON with the API error shape', async () => {
    const target = await start();
    const response = await post(target, '/responses', '{nope');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error)).toEqual(['message', 'type', 'param', 'code']);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(target.recording.requests[0]?.body).toBeUndefined();
  });
});

describe('sticky routing over HTTP', () => {
  const turn = (turnId: string): string => JSON.stringify({ turn_id: turnId });

  it('issues a token on the first response of a turn and records missing, wrong and replayed tokens', async () => {
    const target = await start();
    const first = await post(target, '/responses', request('a'), { 'x-codex-turn-metadata': turn('t1') });
    const token = first.headers.get('x-codex-turn-state');
    expect(token).toMatch(/^ts_/);
    await first.text();
    const good = await post(target, '/responses', request('b'), { 'x-codex-turn-metadata': turn('t1'), 'x-codex-turn-state': token! });
    expect(good.headers.get('x-codex-turn-state')).toBeNull();
    await good.text();
    expect(target.recording.stickyViolations).toEqual([]);
    await (await post(target, '/responses', request('c'), { 'x-codex-turn-metadata': turn('t1') })).text();
    await (await post(target, '/responses', request('d'), { 'x-codex-turn-metadata': turn('t1'), 'x-codex-turn-state': 'ts_other' })).text();
    const next = await post(target, '/responses', request('e'), { 'x-codex-turn-metadata': turn('t2'), 'x-codex-turn-state': token! });
    expect(next.headers.get('x-codex-turn-state')).not.toBe(token);
    await next.text();
    expect(target.recording.stickyViolations.map((violation) => [violation.kind, violation.turnId, violation.requestIndex])).toEqual([
      ['missing', 't1', 2],
      ['wrong', 't1', 3],
      ['replayed', 't2', 4],
    ]);
    expect(target.turnStates.get('t1')).toBe(token);
  });

  it('sends the token again, and records nothing, while no response carrying it reached its end', async () => {
    const target = await start();
    target.faults.next({ kind: 'close', afterEvents: 0 });
    const cut = await post(target, '/responses', request('a'), { 'x-codex-turn-metadata': turn('t1') });
    const token = cut.headers.get('x-codex-turn-state');
    expect(token).toMatch(/^ts_/);
    await expect(cut.text()).rejects.toThrow();
    // The client may never have read the cut response's headers: asking again without the token is allowed.
    const again = await post(target, '/responses', request('b'), { 'x-codex-turn-metadata': turn('t1') });
    expect(again.headers.get('x-codex-turn-state')).toBe(token);
    await again.text();
    expect(target.recording.stickyViolations).toEqual([]);
    // Now a response carrying it was delivered whole: the token is expected from here on.
    await (await post(target, '/responses', request('c'), { 'x-codex-turn-metadata': turn('t1') })).text();
    expect(target.recording.stickyViolations.map((violation) => [violation.kind, violation.requestIndex])).toEqual([['missing', 2]]);
  });
});

describe('unary endpoints', () => {
  it('compacts a history into kept user messages and a compaction item', async () => {
    const target = await start();
    const input = [userMessage('keep me'), { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'x' }] }];
    const response = await post(target, '/responses/compact', { model: 'gpt-test', input, instructions: 'be brief' });
    const body = (await response.json()) as { output: { type: string; id?: string }[] };
    expect(body.output.map((item) => item.type)).toEqual(['message', 'compaction']);
    expect(body.output[1]?.id).toMatch(/^cmp_/);
    expect(target.recording.requests[0]?.endpoint).toBe('compact');
  });

  it('summarises memory traces one per trace, in order', async () => {
    const target = await start();
    const traces = [
      { id: 'a', metadata: { source_path: '/a' }, items: [userMessage('x')] },
      { id: 'b', metadata: { source_path: '/b' }, items: [] },
    ];
    const response = await post(target, '/memories/trace_summarize', { model: 'gpt-test', traces });
    const body = (await response.json()) as { output: { trace_summary: string; memory_summary: string }[] };
    expect(body.output).toHaveLength(2);
    expect(body.output[0]?.trace_summary).toContain('a');
    expect(body.output[1]?.trace_summary).toContain('b');
  });
});

describe('HTTP faults', () => {
  it('answers with a status, headers and a JSON error body', async () => {
    const target = await start();
    target.faults.next({ kind: 'http-status', status: 429, headers: { 'retry-after-ms': '20', 'x-should-retry': 'true' } });
    const refused = await post(target, '/responses', request('x'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after-ms')).toBe('20');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    const next = await post(target, '/responses', request('x'));
    expect(next.status).toBe(200);
    await next.text();
  });

  it('answers 401 until the bearer token changes', async () => {
    const target = await start();
    target.faults.next({ kind: 'unauthorized-until-token-changes' });
    expect((await post(target, '/responses', request('x'))).status).toBe(401);
    expect((await post(target, '/responses', request('x'))).status).toBe(401);
    const refreshed = await post(target, '/responses', request('x'), { authorization: 'Bearer sk-new' });
    expect(refreshed.status).toBe(200);
    await refreshed.text();
    const old = await post(target, '/responses', request('x'));
    expect(old.status).toBe(200);
    await old.text();
  });

  it('cuts the stream mid-body', async () => {
    const target = await start();
    target.faults.next({ kind: 'close', afterEvents: 3 });
    const response = await post(target, '/responses', request('hello'));
    await expect(response.text()).rejects.toThrow();
    expect(target.recording.eventsFor(0)).toHaveLength(3);
  });

  it('ends the SSE body cleanly without a terminal event', async () => {
    const target = await start();
    target.faults.next({ kind: 'end-without-terminal', afterEvents: 4 });
    const events = parseSse(await (await post(target, '/responses', request('hello'))).text());
    expect(events).toHaveLength(4);
    expect(events.some((event) => String(event.json?.['type']).match(/completed|failed|incomplete|^error$/))).toBe(false);
  });

  it('stalls until the client gives up', async () => {
    const target = await start();
    target.faults.next({ kind: 'stall', afterEvents: 2 });
    const controller = new AbortController();
    const response = await post(target, '/responses', request('hello'), {}, controller.signal);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (parseSse(text).length < 2) text += decoder.decode((await reader.read()).value);
    const pending = reader.read();
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(parseSse(text)).toHaveLength(2);
  });

  it.each(['nested', 'flat'] as const)('sends an error event in the %s shape', async (shape) => {
    const target = await start();
    target.faults.next({ kind: 'error', code: 'context_length_exceeded', shape, afterEvents: 2 });
    const events = parseSse(await (await post(target, '/responses', request('hello'))).text());
    const last = events.at(-1)?.json as Record<string, unknown> & { error?: { code: string } };
    expect(events).toHaveLength(3);
    expect(last['type']).toBe('error');
    expect(last['sequence_number']).toBe(2);
    expect(shape === 'nested' ? last.error?.code : last['code']).toBe('context_length_exceeded');
  });

  it('ends with response.incomplete or response.failed', async () => {
    const target = await start();
    target.faults.next({ kind: 'incomplete', reason: 'content_filter' });
    target.faults.next({ kind: 'failed', code: 'server_error' });
    const incomplete = parseSse(await (await post(target, '/responses', request('hello'))).text()).at(-1)?.json as { type: string; response: Record<string, unknown> };
    expect(incomplete.type).toBe('response.incomplete');
    expect(incomplete.response['incomplete_details']).toEqual({ reason: 'content_filter' });
    const failed = parseSse(await (await post(target, '/responses', request('hello'))).text()).at(-1)?.json as { type: string; response: Record<string, unknown> };
    expect(failed.type).toBe('response.failed');
    expect((failed.response['error'] as { code: string }).code).toBe('server_error');
  });

  it('sends malformed JSON in a data line', async () => {
    const target = await start();
    target.faults.next({ kind: 'malformed-json', afterEvents: 1 });
    const events = parseSse(await (await post(target, '/responses', request('hello'))).text());
    expect(events).toHaveLength(2);
    expect(events[1]?.json).toBeUndefined();
  });

  it('applies faults chosen by a rule function', async () => {
    const target = await start();
    const remove = target.faults.use((fault) =>
      fault.phase === 'request' && fault.endpoint === 'compact' ? { kind: 'http-status', status: 503 } : undefined,
    );
    expect((await post(target, '/responses/compact', { model: 'm', input: [] })).status).toBe(503);
    const streamed = await post(target, '/responses', request('x'));
    expect(streamed.status).toBe(200);
    await streamed.text();
    remove();
    expect((await post(target, '/responses/compact', { model: 'm', input: [] })).status).toBe(200);
  });
});
