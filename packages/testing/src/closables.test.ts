import { describe, expect, it } from 'vitest';
import { Closables } from './closables.js';

describe('Closables', () => {
  it('closes the last added first, every one even when one fails, throws the first failure, then holds nothing', async () => {
    const closed: string[] = [];
    const closables = new Closables();
    const first = { close: () => void closed.push('first') };
    expect(closables.add(first)).toBe(first);
    closables.add({
      close: async () => {
        closed.push('second');
        throw new Error('second failed');
      },
    });
    closables.add({ close: () => void closed.push('third') });
    await expect(closables.closeAll()).rejects.toThrow('second failed');
    expect(closed).toEqual(['third', 'second', 'first']);
    await closables.closeAll();
    expect(closed).toHaveLength(3);
  });
});
