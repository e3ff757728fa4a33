// The mapping of stream events to the AI SDK's parts for what neither the loopback server nor
// the recordings produce: items streamed without deltas, refusals, response.incomplete, a
// shell the server runs, and the way a provider-executed call's item goes back to the server.
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { RawResponseEvent } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { CallArguments } from '../prompt/call-arguments.js';
import { convertPrompt } from '../prompt/convert-prompt.js';
import { ProviderToolNames } from '../request/provider-tools.js';
import { StreamParts } from './stream-parts.js';

function mapper(names: ProviderToolNames = new ProviderToolNames()): { parts: LanguageModelV4StreamPart[]; mapper: StreamParts } {
  const parts: LanguageModelV4StreamPart[] = [];
  const stream = new StreamParts({ enqueue: (part) => void parts.push(part), ready: () => Promise.resolve() }, { callArguments: new CallArguments(), providerToolNames: names, includeRaw: false, onStart: () => undefined });
  return { parts, mapper: stream };
}

const added = (item: Record<string, unknown>, index = 0): RawResponseEvent => ({ type: 'response.output_item.added', output_index: index, item });
const done = (item: Record<string, unknown>, index = 0): RawResponseEvent => ({ type: 'response.output_item.done', output_index: index, item });

describe('StreamParts', () => {
  it('a message without deltas is sent whole; a refusal is text and finishes with content-filter; response.incomplete finishes with its reason', () => {
    const { parts, mapper: stream } = mapper();
    const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'whole', annotations: [] }] };
    stream.offer(added({ ...message, content: [] }));
    stream.offer(done(message));
    expect(stream.producedOutput).toBe(true);
    stream.offer({ type: 'response.incomplete', response: { id: 'resp_1', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 5, output_tokens: 7, output_tokens_details: { reasoning_tokens: 2 } } } });
    expect(stream.endedByServer).toBe(true);
    parts.push(stream.finish(undefined, undefined));
    expect(parts).toEqual([
      { type: 'text-start', id: 'msg_1', providerMetadata: { modelwire: { itemId: 'msg_1' } } },
      { type: 'text-delta', id: 'msg_1', delta: 'whole' },
      { type: 'text-end', id: 'msg_1', providerMetadata: { modelwire: { itemId: 'msg_1' } } },
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

    const refusal = mapper();
    refusal.mapper.offer(added({ type: 'message', id: 'msg_2', role: 'assistant', content: [] }));
    refusal.mapper.offer({ type: 'response.refusal.delta', output_index: 0, item_id: 'msg_2', content_index: 0, delta: 'no' });
    refusal.mapper.offer(done({ type: 'message', id: 'msg_2', role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] }));
    const finish = refusal.mapper.finish(undefined, 'resp_2');
    expect(refusal.parts.map((part) => (part.type === 'text-delta' ? `${part.type} ${part.delta}` : part.type))).toEqual(['text-start', 'text-delta no', 'text-end']);
    expect(finish).toMatchObject({ finishReason: { unified: 'content-filter' }, providerMetadata: { modelwire: { responseId: 'resp_2' } } });
  });

  it('a shell the server runs in a container is a provider-executed call and result; both items go back once, as the server sent them', () => {
    const names = new ProviderToolNames();
    names.add('shell', 'terminal');
    names.shellEnvironment = 'containerAuto';
    const { parts, mapper: stream } = mapper(names);
    const call = { type: 'shell_call', id: 'sh_1', call_id: 'call_1', status: 'completed', action: { commands: ['ls'], timeout_ms: null, max_output_length: null } };
    const output = { type: 'shell_call_output', id: 'sho_1', call_id: 'call_1', status: 'completed', max_output_length: null, output: [{ stdout: 'a\n', stderr: '', outcome: { type: 'exit', exit_code: 0 } }] };
    stream.offer(added(call));
    stream.offer(done(call));
    stream.offer(added(output, 1));
    stream.offer(done(output, 1));
    expect(parts).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'terminal', input: '{"action":{"commands":["ls"]}}', providerExecuted: true, providerMetadata: { modelwire: { itemId: 'sh_1', item: call } } },
      { type: 'tool-result', toolCallId: 'call_1', toolName: 'terminal', result: { output: [{ stdout: 'a\n', stderr: '', outcome: { type: 'exit', exitCode: 0 } }] }, providerMetadata: { modelwire: { item: output } } },
    ]);
    const [toolCall, toolResult] = parts as [Extract<LanguageModelV4StreamPart, { type: 'tool-call' }>, Extract<LanguageModelV4StreamPart, { type: 'tool-result' }>];
    const items = convertPrompt(
      [
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: toolCall.toolCallId, toolName: toolCall.toolName, input: JSON.parse(toolCall.input), providerExecuted: true, providerOptions: toolCall.providerMetadata as never },
            { type: 'tool-result', toolCallId: toolResult.toolCallId, toolName: toolResult.toolName, output: { type: 'json', value: toolResult.result as never }, providerOptions: toolResult.providerMetadata as never },
            { type: 'tool-result', toolCallId: toolResult.toolCallId, toolName: toolResult.toolName, output: { type: 'json', value: toolResult.result as never }, providerOptions: toolResult.providerMetadata as never },
          ],
        },
      ],
      { systemRole: 'system', callArguments: new CallArguments(), toolNames: names },
      [],
    );
    expect(items).toEqual([call, output]);
  });

  it('holds the parts until the first output: a failure before it is held (the call rejects), a retry replaces the metadata', () => {
    let started = 0;
    const parts: LanguageModelV4StreamPart[] = [];
    const stream = new StreamParts({ enqueue: (part) => void parts.push(part), ready: () => Promise.resolve() }, { callArguments: new CallArguments(), providerToolNames: new ProviderToolNames(), includeRaw: false, onStart: () => void started++ });
    stream.offer({ type: 'response.created', response: { id: 'resp_1', created_at: 1, model: 'm' } });
    stream.offer({ type: 'error', code: 'server_error', message: 'x' });
    expect(stream.heldFailure).toMatchObject({ type: 'error' });
    expect([stream.started, stream.producedOutput, parts.length, started]).toEqual([false, false, 0, 0]);
    stream.newAttempt();
    stream.offer({ type: 'response.created', response: { id: 'resp_2', created_at: 2, model: 'm' } });
    expect(stream.heldFailure).toBeNull();
    stream.offer(added({ type: 'message', id: 'msg_1', role: 'assistant', content: [] }));
    expect([stream.started, started]).toEqual([true, 1]);
    expect(parts.map((part) => (part.type === 'response-metadata' ? part.id : part.type))).toEqual(['resp_2', 'text-start']);

    const empty = mapper();
    empty.mapper.begin();
    expect(empty.mapper.started).toBe(false);
    empty.mapper.offer({ type: 'response.created', response: { id: 'resp_3', created_at: 3, model: 'm' } });
    empty.mapper.begin();
    expect(empty.mapper.started).toBe(true);
    expect(empty.parts.map((part) => part.type)).toEqual(['response-metadata']);
  });
});
