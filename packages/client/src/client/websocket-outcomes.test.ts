import { InvalidArgumentError } from '@modelwire/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebSocketOutcomeCache, webSocketOutcomePath } from './websocket-outcomes.js';

function cacheAt(start: number, options: { ttlMs?: number; maxEntries?: number } = {}): { cache: WebSocketOutcomeCache; advance: (ms: number) => void } {
  let now = start;
  return { cache: new WebSocketOutcomeCache({ ...options, clock: { now: () => now } }), advance: (ms) => void (now += ms) };
}

describe('WebSocketOutcomeCache', () => {
  it('remembers a path until its expiry, then forgets it on read', () => {
    const { cache, advance } = cacheAt(0, { ttlMs: 1_000 });
    cache.record('a', 'websocket_connect_timeout');
    expect(cache.lookup('a')).toEqual({ reason: 'websocket_connect_timeout', expiresAt: 1_000 });
    advance(999);
    expect(cache.lookup('a')?.reason).toBe('websocket_connect_timeout');
    advance(1);
    expect(cache.lookup('a')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('recording again refreshes the expiry; forget and clear drop entries', () => {
    const { cache, advance } = cacheAt(0, { ttlMs: 1_000 });
    cache.record('a', 'upgrade_refused');
    advance(900);
    cache.record('a', 'websocket_blocked_by_proxy');
    advance(900);
    expect(cache.lookup('a')?.reason).toBe('websocket_blocked_by_proxy');
    cache.record('b', 'upgrade_refused');
    cache.forget('a');
    expect(cache.lookup('a')).toBeNull();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('never holds more than maxEntries paths, evicting the least recently recorded (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 40 }), (maxEntries, paths) => {
        const { cache } = cacheAt(0, { maxEntries });
        for (const path of paths) cache.record(path, 'upgrade_refused');
        expect(cache.size).toBeLessThanOrEqual(maxEntries);
        // The most recently recorded distinct paths are the ones kept.
        const recent = [...new Set([...paths].reverse())].slice(0, maxEntries);
        for (const path of recent) expect(cache.lookup(path)).not.toBeNull();
        expect(cache.size).toBe(recent.length);
      }),
    );
  });

  it('refuses a bad ttl or size with InvalidArgumentError naming the option', () => {
    expect(() => new WebSocketOutcomeCache({ ttlMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new WebSocketOutcomeCache({ ttlMs: Number.NaN })).toThrow(/ttlMs/);
    expect(() => new WebSocketOutcomeCache({ maxEntries: 0.5 })).toThrow(/maxEntries/);
  });

  it('keys a path by scheme, host, port, path and proxy, never by query or credentials', () => {
    expect(webSocketOutcomePath('wss://api.example.test/v1/responses?key=secret', '10.0.0.1:3128')).toBe('wss://api.example.test/v1/responses via 10.0.0.1:3128');
    expect(webSocketOutcomePath('ws://127.0.0.1:8080/v1/responses', null)).toBe('ws://127.0.0.1:8080/v1/responses via direct');
  });
});
