// The mapping of stream events to the AI SDK's parts for what the loopback server does not
// produce: a web search the server runs (a provider-executed call and its result, sent back
// as the server's own item), refusals, items streamed without deltas, response.incomplete.
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { ResponseEvent, ResponseItem } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { CallArguments } from '../prompt/call-arguments.js';
import { convertPrompt } from '../prompt/convert-prompt.js';
import { StreamParts } from './stream-parts.js';

function mapper(providerToolNames: ReadonlyMap<string, string> = new Map()): { parts: LanguageModelV4StreamPart[]; mapper: StreamParts } {
  const parts: LanguageModelV4StreamPart[] = [];
  const stream = new StreamParts({ enqueue: (part) => void parts.push(part), ready: () => Promise.resolve() }, { callArguments: new CallArguments(), providerToolNames, includeRaw: false, onStart: () => undefined });
  return { parts, mapper: stream };
}

const done = (item: Record<string, unknown>): ResponseEvent => ({ type: 'output_item_done', outputIndex: 0, item: item as unknown as ResponseItem });

describe('StreamParts', () => {
  it('a web search the server ran is a provider-executed tool call and result, and its item goes back as the server sent it', async () => {
    const { parts, mapper: stream } = mapper(new Map([['web_search', 'search']]));
    const item = { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'modelwire' } };
    await stream.event(done(item));
    expect(parts).toEqual([
      { type: 'tool-call', toolCallId: 'ws_1', toolName: 'search', input: '{"type":"search","query":"modelwire"}', providerExecuted: true, providerMetadata: { modelwire: { itemId: 'ws_1', item } } },
      { type: 'tool-result', toolCallId: 'ws_1', toolName: 'search', result: { status: 'completed', action: { type: 'search', query: 'modelwire' } } },
    ]);
    const call = parts[0] as Extract<LanguageModelV4StreamPart, { type: 'tool-call' }>;
    const items = convertPrompt(
      [{ role: 'assistant', content: [{ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: JSON.parse(call.input), providerExecuted: true, providerOptions: call.providerMetadata as never }] }],
      { systemRole: 'system', callArguments: new CallArguments() },
      [],
    );
    expect(items).toEqual([item]);
  });

  it('a message without deltas is sent whole; a refusal is text; response.incomplete finishes with its reason', async () => {
    const { parts, mapper: stream } = mapper();
    await stream.event(done({ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'whole', annotations: [] }, { type: 'refusal', refusal: 'no' }] }));
    stream.offer({ type: 'response.incomplete', response: { id: 'resp_1', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 5, output_tokens: 7, output_tokens_details: { reasoning_tokens: 2 } } } });
    expect(stream.endedByServer).toBe(true);
    parts.push(stream.finish(undefined, undefined));
    expect(parts).toEqual([
      { type: 'text-start', id: 'msg_1', providerMetadata: { modelwire: { itemId: 'msg_1' } } },
      { type: 'text-delta', id: 'msg_1', delta: 'whole' },
      { type: 'text-start', id: 'msg_1:1', providerMetadata: { modelwire: { itemId: 'msg_1' } } },
      { type: 'text-delta', id: 'msg_1:1', delta: 'no' },
      { type: 'text-end', id: 'msg_1', providerMetadata: { modelwire: { itemId: 'msg_1' } } },
      { type: 'text-end', id: 'msg_1:1', providerMetadata: { modelwire: { itemId: 'msg_1' } } },
      {
        type: 'finish',
        finishReason: { unified: 'length', raw: 'max_output_tokens' },
        usage: {
          inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: undefined },
          outputTokens: { total: 7, text: 5, reasoning: 2 },
          raw: { input_tokens: 5, output_tokens: 7, output_tokens_details: { reasoning_tokens: 2 } },
        },
        providerMetadata: { modelwire: { responseId: 'resp_1' } },
      },
    ]);
  });
});
