// Turn bounds over real sockets: a model that calls a tool on every response is stopped after
// `maxToolRounds` rounds with a typed error and a history that the next turn (and a resumed
// session) can go on from; a call id repeated within one response is committed and run once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRequest, ScriptedResponse } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, scriptedResponse, shellTool, startSession, TEST_MODEL, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import { createSession } from '../session/create-session.js';
import { ToolRoundLimitError } from '../errors/tool-round-limit-error.js';
import { resumeSession } from '../session/resume-session.js';
import { JsonlSessionStore } from '../store/jsonl/jsonl-session-store.js';
import { unrunToolOutput } from './run-turn.js';
import { DEFAULT_MAX_TOOL_ROUNDS } from './turn-loop-config.js';

let setup: SessionSetup | undefined;
let directory: string | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

/** The text of the last user message of a request's effective input. */
function lastUserText(request: ModelRequest): string {
  for (let index = request.input.length - 1; index >= 0; index -= 1) {
    const item = request.input[index] as { role?: string; content?: { text?: string }[] };
    if (item.role === 'user') return item.content?.map((part) => part.text ?? '').join('') ?? '';
  }
  return '';
}

/**
 * A model that, while the last user message says "loop", calls the shell tool on every
 * response (a new call id each time, and a response id unique on the socket); otherwise it
 * answers in words.
 */
