import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * The caller aborted the operation through its `AbortSignal`. Never retryable: the caller
 * asked for it. `name` is `'AbortError'`, so code that checks `error.name === 'AbortError'`
 * (the DOM convention) recognises it too. `cause` holds the signal's `reason`.
 */
export class AbortError extends ModelwireError {
  constructor(message = 'the operation was aborted', options: { cause?: unknown } = {}) {
    super(ErrorCode.Aborted, message, { cause: options.cause, retryable: false });
  }
}
