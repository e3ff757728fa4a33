// `session.steer()` over real sockets: steered on the WebSocket at the server's commit point,
// carried by the next request or the next turn elsewhere, journaled once, nothing lost or
// duplicated whatever the timing of the steer against the server's events.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, milestones, shellTool, startSession, TEST_MODEL, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import { decodeJournal } from '../store/jsonl/journal-lines.js';
import { JsonlSessionStore } from '../store/jsonl/jsonl-session-store.js';
import { resumeSession } from './resume-session.js';
import type { SessionEvent } from '../events/session-event.js';
import type { SessionSteerOutcome } from './turn-steering.js';

let setup: SessionSetup | undefined;
const directories: string[] = [];
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

/** How often `text` appears as a user message of `items`. */
function userMessages(items: readonly unknown[], text: string): number {
  return items.filter((item) => JSON.stringify(item) === JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] })).length;
}

/** Every item id (output items) appears once. */
function duplicatedIds(items: readonly unknown[]): string[] {
  const seen = new Set<string>();
  const duplicated: string[] = [];
  for (const item of items) {
    const id = (item as { id?: unknown }).id;
    if (typeof id !== 'string') continue;
    if (seen.has(id)) duplicated.push(id);
    seen.add(id);
  }
  return duplicated;
}

async function journalItems(path: string): Promise<unknown[]> {
  const records = decodeJournal(await readFile(path), path).records;
  return records.filter((record) => record.type === 'response_item').map((record) => record.payload);
}

describe('session.steer', () => {
  it('steers the running response on the WebSocket: committed once at the successor, journaled, resumable', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'modelwire-steer-'));
    directories.push(directory);
    setup = await startSession({ store: new JsonlSessionStore({ directory }) });
    setup.server.steering.hold('after-first-item');
    const { session } = setup;
    const turn = session.submit('hello');
    let steered: Promise<SessionSteerOutcome> | undefined;
    const events: SessionEvent[] = [];
    for await (const event of turn) {
      events.push(event);
      if (steered === undefined && (event.type === 'reasoning_delta' || event.type === 'text_delta')) steered = session.steer('keep it short').result;
    }
    const result = await turn.result;
    const outcome = await steered;
    expect(outcome).toMatchObject({ status: 'committed', via: 'websocket', turnId: turn.turnId });
    expect(milestones(events).filter((type) => type.startsWith('steer_'))).toEqual(['steer_accepted', 'steer_committed']);
    const history = session.history;
    expect(userMessages(history, 'keep it short')).toBe(1);
    expect(duplicatedIds(history)).toEqual([]);
    // The steer follows the output of the response it stopped and precedes the successor's.
    const steerAt = history.findIndex((item) => userMessages([item], 'keep it short') === 1);
    expect(steerAt).toBeGreaterThan(1);
    expect(history.at(-1)).toMatchObject({ type: 'message', role: 'assistant' });
    expect(result.items).toEqual(history);
    expect(result.finalMessage).toContain('keep it short');
    const path = session.journalLocation as string;
    expect(await journalItems(path)).toEqual(history);
    await session.close();
    const resumed = await resumeSession(session.id, {
      store: new JsonlSessionStore({ directory }),
      provider: { baseUrl: setup.server.url, supportsWebSockets: true },
      auth: { getToken: () => 'test-token' },
      model: TEST_MODEL,
    });
    expect(resumed.history).toEqual(history);
    await resumed.close();
  });

  it('a steer left pending by a tool wait enters the history before the tool output, where the server puts it, and is not sent again', async () => {
    setup = await startSession({ tools: [shellTool()] });
    setup.server.steering.hold('before-completed');
    const { session } = setup;
    const turn = session.submit('run: ls');
    let steered: Promise<SessionSteerOutcome> | undefined;
    const events: SessionEvent[] = [];
    for await (const event of turn) {
      events.push(event);
      // While the first request streams (the server holds it before its completion until the steer arrives).
      if (steered === undefined && (event.type === 'reasoning_delta' || event.type === 'tool_input_delta')) steered = session.steer('then stop').result;
    }
    await turn.result;
    expect(await steered).toMatchObject({ status: 'committed', via: 'websocket', turnId: turn.turnId });
    expect(milestones(events).filter((type) => type.startsWith('steer_'))).toEqual(['steer_accepted', 'steer_committed']);
    const history = session.history;
    const shown = history.filter((item) => (item as { type: string }).type !== 'reasoning');
    expect(shown.map((item) => (item as { type: string }).type)).toEqual(['message', 'function_call', 'message', 'function_call_output', 'message']);
    expect(userMessages(history, 'then stop')).toBe(1);
    expect(userMessages([shown[2]], 'then stop')).toBe(1);
    // The continuation sends only the tool output: the server prepends the queued input.
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>).filter((body) => body['type'] === 'response.create');
    expect(bodies).toHaveLength(2);
    expect((bodies[1]?.['input'] as { type: string }[]).map((item) => item.type)).toEqual(['function_call_output']);
    expect(duplicatedIds(history)).toEqual([]);
  });

  it('reports steer_committed (next_turn) on the turn that a steer the ended turn could not take starts', async () => {
    setup = await startSession({ webSocket: false });
    const { session } = setup;
    const turn = session.submit('hello');
    let steered: Promise<SessionSteerOutcome> | undefined;
    for await (const event of turn) if (steered === undefined && event.type === 'text_delta') steered = session.steer('and another thing').result;
    const outcome = await steered;
    if (outcome?.status !== 'committed' || outcome.via !== 'next_turn') throw new Error(`not carried by the next turn: ${JSON.stringify(outcome)}`);
    const { events } = await collect(outcome.turn);
    expect(events.filter((event) => event.type === 'steer_committed')).toEqual([{ type: 'steer_committed', turnId: outcome.turnId, via: 'next_turn', responseId: null }]);
    expect(milestones(events).slice(0, 2)).toEqual(['turn_started', 'steer_committed']);
  });

  it('sends the input with the next request when a tool is running (no request to steer)', async () => {
    let steered: Promise<SessionSteerOutcome> | undefined;
    setup = await startSession({
      tools: [
        shellTool([], async (command) => {
          steered = setup?.session.steer('then summarise').result;
          return `ran: ${command}`;
        }),
      ],
    });
    const turn = setup.session.submit('run: ls');
    const { events } = await collect(turn);
    expect(await steered).toEqual({ status: 'committed', via: 'next_request', turnId: turn.turnId });
    expect(milestones(events)).toContain('steer_committed');
    const history = setup.session.history;
    expect(userMessages(history, 'then summarise')).toBe(1);
    // After the tool output, before the answer of the request that carried it.
    const steerAt = history.findIndex((item) => userMessages([item], 'then summarise') === 1);
    expect((history[steerAt - 1] as { type: string }).type).toBe('function_call_output');
    expect(history.at(-1)).toMatchObject({ type: 'message', role: 'assistant' });
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>).filter((body) => body['type'] === 'response.create');
    expect(userMessages(bodies[1]?.['input'] as unknown[], 'then summarise')).toBe(1);
  });

  it('starts the next turn with input the turn ended before it could take, over HTTP', async () => {
    setup = await startSession({ webSocket: false });
    const { session } = setup;
    const turn = session.submit('hello');
    let steered: Promise<SessionSteerOutcome> | undefined;
    for await (const event of turn) if (steered === undefined && event.type === 'text_delta') steered = session.steer('and another thing').result;
    const outcome = await steered;
    expect(outcome?.status === 'committed' && outcome.via).toBe('next_turn');
    if (outcome?.status !== 'committed' || outcome.via !== 'next_turn') return;
    const next = await outcome.turn.result;
    expect(next.finalMessage).toContain('and another thing');
    expect(userMessages(session.history, 'and another thing')).toBe(1);
  });

  it('steers through a fallback to HTTP without losing the input', async () => {
    setup = await startSession({ tools: [shellTool()] });
    setup.server.faults.next({ kind: 'close', afterEvents: 3, code: 1009, reason: 'message too big' }, { on: 'websocket' });
    const { session } = setup;
    const turn = session.submit('run: ls');
    let steered: Promise<SessionSteerOutcome> | undefined;
    for await (const event of turn) if (steered === undefined && event.type === 'turn_started') steered = session.steer('careful').result;
    await turn.result;
    const outcome = await steered;
    expect(outcome?.status).toBe('committed');
    const all = outcome?.status === 'committed' && outcome.via === 'next_turn' ? [...session.history] : session.history;
    if (outcome?.status === 'committed' && outcome.via === 'next_turn') await outcome.turn.result;
    expect(userMessages(session.history, 'careful')).toBe(1);
    expect(duplicatedIds(all)).toEqual([]);
  });

  it('refuses empty input and steering after close with typed errors', async () => {
    setup = await startSession();
    expect(() => setup?.session.steer('')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    await setup.session.close();
    expect(() => setup?.session.steer('x')).toThrow(expect.objectContaining({ code: 'closed' }));
  });
});

