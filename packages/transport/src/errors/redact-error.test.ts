import { describe, expect, it } from 'vitest';
import { ConnectionClosedError } from './connection-closed-error.js';
import { ErrorCode, ModelwireError, redactError } from '@modelwire/errors';
import { HttpStatusError } from './http-status-error.js';

const KEY = 'mwkey-transport-5f1e0c9a7b3d';

/** Everything a caller or a logger could read from an error, joined. */
function everything(error: Error): string {
  const parts: string[] = [error.message, String(error), error.stack ?? '', JSON.stringify(error)];
  if (ModelwireError.isInstance(error)) parts.push(JSON.stringify(error.toJSON()));
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    parts.push(cause.message, String(cause), cause.stack ?? '', JSON.stringify(cause));
    cause = cause.cause;
  }
  return parts.join('\n');
}

describe('redactError', () => {
  it('removes a literal secret from the message, stack, body, headers, toJSON and the cause chain', () => {
    const root = new Error(`socket said ${KEY}`);
    const status = new HttpStatusError({ status: 401, body: `{"error":{"message":"Incorrect API key provided: ${KEY}"}}`, headers: { 'x-echo': KEY }, cause: root });
    const error = new ModelwireError(ErrorCode.Unauthorized, `unauthorized: Incorrect API key provided: ${KEY}.`, { cause: status });
    expect(everything(error)).toContain(KEY);

    const redacted = redactError(error, [KEY]);
    expect(everything(redacted)).not.toContain(KEY);
    expect(redacted.message).toBe('unauthorized: Incorrect API key provided: [redacted].');
    expect(redacted.stack).toMatch(/^ModelwireError: unauthorized: Incorrect API key provided: \[redacted\]\.\n\s+at /);
    const redactedStatus = redacted.cause as HttpStatusError;
    expect(redactedStatus).toBeInstanceOf(HttpStatusError);
    expect(redactedStatus.body).toBe('{"error":{"message":"Incorrect API key provided: [redacted]"}}');
    expect(redactedStatus.headers['x-echo']).toBe('[redacted]');
    expect(redactedStatus.status).toBe(401);
    expect((redactedStatus.cause as Error).message).toBe('socket said [redacted]');
    // The original is untouched.
    expect(error.message).toContain(KEY);
    expect(status.body).toContain(KEY);
  });

  it('keeps the class, code, retryable flag and brand', () => {
    const error = new ConnectionClosedError({ closeCode: 1011, reason: `bad key ${KEY}` });
    const redacted = redactError(error, [KEY]);
    expect(redacted).not.toBe(error);
    expect(redacted).toBeInstanceOf(ConnectionClosedError);
    expect(ModelwireError.isInstance(redacted)).toBe(true);
    expect(redacted.name).toBe('ConnectionClosedError');
    expect(redacted.code).toBe(error.code);
    expect(redacted.retryable).toBe(error.retryable);
    expect(redacted.closeCode).toBe(1011);
    expect(everything(redacted)).not.toContain(KEY);
  });

  it('redacts nested plain objects and arrays, including errors inside them', () => {
    const error = Object.assign(new ModelwireError(ErrorCode.InvalidArgument, 'failed'), {
      detail: { message: `echo ${KEY}`, list: [KEY, 1, null], inner: new Error(KEY) },
    });
    const redacted = redactError(error, [KEY]);
    expect(redacted.detail).toEqual({ message: 'echo [redacted]', list: ['[redacted]', 1, null], inner: expect.any(Error) });
    expect(redacted.detail.inner.message).toBe('[redacted]');
  });

  it('returns the same error when no secret occurs, and ignores secrets under 4 characters', () => {
    const error = new HttpStatusError({ status: 500, body: 'boom' });
    expect(redactError(error, [KEY])).toBe(error);
    expect(redactError(error, ['boo'])).toBe(error);
    expect(redactError(error, [])).toBe(error);
    expect(redactError('not an error', [KEY])).toBe('not an error');
  });

  it('survives a cause cycle', () => {
    const first = new Error(`one ${KEY}`);
    const second = new Error('two', { cause: first });
    first.cause = second;
    const redacted = redactError(first, [KEY]);
    expect(redacted.message).toBe('one [redacted]');
  });
});
