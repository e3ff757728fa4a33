import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompactionItem, ResponseItem } from '@modelwire/protocol';
import { CompactionFailedError } from './compaction-failed-error.js';
import { buildCompactedWindow, compactionItemOf, legacyWindowOf } from './compaction-window.js';

const COMPACTION: CompactionItem = { type: 'compaction', id: 'cmp_1', encrypted_content: 'enc' };
const user = (text: string): ResponseItem => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (text: string): ResponseItem => ({ type: 'message', id: `msg_${text.length}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] });
const textOf = (item: ResponseItem): string =>
  item.type === 'message' ? (typeof item.content === 'string' ? item.content : item.content.map((part) => ('text' in part ? part.text : '')).join('')) : '';
const tokens = (text: string): number => Math.ceil(Buffer.byteLength(text) / 4);

describe('compactionItemOf', () => {
  it('finds the one usable compaction item among other items', () => {
    expect(compactionItemOf([assistant('summary'), COMPACTION], 'v2')).toBe(COMPACTION);
  });

  it.each([
    [[], 'empty'],
    [[assistant('no item')], 'no_compaction_item'],
    [[COMPACTION, { ...COMPACTION, id: 'cmp_2' }], 'multiple_compaction_items'],
    [[{ type: 'compaction', encrypted_content: '' }], 'malformed_item'],
    [[{ type: 'compaction' } as unknown as ResponseItem], 'malformed_item'],
  ] as [ResponseItem[], string][])('refuses %j (%s)', (output, reason) => {
    expect(() => compactionItemOf(output, 'v2')).toThrow(expect.objectContaining({ code: 'compaction_failed', reason, method: 'v2', outputItems: output.length }));
  });
});

describe('legacyWindowOf', () => {
  it('returns a valid window unchanged', () => {
    const window = [user('a'), COMPACTION];
    expect(legacyWindowOf({ output: window })).toBe(window);
  });

  it.each([
    [null, 'malformed_output'],
    [{ output: 'x' }, 'malformed_output'],
    [{ output: [{ type: 'function_call' }, COMPACTION] }, 'malformed_output'],
    [{ output: [user('a'), { type: 'compaction', encrypted_content: 7 }] }, 'malformed_item'],
    [{ output: [] }, 'empty'],
  ])('refuses %j (%s)', (answer, reason) => {
    expect(() => legacyWindowOf(answer)).toThrow(CompactionFailedError);
    expect(() => legacyWindowOf(answer)).toThrow(expect.objectContaining({ reason, method: 'legacy' }));
  });
});

describe('buildCompactedWindow', () => {
  it('keeps user, developer and system messages, in order, then the compaction item', () => {
    const developer: ResponseItem = { type: 'message', role: 'developer', content: 'rules' };
    const input: ResponseItem[] = [
      developer,
      user('one'),
      assistant('two'),
      { type: 'function_call', call_id: 'c', name: 'shell', arguments: '{}' },
      { type: 'compaction', encrypted_content: 'older' },
      user('three'),
    ];
    const window = buildCompactedWindow(input, COMPACTION);
    expect(window).toEqual([developer, input[1], input[5], COMPACTION]);
    expect(window[1]).toBe(input[1]);
  });

  it('shortens the oldest kept message in the middle when it does not fit whole', () => {
    const long = user('a'.repeat(400));
    const window = buildCompactedWindow([long, user('newest')], COMPACTION, 12);
    expect(window).toHaveLength(3);
    const shortened = textOf(window[0] as ResponseItem);
    expect(shortened).toMatch(/^a+…\d+ tokens truncated…a+$/);
    expect(window[1]).toEqual(user('newest'));
  });

  it('keeps the newest messages within the budget (property)', () => {
    const message = fc.record({ role: fc.constantFrom('user', 'assistant', 'developer'), text: fc.string({ minLength: 1, maxLength: 80 }) });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), fc.integer({ min: 0, max: 120 }), (messages, budget) => {
        const input: ResponseItem[] = messages.map(({ role, text }) => (role === 'assistant' ? assistant(text) : { type: 'message', role: role as 'user' | 'developer', content: [{ type: 'input_text', text }] }));
        const window = buildCompactedWindow(input, COMPACTION, budget);
        expect(window.at(-1)).toBe(COMPACTION);
        const kept = window.slice(0, -1);
        // Only retained roles, never an assistant message.
        for (const item of kept) expect(item.type === 'message' && item.role !== 'assistant').toBe(true);
        // Whole messages are the input's own objects, in input order; at most the oldest is a shortened copy.
        const positions = kept.map((item) => input.indexOf(item));
        expect(positions.slice(1).every((position) => position >= 0)).toBe(true);
        expect(positions.filter((position) => position >= 0)).toEqual([...positions.filter((position) => position >= 0)].sort((a, b) => a - b));
        // The newest retained messages come first: every retained message after the oldest kept one is kept.
        const retained = input.filter((item) => item.type === 'message' && item.role !== 'assistant');
        const wholeKept = kept.filter((item) => input.includes(item));
        expect(wholeKept).toEqual(retained.slice(retained.length - wholeKept.length));
        // Whole messages fit the budget (each counts at least one token).
        const spent = wholeKept.reduce((sum, item) => sum + Math.max(1, tokens(textOf(item))), 0);
        expect(spent).toBeLessThanOrEqual(budget);
      }),
      { numRuns: 300 },
    );
  });
});
