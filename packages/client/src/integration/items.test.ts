// Items through the client over real sockets: the input forms the API accepts (string, easy
// messages, item references without `type`) go out with their `type` spelled out; items of types
// this version does not model go out and come back unchanged; a malformed known item is an
// InvalidArgumentError naming its field, before any I/O.
import { InvalidArgumentError } from '@modelwire/errors';
import { asResponseItem, unknownItemOf, type ResponseInputItem, type ResponseItem } from '@modelwire/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

function inputOf(request: { body: unknown } | undefined): unknown[] {
  return ((request?.body ?? {}) as { input?: unknown[] }).input ?? [];
}

describe('input items on the wire', () => {
  it.each([
    ['websocket', true],
    ['http', false],
  ] as const)('%s: typeless forms get their type, every other item goes out unchanged', async (_, webSockets) => {
    setup = await startLoopback({ enableWebSockets: webSockets });
    const input: ResponseInputItem[] = [
      { role: 'developer', content: 'be terse' },
      { role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', detail: 'low', image_url: 'data:image/png;base64,AAAA' }] },
      { id: 'msg_stored' },
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"cmd":"ls"}' },
      { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'a.txt' }] },
      { type: 'shell_call', call_id: 's1', action: { commands: ['pwd'] } },
      { type: 'shell_call_output', call_id: 's1', output: [{ stdout: '/work', stderr: '', outcome: { type: 'exit', exit_code: 0 } }] },
    ];
    await setup.client.newTurn().stream(prompt(input), turnContext()).result;
    expect(inputOf(setup.server.recording.requests.at(-1))).toEqual([
      { type: 'message', role: 'developer', content: 'be terse' },
      { type: 'message', ...input[1] },
      { type: 'item_reference', id: 'msg_stored' },
      ...input.slice(3),
    ]);
  });

  it('sends an item of a type not modelled here unchanged (a server that does not know it refuses it by path)', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 0 } });
    const fromNewerApi = { type: 'hologram_call', id: 'hg_1', call_id: 'c9', depth: { layers: [1, 2] } };
    const stream = setup.client.newTurn().stream(prompt([userMessage('hi'), asResponseItem(fromNewerApi)]), turnContext());
    await expect(stream.result).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('hologram_call') });
    expect(inputOf(setup.server.recording.requests.at(-1))).toEqual([userMessage('hi'), fromNewerApi]);
  });

  it('sends a string input as one user message', async () => {
    setup = await startLoopback();
    const result = await setup.client.newTurn().stream(prompt('hello there'), turnContext()).result;
    expect(inputOf(setup.server.recording.requests.at(-1))).toEqual([{ type: 'message', role: 'user', content: 'hello there' }]);
    expect(result.outputText.length).toBeGreaterThan(0);
  });
});

describe('output items', () => {
  it('keep an item type not modelled here unchanged; the typed ones narrow', async () => {
    const unknownItem = { type: 'hologram_call', id: 'hg_2', status: 'completed', depth: 3 };
    const answer = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] };
    const output = [unknownItem, answer];
    setup = await startLoopback({}, {
      model: () => ({
        events: [
          { type: 'response.created', response: { id: 'resp_x', status: 'in_progress', output: [] } },
          ...output.map((item, index) => ({ type: 'response.output_item.done', output_index: index, item })),
          { type: 'response.completed', response: { id: 'resp_x', status: 'completed', output, usage: null } },
        ],
      }),
    });
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.output).toEqual(output);
    expect(result.outputText).toBe('ok');
    const [first, second] = result.output;
    expect(unknownItemOf(first!)).toEqual(unknownItem);
    expect(second?.type === 'message' && second.role === 'assistant' ? second.id : null).toBe('msg_1');
  });
});

describe('invalid input items', () => {
  const cases: readonly (readonly [string, unknown, string])[] = [
    ['a function call without call_id', { type: 'function_call', name: 'shell', arguments: '{}' }, 'prompt.input[1].call_id'],
    ['function call arguments as an object', { type: 'function_call', call_id: 'c', name: 'shell', arguments: { a: 1 } }, 'prompt.input[1].arguments'],
    ['a message with an unknown role', { role: 'robot', content: 'x' }, 'prompt.input[1].role'],
    ['a content part without text', { type: 'message', role: 'user', content: [{ type: 'input_text' }] }, 'prompt.input[1].content'],
    ['a shell call without commands', { type: 'shell_call', call_id: 's', action: {} }, 'prompt.input[1].action.commands'],
    ['an empty type', { type: '' }, 'prompt.input[1].type'],
    ['a number', 42, 'prompt.input[1]'],
  ];

  it.each(cases)('%s is an InvalidArgumentError with its path, before any I/O', async (_, item, path) => {
    setup = await startLoopback();
    let caught: unknown;
    try {
      setup.client.newTurn().stream(prompt([userMessage('hi'), item as ResponseItem]), turnContext());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).path.startsWith(path), (caught as Error).message).toBe(true);
    expect(setup.server.recording.requests).toEqual([]);
  });
});
