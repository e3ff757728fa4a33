import { afterEach, describe, expect, it } from 'vitest';
import { collect, startSession, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import type { SessionEvent } from '../events/session-event.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
const citation = { type: 'url_citation', url: 'https://example.com/news', title: 'News', start_index: 0, end_index: 4 };
const search = { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'news' } };
const image = { type: 'image_generation_call', id: 'ig_1', status: 'completed', result: 'iVBORw0KGgo=' };
const message = {
  type: 'message',
  id: 'msg_1',
  role: 'assistant',
  status: 'completed',
  content: [
    { type: 'output_text', text: 'News', annotations: [citation] },
    { type: 'refusal', refusal: 'No more.' },
  ],
};

/** A response with a web search, an image preview, cited text and a refusal, event by event as the API streams them. */
function richResponse(id: string): { events: Record<string, unknown>[] } {
  const located = (outputIndex: number, itemId: string) => ({ output_index: outputIndex, item_id: itemId });
  return {
    events: [
      { type: 'response.created', response: { id, status: 'in_progress', output: [] } },
      { type: 'response.output_item.added', output_index: 0, item: { ...search, status: 'in_progress' } },
      { type: 'response.web_search_call.in_progress', ...located(0, 'ws_1') },
      { type: 'response.web_search_call.searching', ...located(0, 'ws_1') },
      { type: 'response.web_search_call.completed', ...located(0, 'ws_1') },
      { type: 'response.output_item.done', output_index: 0, item: search },
      { type: 'response.output_item.added', output_index: 1, item: { type: 'image_generation_call', id: 'ig_1', status: 'in_progress' } },
      { type: 'response.image_generation_call.generating', ...located(1, 'ig_1') },
      { type: 'response.image_generation_call.partial_image', ...located(1, 'ig_1'), partial_image_index: 0, partial_image_b64: 'AAAA', output_format: 'webp' },
      { type: 'response.output_item.done', output_index: 1, item: image },
      { type: 'response.output_item.added', output_index: 2, item: { ...message, status: 'in_progress', content: [] } },
      { type: 'response.output_text.delta', ...located(2, 'msg_1'), content_index: 0, delta: 'News' },
      { type: 'response.output_text.annotation.added', ...located(2, 'msg_1'), content_index: 0, annotation_index: 0, annotation: citation },
      { type: 'response.refusal.delta', ...located(2, 'msg_1'), content_index: 1, delta: 'No ' },
      { type: 'response.refusal.delta', ...located(2, 'msg_1'), content_index: 1, delta: 'more.' },
      { type: 'response.refusal.done', ...located(2, 'msg_1'), content_index: 1, refusal: 'No more.' },
      { type: 'response.output_item.done', output_index: 2, item: message },
      { type: 'response.completed', response: { id, status: 'completed', output: [search, image, message], usage } },
    ],
  };
}

function withoutTurnId(events: readonly SessionEvent[]): Record<string, unknown>[] {
  return events.filter((event) => event.type !== 'turn_started' && event.type !== 'turn_completed').map(({ turnId: _turnId, ...rest }) => rest);
}

describe.each([
  ['WebSocket', true],
  ['HTTP/SSE', false],
])('stream events forwarded as session events (%s)', (_name, webSocket) => {
  it('reports built-in tool progress, image previews, annotations and refusals in stream order, and commits the items', async () => {
    setup = await startSession({ webSocket });
    setup.server.script.next(richResponse('resp_rich'));
    const handle = setup.session.submit('what is new?');
    const { events } = await collect(handle);
    const result = await handle.result;

    expect(withoutTurnId(events)).toEqual([
      { type: 'hosted_tool_progress', itemId: 'ws_1', tool: 'web_search', status: 'in_progress' },
      { type: 'hosted_tool_progress', itemId: 'ws_1', tool: 'web_search', status: 'searching' },
      { type: 'hosted_tool_progress', itemId: 'ws_1', tool: 'web_search', status: 'completed' },
      { type: 'hosted_tool_progress', itemId: 'ig_1', tool: 'image_generation', status: 'generating' },
      { type: 'image_partial', itemId: 'ig_1', index: 0, imageBase64: 'AAAA', outputFormat: 'webp' },
      { type: 'text_delta', itemId: 'msg_1', delta: 'News' },
      { type: 'text_annotation', itemId: 'msg_1', contentIndex: 0, annotationIndex: 0, annotation: citation },
      { type: 'refusal_delta', itemId: 'msg_1', delta: 'No ' },
      { type: 'refusal_delta', itemId: 'msg_1', delta: 'more.' },
    ]);
    expect(result.items.slice(1)).toEqual([search, image, message]);
  });
});
