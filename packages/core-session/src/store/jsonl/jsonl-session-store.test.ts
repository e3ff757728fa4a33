import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutRecord } from '../rollout-record.js';
import type { SessionLog } from '../session-store.js';
import { nodeJournalFileSystem, type JournalFile, type JournalFileSystem } from './journal-file.js';
import { decodeJournal } from './journal-lines.js';
import { JsonlSessionStore } from './jsonl-session-store.js';
import type { FsyncPolicy } from './jsonl-session-log.js';

let directory = '';
const logs: SessionLog[] = [];
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'modelwire-jsonl-'));
});
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  await rm(directory, { recursive: true, force: true });
});

const stamp = '2026-01-01T00:00:00.000Z';
const meta = (id: string): RolloutRecord => ({ timestamp: stamp, type: 'session_meta', payload: { id, timestamp: stamp, originator: 'modelwire', source: 'exec', instructions: 'x', settings: { model: { slug: 'm' }, reasoning_effort: null, reasoning_summary: 'auto', verbosity: null, turn_metadata: {}, parallel_tool_calls: false, output_schema: null } } });
const item = (text: string): RolloutRecord => ({ timestamp: stamp, type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });

/** The node file system, counting writes and syncs, optionally failing the next write after some bytes. */
class CountingFileSystem implements JournalFileSystem {
  writes = 0;
  datasyncs = 0;
  directorySyncs = 0;
  failNextWriteAfter: number | null = null;
  failDatasync = false;

  async openJournal(path: string, options: { readonly create: boolean }): Promise<JournalFile> {
    const file = await nodeJournalFileSystem.openJournal(path, options);
    return {
      write: async (data, position) => {
        this.writes += 1;
        if (this.failNextWriteAfter !== null) {
          const keep = this.failNextWriteAfter;
          this.failNextWriteAfter = null;
          await file.write(data.subarray(0, keep), position);
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        }
        return file.write(data, position);
      },
      datasync: async () => {
        this.datasyncs += 1;
        if (this.failDatasync) throw Object.assign(new Error('I/O error'), { code: 'EIO' });
        return file.datasync();
      },
      truncate: (size) => file.truncate(size),
      close: () => file.close(),
    };
  }

  async syncDirectory(path: string): Promise<void> {
    this.directorySyncs += 1;
    await nodeJournalFileSystem.syncDirectory(path);
  }
}

function storeWith(fsync: FsyncPolicy, fileSystem = new CountingFileSystem()): { store: JsonlSessionStore; fileSystem: CountingFileSystem } {
  return { store: new JsonlSessionStore({ directory, fsync, fileSystem }), fileSystem };
}

function track<T extends SessionLog>(log: T): T {
  logs.push(log);
  return log;
}

