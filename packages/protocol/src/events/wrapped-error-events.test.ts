import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../decode/decode-event.js';
import { classifyHttpError } from '../errors/classify-error.js';
import { mapStreamEvent } from './map-stream-event.js';
import type { ResponseEvent } from './response-event.js';

// A usage-limit 429 as the Codex backend wraps it on the WebSocket, and the other shapes the
// same error takes: `status_code` for `status`, the headers inside `error` (the SDK's shape),
// the flat SSE shape.
const NOW_MS = 1_700_000_000_000;
const rateLimitHeaders: Readonly<Record<string, unknown>> = {
  'x-codex-primary-used-percent': '100.0',
  'x-codex-primary-window-minutes': 15,
  'x-codex-primary-reset-at': 1_790_000_000,
  'x-codex-secondary-used-percent': '42',
  'x-request-id': 'req_usage',
};
const error = { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'pro', resets_at: 1_738_888_888 };

function mapped(payload: Record<string, unknown>): readonly ResponseEvent[] {
  const decoded = decodeEvent(JSON.stringify(payload));
  if (!decoded.ok) throw new Error(`did not decode: ${decoded.error.message}`);
  return mapStreamEvent(decoded.event, { nowMs: NOW_MS });
}

const expectedRateLimits: ResponseEvent = {
  type: 'rate_limits',
  snapshot: { primary: { usedPercent: 100, windowMinutes: 15, resetsAt: 1_790_000_000 }, secondary: { usedPercent: 42 } },
};
const expectedFailure = {
  kind: 'usage_limit_reached',
  source: 'error_event',
  status: 429,
  code: 'usage_limit_reached',
  retryable: false,
  requestId: 'req_usage',
  resetsAt: 1_738_888_888,
  planType: 'pro',
  rateLimits: expectedRateLimits.type === 'rate_limits' ? expectedRateLimits.snapshot : undefined,
};

describe('wrapped error frames', () => {
  it.each([
    ['Codex (status, headers at the top level)', { type: 'error', status: 429, error, headers: rateLimitHeaders }],
    ['status_code instead of status', { type: 'error', status_code: 429, error, headers: rateLimitHeaders }],
    ['SDK (headers inside error)', { type: 'error', status: 429, error: { ...error, headers: rateLimitHeaders } }],
  ])('%s: the rate_limits event first, then the typed failure', (_shape, payload) => {
    const events = mapped(payload);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual(expectedRateLimits);
    expect(events[1]).toMatchObject({ type: 'failed', error: expectedFailure });
  });

  it('classifies the flat SSE shape and the HTTP 429 of the same error the same way', () => {
    const flat = mapped({ type: 'error', code: 'usage_limit_reached', message: error.message, plan_type: 'pro', resets_at: error.resets_at, headers: rateLimitHeaders });
    expect(flat[0]).toEqual(expectedRateLimits);
    const { status: _status, ...withoutStatus } = expectedFailure;
    expect(flat[1]).toMatchObject({ type: 'failed', error: withoutStatus });
    const http = classifyHttpError({ status: 429, body: { error }, headers: rateLimitHeaders as Record<string, string> }, { nowMs: NOW_MS });
    expect(http).toMatchObject({ ...expectedFailure, source: 'http' });
  });

  it('an error without rate-limit headers is one failed event; a status of 2xx is no status', () => {
    const events = mapped({ type: 'error', status_code: 200, error: { code: 'server_error', message: 'boom' }, headers: { 'x-request-id': 'req_1' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'failed', error: { kind: 'retryable', requestId: 'req_1' } });
    expect((events[0] as { error: { status?: number } }).error.status).toBeUndefined();
  });

  it('classifies the same wherever each header sits and whichever status field names the status (property)', () => {
    const names = Object.keys(rateLimitHeaders);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('top', 'nested', 'both'), { minLength: names.length, maxLength: names.length }), fc.constantFrom('status', 'status_code'), (places, statusField) => {
        const top: Record<string, unknown> = {};
        const nested: Record<string, unknown> = {};
        names.forEach((name, index) => {
          const place = places[index];
          if (place !== 'nested') top[name] = rateLimitHeaders[name];
          if (place !== 'top') nested[name] = rateLimitHeaders[name];
        });
        const payload = {
          type: 'error',
          [statusField]: 429,
          error: { ...error, ...(Object.keys(nested).length > 0 ? { headers: nested } : {}) },
          ...(Object.keys(top).length > 0 ? { headers: top } : {}),
        };
        const events = mapped(payload);
        expect(events[0]).toEqual(expectedRateLimits);
        expect(events[1]).toMatchObject({ type: 'failed', error: expectedFailure });
      }),
      { numRuns: 200 },
    );
  });
});
