import { ErrorCode, ModelwireError } from '@modelwire/errors';
import { describe, expect, it } from 'vitest';
import { classifyErrorEvent, classifyFailedResponse, classifyHttpError, classifyIncompleteResponse, classifyStreamEnd } from './classify-error.js';
import type { ErrorClassification } from './error-classification.js';
import {
  ContextWindowExceededError,
  ConnectionLimitReachedError,
  InvalidRequestError,
  PreviousResponseNotFoundError,
  QuotaExceededError,
  RetryableResponseError,
  ServerOverloadedError,
  StreamIncompleteError,
  UnauthorizedError,
  UsageLimitReachedError,
  UsageNotIncludedError,
  errorFromClassification,
} from './response-error.js';
import { ErrorEventSchema } from '../schemas/error-payload.js';

const http = (status: number, code: string | null, headers: Record<string, string> = {}): ErrorClassification =>
  classifyHttpError({ status, body: { error: { code, message: 'Please try again in 1.5s', type: 'x' } }, headers });

describe('errorFromClassification', () => {
  it.each([
    [http(400, 'context_length_exceeded'), ContextWindowExceededError, ErrorCode.ContextWindowExceeded],
    [http(429, 'insufficient_quota'), QuotaExceededError, ErrorCode.QuotaExceeded],
    [http(403, 'usage_not_included'), UsageNotIncludedError, ErrorCode.UsageNotIncluded],
    [http(429, 'usage_limit_reached'), UsageLimitReachedError, ErrorCode.UsageLimitReached],
    [http(400, 'invalid_prompt'), InvalidRequestError, ErrorCode.InvalidRequest],
    [http(401, null), UnauthorizedError, ErrorCode.Unauthorized],
    [http(400, 'previous_response_not_found'), PreviousResponseNotFoundError, ErrorCode.PreviousResponseNotFound],
    [http(400, 'websocket_connection_limit_reached'), ConnectionLimitReachedError, ErrorCode.ConnectionLimitReached],
    [http(503, 'server_is_overloaded'), ServerOverloadedError, ErrorCode.ServerOverloaded],
    [http(429, 'rate_limit_exceeded'), RetryableResponseError, ErrorCode.Retryable],
    [classifyFailedResponse({ response: { id: 'r', error: { code: 'weird', message: 'm' } } }), RetryableResponseError, ErrorCode.ResponseFailed],
    [classifyIncompleteResponse({ response: { id: 'r', incomplete_details: { reason: 'max_output_tokens' } } }), StreamIncompleteError, ErrorCode.ResponseIncomplete],
    [classifyStreamEnd(), StreamIncompleteError, ErrorCode.StreamIncomplete],
  ])('%#: builds the matching class and code', (classification, errorClass, code) => {
    const error = errorFromClassification(classification);
    expect(error).toBeInstanceOf(errorClass);
    expect(ModelwireError.isInstance(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(classification.retryable);
    expect(error.kind).toBe(classification.kind);
    expect(error.classification).toBe(classification);
  });

  it('carries status, request id, server code and delay hint', () => {
    const error = errorFromClassification(http(429, 'rate_limit_exceeded', { 'x-request-id': 'req_42' }));
    expect(error).toMatchObject({ status: 429, requestId: 'req_42', serverCode: 'rate_limit_exceeded', delayMs: 1500, retryable: true });
    expect(error.toJSON()).toMatchObject({ code: 'retryable', kind: 'retryable', status: 429, requestId: 'req_42', serverCode: 'rate_limit_exceeded', delayMs: 1500 });
  });

  it('exposes the reset time and rate limits of a usage limit', () => {
    const error = errorFromClassification(
      classifyHttpError({ status: 429, body: { error: { type: 'usage_limit_reached', resets_at: 1_790_000_000 } }, headers: { 'x-codex-primary-used-percent': '100' } }),
    );
    expect(error).toBeInstanceOf(UsageLimitReachedError);
    expect((error as UsageLimitReachedError).resetsAt).toBe(1_790_000_000);
    expect((error as UsageLimitReachedError).rateLimits).toEqual({ primary: { usedPercent: 100 } });
  });

  it('never keeps a bearer token from a server message', () => {
    const error = errorFromClassification(classifyErrorEvent(ErrorEventSchema.parse({ type: 'error', status: 401, error: { code: 'invalid_api_key', message: 'Bad header Authorization: Bearer sk-abcdefghijklmnop1234' } })));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).not.toContain('sk-abcdefghijklmnop1234');
    expect(JSON.stringify(error.toJSON())).not.toContain('sk-abcdefghijklmnop1234');
  });
});
