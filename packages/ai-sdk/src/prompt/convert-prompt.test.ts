// The prompt conversion decides whether a step continues incrementally: the items it makes of
// an assistant message the provider produced must match the response's output items as the
// continuation check reads them (itemsMatch), whatever the output; and the conversion of a
// prompt is the prefix of the conversion of any prompt that extends it.
import type { LanguageModelV4Message, LanguageModelV4Prompt, SharedV4Warning } from '@ai-sdk/provider';
import type { ResponseInputItem } from '@modelwire/client';
import { itemsMatch } from '@modelwire/fetch';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallArguments } from './call-arguments.js';
import { convertPrompt } from './convert-prompt.js';

type ServerItem = Record<string, unknown>;

const text = fc.string({ maxLength: 40 });
const argumentValue = fc.dictionary(fc.constantFrom('command', 'path', 'n', 'flags'), fc.oneof(text, fc.integer(), fc.boolean(), fc.array(text, { maxLength: 3 })), { maxKeys: 4 });

/** Output items as the server sends them (ids, status, annotations, argument text with or without spaces). */
const serverItem = (index: number): fc.Arbitrary<ServerItem> =>
  fc.oneof(
    fc.array(text, { minLength: 1, maxLength: 2 }).map((parts) => ({ type: 'message', id: `msg_${index}`, role: 'assistant', status: 'completed', content: parts.map((part) => ({ type: 'output_text', text: part, annotations: [], logprobs: [] })) })),
    fc.record({ summary: fc.array(text.filter((part) => part.length > 0), { maxLength: 2 }), encrypted: fc.option(fc.base64String({ minLength: 4, maxLength: 24 }), { nil: undefined }) }).map(({ summary, encrypted }) => ({
      type: 'reasoning',
      id: `rs_${index}`,
      summary: summary.map((part) => ({ type: 'summary_text', text: part })),
      ...(encrypted === undefined ? {} : { encrypted_content: encrypted }),
    })),
    fc.record({ value: argumentValue, spaced: fc.boolean() }).map(({ value, spaced }) => ({ type: 'function_call', id: `fc_${index}`, call_id: `call_${index}`, name: 'shell', arguments: JSON.stringify(value, null, spaced ? 1 : undefined), status: 'completed' })),
  );

/** The assistant message the AI SDK builds from the provider's parts for `items` (providerMetadata → providerOptions). */
function assistantMessage(items: readonly ServerItem[]): LanguageModelV4Message {
  const content: Extract<LanguageModelV4Message, { role: 'assistant' }>['content'] = [];
  for (const item of items) {
    const itemId = item['id'] as string;
    if (item['type'] === 'message') {
      for (const part of item['content'] as { text: string }[]) content.push({ type: 'text', text: part.text, providerOptions: { modelwire: { itemId } } });
    } else if (item['type'] === 'reasoning') {
      const summary = item['summary'] as { text: string }[];
      const options = { modelwire: { itemId, reasoningEncryptedContent: (item['encrypted_content'] as string | undefined) ?? null } };
      if (summary.length === 0) content.push({ type: 'reasoning', text: '', providerOptions: options });
      for (const part of summary) content.push({ type: 'reasoning', text: part.text, providerOptions: options });
    } else {
      content.push({ type: 'tool-call', toolCallId: item['call_id'] as string, toolName: item['name'] as string, input: JSON.parse(item['arguments'] as string), providerOptions: { modelwire: { itemId } } });
    }
  }
  return { role: 'assistant', content };
}

const outputs = fc.integer({ min: 1, max: 5 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => serverItem(index))));

describe('convertPrompt', () => {
  it('gives back items that match the response output they came from, item by item', () => {
    fc.assert(
      fc.property(outputs, (items) => {
        const callArguments = new CallArguments();
        for (const item of items) if (item['type'] === 'function_call') callArguments.remember(item['call_id'] as string, item['arguments'] as string);
        const warnings: SharedV4Warning[] = [];
        const converted = convertPrompt([assistantMessage(items)], { systemRole: 'system', callArguments }, warnings);
        expect(warnings).toEqual([]);
        expect(converted).toHaveLength(items.length);
        converted.forEach((item, index) => expect(itemsMatch(item, items[index] as unknown as ResponseInputItem)).toBe(true));
      }),
    );
  });

  it('converts a prompt to the prefix of the conversion of any prompt that extends it', () => {
    const message: fc.Arbitrary<LanguageModelV4Message> = fc.oneof(
      text.map((content) => ({ role: 'system' as const, content })),
      text.map((value) => ({ role: 'user' as const, content: [{ type: 'text' as const, text: value }] })),
      fc.integer({ min: 0, max: 99 }).chain((index) => serverItem(index).map((item) => assistantMessage([item]))),
      fc.tuple(fc.integer({ min: 0, max: 99 }), text).map(([index, value]) => ({ role: 'tool' as const, content: [{ type: 'tool-result' as const, toolCallId: `call_${index}`, toolName: 'shell', output: { type: 'text' as const, value } }] })),
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.array(message, { maxLength: 4 }), (prefix: LanguageModelV4Prompt, more: LanguageModelV4Prompt) => {
        const options = { systemRole: 'system' as const, callArguments: new CallArguments() };
        const short = convertPrompt(prefix, options, []);
        const long = convertPrompt([...prefix, ...more], options, []);
        expect(long.slice(0, short.length)).toEqual(short);
      }),
    );
  });

  it('sends tool results and approval responses as the API reads them and leaves out what it cannot send, with a warning', () => {
    const warnings: SharedV4Warning[] = [];
    const items = convertPrompt(
      [
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'a', toolName: 't', output: { type: 'json', value: { ok: true } } },
            { type: 'tool-result', toolCallId: 'b', toolName: 't', output: { type: 'execution-denied', reason: 'no' } },
            { type: 'tool-result', toolCallId: 'c', toolName: 't', output: { type: 'content', value: [{ type: 'text', text: 'see' }, { type: 'file', mediaType: 'image/png', data: { type: 'url', url: new URL('https://example.com/a.png') } }] } },
            { type: 'tool-approval-response', approvalId: 'x', approved: true },
            { type: 'tool-approval-response', approvalId: 'x', approved: true },
          ],
        },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'thought elsewhere' }] },
      ],
      { systemRole: 'system', callArguments: new CallArguments() },
      warnings,
    );
    expect(items).toEqual([
      { type: 'function_call_output', call_id: 'a', output: '{"ok":true}' },
      { type: 'function_call_output', call_id: 'b', output: 'no' },
      { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] },
      { type: 'mcp_approval_response', approval_request_id: 'x', approve: true },
    ]);
    expect(warnings.map((warning) => (warning.type === 'unsupported' ? warning.feature : warning.type))).toEqual(['reasoning part without an item id']);
  });
});
