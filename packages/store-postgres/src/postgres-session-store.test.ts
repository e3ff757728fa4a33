import { createSession, forkSession, resumeSession, INTERRUPTED_TOOL_OUTPUT, type ResumeSessionOptions, type Session, type ToolDefinition } from '@modelwire/core-session';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import './__fixtures__/postgres-context.js';
import { PostgresSessionStore } from './postgres-session-store.js';

const url = inject('postgresUrl');
const table = 'test_session_records';
let server: ResponsesServer;
let admin: pg.Pool;
const stores: PostgresSessionStore[] = [];
const sessions: Session[] = [];

beforeAll(async () => {
  server = await startResponsesServer();
  admin = new pg.Pool({ connectionString: url, max: 1 });
});
afterEach(async () => {
  for (const session of sessions.splice(0)) await session.close();
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  await admin.end();
  await server.close();
});

function store(options: { connectionString?: string } = {}): PostgresSessionStore {
  const made = new PostgresSessionStore({ connectionString: options.connectionString ?? url, table });
  stores.push(made);
  return made;
}

function shell(calls: string[] = []): ToolDefinition {
  return {
    kind: 'function',
    name: 'shell',
    description: 'Runs a shell command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    handler: (args) => {
      const command = String((args as { command?: unknown }).command);
      calls.push(command);
      return `ran: ${command}`;
    },
  };
}

function runtime(sessionStore: PostgresSessionStore, calls: string[] = []): ResumeSessionOptions {
  return { provider: { baseUrl: server.url, supportsWebSockets: true }, auth: { getToken: () => 'pg-test-token' }, tools: [shell(calls)], store: sessionStore, client: { random: () => 0.5 } };
}

function track(session: Session): Session {
  sessions.push(session);
  return session;
}

async function newSession(sessionStore: PostgresSessionStore): Promise<Session> {
  return track(createSession({ ...runtime(sessionStore), model: { slug: 'gpt-test', supportsReasoning: true, supportsVerbosity: true, contextWindow: 200_000 }, reasoningEffort: 'medium', instructions: 'You are a fleet agent.' }));
}

