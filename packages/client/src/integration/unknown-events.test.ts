import { afterEach, describe, expect, it } from 'vitest';
import { drain, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext } from '../__fixtures__/turn-fixtures.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const usage = { input_tokens: 3, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 4 };
const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] };
const future = { type: 'response.hologram_call.rendering', item_id: 'hg_1', output_index: 0, frames: [1, 2, 3] };

describe.each([
  ['WebSocket', true],
  ['HTTP/SSE', false],
])('an event type this version does not know (%s)', (_name, supportsWebSockets) => {
  it('reaches the ResponseStream caller as a typed unknown event with its type and payload, in stream order, and the response completes', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets } });
    setup.server.script.next({
      events: [
        { type: 'response.created', response: { id: 'resp_future', status: 'in_progress', output: [] } },
        { ...future, sequence_number: 1 },
        { type: 'response.output_item.done', output_index: 0, item: message },
        { type: 'response.completed', response: { id: 'resp_future', status: 'completed', output: [message], usage } },
      ],
    });
    const stream = setup.client.newTurn().stream(prompt('hi'), turnContext());
    const events = await drain(stream);
    const kinds = events.map((event) => event.type).filter((type) => !['rate_limits', 'server_model', 'models_etag', 'turn_state'].includes(type));
    expect(kinds).toEqual(['created', 'unknown', 'output_item_done', 'completed']);
    expect(events.find((event) => event.type === 'unknown')).toEqual({ type: 'unknown', originalType: 'response.hologram_call.rendering', payload: { ...future, sequence_number: 1 } });
    expect((await stream.result).output).toEqual([message]);
  });
});
