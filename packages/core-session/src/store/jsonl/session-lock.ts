import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { SessionConflictError } from '../store-errors.js';

/**
 * An exclusive lock on one journal file for the process that writes it: `<journal>.lock`,
 * created with `O_EXCL`, holding the owner's pid and host. A lock whose process is gone (it
 * crashed) is stale and taken over; a live owner means a conflict. Advisory and for one host:
 * writers on several machines need a shared store (PostgreSQL).
 */
/** Journal paths whose lock this process holds (a second session of the same process conflicts too). */
const heldHere = new Set<string>();

export class SessionLock {
  readonly #path: string;
  #held = false;

  private constructor(path: string) {
    this.#path = path;
  }

  /**
   * Takes the lock of `journalPath`.
   *
   * @throws SessionConflictError when a live process holds it.
   */
  static async acquire(journalPath: string, sessionId: string): Promise<SessionLock> {
    const lock = new SessionLock(`${journalPath}.lock`);
    if (heldHere.has(lock.#path)) throw new SessionConflictError(sessionId, `its journal is open in this process (${lock.#path})`);
    const owner = JSON.stringify({ pid: process.pid, host: hostname() });
    for (let attempt = 0; ; attempt += 1) {
      try {
        await writeFile(lock.#path, owner, { flag: 'wx', mode: 0o600 });
        if (heldHere.has(lock.#path)) {
          // Another session of this process took it over meanwhile (both saw a stale lock).
          throw new SessionConflictError(sessionId, `its journal is open in this process (${lock.#path})`);
        }
        heldHere.add(lock.#path);
        lock.#held = true;
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw conflictOrError(error, sessionId, lock.#path);
      }
      const holder = await readOwner(lock.#path);
      // A lock naming this process but not held here is a leftover of an earlier process with the same pid.
      if (holder !== null && holder.host === hostname() && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new SessionConflictError(sessionId, `its journal is open in process ${holder.pid} (${lock.#path})`);
      }
      if (holder !== null && holder.host !== hostname()) {
        throw new SessionConflictError(sessionId, `its journal is open on host ${holder.host} (${lock.#path})`);
      }
      // Stale (the owner is gone) or unreadable: take it over.
      await unlink(lock.#path).catch(() => undefined);
    }
  }

  /** Releases the lock. Idempotent. */
  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    heldHere.delete(this.#path);
    await unlink(this.#path).catch(() => undefined);
  }
}

async function readOwner(path: string): Promise<{ pid: number; host: string } | null> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function conflictOrError(error: unknown, sessionId: string, path: string): Error {
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') return new SessionConflictError(sessionId, `its journal lock ${path} is held`, { cause: error });
  return error as Error;
}
