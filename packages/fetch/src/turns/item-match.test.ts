import fc from 'fast-check';
import type { ResponseInputItem } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { itemsMatch } from './item-match.js';

const item = (value: Record<string, unknown>): ResponseInputItem => value as unknown as ResponseInputItem;

/** An output item as the server streams it: a message, a function call or a reasoning item. */
const serverItem = fc.oneof(
  fc.record({ id: fc.stringMatching(/^msg_[a-z0-9]{1,8}$/), text: fc.string() }).map(({ id, text }) =>
    item({ id, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }),
  ),
  fc.record({ id: fc.stringMatching(/^fc_[a-z0-9]{1,8}$/), callId: fc.stringMatching(/^call_[a-z0-9]{1,8}$/), name: fc.stringMatching(/^[a-z_]{1,10}$/), args: fc.json() }).map(({ id, callId, name, args }) =>
    item({ id, type: 'function_call', status: 'completed', call_id: callId, name, arguments: args }),
  ),
  fc.record({ id: fc.stringMatching(/^rs_[a-z0-9]{1,8}$/), summary: fc.string(), encrypted: fc.base64String() }).map(({ id, summary, encrypted }) =>
    item({ id, type: 'reasoning', summary: [{ type: 'summary_text', text: summary }], encrypted_content: encrypted }),
  ),
);

/** The fields of `value` in an order fixed by `seed` (SDKs rebuild items with their own key order). */
function reordered(value: Record<string, unknown>, seed: number): Record<string, unknown> {
  const rank = (key: string): number => [...key].reduce((hash, character) => Math.imul(hash ^ character.charCodeAt(0), 16777619), seed | 1);
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => rank(a) - rank(b)));
}

/** How SDKs send an output item back: keys reordered, `id`/`status` dropped, easy messages, references. */
function echoes(original: ResponseInputItem, seed: number): ResponseInputItem[] {
  const fields = original as unknown as Record<string, unknown>;
  const { id: _id, status: _status, ...bare } = fields;
  const result = [item(reordered(fields, seed)), item(reordered(bare, seed)), item({ type: 'item_reference', id: fields['id'] }), item({ ...fields, status: 'completed', extra: null })];
  if (fields['type'] === 'message') {
    const content = fields['content'] as { text: string }[];
    result.push(item({ role: 'assistant', content: content[0]?.text ?? '', id: fields['id'] }));
  }
  if (fields['type'] === 'reasoning') result.push(item({ ...fields, encrypted_content: 're-encrypted' }));
  return result;
}

/** The item with its meaningful field changed (text, arguments, summary). */
function changed(original: ResponseInputItem): ResponseInputItem {
  const fields = original as unknown as Record<string, unknown>;
  switch (fields['type']) {
    case 'message':
      return item({ ...fields, content: [{ type: 'output_text', text: `${(fields['content'] as { text: string }[])[0]?.text ?? ''}!`, annotations: [] }] });
    case 'function_call':
      return item({ ...fields, arguments: `${String(fields['arguments'])} ` });
    default:
      return item({ ...fields, summary: [{ type: 'summary_text', text: `${(fields['summary'] as { text: string }[])[0]?.text ?? ''}.` }] });
  }
}

describe('itemsMatch', () => {
  it('matches every way an SDK echoes an item it received', () => {
    fc.assert(
      fc.property(serverItem, fc.integer(), (original, seed) => {
        for (const echo of echoes(original, seed)) expect(itemsMatch(echo, original)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('does not match an item with a changed text, arguments or summary, with or without its id', () => {
    fc.assert(
      fc.property(serverItem, fc.integer(), (original, seed) => {
        const altered = changed(original) as unknown as Record<string, unknown>;
        const { id: _id, ...withoutId } = altered;
        expect(itemsMatch(item(reordered(altered, seed)), original)).toBe(false);
        expect(itemsMatch(item(withoutId), original)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('tells a changed text, arguments or role apart, and an item reference to another id', () => {
    const message = item({ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hello', annotations: [] }] });
    expect(itemsMatch(item({ role: 'assistant', content: 'hello' }), message)).toBe(true);
    expect(itemsMatch(item({ role: 'assistant', content: 'hello!' }), message)).toBe(false);
    expect(itemsMatch(item({ role: 'user', content: 'hello' }), message)).toBe(false);
    expect(itemsMatch(item({ type: 'item_reference', id: 'msg_2' }), message)).toBe(false);
    expect(itemsMatch(item({ id: 'msg_1' }), message)).toBe(true);
    const call = item({ id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'c1', name: 'shell', arguments: '{"command":"ls"}' });
    expect(itemsMatch(item({ type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":"ls"}' }), call)).toBe(true);
    expect(itemsMatch(item({ type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":"pwd"}' }), call)).toBe(false);
    expect(itemsMatch(item({ type: 'function_call', call_id: 'c2', name: 'shell', arguments: '{"command":"ls"}' }), call)).toBe(false);
    const reasoning = item({ id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'a' });
    // Without ids on both sides the encrypted content is all that identifies a reasoning item.
    expect(itemsMatch(item({ type: 'reasoning', summary: [], encrypted_content: 'b' }), reasoning)).toBe(false);
    expect(itemsMatch(item({ type: 'reasoning', summary: [], encrypted_content: 'a' }), reasoning)).toBe(true);
  });
});
