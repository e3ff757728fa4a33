import { describe, expect, it } from 'vitest';
import { computeBackoffMs, DEFAULT_BACKOFF } from './backoff.js';
import { parseRetryAfterMs, parseShouldRetry } from './retry-after.js';

describe('computeBackoffMs', () => {
  it('grows exponentially from the base and stops at the max', () => {
    const middle = { random: () => 0.5 };
    expect(computeBackoffMs(1, middle)).toBe(200);
    expect(computeBackoffMs(2, middle)).toBe(400);
    expect(computeBackoffMs(3, middle)).toBe(800);
    expect(computeBackoffMs(30, middle)).toBe(DEFAULT_BACKOFF.maxMs);
    expect(computeBackoffMs(0, middle)).toBe(200);
  });

  it('applies symmetric jitter within the ratio', () => {
    expect(computeBackoffMs(1, { random: () => 0 })).toBe(180);
    expect(computeBackoffMs(1, { random: () => 0.999999 })).toBe(220);
    expect(computeBackoffMs(3, { baseMs: 100, factor: 3, maxMs: 500, jitterRatio: 0.5, random: () => 0 })).toBe(250);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('prefers retry-after-ms over retry-after', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1500', 'retry-after': '9' })).toBe(1500);
    expect(parseRetryAfterMs({ 'Retry-After-Ms': '12.6' })).toBe(13);
  });

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(parseRetryAfterMs({ 'retry-after': '0.5' })).toBe(500);
    expect(parseRetryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, { now })).toBe(7000);
    expect(parseRetryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, { now })).toBe(0);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
  });

  it('clamps to the cap and ignores garbage', () => {
    expect(parseRetryAfterMs({ 'retry-after': '3600' })).toBe(60_000);
    expect(parseRetryAfterMs({ 'retry-after': '3600' }, { maxMs: 120_000 })).toBe(120_000);
    expect(parseRetryAfterMs({ 'retry-after': '-1' })).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after-ms': 'x', 'retry-after': '1' })).toBe(1000);
    expect(parseRetryAfterMs({})).toBeUndefined();
  });
});

describe('parseShouldRetry', () => {
  it('reads true/false and ignores anything else', () => {
    expect(parseShouldRetry({ 'x-should-retry': 'true' })).toBe(true);
    expect(parseShouldRetry({ 'X-Should-Retry': 'FALSE' })).toBe(false);
    expect(parseShouldRetry({ 'x-should-retry': 'maybe' })).toBeUndefined();
    expect(parseShouldRetry({})).toBeUndefined();
  });
});
