// Compaction on the loopback server over real sockets: v2 (a request ending with
// `compaction_trigger`) on HTTP/SSE and the WebSocket, the legacy endpoint, and the broken
// answers of the `compaction-result` fault.
import { afterEach, describe, expect, it } from 'vitest';
import { completedOf, parseSse, RawSocket, userMessage, type Frame } from './__fixtures__/test-clients.js';
import { Closables, LOOPBACK_PROVIDER_RULES, startResponsesServer, type CompactionResultKind, type ResponsesServer } from './index.js';

// Servers and sockets a test opened, closed after it (sockets first: the last added closes first).
const closables = new Closables();
afterEach(() => closables.closeAll());

async function start(options: Parameters<typeof startResponsesServer>[0] = {}): Promise<ResponsesServer> {
  return closables.add(await startResponsesServer(options));
}

const TRIGGER = { type: 'compaction_trigger' };
const HISTORY: Frame[] = [
  userMessage('first question'),
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'first answer', annotations: [] }] },
  userMessage('second question'),
];

async function postJson(target: ResponsesServer, path: string, body: unknown): Promise<{ status: number; body: Frame; text: string }> {
  const response = await fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Frame = {};
  try {
    parsed = JSON.parse(text) as Frame;
  } catch {
    // SSE bodies are parsed by the caller
  }
  return { status: response.status, body: parsed, text };
}

async function streamHttp(target: ResponsesServer, input: unknown[]): Promise<Frame[]> {
  const answer = await postJson(target, '/responses', { model: 'gpt-test', stream: true, store: false, input });
  expect(answer.status).toBe(200);
  return parseSse(answer.text).map((event) => event.json ?? {});
}

describe('compaction v2 (a request ending with compaction_trigger)', () => {
  it('streams one compaction item over HTTP/SSE, announced by response.compaction.compacting', async () => {
    const target = await start();
    const events = await streamHttp(target, [...HISTORY, TRIGGER]);
    expect(events.map((event) => event['type'])).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.compaction.compacting',
      'response.output_item.done',
      'response.completed',
    ]);
    const done = events.find((event) => event['type'] === 'response.output_item.done') as { item: Frame; output_index: number };
    expect(done.output_index).toBe(0);
    expect(done.item).toEqual({ id: expect.stringMatching(/^cmp_/), type: 'compaction', encrypted_content: expect.stringMatching(/^enc_/) });
    const compacting = events.find((event) => event['type'] === 'response.compaction.compacting');
    expect(compacting).toMatchObject({ item_id: done.item['id'], output_index: 0 });
    const completed = completedOf(events);
    expect(completed.response.output).toEqual([done.item]);
    expect(completed.response.usage['input_tokens']).toBeGreaterThan(0);
    expect(events.map((event) => event['sequence_number'])).toEqual(events.map((_, index) => index));
  });

  it('compacts the continued context on the WebSocket (previous_response_id plus only the trigger)', async () => {
    const target = await start();
    const socket = await RawSocket.open(target.wsUrl);
    closables.add(socket);
    const first = completedOf(await socket.request({ model: 'gpt-test', input: HISTORY }));
    const frames = await socket.request({ model: 'gpt-test', previous_response_id: first.response.id, input: [TRIGGER] });
    const completed = completedOf(frames);
    expect(completed.response.output).toHaveLength(1);
    expect(completed.response.output[0]).toMatchObject({ type: 'compaction' });
    // The compaction covers the whole continued context: the history, its answer and the trigger.
    const direct = await streamHttp(target, [...HISTORY, ...first.response.output, TRIGGER]);
    expect(completed.response.output[0]?.['encrypted_content']).toBe(completedOf(direct).response.output[0]?.['encrypted_content']);
  });

  it('refuses a compaction_trigger that is not the last input item, on both transports', async () => {
    const target = await start();
    const answer = await postJson(target, '/responses', { model: 'gpt-test', stream: true, input: [TRIGGER, userMessage('after')] });
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toMatchObject({ code: 'invalid_value', param: 'input[0]', message: "The 'compaction_trigger' item must be the final input item." });
    const socket = await RawSocket.open(target.wsUrl);
    closables.add(socket);
    const frames = await socket.request({ model: 'gpt-test', input: [TRIGGER, userMessage('after')] });
    expect(frames.at(-1)).toMatchObject({ type: 'error', status: 400, error: { code: 'invalid_value', param: 'input[0]' } });
  });

  const broken: [CompactionResultKind, (output: Frame[]) => void][] = [
    ['empty', (output) => expect(output).toEqual([])],
    ['no-compaction-item', (output) => expect(output.map((item) => item['type'])).toEqual(['message'])],
    ['malformed-item', (output) => expect(output).toEqual([{ id: expect.stringMatching(/^cmp_/), type: 'compaction' }])],
    ['two-compaction-items', (output) => expect(output.map((item) => item['type'])).toEqual(['compaction', 'compaction'])],
  ];
  for (const [result, check] of broken) {
    it(`the compaction-result fault ${result} breaks the next compaction only, on both transports`, async () => {
      const target = await start();
      target.faults.next({ kind: 'compaction-result', result });
      // A request that is not a compaction does not take the fault.
      const plain = completedOf(await streamHttp(target, HISTORY));
      expect(plain.response.output.map((item) => item['type'])).toEqual(['message']);
      check(completedOf(await streamHttp(target, [...HISTORY, TRIGGER])).response.output);
      expect(target.faults.pending).toEqual([]);

      target.faults.next({ kind: 'compaction-result', result });
      const socket = await RawSocket.open(target.wsUrl);
      closables.add(socket);
      check(completedOf(await socket.request({ model: 'gpt-test', input: [...HISTORY, TRIGGER] })).response.output);
    });
  }

  it('is refused by a provider without compaction v2', async () => {
    const target = await start({ providerRules: LOOPBACK_PROVIDER_RULES.xai });
    const answer = await postJson(target, '/responses', { model: 'gpt-test', stream: true, input: [...HISTORY, TRIGGER] });
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toMatchObject({ code: 'invalid_value' });
  });
});

