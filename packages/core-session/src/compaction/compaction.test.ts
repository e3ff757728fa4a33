// Compaction in a session over real sockets: manual and automatic, on both compaction paths
// (v2: a streamed request ending with compaction_trigger; legacy: /responses/compact) and both
// transports; the journal's `compacted` record; broken answers leave the history as it was.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactionFailedError } from '@modelwire/client';
import type { CompactionResultKind, Fault, FaultTarget, RecordedRequest } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, startSession, TEST_MODEL, turnIdOf, userMessage, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import { decodeJournal } from '../store/jsonl/journal-lines.js';
import { JsonlSessionStore } from '../store/jsonl/jsonl-session-store.js';
import { MAX_COMPACTION_STREAM_RETRIES } from './compact-history.js';

let setup: SessionSetup | undefined;
let directory: string | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

type Body = { input: Record<string, unknown>[]; previous_response_id?: string; client_metadata?: Record<string, string> };
const METHODS = ['v2', 'legacy'] as const;
const TRANSPORTS = ['websocket', 'http'] as const;
type Method = (typeof METHODS)[number];
type Transport = (typeof TRANSPORTS)[number];

function start(method: Method, transport: Transport, options: Parameters<typeof startSession>[0] = {}): Promise<SessionSetup> {
  return startSession({ ...options, webSocket: transport === 'websocket', provider: { supportsCompactionTrigger: method === 'v2', ...options.provider } });
}

/** The compaction requests of a recording: `/responses/compact`, or a request ending with `compaction_trigger`. */
function compactionRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.endpoint === 'compact' || (request.body as Body).input.at(-1)?.['type'] === 'compaction_trigger');
}

function turnStateOf(request: RecordedRequest): unknown {
  return request.transport === 'http' ? request.headers['x-codex-turn-state'] : (request.body as Body).client_metadata?.['x-codex-turn-state'];
}

for (const method of METHODS) {
  for (const transport of TRANSPORTS) {
    describe(`compaction, ${method}, over ${transport}`, () => {
      it('compacts on demand, replaces the history with the window, and starts a new chain', async () => {
        setup = await start(method, transport);
        const { session, server } = setup;
        await session.submit('first question').result;
        await session.submit('second question').result;
        const before = [...session.history];
        expect(before).toHaveLength(6);

        const result = await session.compact();
        expect(result).toEqual({ itemsBefore: 6, itemsAfter: 3, method });
        const [request] = compactionRequests(server.recording.requests);
        expect(request?.endpoint).toBe(method === 'legacy' ? 'compact' : 'responses');
        if (method === 'legacy' || transport === 'http') {
          expect((request?.body as Body).input).toEqual(method === 'legacy' ? before : [...before, { type: 'compaction_trigger' }]);
        }
        expect(turnIdOf(request as RecordedRequest)).toEqual(expect.any(String));
        expect(session.history.map((item) => item.type)).toEqual(['message', 'message', 'compaction']);
        expect(session.history.slice(0, 2)).toEqual([before[0], before[3]]);
        expect(session.history[2]).toMatchObject({ type: 'compaction', id: expect.stringMatching(/^cmp_/), encrypted_content: expect.any(String) });

        const after = await session.submit('third question').result;
        expect(after.finalMessage).toBe('You said: third question');
        const last = server.recording.requests.at(-1);
        expect(last?.endpoint).toBe('responses');
        // A full request: the window is not a continuation of the old chain.
        expect((last?.body as Body).previous_response_id).toBeUndefined();
        expect((last?.body as Body).input).toEqual([...session.history.slice(0, 3), userMessage('third question')]);
        expect(server.recording.stickyViolations).toEqual([]);
      });

      it('compacts automatically before the next request once the last usage crosses the threshold, within the turn', async () => {
        // 0.0001 of a 100k window is 10 tokens: any completed response crosses it.
        setup = await start(method, transport, { model: { ...TEST_MODEL, contextWindow: 100_000 }, autoCompaction: { fraction: 0.0001 } });
        const { session, server } = setup;
        const first = await collect(session.submit('first question'));
        expect(first.types).not.toContain('compaction');
        const secondHandle = session.submit('second question');
        const second = await collect(secondHandle);
        const compactions = second.events.filter((event) => event.type === 'compaction');
        expect(compactions).toEqual([{ type: 'compaction', turnId: secondHandle.turnId, trigger: 'auto', itemsBefore: 4, itemsAfter: 3, method }]);
        expect(second.types.indexOf('compaction')).toBeLessThan(second.types.indexOf('text_delta'));
        expect((await secondHandle.result).finalMessage).toBe('You said: second question');

        const [compaction] = compactionRequests(server.recording.requests);
        // The compaction ran with the turn's own context.
        expect(turnIdOf(compaction as RecordedRequest)).toBe(secondHandle.turnId);
        if (method === 'v2') {
          // On the turn's own client session: its first request, so no sticky token yet; the
          // request after it carries the token the compaction's response issued.
          expect(turnStateOf(compaction as RecordedRequest)).toBeUndefined();
          expect(turnStateOf(server.recording.requests.at(-1) as RecordedRequest)).toBe(server.turnStates.get(secondHandle.turnId));
        }
        const streamRequest = server.recording.requests.at(-1);
        expect((streamRequest?.body as Body).previous_response_id).toBeUndefined();
        expect((streamRequest?.body as Body).input.map((item) => item['type'])).toEqual(['message', 'message', 'compaction']);
        expect(session.history.map((item) => item.type)).toEqual(['message', 'message', 'compaction', 'reasoning', 'message']);
        expect(server.recording.stickyViolations).toEqual([]);
      });

      const broken: [CompactionResultKind, string][] = [
        ['empty', 'empty'],
        ['malformed-item', 'malformed_item'],
        ['no-compaction-item', 'no_compaction_item'],
      ];
      for (const [result, reason] of broken) {
        it(`leaves the history exactly as it was on a broken answer (${result}) with a CompactionFailedError`, async () => {
          setup = await start(method, transport);
          const { session, server } = setup;
          await session.submit('keep me').result;
          const before = [...session.history];
          server.faults.next({ kind: 'compaction-result', result });
          const failure = await session.compact().catch((error: unknown) => error);
          expect(failure).toBeInstanceOf(CompactionFailedError);
          expect(failure).toMatchObject({ code: 'compaction_failed', reason, method, retryable: false });
          expect(session.history).toEqual(before);
          // Not retried: the same history gets the same answer.
          expect(compactionRequests(server.recording.requests)).toHaveLength(1);
          // The session goes on from the untouched history.
          await session.submit('still there?').result;
          expect(session.history.slice(0, before.length)).toEqual(before);
        });
      }
    });
  }
}

