import { describe, expect, it } from 'vitest';
import { ErrorEventSchema, type ErrorEvent } from '../schemas/error-payload.js';
import { classifyErrorEvent, classifyFailedResponse, classifyHttpError, classifyIncompleteResponse, classifyStreamEnd } from './classify-error.js';
import type { ErrorKind } from './error-classification.js';
import { parseRetryDelayFromHeaders, parseRetryDelayFromMessage } from './retry-delay-hint.js';

interface Row {
  readonly code: string;
  readonly status: number;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly message?: string;
  readonly delayMs?: number;
}

// One row per kind (by server code), with the HTTP status the server uses for it.
const CODE_ROWS: readonly Row[] = [
  { code: 'context_length_exceeded', status: 400, kind: 'context_window_exceeded', retryable: false },
  { code: 'insufficient_quota', status: 429, kind: 'quota_exceeded', retryable: false },
  { code: 'usage_not_included', status: 403, kind: 'usage_not_included', retryable: false },
  { code: 'usage_limit_reached', status: 429, kind: 'usage_limit_reached', retryable: false },
  { code: 'invalid_prompt', status: 400, kind: 'invalid_request', retryable: false },
  { code: 'invalid_encrypted_content', status: 400, kind: 'invalid_request', retryable: false },
  { code: 'previous_response_not_found', status: 400, kind: 'previous_response_not_found', retryable: false },
  { code: 'codex_previous_response_stale', status: 400, kind: 'previous_response_not_found', retryable: false },
  { code: 'websocket_connection_limit_reached', status: 400, kind: 'connection_limit_reached', retryable: true },
  { code: 'server_is_overloaded', status: 503, kind: 'server_overloaded', retryable: true },
  { code: 'slow_down', status: 503, kind: 'server_overloaded', retryable: true },
  { code: 'server_error', status: 500, kind: 'retryable', retryable: true },
  { code: 'rate_limit_exceeded', status: 429, kind: 'retryable', retryable: true, message: 'Rate limit reached for gpt-5. Please try again in 11.054s.', delayMs: 11054 },
  { code: 'rate_limit_exceeded', status: 429, kind: 'retryable', retryable: true, message: 'Rate limit reached. Please try again in 28ms. Visit …', delayMs: 28 },
  { code: 'rate_limit_exceeded', status: 429, kind: 'retryable', retryable: true, message: 'Rate limit reached.' },
];

function nested(row: Row, withStatus: boolean): ErrorEvent {
  return ErrorEventSchema.parse({
    type: 'error',
    ...(withStatus ? { status: row.status } : {}),
    error: { type: 'invalid_request_error', code: row.code, message: row.message ?? 'something went wrong', param: null },
  });
}

function flat(row: Row): ErrorEvent {
  return ErrorEventSchema.parse({ type: 'error', code: row.code, message: row.message ?? 'something went wrong', param: null, sequence_number: 3 });
}

describe('a previous response that is gone, said by the message only', () => {
  it.each([
    ["Invalid previous_response_id: 'resp_123' is not valid on this connection."],
    ["Invalid 'previous_response_id': 'resp_abc'. Expected an ID that begins with 'resp'."],
    ["Previous response with id 'resp_456' not found."],
  ])('%s', (message) => {
    expect(classifyErrorEvent(ErrorEventSchema.parse({ type: 'error', status: 400, error: { type: 'invalid_request_error', code: null, message, param: 'previous_response_id' } }))).toMatchObject({
      kind: 'previous_response_not_found',
      retryable: false,
    });
    expect(classifyErrorEvent(ErrorEventSchema.parse({ type: 'error', message, code: null }))).toMatchObject({ kind: 'previous_response_not_found' });
    expect(classifyHttpError({ status: 400, body: JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }) })).toMatchObject({ kind: 'previous_response_not_found' });
  });

  it('a code that decides on its own wins over such a message, and other messages are not read', () => {
    expect(classifyErrorEvent(ErrorEventSchema.parse({ type: 'error', status: 400, error: { code: 'invalid_prompt', message: 'Invalid previous_response_id' } }))).toMatchObject({ kind: 'invalid_request' });
    expect(classifyHttpError({ status: 400, body: JSON.stringify({ error: { message: 'The previous_response_id field is fine; something else is invalid.' } }) })).toMatchObject({ kind: 'invalid_request' });
  });
});

