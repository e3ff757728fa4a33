import pg from 'pg';
import { InvalidArgumentError, ModelwireError, toAbortError } from '@modelwire/transport';
import {
  assertSessionId,
  JournalCorruptError,
  JournalWriteError,
  SessionNotFoundError,
  type OpenedSession,
  type RolloutRecord,
  type SessionLog,
  type SessionStore,
  type StoreCallOptions,
  type StoredSession,
} from '@modelwire/core-session';
import type { OwnedPostgresPool, PostgresQueryable } from './postgres-queryable.js';
import { PostgresSessionLog } from './postgres-session-log.js';

/** Options of {@link PostgresSessionStore}: a connection string or your own pool. */
export type PostgresSessionStoreOptions = PostgresStoreCommonOptions &
  (
    | {
        /** A `postgres://` URL; the store opens a `pg.Pool` on it and ends it on `close()`. */
        readonly connectionString: string;
        /** Connections of that pool. Default 4. */
        readonly maxConnections?: number;
      }
    | {
        /** Your pool (`pg.Pool` or anything with the same `query`); the store never ends it. */
        readonly pool: PostgresQueryable;
      }
  );

/** Options of both forms. */
export interface PostgresStoreCommonOptions {
  /**
   * The table of the records, optionally schema-qualified (`"agents.session_records"`).
   * Default `modelwire_session_records`.
   */
  readonly table?: string;
  /** Create the table when it does not exist (`CREATE TABLE IF NOT EXISTS`, once per store). Default `true`. */
  readonly createTable?: boolean;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;

/**
 * A {@link SessionStore} on PostgreSQL for fleets of workers: any worker may resume or fork any
 * session. One row per record: `(session_id, seq, record json, written_at)`, primary key
 * `(session_id, seq)`, append-only. The records are the same as the JSONL journal's (the `json`
 * type keeps each record's text, key order included).
 *
 * Concurrency is optimistic: a writer appends rows numbered after the last one it read, so
 * when two workers resume the same session, the second to write gets `SessionConflictError`
 * and writes nothing. Nothing holds a lock or a connection between queries.
 *
 * Durability is PostgreSQL's: an append resolves once its transaction committed.
 */
export class PostgresSessionStore implements SessionStore, AsyncDisposable {
  /** The table of the records. */
  readonly table: string;
  readonly #database: PostgresQueryable;
  readonly #owned: OwnedPostgresPool | null;
  readonly #createTable: boolean;
  #schema: Promise<void> | null = null;

  /** @throws InvalidArgumentError for a table name that is not a plain (optionally qualified) identifier, or no connection string or pool. */
  constructor(options: PostgresSessionStoreOptions) {
    const table = options.table ?? 'modelwire_session_records';
    if (!IDENTIFIER.test(table)) throw new InvalidArgumentError({ path: 'table', message: 'must be a lowercase SQL identifier, optionally schema-qualified' });
    this.table = table;
    this.#createTable = options.createTable ?? true;
    if ('pool' in options) {
      this.#database = options.pool;
      this.#owned = null;
    } else {
      if (typeof options.connectionString !== 'string' || options.connectionString === '') throw new InvalidArgumentError({ path: 'connectionString', message: 'is required (or pass a pool)' });
      const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
      // An idle connection that dies must not crash the process; the next query reconnects.
      pool.on('error', () => undefined);
      this.#database = pool;
      this.#owned = pool;
    }
  }

  create(sessionId: string): SessionLog {
    assertSessionId(sessionId);
    return new PostgresSessionLog(this.#database, this.table, sessionId, this.#location(sessionId), 0, () => this.#ensureTable());
  }

  async open(reference: string, options: StoreCallOptions = {}): Promise<OpenedSession> {
    const stored = await this.read(reference, options);
    const log = new PostgresSessionLog(this.#database, this.table, stored.sessionId, stored.location, stored.records.length, () => this.#ensureTable());
    return { ...stored, log };
  }

  async read(reference: string, options: StoreCallOptions = {}): Promise<StoredSession> {
    assertSessionId(reference, 'reference');
    const location = this.#location(reference);
    if (options.signal?.aborted) throw toAbortError(options.signal.reason);
    let rows: readonly unknown[];
    try {
      await this.#ensureTable();
      ({ rows } = await this.#database.query(`SELECT seq, record FROM ${this.table} WHERE session_id = $1 ORDER BY seq`, [reference]));
    } catch (error) {
      throw ModelwireError.isInstance(error) ? error : new JournalWriteError(location, `reading failed (${String((error as { code?: unknown }).code ?? (error as Error).message)})`, { cause: error });
    }
    if (options.signal?.aborted) throw toAbortError(options.signal.reason);
    if (rows.length === 0) throw new SessionNotFoundError(reference);
    const records = rows.map((row, index) => {
      const { seq, record } = row as { seq: string | number; record: unknown };
      if (Number(seq) !== index + 1) throw new JournalCorruptError(location, index + 1, `is missing (the next stored record is ${String(seq)})`);
      if (typeof record !== 'object' || record === null || typeof (record as { type?: unknown }).type !== 'string') throw new JournalCorruptError(location, index + 1, 'is not a record');
      return record as RolloutRecord;
    });
    const [first] = records;
    if (first?.type !== 'session_meta' || first.payload.id !== reference) throw new JournalCorruptError(location, 1, 'is not the session_meta record of this session');
    return { sessionId: reference, location, records, tornTail: null };
  }

  /** Ends the pool the store opened (not a pool you passed). Idempotent. */
  async close(): Promise<void> {
    await this.#owned?.end().catch(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #location(sessionId: string): string {
    return `postgres:${this.table}/${sessionId}`;
  }

  #ensureTable(): Promise<void> {
    if (!this.#createTable) return Promise.resolve();
    this.#schema ??= this.#database
      .query(`CREATE TABLE IF NOT EXISTS ${this.table} (session_id text NOT NULL, seq bigint NOT NULL, record json NOT NULL, written_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (session_id, seq))`)
      .then(
        () => undefined,
        (error: unknown) => {
          // Two stores creating the table at once: one of them loses the race on the catalog.
          if ((error as { code?: unknown }).code === '23505' || (error as { code?: unknown }).code === '42P07') return;
          this.#schema = null;
          throw new JournalWriteError(`postgres:${this.table}`, `cannot create the table (${String((error as { code?: unknown }).code ?? (error as Error).message)})`, { cause: error });
        },
      );
    return this.#schema;
  }
}
