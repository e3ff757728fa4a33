import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes.js';
import { ModelwireError } from './modelwire-error.js';

describe('ModelwireError', () => {
  it('carries a stable code, cause and retryable flag', () => {
    const cause = new Error('socket hang up');
    const error = new ModelwireError(ErrorCode.ConnectFailed, 'could not connect', { cause, retryable: true });
    expect(error.code).toBe('connect_failed');
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(true);
    expect(error.name).toBe('ModelwireError');
    expect(error).toBeInstanceOf(Error);
  });

  it('is recognised by its brand, not by its prototype', () => {
    const error = new ModelwireError(ErrorCode.Aborted, 'aborted');
    const lookalike = Object.assign(new Error('x'), { [Symbol.for('@modelwire/error')]: true });
    expect(ModelwireError.isInstance(error)).toBe(true);
    expect(ModelwireError.isInstance(lookalike)).toBe(true);
    expect(ModelwireError.isInstance(new Error('plain'))).toBe(false);
    expect(ModelwireError.isInstance(null)).toBe(false);
  });

  it('never keeps a bearer token or API key in its message or JSON', () => {
    const error = new ModelwireError(ErrorCode.HttpStatus, 'sent Authorization: Bearer abc.def-123 with sk-proj-0123456789abcdef', {
      cause: new Error('key sk-live-abcdefghijkl leaked'),
    });
    const json = JSON.stringify(error.toJSON());
    for (const text of [error.message, json]) {
      expect(text).not.toContain('abc.def-123');
      expect(text).not.toContain('sk-proj-0123456789abcdef');
      expect(text).not.toContain('sk-live-abcdefghijkl');
    }
    expect(error.message).toContain('Bearer [redacted]');
  });
});
