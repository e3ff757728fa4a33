import { ConnectError, HttpStatusError, RetryableResponseError, InvalidRequestError } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { apiErrorAnswer } from './error-response.js';

describe('apiErrorAnswer', () => {
  it('answers a WebSocket error frame with its status, error object and retry headers', () => {
    const frame = { type: 'error', status: 429, error: { type: 'requests', code: 'rate_limit_exceeded', message: 'slow down', param: null, headers: { 'retry-after-ms': '250', 'set-cookie': 'no' } } };
    expect(apiErrorAnswer(new Error('x'), frame, true)).toEqual({
      status: 429,
      body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      headers: { 'retry-after-ms': '250', 'x-should-retry': 'false' },
    });
  });

  it('infers the status of a flat error event from its code', () => {
    expect(apiErrorAnswer(new Error('x'), { type: 'error', code: 'insufficient_quota', message: 'no quota' }, false)).toMatchObject({
      status: 429,
      body: { error: { type: 'insufficient_quota', code: 'insufficient_quota' } },
    });
    expect(apiErrorAnswer(new Error('x'), { type: 'error', code: 'context_length_exceeded', message: 'too long' }, false)?.status).toBe(400);
  });

  it('answers an HTTP error with its status, its JSON body as sent and its retry headers', () => {
    const body = JSON.stringify({ error: { message: 'bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    const http = new HttpStatusError({ status: 401, body, headers: { 'x-request-id': 'req_9', authorization: 'Bearer sk-secret' } });
    const error = new InvalidRequestError({ kind: 'invalid_request', source: 'http', retryable: false, message: 'bad key', status: 401 }, { cause: http });
    expect(apiErrorAnswer(error, null, false)).toEqual({ status: 401, body: JSON.parse(body), headers: { 'x-request-id': 'req_9' } });
  });

  it('builds the error object of a classified failure that has a status', () => {
    const error = new RetryableResponseError({ kind: 'retryable', source: 'error_event', retryable: true, message: 'busy', status: 503, code: 'server_is_overloaded' });
    expect(apiErrorAnswer(error, null, false)).toEqual({ status: 503, body: { error: { message: 'busy', type: 'server_error', param: null, code: 'server_is_overloaded' } }, headers: {} });
  });

  it('has no answer for a failure without an HTTP meaning (the fetch rejects instead)', () => {
    expect(apiErrorAnswer(new ConnectError('refused'), null, true)).toBeNull();
  });
});