describe('error classification by code (every row, every source)', () => {
  describe.each(CODE_ROWS)('$code ($message)', (row) => {
    const expected = { kind: row.kind, retryable: row.retryable, code: row.code, ...(row.delayMs !== undefined ? { delayMs: row.delayMs } : {}) };

    it('from a nested error event (SSE shape)', () => {
      const result = classifyErrorEvent(nested(row, false));
      expect(result).toMatchObject({ ...expected, source: 'error_event' });
      expect(result.status).toBeUndefined();
      if (row.delayMs === undefined) expect(result.delayMs).toBeUndefined();
    });

    it('from a nested error event with a WebSocket status', () => {
      expect(classifyErrorEvent(nested(row, true))).toMatchObject({ ...expected, status: row.status, source: 'error_event' });
    });

    it('from a flat error event', () => {
      expect(classifyErrorEvent(flat(row))).toMatchObject({ ...expected, source: 'error_event' });
    });

    it('from an HTTP response with a JSON body', () => {
      const body = JSON.stringify({ error: { type: 'invalid_request_error', code: row.code, message: row.message ?? 'x', param: null } });
      expect(classifyHttpError({ status: row.status, body, headers: { 'x-request-id': 'req_123' } })).toMatchObject({ ...expected, status: row.status, requestId: 'req_123', source: 'http' });
    });

    it('from response.failed', () => {
      const result = classifyFailedResponse({ response: { id: 'resp_1', error: { code: row.code, message: row.message ?? 'x' } } });
      expect(result).toMatchObject({ ...expected, source: 'response_failed' });
    });
  });
});

describe('error classification by status (no recognised code)', () => {
  it.each([
    [401, 'unauthorized', false],
    [403, 'unauthorized', false],
    [400, 'invalid_request', false],
    [404, 'invalid_request', false],
    [422, 'invalid_request', false],
    [408, 'retryable', true],
    [409, 'retryable', true],
    [429, 'retryable', true],
    [500, 'retryable', true],
    [502, 'retryable', true],
    [503, 'retryable', true],
  ] as const)('HTTP %i → %s', (status, kind, retryable) => {
    expect(classifyHttpError({ status, body: '' })).toMatchObject({ kind, retryable, status });
    // A WebSocket error frame's status means the same as the HTTP status.
    expect(classifyErrorEvent(ErrorEventSchema.parse({ type: 'error', status, error: { type: 'x', code: 'something_new', message: 'm' } }))).toMatchObject({ kind, retryable, status });
  });

  it('classifies on code, never on message', () => {
    const lookalike = classifyHttpError({ status: 400, body: { error: { code: 'some_other_code', message: 'context_length_exceeded: the input is too long' } } });
    expect(lookalike.kind).toBe('invalid_request');
    const real = classifyHttpError({ status: 400, body: { error: { code: 'context_length_exceeded', message: 'please shorten' } } });
    expect(real.kind).toBe('context_window_exceeded');
  });

  it('recognises usage_limit_reached and usage_not_included given as the error type (Codex backend)', () => {
    expect(classifyHttpError({ status: 429, body: { error: { type: 'usage_limit_reached', message: 'limit' } } }).kind).toBe('usage_limit_reached');
    expect(classifyHttpError({ status: 429, body: { error: { type: 'usage_not_included', message: 'plan' } } }).kind).toBe('usage_not_included');
  });

  it('treats an error event with an unknown code and no status as retryable, and invalid_request_error as invalid', () => {
    expect(classifyErrorEvent(ErrorEventSchema.parse({ type: 'error', code: 'brand_new', message: 'x' }))).toMatchObject({ kind: 'retryable', retryable: true });
    expect(classifyErrorEvent(ErrorEventSchema.parse({ type: 'error', error: { type: 'invalid_request_error', code: null, message: 'bad', param: 'tools' } }))).toMatchObject({
      kind: 'invalid_request',
      retryable: false,
      param: 'tools',
    });
  });

  it('tolerates non-JSON and empty bodies', () => {
    expect(classifyHttpError({ status: 502, body: '<html>bad gateway</html>' })).toMatchObject({ kind: 'retryable', message: '' });
    expect(classifyHttpError({ status: 418 })).toMatchObject({ kind: 'invalid_request', retryable: false });
  });

  it('honours x-should-retry and retry-after headers', () => {
    expect(classifyHttpError({ status: 400, body: '', headers: { 'x-should-retry': 'true' } })).toMatchObject({ kind: 'retryable', retryable: true });
    expect(classifyHttpError({ status: 500, body: '', headers: { 'x-should-retry': 'false' } })).toMatchObject({ kind: 'retryable', retryable: false });
  });

  const serverError = JSON.stringify({ error: { type: 'server_error', code: 'server_error', message: 'The server had an error.' } });
  const invalidPrompt = JSON.stringify({ error: { type: 'invalid_request_error', code: 'invalid_prompt', message: 'Bad prompt.' } });
  const overloaded = JSON.stringify({ error: { type: 'server_error', code: 'server_is_overloaded', message: 'Overloaded.' } });
  it.each([
    { status: 500, body: '', header: undefined, kind: 'retryable', retryable: true },
    { status: 500, body: '', header: 'false', kind: 'retryable', retryable: false },
    { status: 500, body: serverError, header: undefined, kind: 'retryable', retryable: true },
    { status: 500, body: serverError, header: 'false', kind: 'retryable', retryable: false },
    { status: 500, body: serverError, header: ' FALSE ', kind: 'retryable', retryable: false },
    { status: 500, body: serverError, header: 'true', kind: 'retryable', retryable: true },
    { status: 503, body: overloaded, header: 'false', kind: 'server_overloaded', retryable: false },
    { status: 429, body: '', header: 'false', kind: 'retryable', retryable: false },
    { status: 400, body: '', header: undefined, kind: 'invalid_request', retryable: false },
    { status: 400, body: '', header: 'true', kind: 'retryable', retryable: true },
    { status: 400, body: invalidPrompt, header: 'true', kind: 'retryable', retryable: true },
    { status: 400, body: invalidPrompt, header: 'maybe', kind: 'invalid_request', retryable: false },
    { status: 500, body: serverError, header: 'maybe', kind: 'retryable', retryable: true },
  ])('x-should-retry $header on $status $body: $kind, retryable $retryable', ({ status, body, header, kind, retryable }) => {
    const headers = header === undefined ? {} : { 'x-should-retry': header };
    expect(classifyHttpError({ status, body, headers })).toMatchObject({ kind, retryable });
  });

  it('x-should-retry in the headers of an error event decides too', () => {
    const event = ErrorEventSchema.parse({ type: 'error', status: 500, error: { type: 'server_error', code: 'server_error', message: 'boom', headers: { 'x-should-retry': 'false' } } });
    expect(classifyErrorEvent(event)).toMatchObject({ kind: 'retryable', retryable: false });
  });

  it('honours retry-after headers', () => {
    expect(classifyHttpError({ status: 429, body: '', headers: { 'retry-after-ms': '250', 'retry-after': '9' } }).delayMs).toBe(250);
    expect(classifyHttpError({ status: 503, body: '', headers: new Headers({ 'Retry-After': '2' }) }).delayMs).toBe(2000);
  });
});

