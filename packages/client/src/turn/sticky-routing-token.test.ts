import { describe, expect, it } from 'vitest';
import { StickyRoutingToken } from './sticky-routing-token.js';

describe('StickyRoutingToken', () => {
  it('keeps the first non-empty value', () => {
    const token = new StickyRoutingToken();
    expect(token.value).toBeNull();
    expect(token.capture(undefined)).toBe(false);
    expect(token.capture('')).toBe(false);
    expect(token.capture('first')).toBe(true);
    expect(token.capture('second')).toBe(false);
    expect(token.value).toBe('first');
  });
});
