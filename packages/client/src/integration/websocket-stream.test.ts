import { afterEach, describe, expect, it } from 'vitest';
import { invalidArgumentPath, prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { Prompt, ResponseItem } from '../types/prompt.js';
import { AlreadyConsumedError, ClosedError, InvalidArgumentError, MissingCredentialsError } from '@modelwire/errors';
import { registerModel, turnContextFor } from '../types/known-models.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('ModelClientSession over the WebSocket', () => {
  it('streams a response and returns its output', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hello')]), turnContext({}, telemetry));
    const events = await drain(stream);
    const result = await stream.result;
    expect(events.at(-1)?.type).toBe('completed');
    expect(events.some((event) => event.type === 'output_text_delta')).toBe(true);
    expect(result.transport).toBe('websocket');
    expect(result.output.length).toBeGreaterThan(0);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(telemetry.usage).toHaveLength(1);
  });

  it('continues incrementally on the same socket across a tool loop and across turns', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const history: ResponseItem[] = [userMessage('hello')];
    const first = setup.client.newTurn();
    const one = await first.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...one.output, userMessage('again'));
    const two = await first.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(two.incremental).toBe(true);
    history.push(...two.output, userMessage('third'));
    const second = setup.client.newTurn();
    const three = await second.stream(prompt(history), turnContext({ turnMetadata: { turn_id: 'turn-2' } }, telemetry)).result;
    expect(three.incremental).toBe(true);
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies[1]?.['previous_response_id']).toBe(one.responseId);
    expect(bodies[1]?.['input']).toEqual([userMessage('again')]);
    expect(bodies[2]?.['input']).toEqual([userMessage('third')]);
    expect(setup.server.recording.counters.handshakes).toBe(1);
    expect(setup.server.recording.stickyViolations).toEqual([]);
    expect(telemetry.decisions.map((decision) => decision.mode)).toEqual(['full', 'incremental', 'incremental']);
  });
});


