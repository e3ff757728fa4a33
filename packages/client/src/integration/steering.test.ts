// Steering a running request (`ResponseStream.steer`) over real sockets against the loopback
// server, which holds a response at a chosen point until the steer arrives (no timing).
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@modelwire/errors';
import { STEER_ERROR_CODES } from '@modelwire/protocol';
import { activeResources, settledLeaks } from '@modelwire/testing';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { SteerCommit, SteerHandle } from '../steering/steer-handle.js';
import type { ResponseStream } from '../turn/response-stream.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const SHELL = { type: 'function', name: 'shell', description: 'runs a command', parameters: { type: 'object', properties: { command: { type: 'string' } } }, strict: false };

function sentFrames(): Record<string, unknown>[] {
  return (setup?.server.recording.requests ?? []).map((request) => request.body as Record<string, unknown>);
}

function textOf(items: readonly ResponseItem[]): string {
  return JSON.stringify(items);
}

describe('ResponseStream.steer over the WebSocket', () => {
  it('steers before response.created: the input waits for the id, the response ends steered and its successor is followed', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('after-created');
    const commits: SteerCommit[] = [];
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext(), { onSteerCommitted: (commit) => commits.push(commit) });
    const handle = stream.steer('also say goodbye');
    expect(handle.state).toBe('queued');
    const events = await drain(stream);
    const result = await stream.result;
    const outcome = await handle.outcome;
    expect(outcome.status).toBe('committed');
    expect((await handle.acknowledged).status).toBe('accepted');
    const created = events.filter((event) => event.type === 'created');
    expect(created).toHaveLength(2);
    expect(outcome.status === 'committed' && outcome.responseId).toBe(result.responseId);
    expect(result.predecessors).toHaveLength(1);
    expect(result.predecessors?.[0]?.status).toBe('incomplete');
    expect(events.filter((event) => event.type === 'completed')).toHaveLength(1);
    // The steer went out after response.created, naming that response.
    const steer = sentFrames().find((frame) => frame['type'] === 'response.steer');
    expect(steer).toEqual({ type: 'response.steer', previous_response_id: result.predecessors?.[0]?.responseId, input: 'also say goodbye' });
    expect(commits).toHaveLength(1);
    expect(commits[0]?.previous?.responseId).toBe(result.predecessors?.[0]?.responseId);
    expect(textOf(commits[0]?.steers[0]?.items ?? [])).toContain('also say goodbye');
  });

  it('steers mid-output and the next request continues from the last successor', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('after-first-item');
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('hello')];
    const commits: SteerCommit[] = [];
    const stream = turn.stream(prompt(history), turnContext(), { onSteerCommitted: (commit) => commits.push(commit) });
    let handle: ReturnType<typeof stream.steer> | undefined;
    for await (const event of stream) {
      if (event.type === 'output_item_done' && handle === undefined) handle = stream.steer([{ role: 'user', content: [{ type: 'input_text', text: 'be brief' }] }]);
    }
    const result = await stream.result;
    expect((await handle?.outcome)?.status).toBe('committed');
    // The caller's history, committed at the commit point and at the end.
    for (const commit of commits) history.push(...(commit.previous?.output ?? []), ...commit.steers.flatMap((steer) => steer.items));
    history.push(...result.output, userMessage('next'));
    const next = await turn.stream(prompt(history), turnContext()).result;
    expect(next.incremental).toBe(true);
    const creates = sentFrames().filter((frame) => frame['type'] === 'response.create');
    expect(creates[1]?.['previous_response_id']).toBe(result.responseId);
    expect(creates[1]?.['input']).toEqual([userMessage('next')]);
  });

  it('follows an automatic successor after a normal completion', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('before-completed');
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    let handle: ReturnType<typeof stream.steer> | undefined;
    for await (const event of stream) if (event.type === 'output_item_done' && handle === undefined) handle = stream.steer('one more thing');
    const result = await stream.result;
    expect(result.predecessors?.map((previous) => previous.status)).toEqual(['completed']);
    expect((await handle?.outcome)?.status).toBe('committed');
  });

  it('settles pending during a tool wait, and the explicit continuation commits it', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('before-completed');
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('run: ls')];
    const commits: SteerCommit[] = [];
    const base = { ...prompt(history), tools: [SHELL] };
    const stream = turn.stream(base, turnContext(), { onSteerCommitted: (commit) => commits.push(commit) });
    let handle: ReturnType<typeof stream.steer> | undefined;
    for await (const event of stream) if (event.type === 'output_item_done' && event.item.type === 'function_call') handle = stream.steer('and then stop');
    if (handle === undefined) throw new Error('no function call');
    const result = await stream.result;
    const outcome = await handle.outcome;
    expect(outcome.status).toBe('pending');
    if (outcome.status !== 'pending') return;
    expect(outcome.previousResponseId).toBe(result.responseId);
    const call = result.output.find((item) => item.type === 'function_call') as { call_id: string } | undefined;
    expect(outcome.requiredInput).toEqual([{ type: 'function_call_output', call_id: call?.call_id, name: 'shell' }]);
    history.push(...result.output, { type: 'function_call_output', call_id: call?.call_id ?? '', output: 'file.txt' } as ResponseItem);
    const continuation = turn.stream({ ...base, input: history }, turnContext(), { onSteerCommitted: (commit) => commits.push(commit) });
    const second = await continuation.result;
    const final = await handle.final;
    expect(final.status === 'committed' && final.responseId).toBe(second.responseId);
    expect(commits).toEqual([{ responseId: second.responseId, previous: null, steers: [{ steerId: outcome.steerId, items: handle.items }], inInput: false }]);
    const creates = sentFrames().filter((frame) => frame['type'] === 'response.create');
    expect(creates[1]?.['previous_response_id']).toBe(result.responseId);
    // The server prepended the queued input; the client did not send it again.
    expect(textOf(creates[1]?.['input'] as ResponseItem[])).not.toContain('and then stop');
  });

  it('a pending steer the caller places where the server puts it (after the output, before the tool outputs) is left out of the continuation, and both sides keep one order', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('before-completed');
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('run: ls')];
    const commits: SteerCommit[] = [];
    const base = { ...prompt(history), tools: [SHELL] };
    const stream = turn.stream(base, turnContext());
    let handle: SteerHandle | undefined;
    for await (const event of stream) if (event.type === 'output_item_done' && event.item.type === 'function_call') handle = stream.steer('and then stop');
    if (handle === undefined) throw new Error('no function call');
    const result = await stream.result;
    const outcome = await handle.outcome;
    expect(outcome.status).toBe('pending');
    const call = result.output.find((item) => item.type === 'function_call') as { call_id: string } | undefined;
    const toolOutput = { type: 'function_call_output', call_id: call?.call_id ?? '', output: 'file.txt' } as ResponseItem;
    // PROTOCOL: the queued input is prepended to the continuation's input.
    history.push(...result.output, ...handle.items, toolOutput);
    const continuation = turn.stream({ ...base, input: history }, turnContext(), { onSteerCommitted: (commit) => commits.push(commit) });
    const second = await continuation.result;
    expect(await handle.final).toMatchObject({ status: 'committed', responseId: second.responseId });
    expect(commits).toEqual([{ responseId: second.responseId, previous: null, steers: [{ steerId: outcome.status === 'pending' ? outcome.steerId : '', items: handle.items }], inInput: true }]);
    const creates = () => sentFrames().filter((frame) => frame['type'] === 'response.create');
    // Only the tool output goes out: the server has the steering input already.
    expect(creates()[1]?.['input']).toEqual([toolOutput]);
    // The history (with the steer before the tool output) is the baseline: the next request sends only what is new.
    history.push(...second.output, userMessage('next'));
    const third = await turn.stream({ ...base, input: history }, turnContext()).result;
    expect(third.incremental).toBe(true);
    expect(creates()[2]?.['input']).toEqual([userMessage('next')]);
  });

  it('says response_already_completed when the steer arrives after the completion', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('after-completed');
    const turn = setup.client.newTurn();
    let handle: SteerHandle | undefined;
    // Steered while the client reads the completion (onRawEvent runs before the client acts on
    // it): the request is still running for the client, the response is over for the server.
    const stream: ResponseStream = turn.stream(prompt([userMessage('hello')]), turnContext(), {
      onRawEvent: (event) => {
        if (event.type === 'response.completed') handle = stream.steer('too late');
      },
    });
    await drain(stream);
    await stream.result;
    const outcome = await handle?.outcome;
    expect(outcome).toMatchObject({ status: 'failed', code: 'response_already_completed', input: 'too late', steerId: undefined });
  });

  it.each(STEER_ERROR_CODES.filter((code) => code !== 'steering_not_supported'))('hands the input back with a typed failure for %s', async (code) => {
    setup = await startLoopback();
    setup.server.steering.hold('after-created');
    setup.server.steering.failNext(code);
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    const handle = stream.steer('x');
    const result = await stream.result;
    expect(await handle.outcome).toMatchObject({ status: 'failed', code, input: 'x' });
    expect(result.predecessors).toBeUndefined();
  });

  it('fails with successor_creation_failed after acceptance, with the steer id, and the steered response is the result', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('after-first-item');
    setup.server.steering.failNextSuccessor();
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    let handle: ReturnType<typeof stream.steer> | undefined;
    for await (const event of stream) if (event.type === 'output_item_done' && handle === undefined) handle = stream.steer('x');
    const result = await stream.result;
    const outcome = await handle?.outcome;
    expect(outcome).toMatchObject({ status: 'failed', code: 'successor_creation_failed', input: 'x' });
    expect(outcome?.status === 'failed' && outcome.steerId).toMatch(/^steer_/);
    expect(result.output.length).toBeGreaterThan(0);
  });

  it('reports steering_not_supported as unavailable and remembers the model', async () => {
    setup = await startLoopback({}, { steering: { supported: false } });
    setup.server.steering.hold('after-created');
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    const handle = stream.steer('x');
    await stream.result;
    expect(await handle.outcome).toEqual({ status: 'unavailable', reason: 'steering_not_supported', input: 'x' });
    const again = turn.stream(prompt([userMessage('hello')]), turnContext());
    const second = again.steer('y');
    expect(second.state).toBe('unavailable');
    expect(await second.outcome).toEqual({ status: 'unavailable', reason: 'unsupported_model', input: 'y' });
    await again.result;
  });

  it('is unavailable over HTTP, after the request ended and between requests, never thrown', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false } });
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    const handle = stream.steer('x');
    await stream.result;
    expect(await handle.outcome).toEqual({ status: 'unavailable', reason: 'http', input: 'x' });
    expect(await stream.steer('late').outcome).toMatchObject({ status: 'unavailable', reason: 'request_ended' });
    expect(await turn.steer('idle').outcome).toMatchObject({ status: 'unavailable', reason: 'no_active_request' });
  });

  it('hands queued input back as unavailable (http) when the request falls back to HTTP before it could be sent', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'close', afterEvents: 0, code: 1009, reason: 'message too big' }, { on: 'websocket' });
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    const handle = stream.steer('x');
    const result = await stream.result;
    expect(result.transport).toBe('http');
    expect(await handle.outcome).toEqual({ status: 'unavailable', reason: 'http', input: 'x' });
    expect(sentFrames().some((frame) => frame['type'] === 'response.steer')).toBe(false);
  });

  it('reports an accepted steer as unknown when the socket is lost before its commit point', async () => {
    setup = await startLoopback();
    // The response stalls after response.created: the steer is accepted and never committed.
    setup.server.faults.next({ kind: 'stall', afterEvents: 1 }, { on: 'websocket' });
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    const handle = stream.steer('x');
    await handle.acknowledged;
    stream.abort();
    await stream.result.catch(() => undefined);
    expect(await handle.outcome).toMatchObject({ status: 'unknown', reason: 'aborted', input: 'x' });
    expect(handle.steerId).toMatch(/^steer_/);
  });

  it('reports an accepted steer as unknown when its response fails, and the request rejects', async () => {
    setup = await startLoopback();
    setup.server.steering.hold('after-created');
    setup.server.faults.next({ kind: 'failed', code: 'invalid_prompt', afterEvents: 1 }, { on: 'websocket' });
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    const handle = stream.steer('x');
    await expect(stream.result).rejects.toMatchObject({ message: expect.stringContaining('invalid_prompt') });
    expect((await handle.acknowledged).status).toBe('accepted');
    expect(await handle.outcome).toMatchObject({ status: 'unknown', reason: 'request_failed', input: 'x' });
  });

  it('rejects input the API refuses with InvalidArgumentError naming the field', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    const pathOf = (input: unknown): string | undefined => {
      try {
        stream.steer(input as string);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return (error as InvalidArgumentError).issues[0]?.path;
      }
      return undefined;
    };
    expect(pathOf('')).toBe('input');
    expect(pathOf([])).toBe('input');
    expect(pathOf([{ role: 'assistant', content: 'x' }])).toBe('input[0].role');
    expect(pathOf([{ type: 'function_call_output', call_id: 'c', output: 'x' }])).toMatch(/^input\[0\]/);
    expect(pathOf([{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }])).toMatch(/^input\[0\]\.content/);
    await stream.result;
  });

  it('leaves nothing behind after close() with a steer in flight', async () => {
    const before = activeResources();
    setup = await startLoopback();
    setup.server.steering.hold('after-first-item');
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext());
    let handle: ReturnType<typeof stream.steer> | undefined;
    for await (const event of stream) {
      if (event.type === 'output_item_done' && handle === undefined) {
        handle = stream.steer('x');
        await handle.acknowledged;
        break;
      }
    }
    await setup.close();
    setup = undefined;
    expect(['unknown', 'committed']).toContain((await handle?.final)?.status);
    expect(await settledLeaks(before)).toEqual([]);
  });
});
