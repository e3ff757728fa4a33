import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Json = Record<string, unknown>;

function bodyOf(request: { body: unknown } | undefined): Json {
  return request?.body as Json;
}

/** The `output_item.done` items and the `response.completed` output the server sent for a request. */
function sentItems(events: readonly Json[]): { streamed: Json[]; completed: Json[] } {
  const streamed = events.filter((event) => event['type'] === 'response.output_item.done').map((event) => event['item'] as Json);
  const terminal = events.find((event) => event['type'] === 'response.completed')?.['response'] as Json | undefined;
  return { streamed, completed: (terminal?.['output'] as Json[] | undefined) ?? [] };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
}

describe('continuation baseline: the streamed items, not response.completed.output', () => {
  it('keeps the chain when response.completed re-encrypts the reasoning: the result holds the streamed item and the next request is incremental', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const telemetry = new RecordingTelemetry();
    const turn = client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    const { streamed, completed } = sentItems(server.recording.eventsFor(0));
    const streamedReasoning = streamed.find((item) => item['type'] === 'reasoning');
    const completedReasoning = completed.find((item) => item['type'] === 'reasoning');
    expect(streamedReasoning?.['encrypted_content']).toEqual(expect.any(String));
    expect(completedReasoning?.['encrypted_content']).not.toBe(streamedReasoning?.['encrypted_content']);
    expect(first.output.find((item) => item.type === 'reasoning')).toEqual(streamedReasoning);

    history.push(...first.output, userMessage('two'));
    await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'incremental', sentItems: 1 });
    expect(bodyOf(server.recording.requests[1])).toMatchObject({ previous_response_id: first.responseId, input: [userMessage('two')] });
  });

  it('holds the items only response.completed listed in the result and in the baseline alike', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const reasoning = { id: 'rs_s1', type: 'reasoning', summary: [], encrypted_content: 'enc-streamed' };
    const message = { id: 'msg_s1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'never streamed', annotations: [] }] };
    const response = { id: 'resp_s1', object: 'response', status: 'in_progress', output: [], usage: null };
    server.script.next({
      events: [
        { type: 'response.created', response },
        { type: 'response.output_item.added', output_index: 0, item: { ...reasoning, encrypted_content: undefined } },
        { type: 'response.output_item.done', output_index: 0, item: reasoning },
        { type: 'response.completed', response: { ...response, status: 'completed', output: [{ ...reasoning, encrypted_content: 'enc-completed' }, message] } },
      ],
    });
    const telemetry = new RecordingTelemetry();
    const turn = client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(first.output).toEqual([reasoning, message]);
    expect(telemetry.reconciled).toMatchObject([{ items: 1 }]);
    history.push(...first.output, userMessage('two'));
    await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'incremental', sentItems: 1 });
    expect(bodyOf(server.recording.requests[1])['previous_response_id']).toBe('resp_s1');
  });

  it('stays incremental when the caller sends the output back without ids, statuses or logprobs, keys reordered', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    const echoed = first.output.map((item) => {
      const { id: _id, status: _status, ...rest } = item as unknown as Json;
      return Object.fromEntries(Object.entries(rest).reverse()) as unknown as ResponseItem;
    });
    history.push(...echoed, userMessage('two'));
    await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'incremental', sentItems: 1 });
  });
});

describe('item ids the API would refuse are left out of the request, never out of the caller’s items', () => {
  const history = (): ResponseItem[] =>
    deepFreeze([
      { type: 'message', id: 'capture-id-1', role: 'user', content: [{ type: 'input_text', text: 'run: ls' }] },
      { type: 'reasoning', id: 'rs_kept', summary: [], encrypted_content: 'enc' },
      { type: 'function_call', id: 'item_c270d5511c7129adc7475632', call_id: 'call_1', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', id: '', call_id: 'call_1', output: 'ok' },
      { type: 'message', id: 'msg_kept', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'done', annotations: [] }] },
      { role: 'user', content: 'and now?', id: '' } as ResponseItem,
    ] as ResponseItem[]);
  const expectedIds = [undefined, 'rs_kept', undefined, undefined, 'msg_kept', undefined];

  it.each([
    ['WebSocket', {}],
    ['HTTP', { providerOverrides: { supportsWebSockets: false } }],
  ])('%s', async (_transport, options) => {
    setup = await startLoopback(options);
    const input = history();
    const before = structuredClone(input);
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const first = await turn.stream(prompt(input), turnContext({}, telemetry)).result;
    const sent = bodyOf(setup.server.recording.requests[0])['input'] as Json[];
    expect(sent.map((item) => item['id'])).toEqual(expectedIds);
    expect(sent.map((item) => ('id' in item ? 'id' : 'no id'))).toEqual(expectedIds.map((id) => (id === undefined ? 'no id' : 'id')));
    expect(sent[2]).toEqual({ type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{}' });
    expect(input).toEqual(before);
    // The caller's history (ids and all) still continues the chain.
    const next = [...input, ...first.output, userMessage('more')];
    await turn.stream(prompt(next), turnContext({}, telemetry)).result;
    if (_transport === 'WebSocket') expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'incremental', sentItems: 1 });
    expect(setup.server.recording.requests).toHaveLength(2);
  });
});
