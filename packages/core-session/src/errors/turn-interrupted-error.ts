import { ErrorCode, ModelwireError } from '@modelwire/transport';

/**
 * The turn was stopped on purpose: `session.interrupt()`, the turn's own `signal`, or
 * `session.close()` (`reason` tells which). Code `aborted`, never retryable. What the turn
 * committed before stays in the history.
 */
export class TurnInterruptedError extends ModelwireError {
  /** Why the turn stopped. */
  readonly reason: 'interrupted' | 'signal' | 'session_closed';

  constructor(reason: 'interrupted' | 'signal' | 'session_closed', options: { cause?: unknown } = {}) {
    super(ErrorCode.Aborted, reason === 'session_closed' ? 'the turn was stopped because the session closed' : `the turn was ${reason === 'signal' ? 'aborted by its signal' : 'interrupted'}`, {
      cause: options.cause,
      retryable: false,
    });
    this.reason = reason;
  }
}
