import { ErrorCode, ModelwireError } from '@modelwire/transport';

/**
 * Another writer changed or holds the stored session: a second worker resumed the same session
 * and appended first, or another process has its journal open. Nothing of the failed append was
 * stored. The session that got it commits nothing more; resume the session again to continue
 * from what was stored.
 */
export class SessionConflictError extends ModelwireError {
  /** The session id. */
  readonly sessionId: string;

  constructor(sessionId: string, message: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.SessionConflict, `session ${sessionId}: ${message}`, { cause: options.cause, retryable: false });
    this.sessionId = sessionId;
  }

  protected override details(): Record<string, unknown> {
    return { sessionId: this.sessionId };
  }
}

/** No stored session has this id or path. */
export class SessionNotFoundError extends ModelwireError {
  /** The id or path that was looked up. */
  readonly reference: string;

  constructor(reference: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.SessionNotFound, `no stored session ${reference}`, { cause: options.cause, retryable: false });
    this.reference = reference;
  }

  protected override details(): Record<string, unknown> {
    return { reference: this.reference };
  }
}

/**
 * A stored session cannot be read: a record before its end is not valid JSON, not a record, or
 * out of sequence. (A cut at the very end is not corruption: it is a torn tail, dropped and
 * reported.)
 */
export class JournalCorruptError extends ModelwireError {
  /** Where the session is stored. */
  readonly location: string;
  /** The 1-based line (JSONL) or sequence number (other stores) of the first bad record. */
  readonly line: number;

  constructor(location: string, line: number, problem: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.JournalCorrupt, `journal ${location}: record ${line} ${problem}`, { cause: options.cause, retryable: false });
    this.location = location;
    this.line = line;
  }

  protected override details(): Record<string, unknown> {
    return { location: this.location, line: this.line };
  }
}

/**
 * Writing or syncing the journal failed (disk full, I/O error, lost database connection). The
 * failed append left nothing partial behind where the store could undo it; the session commits
 * nothing more (what is in memory stays what is stored) and must be resumed to continue.
 */
export class JournalWriteError extends ModelwireError {
  /** Where the session is stored. */
  readonly location: string;

  constructor(location: string, message: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.JournalWriteFailed, `journal ${location}: ${message}`, { cause: options.cause, retryable: false });
    this.location = location;
  }

  protected override details(): Record<string, unknown> {
    return { location: this.location };
  }
}