describe('POST /v1/responses/compact (legacy)', () => {
  it('answers the user messages followed by one compaction item', async () => {
    const target = await start();
    const answer = await postJson(target, '/responses/compact', { model: 'gpt-test', input: HISTORY });
    expect(answer.status).toBe(200);
    const output = answer.body['output'] as Frame[];
    expect(output.slice(0, 2)).toEqual([HISTORY[0], HISTORY[2]]);
    expect(output[2]).toEqual({ id: expect.stringMatching(/^cmp_/), type: 'compaction', encrypted_content: expect.stringMatching(/^enc_/) });
  });

  it('answers broken results under the compaction-result fault', async () => {
    const target = await start();
    const outputs: Frame[][] = [];
    for (const result of ['empty', 'no-compaction-item', 'malformed-item', 'two-compaction-items'] as const) {
      target.faults.next({ kind: 'compaction-result', result });
      outputs.push((await postJson(target, '/responses/compact', { model: 'gpt-test', input: HISTORY })).body['output'] as Frame[]);
    }
    expect(outputs.map((output) => output.map((item) => item['type']))).toEqual([
      [],
      ['message', 'message'],
      ['message', 'message', 'compaction'],
      ['message', 'message', 'compaction', 'compaction'],
    ]);
    expect(outputs[2]?.[2]).not.toHaveProperty('encrypted_content');
  });

  it('answers 404 on a backend that retired it', async () => {
    const target = await start({ providerRules: LOOPBACK_PROVIDER_RULES['chatgpt-codex'] });
    const answer = await postJson(target, '/responses/compact', { model: 'gpt-test', input: HISTORY });
    expect(answer.status).toBe(404);
  });
});
