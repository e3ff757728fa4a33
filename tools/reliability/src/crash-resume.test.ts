// Crash proof (docs/reliability.md, "Sessions that survive the process"): a child process runs a
// journaled session with a tool against the loopback server and is killed with SIGKILL at
// seeded random points (mid-stream, mid-tool, mid-write; the fsync policy rotates). Each time,
// resumeSession gives a history equal to a prefix of the uninterrupted run's commits (no
// partial or duplicated item, every call paired with an output) and the resumed session
// completes a new turn.
//
// MODELWIRE_CRASH_POINTS (default 24, the CI size; the full proof is 100) and
// MODELWIRE_CRASH_SEED (default 19) choose the points: `npm run crash-test` runs all 100.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resumeSession, type ResumeSessionOptions, type Session } from '@modelwire/core-session';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashModel, toolAnswer } from './crash/crash-model.ts';
import { CRASH_PROMPTS, crashPoints, expectPrefixOfCommits, historyCommits, journalItems, runCrashChild } from './crash/crash-run.ts';
import type { CrashPoint } from './crash/crash-child.ts';
import type { ResponseItem } from '@modelwire/client';

const POINTS = Number(process.env['MODELWIRE_CRASH_POINTS'] ?? 24);
const SEED = Number(process.env['MODELWIRE_CRASH_SEED'] ?? 19);
const POLICIES = ['commit', 'turn', 'none'] as const;

let server: ResponsesServer;
let directory = '';
let reference: ResponseItem[][] = [];
let points: CrashPoint[] = [];
const seen = { tornTails: 0, interruptedCalls: 0, prefixes: new Set<number>() };

async function journalOf(sessionId: string): Promise<string> {
  const name = (await readdir(directory)).find((entry) => entry.endsWith(`-${sessionId}.jsonl`));
  if (name === undefined) throw new Error(`no journal for ${sessionId}`);
  return join(directory, name);
}

function resumeOptions(): ResumeSessionOptions {
  return {
    provider: { baseUrl: server.url, supportsWebSockets: true },
    auth: { getToken: () => 'crash-test-token' },
    client: { random: () => 0.5 },
    tools: [
      {
        kind: 'function',
        name: 'shell',
        description: 'Runs a shell command',
        parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
        handler: (args) => toolAnswer(String((args as { command?: unknown }).command)),
      },
    ],
  };
}

beforeAll(async () => {
  server = await startResponsesServer({ model: crashModel });
  directory = await mkdtemp(join(tmpdir(), 'modelwire-crash-'));
  const run = await runCrashChild({ baseUrl: server.url, sessionId: 'reference', store: { kind: 'jsonl', directory, fsync: 'commit' }, point: null, prompts: CRASH_PROMPTS });
  if (run.kind !== 'done') throw new Error('the uninterrupted run was killed');
  reference = historyCommits(run.history);
  // The uninterrupted run's journal holds exactly its history.
  expect(await journalItems(await journalOf('reference'))).toEqual(run.history);
  points = crashPoints(SEED, POINTS, run.counts);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

describe(`crash and resume (${POINTS} seeded points, seed ${SEED})`, () => {
  it('the uninterrupted run commits what the session holds: 3 turns, 2 tool calls', () => {
    expect(reference.flat().filter((item) => item.type === 'function_call')).toHaveLength(2);
    expect(reference.length).toBe(4 + 4 + 2);
  });

  for (let index = 0; index < POINTS; index += 1) {
    it(`point ${index + 1}`, async () => {
      const point = points[index] as CrashPoint;
      const sessionId = `crash-${index + 1}`;
      const fsync = POLICIES[index % POLICIES.length] ?? 'commit';
      const run = await runCrashChild({ baseUrl: server.url, sessionId, store: { kind: 'jsonl', directory, fsync }, point, prompts: CRASH_PROMPTS });
      expect(run.kind, `${JSON.stringify(point)} was never reached`).toBe('killed');
      let session: Session | undefined;
      try {
        session = await resumeSession(await journalOf(sessionId), resumeOptions());
        const report = session.resumeReport;
        const commits = expectPrefixOfCommits(session.history, report?.interruptedCallIds ?? [], reference);
        seen.prefixes.add(commits);
        if (report?.tornTail) seen.tornTails += 1;
        seen.interruptedCalls += report?.interruptedCallIds.length ?? 0;
        const result = await session.submit('run: resume check').result;
        expect(result.finalMessage).toBe(`The tool said: ${toolAnswer('resume check')}. Done.`);
        expect(await journalItems(session.journalLocation as string)).toEqual(session.history);
      } finally {
        await session?.close();
      }
    }, 60_000);
  }

  it('hit torn writes, interrupted tool calls and many different prefixes', () => {
    if (POINTS < 12) return;
    expect(seen.tornTails).toBeGreaterThan(0);
    expect(seen.interruptedCalls).toBeGreaterThan(0);
    expect(seen.prefixes.size).toBeGreaterThan(3);
  });

  it('a kill during the very first write leaves no session to resume, and says so with a typed error', async () => {
    const run = await runCrashChild({ baseUrl: server.url, sessionId: 'crash-first-write', store: { kind: 'jsonl', directory, fsync: 'commit' }, point: { kind: 'write', ordinal: 1, fraction: 0.5 }, prompts: CRASH_PROMPTS });
    expect(run.kind).toBe('killed');
    await expect(resumeSession(await journalOf('crash-first-write'), resumeOptions())).rejects.toMatchObject({ code: 'session_not_found' });
  }, 60_000);
});
