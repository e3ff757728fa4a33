import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../types/prompt.js';
import { ITEM_ID_PREFIXES, wireInput } from './wire-input.js';

const item = (fields: Record<string, unknown>): ResponseItem => fields as unknown as ResponseItem;

describe('wireInput', () => {
  it('returns the caller’s array itself when every id may be sent', () => {
    const input = [item({ type: 'message', id: 'msg_1', role: 'user', content: 'hi' }), item({ role: 'user', content: 'no id' }), item({ type: 'web_search_call', id: 'ws_1', status: 'completed' })];
    expect(wireInput(input)).toBe(input);
  });

  it('keeps required and unknown-rule ids as given, strips only empty ones where the id is optional', () => {
    const input = [
      item({ type: 'item_reference', id: 'anything' }),
      item({ type: 'web_search_call', id: 'fc_xai_style', status: 'completed' }),
      item({ type: 'future_item', id: '' }),
      item({ type: 'function_call_output', id: 'fco_1', call_id: 'c', output: 'x' }),
      item({ type: 'function_call_output', id: null, call_id: 'c', output: 'x' }),
    ];
    expect(wireInput(input).map((entry) => (entry as unknown as Record<string, unknown>)['id'])).toEqual(['anything', 'fc_xai_style', '', 'fco_1', undefined]);
  });

  it('strips exactly the ids without a known prefix of their type, and never changes the input (property)', () => {
    const types = [...Object.keys(ITEM_ID_PREFIXES), 'function_call_output', 'item_reference', 'web_search_call'];
    const ids = fc.oneof(fc.constant(''), fc.constant(undefined), fc.constantFrom('msg_1', 'rs_1', 'fc_1', 'ct_1', 'ctc_1', 'item_1', 'capture-id-7', 'MSG_1'));
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.constantFrom(...types), id: ids }), { maxLength: 8 }), (specs) => {
        const input = specs.map(({ type, id }) => Object.freeze(item(id === undefined ? { type, call_id: 'c' } : { type, id, call_id: 'c' })));
        Object.freeze(input);
        const before = structuredClone(input);
        const sent = wireInput(input);
        expect(input).toEqual(before);
        expect(sent).toHaveLength(input.length);
        sent.forEach((entry, index) => {
          const { type, id } = specs[index]!;
          const prefixes = ITEM_ID_PREFIXES[type];
          const keeps =
            id === undefined ||
            (prefixes !== undefined ? id !== '' && prefixes.some((prefix) => id.startsWith(prefix)) : !(id === '' && type === 'function_call_output'));
          const record = entry as unknown as Record<string, unknown>;
          expect('id' in record).toBe(id !== undefined && keeps);
          expect({ ...record, id: undefined }).toEqual({ ...(input[index] as unknown as Record<string, unknown>), id: undefined });
        });
        if (sent !== input) expect(sent.some((entry, index) => entry !== input[index])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
