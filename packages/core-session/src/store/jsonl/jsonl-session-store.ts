import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { ErrorCode, InvalidArgumentError, ModelwireError, toAbortError } from '@modelwire/transport';
import type { OpenedSession, SessionLog, SessionStore, StoreCallOptions, StoredSession } from '../session-store.js';
import { JournalCorruptError, JournalWriteError, SessionNotFoundError } from '../store-errors.js';
import { assertSessionId } from '../session-id.js';
import { nodeJournalFileSystem, type JournalFile, type JournalFileSystem } from './journal-file.js';
import { decodeJournal, type DecodedJournal } from './journal-lines.js';
import { JsonlSessionLog, type FsyncPolicy } from './jsonl-session-log.js';
import { SessionLock } from './session-lock.js';

/** Options of {@link JsonlSessionStore}. */
export interface JsonlSessionStoreOptions {
  /** Where new journals go (created on the first write, mode 0700), and where ids are looked up. */
  readonly directory: string;
  /**
   * When the journal is flushed to the disk (see {@link FsyncPolicy}). Default `"commit"`:
   * every history commit is on the disk before it enters the history, and commits close
   * together share one `fdatasync`.
   */
  readonly fsync?: FsyncPolicy;
  /** How files are opened and synced. Default: `node:fs`. For tests and fault injection. */
  readonly fileSystem?: JournalFileSystem;
}

const POLICIES: readonly FsyncPolicy[] = ['commit', 'turn', 'none'];

/**
 * The embedded {@link SessionStore}: one JSONL rollout file per session,
 * `<directory>/rollout-<created, UTC>-<session id>.jsonl` (mode 0600), one record per line.
 * A session is referenced by its id (looked up in the directory) or by its file path.
 *
 * One process writes a journal at a time: a `<journal>.lock` file beside it names the writing
 * process; a live writer makes `open` fail with `SessionConflictError`, a crashed one's lock is
 * taken over.
 */
export class JsonlSessionStore implements SessionStore {
  /** The directory of new journals (absolute). */
  readonly directory: string;
  /** The fsync policy of every log this store opens. */
  readonly fsync: FsyncPolicy;
  readonly #fileSystem: JournalFileSystem;

  /** @throws InvalidArgumentError for an empty directory or an unknown policy. */
  constructor(options: JsonlSessionStoreOptions) {
    if (typeof options.directory !== 'string' || options.directory === '') throw new InvalidArgumentError({ path: 'directory', message: 'is required (the directory of the journals)' });
    const fsync = options.fsync ?? 'commit';
    if (!POLICIES.includes(fsync)) throw new InvalidArgumentError({ path: 'fsync', message: `must be one of ${POLICIES.map((policy) => `"${policy}"`).join(', ')}` });
    this.directory = resolve(options.directory);
    this.fsync = fsync;
    this.#fileSystem = options.fileSystem ?? nodeJournalFileSystem;
  }

  create(sessionId: string): SessionLog {
    assertSessionId(sessionId);
    const created = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
    return new JsonlSessionLog(join(this.directory, `rollout-${created}-${sessionId}.jsonl`), sessionId, this.#fileSystem, this.fsync, { kind: 'new' });
  }

  async open(reference: string, options: StoreCallOptions = {}): Promise<OpenedSession> {
    const path = await this.#locate(reference, options.signal);
    const lock = await SessionLock.acquire(path, sessionIdOfPath(path));
    let file: JournalFile | null = null;
    try {
      const { decoded, sessionId } = await readJournal(path, options.signal);
      file = await this.#fileSystem.openJournal(path, { create: false });
      if (decoded.tornTail !== null) {
        // Cut the torn end before anything is appended after it.
        await file.truncate(decoded.validBytes);
        if (this.fsync !== 'none') await file.datasync();
      }
      const log = new JsonlSessionLog(path, sessionId, this.#fileSystem, this.fsync, { kind: 'existing', file, lock, size: decoded.validBytes, records: decoded.records.length });
      return { sessionId, location: path, records: decoded.records, tornTail: decoded.tornTail, log };
    } catch (error) {
      await file?.close().catch(() => undefined);
      await lock.release();
      throw ModelwireError.isInstance(error) || options.signal?.aborted ? error : new JournalWriteError(path, `cannot open the journal for appending (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
  }

  async read(reference: string, options: StoreCallOptions = {}): Promise<StoredSession> {
    const path = await this.#locate(reference, options.signal);
    const { decoded, sessionId } = await readJournal(path, options.signal);
    return { sessionId, location: path, records: decoded.records, tornTail: decoded.tornTail };
  }

  /** The file of a session id (looked up in the directory) or a path (taken as it is). */
  async #locate(reference: string, signal: AbortSignal | undefined): Promise<string> {
    if (isPathReference(reference)) return resolve(reference);
    assertSessionId(reference, 'reference');
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if (signal?.aborted) throw toAbortError(signal.reason);
      throw new SessionNotFoundError(reference, { cause: error });
    }
    const matches = names.filter((name) => name.startsWith('rollout-') && name.endsWith(`-${reference}.jsonl`)).sort();
    const [first] = matches;
    if (first === undefined) throw new SessionNotFoundError(reference);
    if (matches.length > 1) throw new InvalidArgumentError({ path: 'reference', message: `several journals in ${this.directory} have this session id (${matches.join(', ')}): pass a path` });
    return join(this.directory, first);
  }
}

/** Whether a reference names a file (it has a directory part or the `.jsonl` extension). */
export function isPathReference(reference: string): boolean {
  return reference.includes('/') || reference.includes(sep) || reference.endsWith('.jsonl');
}

async function readJournal(path: string, signal: AbortSignal | undefined): Promise<{ decoded: DecodedJournal; sessionId: string }> {
  let data: Buffer;
  try {
    data = await readFile(path, signal === undefined ? {} : { signal });
  } catch (error) {
    if (signal?.aborted) throw toAbortError(signal.reason);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SessionNotFoundError(path, { cause: error });
    throw new ModelwireError(ErrorCode.InvalidArgument, `cannot read the journal ${path}`, { cause: error });
  }
  const decoded = decodeJournal(data, path);
  const [first] = decoded.records;
  if (first === undefined) throw new SessionNotFoundError(path);
  if (first.type !== 'session_meta' || typeof first.payload.id !== 'string') throw new JournalCorruptError(path, 1, 'is not a session_meta record with an id');
  return { decoded, sessionId: first.payload.id };
}

/** The session id in a journal file name (`rollout-<created>-<id>.jsonl`), or the name itself. */
function sessionIdOfPath(path: string): string {
  const name = basename(path, '.jsonl');
  return /^rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-(.+)$/.exec(name)?.[1] ?? name;
}