describe('argument checks', () => {
  it('rejects bad per-turn values before touching the socket, and bad session values at construction, with field paths', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    const path = invalidArgumentPath;
    expect(path(() => turn.stream(prompt([userMessage('hi')]), turnContext({ turnMetadata: { turn_id: '' } })))).toBe('turnContext.turnMetadata.turn_id');
    expect(path(() => turn.stream(prompt([userMessage('hi')], { compactThreshold: 5 }), turnContext()))).toBe('prompt.compactThreshold');
    expect(path(() => turn.stream(prompt([userMessage('hi'), { role: 'robot', content: 'x' } as never]), turnContext()))).toBe('prompt.input[1].role');
    expect(path(() => turn.stream(prompt(undefined as never), turnContext()))).toBe('prompt.input');
    // The API refuses tool names outside ^[a-zA-Z0-9_-]+$ or longer than 64: refused here, before I/O.
    const tool = (name: string): Prompt['tools'][number] => ({ type: 'function', name, description: 'd', parameters: { type: 'object', properties: {} } }) as never;
    expect(path(() => turn.stream(prompt([userMessage('hi')], { tools: [tool('read file')] }), turnContext()))).toBe('prompt.tools[0].name');
    expect(path(() => turn.stream(prompt([userMessage('hi')], { tools: [tool('ok'), tool('x'.repeat(65))] }), turnContext()))).toBe('prompt.tools[1].name');
    expect(path(() => turn.stream(prompt([userMessage('hi')]), { ...turnContext(), model: undefined as never }))).toBe('turnContext.model');
    expect(setup.server.recording.counters.handshakes).toBe(0);
    const result = await turn.stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('websocket');
    const { ModelClient } = await import('../client/model-client.js');
    const base = { provider: { baseUrl: setup.server.url }, auth: 'none', conversationId: 'c' } as const;
    expect(path(() => new ModelClient({ ...base, sessionSource: { kind: 'subagent', label: '' } }))).toBe('sessionSource.label');
    expect(path(() => new ModelClient({ ...base, conversationId: '', sessionSource: { kind: 'cli' } }))).toBe('conversationId');
    expect(path(() => new ModelClient({ ...base, provider: { baseUrl: 'ftp://x' }, sessionSource: { kind: 'cli' } }))).toBe('provider.baseUrl');
    expect(path(() => new ModelClient({ ...base, provider: { baseUrl: setup!.server.url, requestMaxRetries: -1 }, sessionSource: { kind: 'cli' } }))).toBe('provider.requestMaxRetries');
    expect(path(() => new ModelClient({ ...base, auth: {} as never, sessionSource: { kind: 'cli' } }))).toBe('auth');
    expect(path(() => new ModelClient(undefined as never))).toBe('');
    // A value of the wrong type is reported as such; only an absent one is "required".
    const issues = (run: () => unknown): readonly { path: string; message: string }[] => {
      try {
        run();
      } catch (error) {
        return (error as InvalidArgumentError).issues;
      }
      return [];
    };
    expect(issues(() => new ModelClient({ ...base, provider: { baseUrl: setup!.server.url, supportsWebSockets: 'yes' as never }, sessionSource: { kind: 'cli' } }))).toEqual([
      { path: 'provider.supportsWebSockets', message: 'Invalid input: expected boolean, received string' },
    ]);
    expect(issues(() => new ModelClient({ ...base, conversationId: undefined as never, sessionSource: { kind: 'cli' } }))).toEqual([{ path: 'conversationId', message: 'is required' }]);
  });

  it('accepts a string input and easy input messages, and reports outputText', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    const first = await turn.stream(prompt('hello there' as never), turnContext()).result;
    expect(first.outputText).toBe('You said: hello there');
    const history = [{ role: 'user', content: 'hello there' } as const, ...first.output, { role: 'user', content: 'again' } as const];
    const second = await turn.stream(prompt(history as never), turnContext()).result;
    expect(second.outputText).toBe('You said: again');
    const sent = setup.server.recording.requests.map((request) => (request.body as { input?: unknown }).input);
    expect(sent[0]).toEqual([{ type: 'message', role: 'user', content: 'hello there' }]);
  });

  it('throws a typed error on a second iteration of a stream and on a closed turn', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hi')]), turnContext());
    await drain(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(AlreadyConsumedError);
    await turn.close();
    expect(() => turn.stream(prompt([userMessage('hi')]), turnContext())).toThrow(ClosedError);
  });

  it('refuses to send a request when the auth provider yields no credentials, unless auth is none', async () => {
    setup = await startLoopback();
    const { ModelClient } = await import('../client/model-client.js');
    const base = { provider: { baseUrl: setup.server.url }, conversationId: 'c', sessionSource: { kind: 'cli' } } as const;
    await using anonymousByMistake = new ModelClient({ ...base, auth: { getToken: () => null } });
    const refused = anonymousByMistake.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    await expect(refused).rejects.toBeInstanceOf(MissingCredentialsError);
    expect(setup.server.recording.requests).toHaveLength(0);
    await using open = new ModelClient({ ...base, auth: 'none' });
    const result = await open.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.outputText).toBe('You said: hi');
    expect(setup.server.recording.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('builds a turn context from a known slug or a ModelInfo', () => {
    const known = turnContextFor('gpt-4.1');
    expect(known.model).toEqual({ slug: 'gpt-4.1', supportsReasoning: false, supportsVerbosity: false, contextWindow: 1_047_576 });
    expect(known.turnMetadata.turn_id).not.toBe(turnContextFor('gpt-4.1').turnMetadata.turn_id);
    expect(() => turnContextFor('no-such-model')).toThrow(InvalidArgumentError);
    registerModel({ slug: 'my-model', supportsReasoning: true, supportsVerbosity: false, contextWindow: null });
    expect(turnContextFor('my-model', { reasoningEffort: 'high' }).reasoningEffort).toBe('high');
  });
});