describe('JsonlSessionStore', () => {
  it('fsync "commit": one fdatasync per awaited commit, and one for appends made together (group commit)', async () => {
    const { store, fileSystem } = storeWith('commit');
    const log = track(store.create('s1'));
    await log.append([meta('s1')], { commit: true });
    await log.append([item('a')], { commit: true });
    expect(fileSystem.datasyncs).toBe(2);
    expect(fileSystem.directorySyncs).toBe(1);
    fileSystem.writes = 0;
    // Five commits made without waiting in between: one write, one fdatasync.
    await Promise.all(['b', 'c', 'd', 'e', 'f'].map((text) => log.append([item(text)], { commit: true })));
    expect(fileSystem.writes).toBe(1);
    expect(fileSystem.datasyncs).toBe(3);
    // A note (not a commit) waits for the next sync.
    await log.append([item('g')], { commit: false });
    expect(fileSystem.datasyncs).toBe(3);
    await log.sync();
    expect(fileSystem.datasyncs).toBe(4);
    const decoded = decodeJournal(await readFile(log.location), log.location);
    expect(decoded.records.map((record) => (record.type === 'response_item' && record.payload.type === 'message' ? record.payload.content : null)).slice(1)).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((text) => [{ type: 'input_text', text }]),
    );
  });

  it('fsync "turn" syncs only when asked (end of turn, close); "none" never', async () => {
    const turn = storeWith('turn');
    const log = track(turn.store.create('s1'));
    await log.append([meta('s1'), item('a')], { commit: true });
    await log.append([item('b')], { commit: true });
    expect(turn.fileSystem.datasyncs).toBe(0);
    await log.sync();
    await log.sync();
    expect(turn.fileSystem.datasyncs).toBe(1);
    await log.append([item('c')], { commit: true });
    await log.close();
    expect(turn.fileSystem.datasyncs).toBe(2);

    const none = storeWith('none');
    const other = track(none.store.create('s2'));
    await other.append([meta('s2'), item('a')], { commit: true });
    await other.sync();
    await other.close();
    expect(none.fileSystem.datasyncs + none.fileSystem.directorySyncs).toBe(0);
    // Written all the same: a process crash loses nothing.
    expect(decodeJournal(await readFile(other.location), other.location).records).toHaveLength(2);
  });

  it('cuts a failed write back, reports a typed error and accepts no more appends', async () => {
    const { store, fileSystem } = storeWith('commit');
    const log = track(store.create('s1'));
    await log.append([meta('s1'), item('a')], { commit: true });
    const before = await readFile(log.location);
    fileSystem.failNextWriteAfter = 7;
    await expect(log.append([item('b'), item('c')], { commit: true })).rejects.toMatchObject({ code: 'journal_write_failed', message: expect.stringContaining('ENOSPC') });
    expect(await readFile(log.location)).toEqual(before);
    await expect(log.append([item('d')], { commit: true })).rejects.toMatchObject({ code: 'journal_write_failed' });
    await expect(log.sync()).rejects.toMatchObject({ code: 'journal_write_failed' });
  });

  it('reports a failed fdatasync as a typed error', async () => {
    const { store, fileSystem } = storeWith('commit');
    const log = track(store.create('s1'));
    await log.append([meta('s1')], { commit: true });
    fileSystem.failDatasync = true;
    await expect(log.append([item('a')], { commit: true })).rejects.toMatchObject({ code: 'journal_write_failed', message: expect.stringContaining('EIO') });
  });

  it('opens by id or path, cuts a torn end before appending, and reports it', async () => {
    const { store } = storeWith('commit');
    const log = track(store.create('s1'));
    await log.append([meta('s1'), item('a')], { commit: true });
    await log.close();
    const torn = '{"timestamp":"2026-01-01T00:00:00.000Z","type":"response_item","payl';
    await writeFile(log.location, torn, { flag: 'a' });
    const read = await store.read('s1');
    expect(read.tornTail).toEqual({ droppedBytes: torn.length, droppedRecords: 0 });
    const opened = await store.open(log.location);
    track(opened.log);
    expect(opened).toMatchObject({ sessionId: 's1', location: log.location, tornTail: { droppedBytes: torn.length } });
    await opened.log.append([item('b')], { commit: true });
    const decoded = decodeJournal(await readFile(log.location), log.location);
    expect(decoded.tornTail).toBeNull();
    expect(decoded.records).toHaveLength(3);
  });

  it('lets one writer at a time open a journal; a crashed writer\'s lock is taken over', async () => {
    const { store } = storeWith('commit');
    const log = track(store.create('s1'));
    await log.append([meta('s1')], { commit: true });
    await expect(store.open('s1')).rejects.toMatchObject({ code: 'session_conflict', sessionId: 's1' });
    await log.close();
    const opened = await store.open('s1');
    await expect(store.open('s1')).rejects.toMatchObject({ code: 'session_conflict' });
    await opened.log.close();
    // The lock of a process that is gone.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(`${log.location}.lock`, JSON.stringify({ pid: Number(dead.stdout), host: (await import('node:os')).hostname() }));
    track((await store.open('s1')).log);
  });

  it('refuses to create a session that exists, and reports unknown sessions and bad ids as typed errors', async () => {
    const { store } = storeWith('commit');
    const first = track(store.create('s1'));
    await first.append([meta('s1')], { commit: true });
    await first.close();
    // Same id, same second: the file exists.
    const again = track(new JsonlSessionStore({ directory }).create('s1'));
    if (again.location === first.location) await expect(again.append([meta('s1')], { commit: true })).rejects.toMatchObject({ code: 'session_conflict' });
    await expect(store.open('nope')).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(store.read(join(directory, 'missing.jsonl'))).rejects.toMatchObject({ code: 'session_not_found' });
    expect(() => store.create('../evil')).toThrow(expect.objectContaining({ code: 'invalid_argument', path: 'sessionId' }));
    expect(() => new JsonlSessionStore({ directory, fsync: 'always' as FsyncPolicy })).toThrow(expect.objectContaining({ code: 'invalid_argument', path: 'fsync' }));
  });
});