describe('usage limit reached', () => {
  const headers = {
    'x-codex-primary-used-percent': '100',
    'x-codex-primary-window-minutes': '300',
    'x-codex-primary-reset-at': '1790000000',
    'x-codex-secondary-used-percent': '40',
    'x-request-id': 'req_9',
  };

  it('carries the reset time from the body and the rate limits from the headers', () => {
    const result = classifyHttpError({ status: 429, body: { error: { type: 'usage_limit_reached', message: 'limit', plan_type: 'plus', resets_at: 1_790_000_123 } }, headers });
    expect(result).toMatchObject({
      kind: 'usage_limit_reached',
      resetsAt: 1_790_000_123,
      planType: 'plus',
      requestId: 'req_9',
      rateLimits: { primary: { usedPercent: 100, windowMinutes: 300, resetsAt: 1_790_000_000 }, secondary: { usedPercent: 40 } },
    });
  });

  it('computes the reset time from resets_in_seconds, or from the exhausted window', () => {
    expect(classifyHttpError({ status: 429, body: { error: { type: 'usage_limit_reached', resets_in_seconds: 60 } } }, { nowMs: 1_000_000_000_000 })).toMatchObject({ resetsAt: 1_000_000_060 });
    expect(classifyHttpError({ status: 429, body: { error: { code: 'usage_limit_reached' } }, headers })).toMatchObject({ resetsAt: 1_790_000_000 });
  });

  it('reads rate limits forwarded in a WebSocket error frame', () => {
    const event = ErrorEventSchema.parse({ type: 'error', status: 429, error: { type: 'usage_limit_reached', code: 'usage_limit_reached', message: 'limit', headers } });
    expect(classifyErrorEvent(event)).toMatchObject({ kind: 'usage_limit_reached', status: 429, requestId: 'req_9', resetsAt: 1_790_000_000 });
  });
});

describe('incomplete and cut streams', () => {
  it.each([
    ['max_output_tokens', false],
    ['content_filter', false],
    ['unknown', true],
    ['server_interrupted', true],
  ])('response.incomplete (%s)', (reason, retryable) => {
    expect(classifyIncompleteResponse({ response: { id: 'r', incomplete_details: { reason } } })).toMatchObject({ kind: 'stream_incomplete', source: 'response_incomplete', reason, retryable });
  });

  it('a stream that ended without a terminal event is a retryable failure', () => {
    expect(classifyStreamEnd({ requestId: 'req_1' })).toEqual({ kind: 'stream_incomplete', source: 'stream_end', reason: 'eof', retryable: true, message: 'stream ended before a terminal event', requestId: 'req_1' });
  });
});

describe('delay hints', () => {
  it.each([
    ['Please try again in 11.054s.', 11054],
    ['Please try again in 28ms.', 28],
    ['try again in 2 seconds', 2000],
    ['Try again in 1.5s', 1500],
    ['no hint here', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (message, delay) => {
    expect(parseRetryDelayFromMessage(message)).toBe(delay);
  });

  it('reads headers in preference order and ignores HTTP dates', () => {
    expect(parseRetryDelayFromHeaders({ 'retry-after-ms': '120' })).toBe(120);
    expect(parseRetryDelayFromHeaders({ 'Retry-After': '3' })).toBe(3000);
    expect(parseRetryDelayFromHeaders({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' })).toBeUndefined();
    expect(parseRetryDelayFromHeaders(undefined)).toBeUndefined();
  });
});
