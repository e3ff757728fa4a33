import { ErrorCode } from './error-codes.js';
import { ModelwireError } from './modelwire-error.js';

/** A one-shot object was used twice, for example a response stream iterated a second time. Not retryable. */
export class AlreadyConsumedError extends ModelwireError {
  constructor(what: string) {
    super(ErrorCode.AlreadyConsumed, `${what} can be consumed only once`, { retryable: false });
  }
}

/** A request of this object's lifetime is still running; wait for it or abort it first. Not retryable. */
export class BusyError extends ModelwireError {
  constructor(message: string) {
    super(ErrorCode.Busy, message, { retryable: false });
  }
}

/**
 * A request needs credentials but the auth provider returned none (`getToken()` gave `null` or
 * an empty string, and `getHeaders()` no header). Raised before anything is sent. Use
 * `auth: 'none'` for a server that needs no credentials.
 */
export class MissingCredentialsError extends ModelwireError {
  constructor() {
    super(ErrorCode.MissingCredentials, 'the auth provider returned no credentials; pass auth: "none" for a server that needs none', { retryable: false });
  }
}
