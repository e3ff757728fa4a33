// Runs `npm start`'s entry point as a child process, end to end: the loopback session with its
// tools, a fault, the real-provider path (against a loopback server standing in for the
// provider), and bad flags. The packages are built by the test target's dependencies.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy } from 'proxy';
import { fileURLToPath } from 'node:url';
import { startResponsesServer } from '@modelwire/testing';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const SECRET = 'sk-demo-test-0123456789abcdef';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where the demo runs of this file journal their sessions (removed afterwards). */
const JOURNALS = mkdtempSync(join(tmpdir(), 'modelwire-demo-test-'));
afterAll(() => rmSync(JOURNALS, { recursive: true, force: true }));

function runDemo(argv: readonly string[], env: Record<string, string> = {}, interruptWhen?: (stdout: string) => boolean): Promise<Run> {
  // Sessions journal into this file's directory (not the doctor, which runs no session).
  const args = argv[0] === 'doctor' || argv.includes('--resume') || argv.includes('--journal-dir') || argv.includes('--sdk') ? argv : [...argv, '--journal-dir', JOURNALS];
  const base: NodeJS.ProcessEnv = { ...process.env, MODELWIRE_SKIP_BUILD: '1', NO_COLOR: '1' };
  delete base['OPENAI_API_KEY'];
  delete base['OPENAI_BASE_URL'];
  delete base['FORCE_COLOR'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!interrupted && interruptWhen?.(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start (loopback)', { timeout: 60_000 }, () => {
  it('runs three turns with real tool calls over one pre-connected WebSocket and prints the summary', async () => {
    const run = await runDemo([]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('⚙ list_files {"path":"."}');
    expect(run.stdout).toContain('⚙ read_file {"path":"README.md"}');
    expect(run.stdout).toContain('⚙ read_file {"path":"packages/client/README.md"}');
    expect(run.stdout).toContain('It says: Modelwire is a TypeScript client');
    const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
    expect(summary).toMatch(/^1\s+1\s+WebSocket\s+pre-connected #1\s+full\b/m);
    expect(summary).toMatch(/^7\s+3\s+WebSocket\s+reused #1\s+incremental \+1\b/m);
    expect(summary).not.toContain('new #');
    expect(summary).toMatch(/bytes sent\s+[\d.]+ KiB vs [\d.]+ KiB for full resends \([\d.]+× less\)/);
    expect(summary).toContain('retries           0 stream, 0 request phase');
    expect(summary).toContain('fallbacks         none');
    expect(summary).toMatch(/token replayed on \d+ requests, 0 violations/);
    // Not a TTY: no spinner, no colour.
    expect(run.stdout).not.toMatch(/\r|\x1b\[/);
  });

  it('--steer lands mid-turn over the WebSocket: accepted, committed at the successor, shown in the summary', async () => {
    const run = await runDemo(['--steer', 'Actually, keep it to one sentence.', '--prompt', 'What is this repository? Look at its top-level files and read the README.']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('› (steering mid-turn) Actually, keep it to one sentence.');
    expect(run.stdout).toMatch(/↪ steer accepted by the server \(steer_[0-9a-f]{32}\)/);
    expect(run.stdout).toMatch(/↪ steer committed: successor resp_demo_\d+ continues with it/);
    expect(run.stdout).toMatch(/↪ the steer landed mid-turn: committed over the WebSocket/);
    // The successor answered the steering input (the loopback model reads the last user message).
    expect(run.stdout).toContain('In one sentence: Modelwire is a TypeScript client');
    const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
    expect(summary).toMatch(/^3\s+1\s+WebSocket\s+reused #1\s+incremental \+1\b.*steered, completed$/m);
    expect(summary).not.toMatch(/^4\s/m);
  });

  it('--subagents 3 runs three sub-agent turns at the same time, each on its own lane of the one pre-connected socket', async () => {
    const run = await runDemo(['--subagents', '3', '--prompt', 'Hello']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('› spawning 3 sub-agents (session.spawnSubagent)');
    expect(run.stdout).toContain("over the WebSocket: each on a lane (stream_id) of its own on the session's socket");
    for (const [number, folder] of [[1, 'packages/transport'], [2, 'packages/protocol'], [3, 'packages/client']] as const) {
      // Its lane as seen on the wire, its tool calls, its answer from the README it read.
      expect(run.stdout).toMatch(new RegExp(`^  ⑂ sub-agent ${number}  ${folder}  lane subagent-${number} \\(stream_id on 3 requests\\)$`, 'm'));
      expect(run.stdout).toContain(`read_file {"path":"${folder}/README.md"}`);
      expect(run.stdout).toContain(`I read \`${folder}/README.md\`, titled "@modelwire/${folder.slice('packages/'.length)}". It says: `);
    }
    expect(run.stdout).toContain('3 of 3 sub-agents answered');
    expect(run.stdout).toContain("on 3 lanes of the session's WebSocket");
    const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
    expect(summary).toMatch(/^ 1\s+1\s+WebSocket\s+pre-connected #1\s+full\b.*completed\s+default$/m);
    const rows = summary.split('\n').filter((line) => /^\s*\d+\s+\d+\s/.test(line));
    // The main turn (1 request) and 3 requests per sub-agent, all on socket #1.
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toMatch(/WebSocket\s+(pre-connected|reused) #1\s/);
    for (const lane of ['subagent-1', 'subagent-2', 'subagent-3']) expect(rows.filter((row) => row.endsWith(` ${lane}`))).toHaveLength(3);
    expect(summary).toContain('handshakes        1: one WebSocket for the whole session, shared by the lanes default, subagent-1, subagent-2, subagent-3');
    expect(summary).toContain('0 violations');
  });

  it('--subagents with --http runs the sub-agents over HTTP and says there are no lanes', async () => {
    const run = await runDemo(['--subagents', '2', '--http', '--prompt', 'Hello']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('over HTTP/SSE (--http): no lanes, every sub-agent request is an HTTP request of its own');
    expect(run.stdout).toMatch(/^  ⑂ sub-agent 1  packages\/transport  no lane \(HTTP\)$/m);
    expect(run.stdout).toMatch(/^  ⑂ sub-agent 2  packages\/protocol  no lane \(HTTP\)$/m);
    expect(run.stdout).toContain('2 of 2 sub-agents answered');
    const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
    expect(summary).not.toContain('lane (stream_id)');
    expect(summary).not.toContain('handshakes');
    expect(summary).not.toMatch(/WebSocket/);
  });

  it('recovers from a socket dropped mid-stream: retry on a new socket, the turn completes', async () => {
    const run = await runDemo(['--fault', 'drop-socket', '--prompt', 'Look at the top-level files and read the README.']);
    expect(run.code).toBe(0);
    // Cut after the response started but before any delta or finished item: nothing the caller saw is discarded.
    expect(run.stdout).toMatch(/↻ connection_closed over WebSocket \(.+\): retry 1\/3 in \d+ ms, nothing had been streamed/);
    const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
    expect(summary).toMatch(/^2\s+1\s+WebSocket\s+reused #1\s+incremental \+1.*cut after \d+ events$/m);
    expect(summary).toMatch(/^3\s+1\s+WebSocket\s+new #2\s+full\b.*completed$/m);
    expect(summary).toContain('retries           1 stream, 0 request phase');
    expect(summary).toContain('0 violations');
  });

  it('falls back to HTTP for the rest of the session when the upgrade is refused with 426', async () => {
    const run = await runDemo(['--fault', 'refuse-upgrade-426', '--prompt', 'List the files of tools.']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/switched to HTTP\/SSE for the rest of the session \(upgrade_required, \d+\.\d s after the session started\)/);
    expect(run.stdout).toContain('fallbacks         to HTTP (upgrade_required)');
    expect(run.stdout).toContain('remembered        a new session of this process starts on HTTP/SSE without dialing (upgrade_required;');
    expect(run.stdout).not.toMatch(/^\d+\s+\d+\s+WebSocket/m);
  });

  it('falls back to HTTP at once when every upgrade is answered 404 (a route without WebSocket mode)', async () => {
    const run = await runDemo(['--fault', 'refuse-upgrade-404', '--prompt', 'List the files of tools.']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/switched to HTTP\/SSE for the rest of the session \(websocket_unsupported, \d+\.\d s after the session started\)/);
    expect(run.stdout).toContain('fallbacks         to HTTP (websocket_unsupported)');
    expect(run.stdout).not.toMatch(/^\d+\s+\d+\s+WebSocket/m);
  });

  it('a black-holed upgrade costs one connect budget: the turn completes over HTTP, and the process remembers it for its next session', async () => {
    const run = await runDemo(['--fault', 'black-hole-upgrade', '--prompt', 'List the files of tools.']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/switched to HTTP\/SSE for the rest of the session \(websocket_connect_timeout, \d+\.\d s after the session started\)/);
    expect(run.stdout).toContain('fallbacks         to HTTP (websocket_connect_timeout)');
    expect(run.stdout).toContain('remembered        a new session of this process starts on HTTP/SSE without dialing (websocket_connect_timeout;');
    expect(run.stdout).not.toMatch(/^\d+\s+\d+\s+WebSocket/m);
  });

  it('uses HTTP/SSE only with --http', async () => {
    const run = await runDemo(['--http', '--prompt', 'Hello']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('You said: Hello');
    expect(run.stdout).toContain('pre-connect       none (HTTP/SSE)');
    expect(run.stdout).toMatch(/^1\s+1\s+HTTP\s+new #\d+\s+full\b/m);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--fault', 'meteor'], "unknown fault 'meteor'"],
    [['--http', '--fault', 'refuse-upgrade-426'], 'needs the WebSocket path'],
  ])('rejects %j with exit code 2 and a message on stderr', async (args, message) => {
    const run = await runDemo(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("npm start -- --help");
  });

  it('stops the turn and closes the session on Ctrl-C (exit code 130)', async () => {
    // The stall keeps the tool follow-up request open, so the interrupt lands mid-turn.
    const run = await runDemo(['--fault', 'stall'], {}, (stdout) => stdout.includes('↳'));
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('the turn failed (aborted)');
    expect(run.stdout).toContain('interrupted');
    expect(run.stdout).toContain('Summary');
  });

  it('journals the session and continues it with --resume: same history, a full first request', async () => {
    const directory = mkdtempSync(join(JOURNALS, 'resume-'));
    const first = await runDemo(['--prompt', 'List the files of tools.', '--journal-dir', directory]);
    expect(first.code).toBe(0);
    const [name] = readdirSync(directory).filter((entry) => entry.endsWith('.jsonl'));
    const journal = join(directory, name as string);
    expect(first.stdout).toContain(`journal   ${journal} (fsync per commit)`);
    expect(first.stdout).toContain(`continue with: npm start -- --resume ${journal}`);
    const itemsBefore = readFileSync(journal, 'utf8').split('\n').filter((line) => line.includes('"type":"response_item"')).length;

    const second = await runDemo(['--resume', journal, '--prompt', 'Thanks. Sum it up in one sentence.']);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`resumed   ${journal}: 1 turn(s), ${itemsBefore} items`);
    // The loopback server is new: the resumed session's first request carries the whole history.
    const summary = second.stdout.slice(second.stdout.indexOf('Summary'));
    expect(summary).toMatch(/^1\s+1\s+WebSocket\s+pre-connected #1\s+full\b/m);
    const lines = readFileSync(journal, 'utf8').split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => line.includes('"type":"session_meta"'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('"type":"turn_context"'))).toHaveLength(2);

    const missing = await runDemo(['--resume', join(directory, 'rollout-missing.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no stored session');
  });

  it('prints the help with every fault', async () => {
    const run = await runDemo(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--fault <name>');
    expect(run.stdout).toContain('previous-response-evicted');
    expect(run.stdout).toContain('--subagents <n>');
  });
});

describe('npm start -- --sdk (the session through an SDK and @modelwire/fetch or @modelwire/agents)', { timeout: 60_000 }, () => {
  it.each(['openai', 'ai-sdk', 'agents'])('runs two turns through %s: one pre-connected socket, every request after the first incremental', async (sdk) => {
    const run = await runDemo(['--sdk', sdk, '--prompt', 'What is this repository? Look at its top-level files and read the README.', '--prompt', 'Thanks. Sum it up in one sentence.']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(sdk === 'ai-sdk' ? 'createModelwire(client options).responses(model)' : sdk === 'agents' ? 'new Runner({ modelProvider: new ModelwireProvider(' : 'createModelwireFetch');
    expect(run.stdout).toContain('⚙ list_files {"path":"."}');
    expect(run.stdout).toContain('⚙ read_file {"path":"README.md"}');
    expect(run.stdout).toContain('It says: Modelwire is a TypeScript client');
    const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
    expect(summary).toMatch(/^1\s+1\s+WebSocket\s+pre-connected #1\s+full\b/m);
    expect(summary).toMatch(/^4\s+2\s+WebSocket\s+reused #1\s+incremental \+1\b/m);
    const rows = summary.split('\n').filter((line) => /^\d+\s/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((line) => /\sfull\s/.test(line))).toHaveLength(1);
    expect(summary).toMatch(/token replayed on \d+ requests, 0 violations/);
  });

  it('uses the real provider mode with OPENAI_API_KEY, never printing the key', async () => {
    await using server = await startResponsesServer();
    const run = await runDemo(['--sdk', 'openai', '--prompt', 'Hello provider', '--model', 'gpt-test'], { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: server.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('You said: Hello provider');
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    expect(server.recording.handshakes[0]?.headers['authorization']).toBe(`Bearer ${SECRET}`);
  });
});

/** A real HTTP proxy on loopback that records CONNECT targets and can refuse them with 403. */
async function startProxy(refuse: boolean): Promise<{ url: string; connects: string[]; forwarded: string[]; close(): Promise<void> }> {
  const server = createServer();
  createProxy(server);
  const tunnel = server.listeners('connect')[0] as (request: IncomingMessage, socket: Socket, head: Buffer) => void;
  server.removeAllListeners('connect');
  const connects: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    connects.push(request.url ?? '');
    if (refuse) socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    else tunnel.call(server, request, socket, head);
  });
  server.prependListener('request', (request: IncomingMessage) => forwarded.push(request.url ?? ''));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    forwarded,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('npm start behind an HTTP proxy (HTTP_PROXY)', { timeout: 60_000 }, () => {
  it('pre-connects the WebSocket through CONNECT and completes over it', async () => {
    const proxy = await startProxy(false);
    try {
      const run = await runDemo(['--prompt', 'What is this repository?'], { HTTP_PROXY: proxy.url, NO_PROXY: '' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(proxy.connects).toHaveLength(1);
      const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
      expect(summary).toMatch(/^1\s+1\s+WebSocket\s+pre-connected #1\s+full\b/m);
      expect(summary).toContain('fallbacks         none');
    } finally {
      await proxy.close();
    }
  });

  it('completes over HTTP through the proxy when it refuses the WebSocket tunnel', async () => {
    const proxy = await startProxy(true);
    try {
      const run = await runDemo(['--prompt', 'What is this repository?'], { HTTP_PROXY: proxy.url, NO_PROXY: '' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(proxy.connects.length).toBeGreaterThanOrEqual(1);
      expect(proxy.forwarded.length).toBeGreaterThanOrEqual(1);
      const summary = run.stdout.slice(run.stdout.indexOf('Summary'));
      expect(summary).toMatch(/^1\s+1\s+HTTP\b/m);
      expect(summary).toContain('fallbacks         to HTTP (websocket_blocked_by_proxy)');
    } finally {
      await proxy.close();
    }
  });
});

describe('npm start (provider mode, OPENAI_API_KEY set)', { timeout: 60_000 }, () => {
  it('talks to OPENAI_BASE_URL with the key, never prints the key, and summarises from telemetry', async () => {
    await using server = await startResponsesServer();
    const run = await runDemo(['--prompt', 'Hello provider', '--model', 'gpt-test'], { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: server.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('You said: Hello provider');
    expect(run.stdout).toMatch(/^1\s+1\s+WebSocket\s+pre-connected\s+full\b/m);
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    expect(server.recording.handshakes[0]?.headers['authorization']).toBe(`Bearer ${SECRET}`);
    expect((server.recording.requests[0]?.body as { model?: string }).model).toBe('gpt-test');
  });

  it('runs --subagents on lanes of the provider\'s one socket, the rows from telemetry and the wire meter', async () => {
    await using server = await startResponsesServer();
    const run = await runDemo(['--prompt', 'Hello provider', '--model', 'gpt-test', '--subagents', '2'], { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: server.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^  ⑂ sub-agent 1  packages\/transport  lane subagent-1 \(stream_id on 1 request\)$/m);
    expect(run.stdout).toMatch(/^  ⑂ sub-agent 2  packages\/protocol  lane subagent-2 \(stream_id on 1 request\)$/m);
    expect(run.stdout).toContain('2 of 2 sub-agents answered');
    expect(run.stdout).toContain('handshakes        1: one WebSocket for the whole session, shared by the lanes default, subagent-1, subagent-2');
    const rows = run.stdout.slice(run.stdout.indexOf('Summary')).split('\n').filter((line) => /^\s*\d+\s+\d+\s/.test(line));
    expect(rows).toHaveLength(3);
    expect(rows.filter((row) => / subagent-[12]$/.test(row))).toHaveLength(2);
    expect(server.recording.handshakes.filter((handshake) => handshake.status === 101)).toHaveLength(1);
    expect(server.recording.requests.map((request) => request.lane).sort()).toEqual(['default', 'subagent-1', 'subagent-2']);
    expect(server.recording.requests.filter((request) => request.lane !== 'default').map((request) => (request.body as { client_metadata?: Record<string, string> }).client_metadata?.['x-openai-subagent'])).toEqual(['collab_spawn', 'collab_spawn']);
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
  });

  it('fails the turn with exit code 1 on a refused key, without printing it', async () => {
    await using server = await startResponsesServer();
    server.faults.next({ kind: 'unauthorized-until-token-changes' });
    const run = await runDemo(['--prompt', 'Hello'], { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: server.url });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('the turn failed');
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
  });

  it('completes over HTTP against a provider whose route answers every upgrade with 404', async () => {
    await using server = await startResponsesServer();
    server.faults.use((target) => (target.phase === 'handshake' ? { kind: 'refuse-upgrade', status: 404 } : undefined));
    const run = await runDemo(['--prompt', 'Hello provider', '--model', 'gpt-test'], { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: server.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('You said: Hello provider');
    expect(run.stdout).toContain('fallbacks         to HTTP (websocket_unsupported)');
    expect(server.recording.requests.map((request) => request.transport)).toEqual(['http']);
  });

  it('fails fast against a port that refuses connections: one clear error naming the host, a handful of lines', async () => {
    const refusing = createServer();
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const port = (refusing.address() as AddressInfo).port;
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
    const run = await runDemo(['--prompt', 'hi'], { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✗ the turn failed (connect_failed): could not connect to http://127.0.0.1:${port}/v1/responses over HTTP (ECONNREFUSED)`);
    expect(run.stdout.match(/the turn failed/g)).toHaveLength(1);
    // The banner (4 lines), the prompt, one retry line per transport, the switch, the error, the resume hint.
    expect(run.stdout.trim().split('\n').length).toBeLessThanOrEqual(12);
    expect(run.stdout).not.toContain('Summary');
    expect(run.stdout).not.toContain('network unreachable');
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
  });

  it('refuses --fault against a real provider', async () => {
    const run = await runDemo(['--fault', 'stall'], { OPENAI_API_KEY: SECRET });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--fault works only against the loopback server');
    expect(run.stderr).not.toContain(SECRET);
  });
});
