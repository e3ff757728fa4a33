import { describe, expect, it } from 'vitest';
import { AbortError } from './abort-error.js';
import { ClosedError, ErrorCode, ModelwireError } from '@modelwire/errors';
import { ConnectionClosedError, closeKindOf } from './connection-closed-error.js';
import { ConnectError, ConnectTimeoutError, IdleTimeoutError, PongTimeoutError } from './connection-errors.js';
import { HttpStatusError, MAX_ERROR_BODY_BYTES } from './http-status-error.js';
import { InsecureTransportError } from './insecure-transport-error.js';
import { InvalidHeaderError } from './invalid-header-error.js';
import { PayloadTooLargeError } from './payload-too-large-error.js';
import { ProtocolViolationError } from './protocol-violation-error.js';
import { IncompleteEventError } from './incomplete-event-error.js';

describe('HttpStatusError', () => {
  it('keeps status, request id and redacted headers; retryable by status', () => {
    const error = new HttpStatusError({
      status: 429,
      headers: { 'X-Request-Id': 'req_123', 'Set-Cookie': 'session=secret-cookie', 'retry-after': '2' },
      body: '{"error":{"code":"rate_limit_exceeded"}}',
    });
    expect(error.code).toBe(ErrorCode.HttpStatus);
    expect(error.status).toBe(429);
    expect(error.requestId).toBe('req_123');
    expect(error.headers['set-cookie']).toBe('[redacted]');
    expect(error.headers['retry-after']).toBe('2');
    expect(error.retryable).toBe(true);
    expect(JSON.stringify(error)).not.toContain('secret-cookie');
    expect(error.message).toContain('req_123');
  });

  it.each([
    [400, false],
    [401, false],
    [404, false],
    [408, true],
    [409, true],
    [426, false],
    [500, true],
    [503, true],
    [302, false],
  ])('status %i retryable=%s', (status, retryable) => {
    expect(new HttpStatusError({ status }).retryable).toBe(retryable);
  });

  it('caps the body at 64 KiB on a character boundary and redacts tokens in it', () => {
    const body = `Bearer abc.def ${'é'.repeat(MAX_ERROR_BODY_BYTES)}`;
    const error = new HttpStatusError({ status: 500, body });
    expect(Buffer.byteLength(error.body)).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
    expect(error.bodyTruncated).toBe(true);
    expect(error.body).not.toContain('abc.def');
    expect(error.body.endsWith('é')).toBe(true);
  });
});

describe('connection errors', () => {
  it('document their retryability', () => {
    expect(new ConnectError('refused').retryable).toBe(true);
    expect(new ConnectTimeoutError(15_000).retryable).toBe(true);
    expect(new IdleTimeoutError(300_000).retryable).toBe(true);
    expect(new PongTimeoutError(5_000).code).toBe(ErrorCode.PongTimeout);
    expect(new AbortError().retryable).toBe(false);
    expect(new AbortError().name).toBe('AbortError');
    expect(new PayloadTooLargeError('sse_event', 10).retryable).toBe(false);
    expect(new InsecureTransportError('http:', 'example.com').retryable).toBe(false);
    expect(new ProtocolViolationError('binary frame').retryable).toBe(false);
    expect(new IncompleteEventError(3).retryable).toBe(true);
    expect(new ClosedError('client').code).toBe(ErrorCode.Closed);
  });

  it('map close codes to kinds and retryability', () => {
    expect(closeKindOf(1000)).toBe('normal');
    expect(closeKindOf(1006)).toBe('abnormal');
    expect(closeKindOf(1009)).toBe('message_too_big');
    expect(closeKindOf(1011)).toBe('server_error');
    expect(closeKindOf(4001)).toBe('application');
    expect(closeKindOf(undefined)).toBe('socket_ended');
    expect(new ConnectionClosedError({ closeCode: 1006 }).retryable).toBe(true);
    expect(new ConnectionClosedError({ closeCode: 1011 }).retryable).toBe(true);
    expect(new ConnectionClosedError({ closeCode: 1009 }).retryable).toBe(false);
    expect(new ConnectionClosedError({ closeCode: 1008 }).retryable).toBe(false);
    const error = new ConnectionClosedError({ closeCode: 1011, reason: 'boom' });
    expect(error.toJSON()).toMatchObject({ code: 'connection_closed', closeCode: 1011, closeKind: 'server_error', reason: 'boom' });
  });

  it('never quotes a header value', () => {
    const error = new InvalidHeaderError('authorization', 'the value contains CR, LF or NUL');
    expect(error.message).not.toContain('Bearer');
    expect(error.headerName).toBe('authorization');
  });

  it('are all ModelwireErrors by brand', () => {
    for (const error of [new ConnectError('x'), new HttpStatusError({ status: 500 }), new ConnectionClosedError()]) {
      expect(ModelwireError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
    }
  });
});
