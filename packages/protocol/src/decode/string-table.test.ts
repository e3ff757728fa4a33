import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringTable } from './string-table.js';

describe('StringTable', () => {
  it('answers every lookup as a Map of the same entries does (first entry of a key wins, any probe)', () => {
    // Short alphabets make keys of equal length that differ late, as the event types do.
    const key = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', '.', 'é', '日'), maxLength: 6 }), fc.constantFrom('response.output_text.delta', 'response.output_item.added', 'response.content_part.done', ''));
    const probe = fc.oneof(key, fc.string({ maxLength: 8 }), fc.constantFrom(undefined, null, 0, 26, true, {}, ['a']));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer())), fc.array(probe, { maxLength: 20 }), (entries, probes) => {
        const table = new StringTable(entries);
        const reference = new Map<unknown, number>();
        for (const [entryKey, value] of entries) if (!reference.has(entryKey)) reference.set(entryKey, value);
        expect(table.size).toBe(reference.size);
        for (const candidate of [...probes, ...entries.map(([entryKey]) => entryKey)]) {
          expect(table.get(candidate)).toBe(reference.get(candidate));
          expect(table.has(candidate)).toBe(reference.has(candidate));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('finds keys that are fresh strings (as JSON.parse gives them), not only the ones it was built with', () => {
    const table = new StringTable([['response.output_text.delta', 1], ['response.output_item.added', 2]]);
    const parsed = JSON.parse('{"type":"response.output_item.added"}') as { type: string };
    expect(table.get(parsed.type)).toBe(2);
    expect(table.has('response.output_item.adde')).toBe(false);
  });
});
