import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, medianConfidenceInterval } from './measure.ts';

describe('medianConfidenceInterval', () => {
  it('takes the order statistics about n/2 ± 0.98·√n of the sorted values', () => {
    // n = 100: the 40th and the 61st smallest (the usual 95 % interval of a median of 100).
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(medianConfidenceInterval(values)).toEqual({ low: 40, high: 61 });
    expect(medianConfidenceInterval([7])).toEqual({ low: 7, high: 7 });
    expect(medianConfidenceInterval([])).toEqual({ low: Number.NaN, high: Number.NaN });
  });

  it('always holds the median, within the smallest and largest value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 1, maxLength: 600 }), (values) => {
        const { low, high } = medianConfidenceInterval(values);
        expect(low).toBeLessThanOrEqual(median(values));
        expect(high).toBeGreaterThanOrEqual(median(values));
        expect(low).toBeGreaterThanOrEqual(Math.min(...values));
        expect(high).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });

  it('narrows as rounds are added, where the spread of the rounds does not', () => {
    // The same spread of values (uniform over 1.0–1.5), 50 and then 450 of them.
    const spread = (count: number): number[] => Array.from({ length: count }, (_, index) => 1 + (0.5 * index) / (count - 1));
    const few = medianConfidenceInterval(spread(50));
    const many = medianConfidenceInterval(spread(450));
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 2);
  });
});