async function rowCount(sessionId: string): Promise<number> {
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${table} WHERE session_id = $1`, [sessionId]);
  return (rows[0] as { n: number }).n;
}

const itemsOf = (records: readonly { type: string; payload: unknown }[]): unknown[] => records.filter((record) => record.type === 'response_item').map((record) => record.payload);

describe('PostgresSessionStore', () => {
  it('journals every commit with a per-session sequence, and any worker resumes it with a full first request', async () => {
    const first = await newSession(store());
    await first.submit('run: make build').result;
    await first.submit('thanks').result;
    const history = [...first.history];
    expect(first.journalLocation).toBe(`postgres:${table}/${first.id}`);
    await first.close();
    const { rows } = await admin.query(`SELECT seq FROM ${table} WHERE session_id = $1 ORDER BY seq`, [first.id]);
    expect(rows.map((row: { seq: string }) => Number(row.seq))).toEqual(rows.map((_: unknown, index: number) => index + 1));

    // Another worker, another pool.
    const calls: string[] = [];
    const worker = store();
    const resumed = track(await resumeSession(first.id, runtime(worker, calls)));
    expect(resumed.history).toEqual(history);
    expect(resumed.resumeReport).toMatchObject({ sessionId: first.id, tornTail: null, interruptedCallIds: [], turns: 2 });
    const before = server.recording.requests.length;
    await resumed.submit('run: make test').result;
    expect(calls).toEqual(['make test']);
    const request = server.recording.requests[before]?.body as Record<string, unknown>;
    expect(request['previous_response_id']).toBeUndefined();
    expect(request).toMatchObject({ instructions: 'You are a fleet agent.', reasoning: { effort: 'medium' } });
    expect(itemsOf((await worker.read(first.id)).records)).toEqual(resumed.history);
  });

  it('forks at a turn into a new session, leaving the source rows untouched', async () => {
    const sessionStore = store();
    const source = await newSession(sessionStore);
    const turn = await source.submit('run: echo one').result;
    await source.submit('run: echo two').result;
    await source.close();
    const sourceRows = await rowCount(source.id);
    const fork = track(await forkSession(source.id, { ...runtime(sessionStore), atTurn: 1 }));
    expect(fork.history).toEqual(turn.items);
    expect(fork.resumeReport).toMatchObject({ forkedFrom: source.id, turns: 1 });
    await fork.submit('hello fork').result;
    expect(await rowCount(source.id)).toBe(sourceRows);
    expect((await sessionStore.read(fork.id)).records[0]).toMatchObject({ type: 'session_meta', payload: { id: fork.id, forked_from_id: source.id, forked_at_turn: 1 } });
  });

  it('lets only one of two workers that resumed the same state write: the other gets a typed conflict, and nothing of it is stored', async () => {
    const first = await newSession(store());
    await first.submit('hello').result;
    await first.close();
    const before = await rowCount(first.id);
    // Two workers read the same state; the first append wins, the second conflicts and stores nothing.
    const [one, two] = await Promise.all([store().open(first.id), store().open(first.id)]);
    const note = { timestamp: new Date().toISOString(), type: 'event_msg', payload: { type: 'task_complete', turn_id: 't', last_agent_message: null } } as const;
    await one.log.append([note], { commit: true });
    await expect(two.log.append([note, note], { commit: true })).rejects.toMatchObject({ code: 'session_conflict', sessionId: first.id });
    expect(await rowCount(first.id)).toBe(before + 1);
    await expect(two.log.append([note], { commit: true })).rejects.toMatchObject({ code: 'session_conflict' });
    await one.log.close();
    await two.log.close();
    const winner = track(await resumeSession(first.id, runtime(store())));

    // A worker that resumed earlier and is now stale: its next commit conflicts, nothing is written,
    // and it commits nothing more; the other worker's turn is unaffected.
    const late = track(await resumeSession(first.id, runtime(store())));
    const rows = await rowCount(first.id);
    await expect(winner.submit('from the stale worker').result).rejects.toMatchObject({ code: 'session_conflict' });
    expect(await rowCount(first.id)).toBe(rows);
    await expect(winner.submit('again').result).rejects.toMatchObject({ code: 'session_conflict' });
    await late.submit('from the current worker').result;
    expect(itemsOf((await store().read(first.id)).records)).toEqual(late.history);
  });

  it('gives an unanswered tool call the interrupted output on resume', async () => {
    const sessionStore = store();
    const first = await newSession(sessionStore);
    await first.submit('run: deploy').result;
    await first.close();
    // Drop everything after the committed call: the worker died while the tool ran.
    const { rows } = await admin.query(`SELECT seq, record::text AS text FROM ${table} WHERE session_id = $1 ORDER BY seq`, [first.id]);
    const callSeq = Number((rows as { seq: string; text: string }[]).find((row) => row.text.includes('"type":"function_call"'))?.seq);
    await admin.query(`DELETE FROM ${table} WHERE session_id = $1 AND seq > $2`, [first.id, callSeq + 1]);
    const resumed = track(await resumeSession(first.id, runtime(store())));
    expect(resumed.resumeReport?.interruptedCallIds).toHaveLength(1);
    expect(resumed.history.at(-1)).toMatchObject({ type: 'function_call_output', output: INTERRUPTED_TOOL_OUTPUT });
    await resumed.submit('status?').result;
  });

  it('reports unknown sessions, bad ids and unreachable servers as typed errors without the password', async () => {
    await expect(store().read('no-such-session')).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(store().read('bad id')).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(() => new PostgresSessionStore({ connectionString: url, table: 'x; drop table y' })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    const password = new URL(url).password;
    const wrong = new URL(url);
    wrong.password = `${password}-wrong`;
    const failure = await store({ connectionString: wrong.toString() })
      .read('some-session')
      .then(() => new Error('no failure'), (error: unknown) => error as Error);
    expect(failure).toMatchObject({ code: 'journal_write_failed' });
    expect(JSON.stringify({ message: failure.message, ...(failure as { toJSON?: () => unknown }).toJSON?.() as object })).not.toContain(password);
  });

  it('accepts a pg.Pool of the application and leaves it open', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const shared = new PostgresSessionStore({ pool, table });
      const session = track(createSession({ ...runtime(shared), model: { slug: 'gpt-test', supportsReasoning: false, supportsVerbosity: false, contextWindow: null }, instructions: 'x' }));
      await session.submit('hello').result;
      await session.close();
      await shared.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
