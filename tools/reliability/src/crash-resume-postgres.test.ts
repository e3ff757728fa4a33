// The crash proof against the PostgreSQL store (smaller than the JSONL one): a worker process
// runs a session journaled in a real PostgreSQL server (started here on 127.0.0.1, stopped
// after) and is killed with SIGKILL mid-stream, mid-tool and mid-write (before an INSERT was
// sent, or after it committed but before the session knew). Another worker resumes the
// session by id: a prefix of the uninterrupted run's commits, every call paired, and a new
// turn completes. MODELWIRE_CRASH_POSTGRES_POINTS (default 9) sets the number of points.
import { resumeSession, type Session } from '@modelwire/core-session';
import { PostgresSessionStore } from '@modelwire/store-postgres';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { startPostgresServer, type PostgresServer } from '@modelwire/checks/postgres-server';
import type { ResponseItem } from '@modelwire/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashModel, toolAnswer } from './crash/crash-model.ts';
import { CRASH_PROMPTS, crashPoints, expectPrefixOfCommits, historyCommits, runCrashChild } from './crash/crash-run.ts';
import type { CrashPoint } from './crash/crash-child.ts';

const POINTS = Number(process.env['MODELWIRE_CRASH_POSTGRES_POINTS'] ?? 9);
const SEED = Number(process.env['MODELWIRE_CRASH_SEED'] ?? 19);

let server: ResponsesServer;
let postgres: PostgresServer;
let store: PostgresSessionStore;
let reference: ResponseItem[][] = [];
let points: CrashPoint[] = [];

beforeAll(async () => {
  [server, postgres] = await Promise.all([startResponsesServer({ model: crashModel }), startPostgresServer()]);
  store = new PostgresSessionStore({ connectionString: postgres.connectionString });
  const run = await runCrashChild({ baseUrl: server.url, sessionId: 'reference', store: { kind: 'postgres', connectionString: postgres.connectionString }, point: null, prompts: CRASH_PROMPTS });
  if (run.kind !== 'done') throw new Error('the uninterrupted run was killed');
  reference = historyCommits(run.history);
  const stored = (await store.read('reference')).records.filter((record) => record.type === 'response_item').map((record) => record.payload);
  expect(stored).toEqual(run.history);
  points = crashPoints(SEED + 1, POINTS, run.counts);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await server?.close();
  await postgres?.stop();
}, 60_000);

describe(`crash and resume on PostgreSQL (${POINTS} seeded points)`, () => {
  for (let index = 0; index < POINTS; index += 1) {
    it(`point ${index + 1}`, async () => {
      const point = points[index] as CrashPoint;
      const sessionId = `pg-crash-${index + 1}`;
      const run = await runCrashChild({ baseUrl: server.url, sessionId, store: { kind: 'postgres', connectionString: postgres.connectionString }, point, prompts: CRASH_PROMPTS });
      expect(run.kind, `${JSON.stringify(point)} was never reached`).toBe('killed');
      let session: Session | undefined;
      try {
        session = await resumeSession(sessionId, {
          store,
          provider: { baseUrl: server.url, supportsWebSockets: true },
          auth: { getToken: () => 'crash-test-token' },
          tools: [{ kind: 'function', name: 'shell', description: 'Runs a shell command', parameters: { type: 'object', properties: { command: { type: 'string' } } }, handler: (args) => toolAnswer(String((args as { command?: unknown }).command)) }],
        });
        expectPrefixOfCommits(session.history, session.resumeReport?.interruptedCallIds ?? [], reference);
        const result = await session.submit('run: resume check').result;
        expect(result.finalMessage).toBe(`The tool said: ${toolAnswer('resume check')}. Done.`);
        const stored = (await store.read(sessionId)).records.filter((record) => record.type === 'response_item').map((record) => record.payload);
        expect(stored).toEqual(session.history);
      } finally {
        await session?.close();
      }
    }, 60_000);
  }
});
