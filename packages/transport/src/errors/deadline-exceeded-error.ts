import { ErrorCode, ModelwireError } from '@modelwire/errors';

/** Options of {@link DeadlineExceededError}. */
export interface DeadlineExceededErrorOptions {
  /** The deadline that passed, in milliseconds. */
  readonly deadlineMs: number;
  /** What was being attempted, for the message (e.g. `POST https://host/v1/responses`; never a query or credentials). */
  readonly target?: string;
  /** Attempts made before the deadline passed (the one it interrupted included). */
  readonly attempts?: number;
  /** The failure of the previous attempt, if any (kept as `cause`). */
  readonly cause?: unknown;
}

/**
 * A request found no answer within its deadline: connecting, waiting for its response to
 * start and the retries in between took longer than allowed. Not retryable: the deadline is
 * the caller's bound on how long a request may try.
 */
export class DeadlineExceededError extends ModelwireError {
  /** The deadline that passed, in milliseconds. */
  readonly deadlineMs: number;
  /** Attempts made before it passed (`undefined` when not counted). */
  readonly attempts: number | undefined;

  constructor(options: DeadlineExceededErrorOptions) {
    const target = options.target === undefined ? '' : ` from ${options.target}`;
    const attempts = options.attempts === undefined ? '' : ` after ${options.attempts} attempt${options.attempts === 1 ? '' : 's'}`;
    const last = ModelwireError.isInstance(options.cause) ? `; last failure: ${options.cause.code}: ${options.cause.message}` : '';
    super(ErrorCode.DeadlineExceeded, `no response${target} within the ${options.deadlineMs} ms deadline${attempts}${last}`, { cause: options.cause, retryable: false });
    this.deadlineMs = options.deadlineMs;
    this.attempts = options.attempts;
  }

  protected override details(): Record<string, unknown> {
    return { deadlineMs: this.deadlineMs, attempts: this.attempts };
  }
}
