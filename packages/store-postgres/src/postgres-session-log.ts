import { ClosedError, ModelwireError } from '@modelwire/transport';
import { JournalWriteError, SessionConflictError, type AppendOptions, type RolloutRecord, type SessionLog } from '@modelwire/core-session';
import type { PostgresQueryable } from './postgres-queryable.js';

interface PendingAppend {
  readonly records: readonly RolloutRecord[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** PostgreSQL's `unique_violation`: another writer already stored that sequence number. */
const UNIQUE_VIOLATION = '23505';

/**
 * The append side of one session in PostgreSQL. Each round of queued appends is one `INSERT`
 * (one statement, so atomic) of rows numbered after the last sequence number this writer knows.
 * When another writer stored any of those numbers first, the primary key refuses the whole
 * statement: nothing is written and the log fails with `SessionConflictError` (optimistic
 * concurrency: two workers that resumed the same session never interleave their commits).
 */
export class PostgresSessionLog implements SessionLog {
  readonly sessionId: string;
  readonly location: string;
  readonly #database: PostgresQueryable;
  readonly #table: string;
  readonly #ready: () => Promise<void>;
  #lastSeq: number;
  #queue: PendingAppend[] = [];
  #draining: Promise<void> | null = null;
  #failure: Error | null = null;
  #closed = false;

  /** @internal Made by `PostgresSessionStore`. */
  constructor(database: PostgresQueryable, table: string, sessionId: string, location: string, lastSeq: number, ready: () => Promise<void>) {
    this.#database = database;
    this.#table = table;
    this.sessionId = sessionId;
    this.location = location;
    this.#lastSeq = lastSeq;
    this.#ready = ready;
  }

  append(records: readonly RolloutRecord[], _options: AppendOptions): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new ClosedError('the session journal'));
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      if (this.#draining === null) this.#draining = this.#drain().finally(() => (this.#draining = null));
    });
  }

  /** Every append is committed by PostgreSQL before it resolves: nothing more to sync. */
  async sync(): Promise<void> {
    while (this.#draining !== null) await this.#draining;
    if (this.#failure !== null) throw this.#failure;
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining !== null) await this.#draining;
  }

  async #drain(): Promise<void> {
    // Appends made in the same tick share one statement.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const round = this.#queue.splice(0);
      try {
        await this.#insert(round.flatMap((pending) => pending.records));
        for (const pending of round) pending.resolve();
      } catch (error) {
        this.#failure ??= this.#typed(error);
        for (const pending of [...round, ...this.#queue.splice(0)]) pending.reject(this.#failure);
        return;
      }
    }
  }

  async #insert(records: readonly RolloutRecord[]): Promise<void> {
    await this.#ready();
    const first = this.#lastSeq + 1;
    const seqs = records.map((_, index) => first + index);
    const lines = records.map((record) => JSON.stringify({ timestamp: record.timestamp, type: record.type, payload: record.payload }));
    await this.#database.query(`INSERT INTO ${this.#table} (session_id, seq, record) SELECT $1, seq, record FROM unnest($2::bigint[], $3::json[]) AS batch(seq, record)`, [this.sessionId, seqs, lines]);
    this.#lastSeq += records.length;
  }

  #typed(error: unknown): Error {
    if (ModelwireError.isInstance(error)) return error;
    const code = (error as { code?: unknown }).code;
    if (code === UNIQUE_VIOLATION) {
      return new SessionConflictError(this.sessionId, this.#lastSeq === 0 ? 'a session with this id already exists' : `another writer appended after record ${this.#lastSeq}; nothing was written`, { cause: error });
    }
    return new JournalWriteError(this.location, `writing failed (${typeof code === 'string' ? code : (error as Error).message})`, { cause: error });
  }
}
