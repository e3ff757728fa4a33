import { open, type FileHandle } from 'node:fs/promises';

/**
 * An open journal file, as the JSONL store writes it: positional writes (so that a failed
 * write can be cut back), `fdatasync`, truncation. The default is `node:fs`; tests and fault
 * injection pass their own {@link JournalFileSystem}.
 */
export interface JournalFile {
  /** Writes `data` at byte `position`; resolves with the bytes written (possibly fewer). */
  write(data: Uint8Array, position: number): Promise<number>;
  /** Flushes the file's data (and the size needed to read it) to the disk: `fdatasync(2)`. */
  datasync(): Promise<void>;
  /** Cuts the file to `size` bytes. */
  truncate(size: number): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** How the JSONL store opens files (the seam for tests and fault injection). */
export interface JournalFileSystem {
  /**
   * Opens a journal for writing: `create: true` creates it and fails with `EEXIST` when it
   * exists; `create: false` opens an existing file.
   */
  openJournal(path: string, options: { readonly create: boolean }): Promise<JournalFile>;
  /** Makes a new directory entry durable: `fsync(2)` on the directory. */
  syncDirectory(path: string): Promise<void>;
}

class NodeJournalFile implements JournalFile {
  readonly #handle: FileHandle;

  constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  async write(data: Uint8Array, position: number): Promise<number> {
    const { bytesWritten } = await this.#handle.write(data, 0, data.length, position);
    return bytesWritten;
  }

  datasync(): Promise<void> {
    return this.#handle.datasync();
  }

  truncate(size: number): Promise<void> {
    return this.#handle.truncate(size);
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

/** The default file system: `node:fs/promises`, files created with mode 0600 (a journal holds the conversation). */
export const nodeJournalFileSystem: JournalFileSystem = {
  async openJournal(path, options) {
    return new NodeJournalFile(await open(path, options.create ? 'wx' : 'r+', 0o600));
  },
  async syncDirectory(path) {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