function loopingModel(request: ModelRequest): ScriptedResponse {
  const id = `resp_${request.requestIndex}`;
  if (lastUserText(request) !== 'loop') {
    return scriptedResponse(id, [{ type: 'message', id: `msg_${request.requestIndex}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'stopped looping', annotations: [] }] }]);
  }
  return scriptedResponse(id, [{ type: 'function_call', id: `fc_${request.requestIndex}`, call_id: `call_${request.requestIndex}`, name: 'shell', arguments: '{"command":"true"}', status: 'completed' }]);
}

/** Problems that would make the API refuse the history: a call without its output, an output without its call, an id used twice. */
function historyProblems(history: readonly { type: string; call_id?: unknown }[]): string[] {
  const problems: string[] = [];
  const calls = new Set<unknown>();
  const outputs = new Set<unknown>();
  for (const item of history) {
    if (item.type === 'function_call') {
      if (calls.has(item.call_id)) problems.push(`call ${String(item.call_id)} twice`);
      calls.add(item.call_id);
    } else if (item.type === 'function_call_output') {
      if (!calls.has(item.call_id)) problems.push(`output ${String(item.call_id)} without its call`);
      if (outputs.has(item.call_id)) problems.push(`output ${String(item.call_id)} twice`);
      outputs.add(item.call_id);
    }
  }
  for (const call of calls) if (!outputs.has(call)) problems.push(`call ${String(call)} without output`);
  return problems;
}

describe('maxToolRounds', () => {
  for (const webSocket of [true, false]) {
    it(`ends a looping turn after the bound with a typed error, answers the extra call unrun, and the next turn goes on (${webSocket ? 'WebSocket' : 'HTTP'})`, async () => {
      const ran: string[] = [];
      setup = await startSession({ webSocket, maxToolRounds: 3, tools: [shellTool(ran)] }, { model: loopingModel });
      const { session, server } = setup;
      const handle = session.submit('loop');
      const { events } = await collect(handle);
      const error = await handle.result.then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolRoundLimitError);
      expect(error).toMatchObject({ code: 'tool_round_limit', retryable: false, limit: 3, unrunCalls: 1 });
      expect(events.at(-1)).toMatchObject({ type: 'turn_failed', error: { code: 'tool_round_limit' } });
      // Three rounds ran; the fourth response's call was answered without running.
      expect(ran).toHaveLength(3);
      expect(server.recording.requests.filter((request) => request.endpoint === 'responses')).toHaveLength(4);
      const finished = events.filter((event) => event.type === 'tool_call_finished');
      expect(finished.map((event) => [event.callId, event.success])).toEqual([
        ['call_0', true],
        ['call_1', true],
        ['call_2', true],
        ['call_3', false],
      ]);
      expect(session.history.map((item) => item.type)).toEqual(['message', ...Array.from({ length: 4 }, () => ['function_call', 'function_call_output']).flat()]);
      expect(session.history.at(-1)).toEqual({ type: 'function_call_output', call_id: 'call_3', output: unrunToolOutput(3) });
      expect(historyProblems(session.history)).toEqual([]);

      // The next turn sends that history (the server validates it as the API does) and completes.
      const next = await session.submit('enough').result;
      expect(next.finalMessage).toBe('stopped looping');
      expect(historyProblems(session.history)).toEqual([]);
    });
  }

  it('0 runs no tool at all; Infinity is no bound; anything else is refused before any I/O', async () => {
    const ran: string[] = [];
    setup = await startSession({ webSocket: false, maxToolRounds: 0, tools: [shellTool(ran)] }, { model: loopingModel });
    await expect(setup.session.submit('loop').result).rejects.toMatchObject({ code: 'tool_round_limit', limit: 0, unrunCalls: 1 });
    expect(ran).toEqual([]);
    expect(historyProblems(setup.session.history)).toEqual([]);
    await setup.close();

    // Infinity: a model that stops by itself after many rounds is never cut.
    let rounds = 0;
    setup = await startSession({ webSocket: false, maxToolRounds: Infinity, tools: [shellTool(ran)] }, {
      model: (request) => {
        rounds += 1;
        return rounds > 20 ? loopingModel({ ...request, input: [] }) : loopingModel(request);
      },
    });
    const result = await setup.session.submit('loop').result;
    expect(result.finalMessage).toBe('stopped looping');
    expect(ran).toHaveLength(20);
    await setup.close();
    setup = undefined;

    for (const maxToolRounds of [-1, 1.5, Number.NaN, -Infinity]) {
      expect(() =>
        createSession({ provider: { baseUrl: 'http://127.0.0.1:9/v1' }, auth: 'none', model: TEST_MODEL, instructions: 'none', preconnect: false, maxToolRounds }),
      ).toThrow(expect.objectContaining({ code: 'invalid_argument', path: 'maxToolRounds' }));
    }
  });

  it(`defaults to ${DEFAULT_MAX_TOOL_ROUNDS} rounds`, async () => {
    const ran: string[] = [];
    setup = await startSession({ webSocket: false, tools: [shellTool(ran)] }, { model: loopingModel });
    await expect(setup.session.submit('loop').result).rejects.toMatchObject({ code: 'tool_round_limit', limit: 256 });
    expect(ran).toHaveLength(256);
  });

  it('leaves a journal that resumes to the same valid history, with nothing to repair', async () => {
    directory = await mkdtemp(join(tmpdir(), 'modelwire-bounds-'));
    setup = await startSession({ maxToolRounds: 2, store: new JsonlSessionStore({ directory }) }, { model: loopingModel });
    const { session, server } = setup;
    await expect(session.submit('loop').result).rejects.toBeInstanceOf(ToolRoundLimitError);
    const history = [...session.history];
    const path = session.journalLocation as string;
    await session.close();

    const resumed = await resumeSession(path, { provider: { baseUrl: server.url, supportsWebSockets: true }, auth: { getToken: () => 'test-token' }, tools: [shellTool()] });
    try {
      expect(resumed.history).toEqual(history);
      expect(resumed.resumeReport?.interruptedCallIds).toEqual([]);
      expect(historyProblems(resumed.history)).toEqual([]);
      expect((await resumed.submit('go on').result).finalMessage).toBe('stopped looping');
    } finally {
      await resumed.close();
    }
  });
});

describe('a call id repeated within one response', () => {
  for (const webSocket of [true, false]) {
    it(`is committed once and run once (${webSocket ? 'WebSocket' : 'HTTP'})`, async () => {
      const ran: string[] = [];
      setup = await startSession({ webSocket, parallelToolCalls: true, tools: [shellTool(ran)] });
      const { session, server } = setup;
      const call = (id: string, command: string) => ({ type: 'function_call', id, call_id: 'call_twice', name: 'shell', arguments: JSON.stringify({ command }), status: 'completed' });
      server.script.next(scriptedResponse('resp_twice', [call('fc_a', 'first'), call('fc_b', 'second'), { ...call('fc_c', 'other'), call_id: 'call_once' }]));
      const result = await session.submit('run both').result;
      expect(ran).toEqual(['first', 'other']);
      const committed = result.items.filter((item) => item.type === 'function_call' || item.type === 'function_call_output');
      expect(committed.map((item) => [item.type, item.call_id])).toEqual([
        ['function_call', 'call_twice'],
        ['function_call', 'call_once'],
        ['function_call_output', 'call_twice'],
        ['function_call_output', 'call_once'],
      ]);
      expect(historyProblems(session.history)).toEqual([]);
      // The follow-up carried one output per call id, and the server accepted it.
      const followUp = server.recording.requests[1]?.body as { input: { type: string; call_id?: string }[] };
      expect(followUp.input.filter((item) => item.type === 'function_call_output').map((item) => item.call_id)).toEqual(['call_twice', 'call_once']);
    });
  }
});
