import { ClosedError, ModelwireError } from '@modelwire/transport';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RolloutRecord } from '../rollout-record.js';
import type { AppendOptions, SessionLog } from '../session-store.js';
import { JournalWriteError, SessionConflictError } from '../store-errors.js';
import type { JournalFile, JournalFileSystem } from './journal-file.js';
import { encodeRecords } from './journal-lines.js';
import { SessionLock } from './session-lock.js';

/**
 * When a JSONL journal calls `fdatasync`:
 * - `commit` (default): before a history commit is acknowledged. Commits that arrive while a
 *   sync is running share the next one (group commit).
 * - `turn`: at the end of every turn (and of `compact()`), and at close.
 * - `none`: never; the operating system writes the data back when it wants.
 *
 * Every policy writes (`write(2)`) each commit before acknowledging it, so a crash of the
 * process never loses an acknowledged commit; the policy decides what survives a power loss.
 */
export type FsyncPolicy = 'commit' | 'turn' | 'none';

interface PendingAppend {
  readonly data: Buffer;
  readonly durable: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Where a {@link JsonlSessionLog} starts. */
export type JsonlLogStart =
  /** A new session: the file (and its lock) is created by the first append. */
  | { readonly kind: 'new' }
  /** An opened session: the file is open and locked, `size` bytes long, holding `records` records. */
  | { readonly kind: 'existing'; readonly file: JournalFile; readonly lock: SessionLock; readonly size: number; readonly records: number };

/**
 * The append side of one JSONL journal: one writer per file, appends queued in order, each
 * round of queued appends written with positional writes and synced once (group commit). A
 * failed write is cut back so the file still ends at a complete batch; after any failure the
 * log refuses further appends.
 */
export class JsonlSessionLog implements SessionLog {
  readonly sessionId: string;
  readonly location: string;
  readonly #fileSystem: JournalFileSystem;
  readonly #policy: FsyncPolicy;
  #file: JournalFile | null = null;
  #lock: SessionLock | null = null;
  #size = 0;
  #nextSeq = 1;
  #unsynced = false;
  #queue: PendingAppend[] = [];
  #draining: Promise<void> | null = null;
  #failure: Error | null = null;
  #closed: Promise<void> | null = null;

  constructor(path: string, sessionId: string, fileSystem: JournalFileSystem, policy: FsyncPolicy, start: JsonlLogStart) {
    this.location = path;
    this.sessionId = sessionId;
    this.#fileSystem = fileSystem;
    this.#policy = policy;
    if (start.kind === 'existing') {
      this.#file = start.file;
      this.#lock = start.lock;
      this.#size = start.size;
      this.#nextSeq = start.records + 1;
    }
  }

  append(records: readonly RolloutRecord[], options: AppendOptions): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#closed !== null) return Promise.reject(new ClosedError('the session journal'));
    if (records.length === 0) return Promise.resolve();
    let data: Buffer;
    try {
      data = encodeRecords(records, this.#nextSeq);
    } catch (error) {
      return Promise.reject(new JournalWriteError(this.location, 'a record cannot be written as JSON', { cause: error }));
    }
    this.#nextSeq += records.length;
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ data, durable: options.commit && this.#policy === 'commit', resolve, reject });
      this.#schedule();
    });
  }

  async sync(): Promise<void> {
    await this.#idle();
    if (this.#failure !== null) throw this.#failure;
    if (this.#policy !== 'none' && this.#unsynced) await this.#datasync();
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#idle();
      if (this.#failure === null && this.#policy !== 'none' && this.#unsynced) await this.#datasync().catch(() => undefined);
      await this.#file?.close().catch(() => undefined);
      this.#file = null;
      await this.#lock?.release();
    })();
    return this.#closed;
  }

  #schedule(): void {
    if (this.#draining !== null) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  /** Writes queued appends round by round; never rejects (failures go to the appends). */
  async #drain(): Promise<void> {
    // Appends made in the same tick join the first round.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const round = this.#queue.splice(0);
      try {
        await this.#write(round);
        for (const pending of round) pending.resolve();
      } catch (error) {
        const failure = this.#fail(error);
        for (const pending of [...round, ...this.#queue.splice(0)]) pending.reject(failure);
        return;
      }
    }
  }

  async #write(round: readonly PendingAppend[]): Promise<void> {
    const file = await this.#openFile();
    const data = round.length === 1 ? (round[0] as PendingAppend).data : Buffer.concat(round.map((pending) => pending.data));
    let written = 0;
    try {
      while (written < data.length) {
        const bytes = await file.write(data.subarray(written), this.#size + written);
        if (bytes <= 0) throw new Error('the file system accepted no bytes');
        written += bytes;
      }
    } catch (error) {
      // Cut back this round's bytes so the file still ends at a complete batch.
      await file.truncate(this.#size).catch(() => undefined);
      throw error;
    }
    this.#size += data.length;
    this.#unsynced = true;
    if (round.some((pending) => pending.durable)) await this.#datasync();
  }

  async #openFile(): Promise<JournalFile> {
    if (this.#file !== null) return this.#file;
    await mkdir(dirname(this.location), { recursive: true, mode: 0o700 });
    this.#lock = await SessionLock.acquire(this.location, this.sessionId);
    try {
      this.#file = await this.#fileSystem.openJournal(this.location, { create: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SessionConflictError(this.sessionId, `its journal ${this.location} already exists`, { cause: error });
      throw error;
    }
    if (this.#policy !== 'none') await this.#fileSystem.syncDirectory(dirname(this.location));
    return this.#file;
  }

  async #datasync(): Promise<void> {
    const file = this.#file;
    if (file === null) return;
    this.#unsynced = false;
    try {
      await file.datasync();
    } catch (error) {
      throw this.#fail(error);
    }
  }

  async #idle(): Promise<void> {
    while (this.#draining !== null) await this.#draining;
  }

  #fail(error: unknown): Error {
    this.#failure ??= ModelwireError.isInstance(error) ? error : new JournalWriteError(this.location, `writing failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    return this.#failure;
  }
}
