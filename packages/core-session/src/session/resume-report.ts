import type { TornTail } from '../store/session-store.js';

/** What `resumeSession` or `forkSession` found and repaired (see `Session.resumeReport`). */
export interface ResumeReport {
  /** The session id (a fork has a new one). */
  readonly sessionId: string;
  /** Where the session is journaled. */
  readonly location: string;
  /** For a fork: the id of the session it was forked from; `null` for a resume. */
  readonly forkedFrom: string | null;
  /**
   * The end of the journal that a crash cut during a write, dropped (and, on resume, removed
   * from the file before anything was appended); `null` when the journal ended cleanly.
   */
  readonly tornTail: TornTail | null;
  /**
   * Tool calls that had no output (the process stopped while they ran) and were given the
   * output `INTERRUPTED_TOOL_OUTPUT`, journaled like any commit.
   */
  readonly interruptedCallIds: readonly string[];
  /** Turns in the rebuilt session (started turns, including one a crash cut short). */
  readonly turns: number;
  /** Items in the rebuilt history (the interrupted outputs included). */
  readonly items: number;
}
