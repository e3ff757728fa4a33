import type { RolloutRecord } from './rollout-record.js';

/**
 * Where sessions are journaled: one append-only log of {@link RolloutRecord}s per session.
 * `JsonlSessionStore` (one JSONL file per session in a directory) is the embedded default;
 * `@modelwire/store-postgres` keeps the same records in PostgreSQL for fleets of workers.
 *
 * Lifetimes: a store lives as long as the application wants (it may serve many sessions);
 * a {@link SessionLog} belongs to one open session and is closed with it.
 *
 * Every store guarantees: an `append` is atomic (all of its records are stored, or none),
 * records are read back in the order they were appended, and no two writers ever interleave
 * their appends to one session (the loser gets a `SessionConflictError` and nothing of its
 * append is stored).
 */
export interface SessionStore {
  /**
   * The log of a new session. Nothing is stored before the first `append`, which fails with
   * `SessionConflictError` when a session with this id already exists.
   *
   * @param sessionId letters, digits, `_` and `-` (at most 128).
   */
  create(sessionId: string): SessionLog;
  /**
   * Opens a stored session to continue it: reads its records, drops a torn end (a crash
   * during a write), and returns a log that appends after the last record. The caller owns the
   * log until it closes it.
   *
   * @param reference a session id, or what the store's `SessionLog.location` gave (a path).
   * @throws SessionNotFoundError, JournalCorruptError, SessionConflictError (another writer
   *   holds it, when the store can tell).
   */
  open(reference: string, options?: StoreCallOptions): Promise<OpenedSession>;
  /** Reads a stored session without taking it (nothing is written; a torn end is reported, not repaired). */
  read(reference: string, options?: StoreCallOptions): Promise<StoredSession>;
}

/** Options of {@link SessionStore.open} and {@link SessionStore.read}. */
export interface StoreCallOptions {
  /** Aborts the read. */
  readonly signal?: AbortSignal;
}

/** A stored session as read. */
export interface StoredSession {
  /** The session id (`session_meta.payload.id`). */
  readonly sessionId: string;
  /** Where it is stored (a file path, or a store-specific URI without credentials). */
  readonly location: string;
  /** Every complete record, in append order. */
  readonly records: readonly RolloutRecord[];
  /** What was dropped from the end because a write was cut; `null` when the end was clean. */
  readonly tornTail: TornTail | null;
}

/** A stored session opened for appending. */
export interface OpenedSession extends StoredSession {
  /** Appends after the last record of `records`. */
  readonly log: SessionLog;
}

/**
 * The end of a journal that a crash cut in the middle of a write: a partial last line, or the
 * complete first lines of an atomic append whose last line is missing. It is never part of the
 * session: `open` removes it before appending.
 */
export interface TornTail {
  /** Bytes of the stored data that were dropped. */
  readonly droppedBytes: number;
  /** Complete records dropped with it (the part of an atomic append that made it before the cut). */
  readonly droppedRecords: number;
}

/** Options of {@link SessionLog.append}. */
export interface AppendOptions {
  /**
   * `true` for a history commit: the promise resolves when the store's durability policy says
   * the records are stored (for a JSONL store with `fsync: "commit"`, after the data reached
   * the disk). `false` for informational records, which may wait for the next commit or sync.
   */
  readonly commit: boolean;
}

/** The append side of one session's journal (owned by one open session). */
export interface SessionLog {
  /** The session id. */
  readonly sessionId: string;
  /** Where the session is stored (a file path, or a store-specific URI without credentials). */
  readonly location: string;
  /**
   * Appends records atomically, after everything appended before (appends are ordered even
   * when not awaited one by one). Rejects with `SessionConflictError` when another writer
   * changed the session, `JournalWriteError` when the store failed; after a rejection the log
   * accepts nothing more (the session must be resumed from what was stored).
   */
  append(records: readonly RolloutRecord[], options: AppendOptions): Promise<void>;
  /** Makes everything appended so far durable as far as the store can (the end of a turn). */
  sync(): Promise<void>;
  /** Syncs what it can and releases the session (file handle, lock, connection). Idempotent; never rejects. */
  close(): Promise<void>;
}
