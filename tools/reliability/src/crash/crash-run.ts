// Runs the crash child (crash-child.ts) and reads what it left: the kill itself, the commits of
// a journal (by its atomic batches), seeded crash points, and the checks every resumed history
// must pass.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ResponseItem } from '@modelwire/client';
import { INTERRUPTED_TOOL_OUTPUT } from '@modelwire/core-session';
import { seededRandom } from '@modelwire/bench/src/soak-faults.ts';
import { expect } from 'vitest';
import type { CrashChildConfig, CrashPoint } from './crash-child.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** The conversation every child runs: two tool turns and a plain one. */
export const CRASH_PROMPTS = ['run: make build', 'run: make test', 'how did it go?'];

/** How one child run ended. */
export type ChildOutcome =
  | { readonly kind: 'killed' }
  | { readonly kind: 'done'; readonly counts: Record<CrashPoint['kind'], number>; readonly history: ResponseItem[] };

/** Runs the child; SIGKILLs it when it reports that it froze at its point. */
export function runCrashChild(config: CrashChildConfig, timeoutMs = 60_000): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { env: { ...process.env, CRASH_CHILD: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let outcome: ChildOutcome | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (outcome === null && stdout.includes('FROZEN\n')) {
        outcome = { kind: 'killed' };
        child.kill('SIGKILL');
      }
      const done = /DONE (\{.*\})\n/.exec(stdout);
      if (outcome === null && done !== null) {
        const { counts, history } = JSON.parse(done[1] as string) as { counts: Record<CrashPoint['kind'], number>; history: ResponseItem[] };
        outcome = { kind: 'done', counts, history };
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (outcome?.kind === 'killed' && signal === 'SIGKILL') resolve(outcome);
      else if (outcome?.kind === 'done' && code === 0) resolve(outcome);
      else reject(new Error(`crash child ended with code ${code} signal ${signal}:\n${stdout}\n${stderr}`));
    });
  });
}

/**
 * `count` crash points spread over the kinds, each ordinal drawn within what the uninterrupted
 * run counted. Writes start at the second: a kill during the very first write leaves no
 * session to resume (checked by its own test).
 */
export function crashPoints(seed: number, count: number, counts: Record<CrashPoint['kind'], number>): CrashPoint[] {
  const random = seededRandom(seed);
  const kinds: CrashPoint['kind'][] = ['stream', 'tool', 'write'];
  return Array.from({ length: count }, (_, index) => {
    const kind = kinds[index % kinds.length] as CrashPoint['kind'];
    const first = kind === 'write' ? 2 : 1;
    const ordinal = first + Math.floor(random() * (counts[kind] - first + 1));
    return { kind, ordinal, fraction: kind === 'write' ? random() : 0 };
  });
}

/** The committed items of a JSONL journal, in order (read as plain JSON lines, independent of the store's reader). */
export async function journalItems(path: string): Promise<ResponseItem[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; payload: ResponseItem })
    .filter((line) => line.type === 'response_item')
    .map((line) => line.payload);
}

/**
 * The commits of a session's history, by what the turn loop commits at once: a turn's user
 * input, one response's output (reasoning with a message or call), one response's tool outputs.
 * Derived from the items alone, so that the check does not trust the journal's own batching.
 */
export function historyCommits(history: readonly ResponseItem[]): ResponseItem[][] {
  const commitOf = (item: ResponseItem): string => (item.type === 'function_call_output' ? 'tool' : item.type === 'message' && item['role'] === 'user' ? 'input' : 'output');
  const commits: ResponseItem[][] = [];
  let previous = '';
  for (const item of history) {
    const kind = commitOf(item);
    if (kind !== previous || kind === 'input') commits.push([]);
    (commits.at(-1) as ResponseItem[]).push(item);
    previous = kind;
  }
  return commits;
}

/**
 * The checks of a resumed history: without the interrupted outputs appended at the end, it is
 * the concatenation of the first k commits of the uninterrupted run (no partial and no
 * duplicated item); every call has exactly one output after it; the interrupted outputs are
 * exactly those of the calls that had none. Returns k.
 */
export function expectPrefixOfCommits(history: readonly ResponseItem[], interruptedCallIds: readonly string[], reference: readonly ResponseItem[][]): number {
  const repaired = history.slice(history.length - interruptedCallIds.length);
  expect(repaired).toEqual(interruptedCallIds.map((callId) => ({ type: 'function_call_output', call_id: callId, output: INTERRUPTED_TOOL_OUTPUT })));
  const base = history.slice(0, history.length - interruptedCallIds.length);
  let length = 0;
  let commits = 0;
  while (length < base.length && commits < reference.length) {
    length += (reference[commits] as ResponseItem[]).length;
    commits += 1;
  }
  expect(length, 'the history ends inside a commit').toBe(base.length);
  expect(base).toEqual(reference.slice(0, commits).flat());
  const calls = history.filter((item) => item.type === 'function_call').map((item) => String(item['call_id']));
  const outputs = history.filter((item) => item.type === 'function_call_output').map((item) => String(item['call_id']));
  expect(outputs).toEqual(calls);
  history.forEach((item, index) => {
    if (item.type === 'function_call_output') expect(history.slice(0, index).some((earlier) => earlier.type === 'function_call' && earlier['call_id'] === item['call_id'])).toBe(true);
  });
  const ids = history.map((item) => item['id']).filter((id) => id !== undefined);
  expect(new Set(ids).size).toBe(ids.length);
  return commits;
}