describe('session.steer under any timing (property)', () => {
  // The server streams freely (paced one tick per delta), so a steer lands wherever the race
  // puts it: before response.created, mid-output, at a tool wait, after the completion,
  // between requests. Whatever it met, the invariants hold.
  it('commits every steer exactly once and never duplicates or loses an item', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          webSocket: fc.boolean(),
          tool: fc.boolean(),
          // Steer when the n-th event of the turn arrives, for each steer.
          at: fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 3 }),
        }),
        async ({ webSocket, tool, at }) => {
          const local = await startSession({ webSocket, tools: [shellTool()] }, { tokenDelayMs: 1, deltaChars: 2 });
          try {
            const turn = local.session.submit(tool ? 'run: ls' : 'hello');
            const outcomes: Promise<SessionSteerOutcome>[] = [];
            const texts: string[] = [];
            let index = 0;
            const fire = (): void => {
              for (const [steer, when] of at.entries()) {
                if (when !== index) continue;
                const text = `steer number ${steer}`;
                texts.push(text);
                outcomes.push(local.session.steer(text).result);
              }
            };
            for await (const event of turn) {
              void event;
              fire();
              index += 1;
            }
            // Steers timed past the turn's last event go to the next turn.
            while (texts.length < at.length) {
              fire();
              index += 1;
            }
            await turn.result;
            const settled = await Promise.all(outcomes);
            for (const outcome of settled) {
              expect(outcome.status).toBe('committed');
              if (outcome.status === 'committed' && outcome.via === 'next_turn') await outcome.turn.result;
            }
            const history = local.session.history;
            for (const text of texts) expect(userMessages(history, text)).toBe(1);
            expect(duplicatedIds(history)).toEqual([]);
            // Every function call has exactly one output.
            const calls = history.filter((item) => (item as { type: string }).type === 'function_call').map((item) => (item as { call_id: string }).call_id);
            const outputs = history.filter((item) => (item as { type: string }).type === 'function_call_output').map((item) => (item as { call_id: string }).call_id);
            expect(outputs.sort()).toEqual(calls.sort());
          } finally {
            await local.close();
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
