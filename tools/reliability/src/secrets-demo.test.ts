// Secrets in the demo's output: `npm start`'s entry point runs as a child process with a
// distinctive OPENAI_API_KEY against a loopback server standing in for the provider, through
// faults (including servers that echo the key); neither stdout nor stderr may show the key.
// Uses the built packages (the test target builds its dependencies first).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startResponsesServer, type Fault, type FaultMatch } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { textsContaining } from './harness/secret-scan.ts';

const DEMO_MAIN = fileURLToPath(new URL('../../demo/src/main.ts', import.meta.url));
const API_KEY = 'mwkey-demo-reliability-4b8e2f6a9c1d';

interface DemoRun {
  readonly code: number | null;
  readonly output: string;
}

function runDemo(args: readonly string[], baseUrl: string): Promise<DemoRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELWIRE_SKIP_BUILD: '1', NO_COLOR: '1', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: baseUrl };
  delete env['FORCE_COLOR'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO_MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
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
      // … and printed it nowhere.
      expect(textsContaining([run.output], API_KEY)).toEqual([]);
      expect(run.output).not.toContain(API_KEY.slice(5, 22));
    }, 60_000);
  }
});