describe('compaction v2 in a turn', () => {
  it('continues the turn’s previous response on the WebSocket, with the turn’s sticky token', async () => {
    // Every response crosses the threshold: the second turn compacts before its first request.
    setup = await startSession({ provider: { supportsCompactionTrigger: true }, model: { ...TEST_MODEL, contextWindow: 100_000 }, autoCompaction: { fraction: 0.0001 } });
    const { session, server } = setup;
    await session.submit('hello').result;
    const handle = session.submit('again');
    await handle.result;
    const requests = server.recording.requests;
    const compaction = compactionRequests(requests)[0] as RecordedRequest;
    const compactionIndex = requests.indexOf(compaction);
    // The compaction continued the first turn's response: only the new user input and the trigger went out.
    expect((compaction.body as Body).previous_response_id).toBe(requests[compactionIndex - 1]?.responseId);
    expect((compaction.body as Body).input).toEqual([userMessage('again'), { type: 'compaction_trigger' }]);
    // The next request of the turn replays the token the compaction's response issued.
    expect(turnStateOf(requests[compactionIndex + 1] as RecordedRequest)).toBe(server.turnStates.get(handle.turnId));
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it(`retries a failing compaction stream at most ${MAX_COMPACTION_STREAM_RETRIES} times (provider budget 5), then fails; the history stays`, async () => {
    setup = await startSession({ webSocket: false, provider: { supportsCompactionTrigger: true, streamMaxRetries: 5 } });
    const { session, server } = setup;
    await session.submit('keep me').result;
    const before = [...session.history];
    const cut: Fault = { kind: 'close', afterEvents: 3 };
    server.faults.use((target: FaultTarget) => (target.phase === 'request' && compactionBody(target.body) ? cut : undefined));
    const failure = await session.compact().catch((error: unknown) => error);
    expect(failure).toMatchObject({ retryable: true });
    expect(compactionRequests(server.recording.requests)).toHaveLength(1 + MAX_COMPACTION_STREAM_RETRIES);
    expect(session.history).toEqual(before);
  });

  it('fails an automatic compaction’s turn with the typed error and keeps what the turn committed', async () => {
    setup = await startSession({ provider: { supportsCompactionTrigger: true }, model: { ...TEST_MODEL, contextWindow: 100_000 }, autoCompaction: { fraction: 0.0001 } });
    const { session, server } = setup;
    await session.submit('first').result;
    const before = [...session.history];
    server.faults.next({ kind: 'compaction-result', result: 'no-compaction-item' });
    const handle = session.submit('second');
    const { events } = await collect(handle);
    await expect(handle.result).rejects.toMatchObject({ code: 'compaction_failed', reason: 'no_compaction_item' });
    expect(events.at(-1)).toMatchObject({ type: 'turn_failed' });
    expect(events.map((event) => event.type)).not.toContain('compaction');
    // The turn's user input was committed before the compaction; nothing else changed.
    expect(session.history).toEqual([...before, userMessage('second')]);
  });
});

describe('compaction in a journaled session', () => {
  for (const method of METHODS) {
    it(`writes the same compacted record on the ${method} path, and none for a failed compaction`, async () => {
      directory = await mkdtemp(join(tmpdir(), 'modelwire-compaction-'));
      setup = await start(method, 'websocket', { store: new JsonlSessionStore({ directory }) });
      const { session, server } = setup;
      await session.submit('first question').result;
      const path = session.journalLocation as string;
      server.faults.next({ kind: 'compaction-result', result: 'empty' });
      await expect(session.compact()).rejects.toBeInstanceOf(CompactionFailedError);
      const afterFailure = decodeJournal(await readFile(path), path).records;
      expect(afterFailure.filter((record) => record.type === 'compacted')).toEqual([]);

      await session.compact();
      const records = decodeJournal(await readFile(path), path).records;
      const compacted = records.filter((record) => record.type === 'compacted');
      expect(compacted).toEqual([{ timestamp: expect.any(String), type: 'compacted', payload: { message: '', replacement_history: session.history } }]);
      expect(records.at(-1)).toBe(compacted[0]);
    });
  }
});

function compactionBody(body: unknown): boolean {
  const input = (body as { input?: { type?: string }[] } | undefined)?.input;
  return Array.isArray(input) && input.at(-1)?.type === 'compaction_trigger';
}
