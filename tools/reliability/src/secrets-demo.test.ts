// Secrets in the demo's output: `npm start`'s entry point runs as a child process with a
// distinctive OPENAI_API_KEY against a loopback server standing in for the provider, through
// faults (including servers that echo the key); neither stdout nor stderr nor the session's
// journal file may show the key.
// Uses the built packages (the test target builds its dependencies first).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startResponsesServer, type Fault, type FaultMatch } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { textsContaining } from './harness/secret-scan.ts';

const DEMO_MAIN = fileURLToPath(new URL('../../demo/src/main.ts', import.meta.url));
const API_KEY = 'mwkey-demo-reliability-4b8e2f6a9c1d';

interface DemoRun {
  readonly code: number | null;
  readonly output: string;
  /** The text of the journal files the session wrote. */
  readonly journals: string[];
}

async function runDemo(args: readonly string[], baseUrl: string): Promise<DemoRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELWIRE_SKIP_BUILD: '1', NO_COLOR: '1', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: baseUrl };
  delete env['FORCE_COLOR'];
  const directory = await mkdtemp(join(tmpdir(), 'modelwire-secrets-demo-'));
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [DEMO_MAIN, ...args, '--journal-dir', directory], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, output: text }));
    });
    const journals = await Promise.all((await readdir(directory)).map((name) => readFile(join(directory, name), 'utf8')));
    return { code, output, journals };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const ECHO = `Incorrect API key provided: ${API_KEY}.`;

const CASES: { name: string; args?: string[]; fault?: Fault; match?: FaultMatch; exitCodes: number[] }[] = [
  { name: 'no fault', exitCodes: [0] },
  { name: 'a refused upgrade (426): fallback to HTTP', fault: { kind: 'refuse-upgrade', status: 426 }, exitCodes: [0] },
  { name: 'a connection cut mid-stream', fault: { kind: 'close', afterEvents: 6, code: 1011 }, exitCodes: [0] },
  { name: 'an upgrade refused with 401 whose body echoes the key', fault: { kind: 'refuse-upgrade', status: 401, body: JSON.stringify({ error: { code: 'invalid_api_key', message: ECHO } }) }, exitCodes: [0, 1] },
  { name: 'an HTTP 401 whose body echoes the key', args: ['--http'], fault: { kind: 'http-status', status: 401, body: JSON.stringify({ error: { code: 'invalid_api_key', message: ECHO } }) }, exitCodes: [1] },
  { name: 'an error event that echoes the key', fault: { kind: 'error', code: 'invalid_api_key', afterEvents: 3, message: ECHO }, exitCodes: [1] },
  { name: 'a fatal context_length_exceeded', args: ['--http'], fault: { kind: 'error', code: 'context_length_exceeded', afterEvents: 3 }, exitCodes: [1] },
];

describe('secrets in the demo output', () => {
  for (const testCase of CASES) {
    it(`${testCase.name}: the key is sent to the server and never printed`, async () => {
      await using server = await startResponsesServer({ tokenDelayMs: 0 });
      if (testCase.fault !== undefined) server.faults.next(testCase.fault, testCase.match ?? {});
      const run = await runDemo([...(testCase.args ?? []), '--prompt', 'Say hello.'], server.url);
      expect(testCase.exitCodes, run.output).toContain(run.code);
      // The demo did use the key (so the scan is meaningful) …
      const sent = [...server.recording.handshakes.map((handshake) => handshake.headers['authorization']), ...server.recording.requests.map((request) => request.headers['authorization'])];
      expect(sent).toContain(`Bearer ${API_KEY}`);
      // A session that committed anything was journaled (so that scan is meaningful too) …
      if (run.code === 0) expect(run.journals.join('')).toContain('"type":"response_item"');
      // … and printed or journaled it nowhere.
      expect(textsContaining([run.output, ...run.journals], API_KEY)).toEqual([]);
      expect(run.output).not.toContain(API_KEY.slice(5, 22));
    }, 60_000);
  }
});
