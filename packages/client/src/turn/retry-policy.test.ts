import { classifyHttpError, errorFromClassification } from '@modelwire/protocol';
import { ConnectError, HttpStatusError, ModelwireError, ErrorCode } from '@modelwire/transport';
import { describe, expect, it } from 'vitest';
import { decideRetry, MAX_RETRY_AFTER_MS } from './retry-policy.js';

const middle = (): number => 0.5;

function responseError(status: number, headers: Record<string, string> = {}, body = ''): ModelwireError {
  const http = new HttpStatusError({ status, headers, body });
  return errorFromClassification(classifyHttpError({ status, headers, body }), { cause: http });
}

describe('decideRetry', () => {
  it('backs off exponentially for retryable failures and stops at the budget', () => {
    const error = new ConnectError('refused');
    expect(decideRetry(error, 1, 4, middle)).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(error, 3, 4, middle)).toEqual({ retry: true, delayMs: 800 });
    expect(decideRetry(error, 5, 4, middle)).toEqual({ retry: false, delayMs: 0 });
  });

  it('prefers retry-after-ms, then retry-after, capped', () => {
    expect(decideRetry(responseError(429, { 'retry-after-ms': '1234', 'retry-after': '9' }), 1, 4, middle)).toEqual({ retry: true, delayMs: 1234 });
    expect(decideRetry(responseError(503, { 'retry-after': '2' }), 1, 4, middle)).toEqual({ retry: true, delayMs: 2000 });
    expect(decideRetry(responseError(503, { 'retry-after': '3600' }), 1, 4, middle)).toEqual({ retry: true, delayMs: MAX_RETRY_AFTER_MS });
  });

  it('uses the "try again in" hint of a rate-limit message', () => {
    const body = JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 1.5s.' } });
    expect(decideRetry(responseError(429, {}, body), 1, 4, middle)).toEqual({ retry: true, delayMs: 1500 });
  });

  it('lets x-should-retry override the status', () => {
    expect(decideRetry(responseError(500, { 'x-should-retry': 'false' }), 1, 4, middle).retry).toBe(false);
    expect(decideRetry(responseError(400, { 'x-should-retry': 'true' }), 1, 4, middle).retry).toBe(true);
  });

  it('never retries fatal or foreign errors', () => {
    expect(decideRetry(responseError(400, {}, JSON.stringify({ error: { code: 'context_length_exceeded' } })), 1, 4, middle).retry).toBe(false);
    expect(decideRetry(new ModelwireError(ErrorCode.InvalidArgument, 'bad'), 1, 4, middle).retry).toBe(false);
    expect(decideRetry(new Error('plain'), 1, 4, middle).retry).toBe(false);
  });
});
