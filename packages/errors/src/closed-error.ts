import { ErrorCode } from './error-codes.js';
import { ModelwireError } from './modelwire-error.js';

/** The object (HTTP client, WebSocket connection) was closed; no new operation can start on it. Not retryable on the same object. */
export class ClosedError extends ModelwireError {
  constructor(what: string) {
    super(ErrorCode.Closed, `${what} is closed`, { retryable: false });
  }
}
