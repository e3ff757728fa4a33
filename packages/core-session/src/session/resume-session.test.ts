import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shellTool, TEST_MODEL } from '../__fixtures__/session-fixtures.js';
import { INTERRUPTED_TOOL_OUTPUT } from '../journal/replay-journal.js';
import { nodeJournalFileSystem, type JournalFileSystem } from '../store/jsonl/journal-file.js';
import { decodeJournal } from '../store/jsonl/journal-lines.js';
import { JsonlSessionStore } from '../store/jsonl/jsonl-session-store.js';
import type { RolloutRecord } from '../store/rollout-record.js';
import { createSession } from './create-session.js';
import { forkSession, resumeSession, type ResumeSessionOptions } from './resume-session.js';
import type { CreateSessionOptions } from './session-options.js';
import type { Session } from './session.js';

let directory = '';
let server: ResponsesServer;
const sessions: Session[] = [];
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'modelwire-resume-'));
  server = await startResponsesServer();
});
afterEach(async () => {
  for (const session of sessions.splice(0)) await session.close();
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

const TOKEN = 'sk-journal-test-0a1b2c3d4e5f6a7b8c9d';

/** What a resumed session is given again: everything that is not stored. */
function runtimeOptions(calls: string[] = []): ResumeSessionOptions {
  return {
    provider: { baseUrl: server.url, supportsWebSockets: true },
    auth: { getToken: () => TOKEN },
    tools: [shellTool(calls)],
    retryBackoff: { baseMs: 5, maxMs: 20 },
    client: { random: () => 0.5 },
  };
}

function newSession(options: Partial<CreateSessionOptions> = {}): Session {
  const session = createSession({
    ...runtimeOptions(),
    model: TEST_MODEL,
    reasoningEffort: 'medium',
    instructions: 'You are a journaled agent.',
    store: new JsonlSessionStore({ directory }),
    ...options,
  });
  sessions.push(session);
  return session;
}

function track(session: Session): Session {
  sessions.push(session);
  return session;
}

async function records(path: string): Promise<RolloutRecord[]> {
  return decodeJournal(await readFile(path), path).records;
}

const itemsOf = (all: readonly RolloutRecord[]): unknown[] => all.filter((record) => record.type === 'response_item').map((record) => record.payload);

describe('journaled sessions', () => {
  it('appends every commit as rollout records that summarizeMemoryTraces reads, and never a credential', async () => {
    const session = newSession();
    await session.submit('run: make build').result;
    await session.submit('thanks').result;
    const path = session.journalLocation as string;
    expect(path.startsWith(join(directory, 'rollout-'))).toBe(true);
    expect(path.endsWith(`-${session.id}.jsonl`)).toBe(true);
    const written = await records(path);
    expect(written.map((record) => (record.type === 'event_msg' ? `event:${record.payload.type}` : record.type === 'response_item' ? `item:${String(record.payload.type)}` : record.type))).toEqual([
      'session_meta',
      ...['turn_context', 'item:message', 'item:reasoning', 'item:function_call', 'event:token_count', 'item:function_call_output', 'item:reasoning', 'item:message', 'event:token_count', 'event:task_complete'],
      ...['turn_context', 'item:message', 'item:reasoning', 'item:message', 'event:token_count', 'event:task_complete'],
    ]);
    expect(itemsOf(written)).toEqual(session.history);
    expect(written[0]).toMatchObject({ type: 'session_meta', payload: { id: session.id, originator: 'modelwire', instructions: 'You are a journaled agent.', settings: { model: TEST_MODEL, reasoning_effort: 'medium' } } });
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(server.url);

    await session.summarizeMemoryTraces([path]);
    const traced = server.recording.requests.find((request) => request.endpoint === 'trace_summarize')?.body as { traces: { items: unknown[] }[] };
    expect(traced.traces[0]?.items).toEqual(session.history);
    await session.close();
    // Closed with the session: the lock file is gone and no descriptor of this process still points at the journal.
    expect(await readdir(directory)).toEqual([path.slice(directory.length + 1)]);
    const descriptors = await readdir('/proc/self/fd');
    const targets = await Promise.all(descriptors.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
    expect(targets.filter((target) => target.startsWith(directory))).toEqual([]);
  });

  it('resumes from the file: same history and settings, a full first request, appending to the same file', async () => {
    const first = newSession({ reasoningEffort: 'high' });
    await first.submit('run: ls').result;
    const history = [...first.history];
    const path = first.journalLocation as string;
    await first.close();

    const calls: string[] = [];
    const resumed = track(await resumeSession(path, runtimeOptions(calls)));
    expect(resumed.id).toBe(first.id);
    expect(resumed.history).toEqual(history);
    expect(resumed.journalLocation).toBe(path);
    expect(resumed.resumeReport).toEqual({ sessionId: first.id, location: path, forkedFrom: null, tornTail: null, interruptedCallIds: [], turns: 1, items: history.length });
    const before = server.recording.requests.length;
    const result = await resumed.submit('run: pwd').result;
    expect(calls).toEqual(['pwd']);
    const [firstAfter, followUp] = server.recording.requests.slice(before) as { body: Record<string, unknown> }[];
    // A full create with the whole history, the stored instructions and effort, the same conversation.
    expect(firstAfter?.body['previous_response_id']).toBeUndefined();
    expect(firstAfter?.body['input']).toEqual([...history, ...result.items.slice(0, 1)]);
    expect(firstAfter?.body).toMatchObject({ instructions: 'You are a journaled agent.', reasoning: { effort: 'high' }, prompt_cache_key: first.id });
    // The follow-up of the same turn continues incrementally again.
    expect(typeof followUp?.body['previous_response_id']).toBe('string');
    const written = await records(path);
    expect(written.filter((record) => record.type === 'session_meta')).toHaveLength(1);
    expect(written.filter((record) => record.type === 'event_msg' && record.payload.type === 'session_resumed')).toHaveLength(1);
    expect(itemsOf(written)).toEqual(resumed.history);
  });

  it('drops a torn last line, gives an unanswered call the interrupted output, and goes on', async () => {
    const first = newSession();
    await first.submit('run: make test').result;
    const path = first.journalLocation as string;
    await first.close();
    // Keep everything up to the committed function call and its usage (the tool "was running"),
    // then half a line of the tool output: a crash in the middle of that write.
    const lines = (await readFile(path, 'utf8')).split('\n');
    const callLine = lines.findIndex((line) => line.includes('"type":"function_call"'));
    const kept = lines.slice(0, callLine + 2).join('\n') + '\n';
    const torn = (lines[callLine + 2] as string).slice(0, 30);
    await writeFile(path, kept + torn);

    const resumed = track(await resumeSession(path, runtimeOptions()));
    const call = resumed.history.find((item) => item.type === 'function_call');
    expect(resumed.resumeReport).toMatchObject({ tornTail: { droppedBytes: Buffer.byteLength(torn), droppedRecords: 0 }, interruptedCallIds: [call?.call_id] });
    expect(resumed.history.at(-1)).toEqual({ type: 'function_call_output', call_id: call?.call_id, output: INTERRUPTED_TOOL_OUTPUT });
    const result = await resumed.submit('and now?').result;
    expect(result.finalMessage).toBe('You said: and now?');
    const written = await readFile(path);
    expect(written.subarray(0, Buffer.byteLength(kept)).toString()).toBe(kept);
    expect(decodeJournal(written, path).tornTail).toBeNull();
    expect(itemsOf(decodeJournal(written, path).records)).toEqual(resumed.history);
  });

  it('forks at a turn into a new file, leaving the source untouched', async () => {
    const source = newSession();
    const firstTurn = await source.submit('run: echo one').result;
    await source.submit('run: echo two').result;
    const path = source.journalLocation as string;
    await source.close();
    const sourceBytes = await readFile(path);

    const fork = track(await forkSession(path, { ...runtimeOptions(), atTurn: 1 }));
    expect(fork.id).not.toBe(source.id);
    expect(fork.history).toEqual(firstTurn.items);
    expect(fork.resumeReport).toMatchObject({ forkedFrom: source.id, turns: 1, interruptedCallIds: [] });
    const forkRecords = await records(fork.resumeReport?.location as string);
    expect(forkRecords[0]).toMatchObject({ type: 'session_meta', payload: { id: fork.id, forked_from_id: source.id, forked_at_turn: 1 } });
    await fork.submit('hello fork').result;
    expect(await readFile(path)).toEqual(sourceBytes);
    expect(itemsOf(await records(fork.journalLocation as string))).toEqual(fork.history);

    const empty = track(await forkSession(path, { ...runtimeOptions(), atTurn: 0 }));
    expect(empty.history).toEqual([]);
    await expect(forkSession(path, { ...runtimeOptions(), atTurn: 3 })).rejects.toMatchObject({ code: 'invalid_argument', path: 'atTurn', message: expect.stringContaining('from 0 to 2') });
  });

  it('resumes a compacted session with the compacted window and the stored settings overridden by options', async () => {
    const first = newSession();
    await first.submit('hello').result;
    await first.compact();
    const window = [...first.history];
    const path = first.journalLocation as string;
    await first.close();
    expect((await records(path)).some((record) => record.type === 'compacted')).toBe(true);
    const resumed = track(await resumeSession(path, { ...runtimeOptions(), instructions: 'New instructions.', reasoningEffort: 'low' }));
    expect(resumed.history).toEqual(window);
    const before = server.recording.requests.length;
    await resumed.submit('again').result;
    expect(server.recording.requests[before]?.body).toMatchObject({ instructions: 'New instructions.', reasoning: { effort: 'low' } });
  });

  it('refuses a second writer, an id without a store, and unknown sessions with typed errors', async () => {
    const store = new JsonlSessionStore({ directory });
    const first = newSession({ store });
    await first.submit('hello').result;
    await expect(resumeSession(first.journalLocation as string, runtimeOptions())).rejects.toMatchObject({ code: 'session_conflict' });
    await expect(resumeSession(first.id, runtimeOptions())).rejects.toMatchObject({ code: 'invalid_argument', path: 'store' });
    await expect(resumeSession('no-such-session', { ...runtimeOptions(), store })).rejects.toMatchObject({ code: 'session_not_found' });
    await first.close();
    const resumed = track(await resumeSession(first.id, { ...runtimeOptions(), store }));
    expect(resumed.history).toEqual(first.history);
  });

  it('stops committing after a failed write: the turn fails typed, memory stays what the file holds', async () => {
    let writes = 0;
    const failing: JournalFileSystem = {
      async openJournal(path, options) {
        const file = await nodeJournalFileSystem.openJournal(path, options);
        return {
          ...file,
          write: async (data, position) => {
            writes += 1;
            if (writes === 3) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
            return file.write(data, position);
          },
          datasync: () => file.datasync(),
          truncate: (size) => file.truncate(size),
          close: () => file.close(),
        };
      },
      syncDirectory: (path) => nodeJournalFileSystem.syncDirectory(path),
    };
    const session = newSession({ store: new JsonlSessionStore({ directory, fileSystem: failing }) });
    // Write 1: meta + turn start; write 2: the call; write 3 (fails): the tool output.
    await expect(session.submit('run: rm -rf /tmp/x').result).rejects.toMatchObject({ code: 'journal_write_failed' });
    await expect(session.submit('hello').result).rejects.toMatchObject({ code: 'journal_write_failed' });
    const path = session.journalLocation as string;
    expect(itemsOf(await records(path))).toEqual(session.history);
    await session.close();
    const resumed = track(await resumeSession(path, runtimeOptions()));
    expect(resumed.history.at(-1)).toMatchObject({ type: 'function_call_output', output: INTERRUPTED_TOOL_OUTPUT });
  });
});
