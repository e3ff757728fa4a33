import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../types/prompt.js';
import { reconcileInFull, reconcileOutput, type StreamedItem } from './reconcile-output.js';

const item = (fields: Record<string, unknown>): ResponseItem => fields as unknown as ResponseItem;

/** Same items (by identity) at the same places, and the same `added`. */
function expectSameResult(actual: ReturnType<typeof reconcileOutput>, expected: ReturnType<typeof reconcileOutput>): void {
  expect(actual.output).toHaveLength(expected.output.length);
  actual.output.forEach((entry, index) => expect(entry).toBe(expected.output[index]));
  expect(actual.added).toHaveLength(expected.added.length);
  actual.added.forEach((entry, index) => expect(entry).toBe(expected.added[index]));
}

describe('reconcileOutput', () => {
  it('keeps the streamed forms when the final list names the streamed items in order (re-encrypted reasoning in the final list)', () => {
    const reasoning = item({ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'streamed' });
    const message = item({ type: 'message', id: 'msg_1', role: 'assistant', content: [] });
    const final = [item({ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'final' }), item({ type: 'message', id: 'msg_1', role: 'assistant', content: [] })];
    const result = reconcileOutput([{ outputIndex: 0, item: reasoning }, { outputIndex: 1, item: message }], final);
    expect(result.output[0]).toBe(reasoning);
    expect(result.output[1]).toBe(message);
    expect(result.added).toEqual([]);
  });

  it('gives the same output and additions as the full merge, shortcut or not (property)', () => {
    const ids = fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: undefined, freq: 5 });
    const types = fc.constantFrom('message', 'reasoning', 'function_call');
    const spec = fc.record({ id: ids, type: types, outputIndex: fc.integer({ min: 0, max: 5 }) });
    const toItem = (entry: { id: string | undefined; type: string }, form: string): ResponseItem => item(entry.id === undefined ? { type: entry.type, form } : { type: entry.type, id: entry.id, form });
    fc.assert(
      fc.property(
        fc.array(spec, { maxLength: 6 }),
        // How the final list is made: from the streamed items (the usual case, maybe changed), or on its own.
        fc.oneof(
          fc.record({ kind: fc.constant('same' as const), drop: fc.option(fc.nat(), { nil: undefined }), swap: fc.boolean() }),
          fc.record({ kind: fc.constant('own' as const), items: fc.option(fc.array(spec, { maxLength: 6 }), { nil: undefined }) }),
        ),
        (streamedSpecs, finalSpec) => {
          const arrived: StreamedItem[] = streamedSpecs.map((entry) => ({ outputIndex: entry.outputIndex, item: toItem(entry, 'streamed') }));
          let final: ResponseItem[] | undefined;
          if (finalSpec.kind === 'own') {
            final = finalSpec.items?.map((entry) => toItem(entry, 'final'));
          } else {
            final = streamedSpecs.map((entry) => toItem(entry, 'final'));
            if (finalSpec.drop !== undefined && final.length > 0) final.splice(finalSpec.drop % final.length, 1);
            if (finalSpec.swap && final.length > 1) final.reverse();
          }
          expectSameResult(reconcileOutput(arrived, final), reconcileInFull(arrived, final));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes the shortcut for items streamed in order under distinct ids (the outputs are the streamed objects, nothing added)', () => {
    const arrived: StreamedItem[] = ['a', 'b', 'c'].map((id, index) => ({ outputIndex: index, item: item({ type: 'message', id }) }));
    const result = reconcileOutput(arrived, ['a', 'b', 'c'].map((id) => item({ type: 'message', id, final: true })));
    expect(result.output).toEqual(arrived.map((entry) => entry.item));
    result.output.forEach((entry, index) => expect(entry).toBe(arrived[index]?.item));
    expect(result.added).toEqual([]);
  });
});
