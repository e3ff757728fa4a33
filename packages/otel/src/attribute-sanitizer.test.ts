import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttributeSanitizer } from './attribute-sanitizer.js';

const secretArbitrary = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), minLength: 4, maxLength: 40 });

describe('AttributeSanitizer', () => {
  it('never returns a configured secret, wherever it sits, and never exceeds the cap', () => {
    fc.assert(
      fc.property(secretArbitrary, fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 16, max: 300 }), (secret, parts, cap) => {
        // A secret that is part of the replacement marker itself would "appear" in every result.
        fc.pre(!'[redacted]'.includes(secret));
        const sanitizer = new AttributeSanitizer(cap, [secret]);
        const value = parts.join(secret);
        const result = sanitizer.text(`${secret}${value}${secret}`);
        expect(result.length).toBeLessThanOrEqual(cap);
        expect(result.includes(secret)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('removes bearer tokens and sk- keys without configuration, and keeps short values as they are', () => {
    const sanitizer = new AttributeSanitizer(1024, []);
    expect(sanitizer.text('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer [redacted]');
    expect(sanitizer.text('key sk-proj-0123456789abcdef here')).toBe('key [redacted] here');
    expect(sanitizer.text('gpt-5.1-codex')).toBe('gpt-5.1-codex');
  });

  it('cuts long values with an ellipsis, and serialises non-strings as JSON', () => {
    const sanitizer = new AttributeSanitizer(16, []);
    expect(sanitizer.text('x'.repeat(40))).toBe(`${'x'.repeat(15)}…`);
    expect(sanitizer.json({ a: 1 })).toBe('{"a":1}');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(sanitizer.json(cyclic)).toBe('[unserialisable]');
  });
});
