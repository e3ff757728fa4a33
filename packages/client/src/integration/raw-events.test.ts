// StreamOptions.onRawEvent over real sockets: every event the server sent for the request, as
// sent, in order, on both transports; the refusal answered by the transparent full resend is
// the one event left out.
import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { RawResponseEvent } from '../turn/model-client-session.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('StreamOptions.onRawEvent', () => {
  it.each([
    ['WebSocket', true],
    ['HTTP/SSE', false],
  ])('passes every event of the response as the server sent it (%s)', async (_label, webSockets) => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: webSockets } }, { answerChars: 40 });
    const raw: RawResponseEvent[] = [];
    const turn = setup.client.newTurn();
    const result = await turn.stream(prompt([userMessage('hello')]), turnContext(), { onRawEvent: (event) => raw.push(event) }).result;
    expect(raw).toEqual(setup.server.recording.eventsFor(0));
    expect(raw.map((event) => event.type)).toContain('response.output_text.done');
    expect(raw.at(-1)).toMatchObject({ type: 'response.completed', response: { id: result.responseId } });
  });

  it('passes the events of the attempt that failed before response.created, then those of the retry', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: true, requestMaxRetries: 1 } });
    setup.server.faults.next({ kind: 'error', code: 'server_error', status: 500 }, { on: 'websocket' });
    const raw: RawResponseEvent[] = [];
    await setup.client.newTurn().stream(prompt([userMessage('hello')]), turnContext(), { onRawEvent: (event) => raw.push(event) }).result;
    const types = raw.map((event) => event.type);
    expect(types.filter((type) => type === 'error')).toHaveLength(1);
    expect(types.indexOf('error')).toBeLessThan(types.indexOf('response.created'));
    expect(types.at(-1)).toBe('response.completed');
  });

  it('leaves out the previous_response_not_found refusal answered by the full resend', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    history.push(...(await turn.stream(prompt(history), turnContext()).result).output);
    history.push(userMessage('two'));
    setup.server.faults.next({ kind: 'error', code: 'previous_response_not_found' }, { on: 'websocket' });
    const raw: RawResponseEvent[] = [];
    const result = await turn.stream(prompt(history), turnContext(), { onRawEvent: (event) => raw.push(event) }).result;
    expect(result.incremental).toBe(false);
    expect(setup.server.recording.requests).toHaveLength(3);
    expect(raw.some((event) => event.type === 'error')).toBe(false);
    // The refused request's extras (rate limits, metadata) came before its refusal.
    const refused = setup.server.recording.eventsFor(1).filter((event) => event['type'] !== 'error');
    expect(refused.map((event) => event['type'])).toEqual(['codex.rate_limits', 'response.metadata']);
    expect(raw).toEqual([...refused, ...setup.server.recording.eventsFor(2)]);
  });

  it('fails the request with the error the callback throws', async () => {
    setup = await startLoopback();
    const failure = new Error('the callback broke');
    const stream = setup.client.newTurn().stream(prompt([userMessage('hello')]), turnContext(), {
      onRawEvent: (event) => {
        if (event.type === 'response.in_progress') throw failure;
      },
    });
    await expect(stream.result).rejects.toBe(failure);
  });
});
