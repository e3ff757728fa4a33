// The process the crash test kills: a journaled session with a tool runs a fixed conversation
// against the loopback server given in CRASH_CHILD (JSON). At the chosen point it prints
// "FROZEN" and blocks its thread, so that the parent kills it exactly there with SIGKILL:
// - `stream`: at the n-th Responses event received (inside the client's stream handling);
// - `tool`: inside the n-th tool call;
// - `write`: inside the n-th journal write, after `bytes` of its data reached the file.
// Without a point it runs to the end and prints "DONE", the count of each kind of point and the
// final history.
import { writeSync } from 'node:fs';
import { createSession, JsonlSessionStore, nodeJournalFileSystem, type JournalFileSystem, type SessionStore } from '@modelwire/core-session';
import { toolAnswer } from './crash-model.ts';

export interface CrashPoint {
  readonly kind: 'stream' | 'tool' | 'write';
  /** 1-based ordinal of the event, tool call or write. */
  readonly ordinal: number;
  /** For `write`: the share of the write's bytes that reach the file first, in [0, 1]. */
  readonly fraction: number;
}

export interface CrashChildConfig {
  readonly baseUrl: string;
  readonly sessionId: string;
  readonly store: { readonly kind: 'jsonl'; readonly directory: string; readonly fsync: 'commit' | 'turn' | 'none' } | { readonly kind: 'postgres'; readonly connectionString: string };
  readonly point: CrashPoint | null;
  readonly prompts: readonly string[];
}

const config = JSON.parse(process.env['CRASH_CHILD'] ?? '{}') as CrashChildConfig;
const counts = { stream: 0, tool: 0, write: 0 };

function reached(kind: CrashPoint['kind']): boolean {
  counts[kind] += 1;
  return config.point?.kind === kind && config.point.ordinal === counts[kind];
}

function freeze(): never {
  writeSync(1, 'FROZEN\n');
  // Block this thread for good; the parent kills the process now.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
}

const fileSystem: JournalFileSystem = {
  async openJournal(path, options) {
    const file = await nodeJournalFileSystem.openJournal(path, options);
    return {
      write: async (data, position) => {
        if (reached('write')) {
          const bytes = Math.floor(data.length * (config.point?.fraction ?? 0));
          if (bytes > 0) await file.write(data.subarray(0, bytes), position);
          freeze();
        }
        return file.write(data, position);
      },
      datasync: () => file.datasync(),
      truncate: (size) => file.truncate(size),
      close: () => file.close(),
    };
  },
  syncDirectory: (path) => nodeJournalFileSystem.syncDirectory(path),
};

/**
 * PostgreSQL: a `write` point freezes at the n-th INSERT, before it is sent (`fraction` < 0.5)
 * or after PostgreSQL committed it but before the session learned so (≥ 0.5).
 */
async function postgresStore(connectionString: string): Promise<SessionStore & { close(): Promise<void> }> {
  const [{ PostgresSessionStore }, { default: pg }] = await Promise.all([import('@modelwire/store-postgres'), import('pg')]);
  const pool = new pg.Pool({ connectionString, max: 2 });
  const store = new PostgresSessionStore({
    pool: {
      query: async (text: string, values?: unknown[]) => {
        if (!text.startsWith('INSERT') || !reached('write')) return pool.query(text, values);
        if ((config.point?.fraction ?? 0) < 0.5) freeze();
        await pool.query(text, values);
        return freeze();
      },
    },
  });
  return { create: (id) => store.create(id), open: (reference, options) => store.open(reference, options), read: (reference, options) => store.read(reference, options), close: () => pool.end() };
}

async function storeOf(): Promise<SessionStore> {
  if (config.store.kind === 'jsonl') return new JsonlSessionStore({ directory: config.store.directory, fsync: config.store.fsync, fileSystem });
  return postgresStore(config.store.connectionString);
}

const store = await storeOf();
const session = createSession({
  provider: { baseUrl: config.baseUrl, supportsWebSockets: true },
  auth: { getToken: () => 'crash-test-token' },
  conversationId: config.sessionId,
  model: { slug: 'gpt-crash', supportsReasoning: true, supportsVerbosity: false, contextWindow: 1_000_000 },
  reasoningEffort: 'low',
  instructions: 'You are the crash-test agent.',
  store,
  client: { random: () => 0.5 },
  telemetry: () => ({
    wantsStreamEvents: true,
    onRequestAttempt: () => undefined,
    onStreamEvent: () => {
      if (reached('stream')) freeze();
    },
    onWebSocketConnect: () => undefined,
    onContinuationDecision: () => undefined,
    onTransportFallback: () => undefined,
    onTokenUsage: () => undefined,
  }),
  tools: [
    {
      kind: 'function',
      name: 'shell',
      description: 'Runs a shell command',
      parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
      handler: async (args) => {
        if (reached('tool')) freeze();
        await new Promise((resolve) => setImmediate(resolve));
        return toolAnswer(String((args as { command?: unknown }).command));
      },
    },
  ],
});
for (const prompt of config.prompts) await session.submit(prompt).result;
const history = session.history;
await session.close();
if ('close' in store && typeof store.close === 'function') await store.close();
writeSync(1, `DONE ${JSON.stringify({ counts, history })}\n`);
