import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

/** The specification: an array in add order, an id added again moving to the end. */
class ModelIds {
  readonly ids: string[] = [];
  constructor(readonly capacity: number) {}
  add(id: string): void {
    const index = this.ids.indexOf(id);
    if (index >= 0) this.ids.splice(index, 1);
    this.ids.push(id);
    if (this.ids.length > this.capacity) this.ids.shift();
  }
}

describe('RecentIds', () => {
  it('remembers exactly the newest ids up to its capacity, an id added again counting as new', () => {
    const alphabet = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.constantFrom(...alphabet), { maxLength: 300 }), (capacity, adds) => {
        const ids = new RecentIds(capacity);
        const model = new ModelIds(capacity);
        for (const id of adds) {
          ids.add(id);
          model.add(id);
          expect(ids.size).toBe(model.ids.length);
          for (const candidate of alphabet) expect(ids.has(candidate), candidate).toBe(model.ids.includes(candidate));
        }
        expect(ids.added).toBe(adds.length);
      }),
      { numRuns: 300 },
    );
  });

  it('forgets the oldest of many distinct ids and keeps the newest', () => {
    const ids = new RecentIds(3);
    for (let index = 0; index < 5_000; index += 1) ids.add(`id_${index}`);
    expect(ids.size).toBe(3);
    expect([4_996, 4_997, 4_998, 4_999].map((index) => ids.has(`id_${index}`))).toEqual([false, true, true, true]);
  });

  it('keeps the right ids when one id is added again and again behind an older one', () => {
    const ids = new RecentIds(2);
    ids.add('old');
    for (let index = 0; index < 10_000; index += 1) ids.add('again');
    expect(ids.size).toBe(2);
    expect(ids.has('old')).toBe(true);
    ids.add('new');
    expect([ids.has('old'), ids.has('again'), ids.has('new')]).toEqual([false, true, true]);
  });
});
