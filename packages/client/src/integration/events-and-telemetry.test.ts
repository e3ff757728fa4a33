import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { noopClientTelemetry, safeTelemetry } from '../telemetry/client-telemetry.js';
import { drain, RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const snapshot = (status: string, extra: Record<string, unknown> = {}) => ({ id: 'resp_scripted', object: 'response', status, model: 'gpt-test', output: [], usage: null, ...extra });

describe('events and telemetry', () => {
  it('passes unknown events through without failing, reports every event kind and the usage', async () => {
    setup = await startLoopback();
    const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hi', annotations: [] }] };
    setup.server.script.next({
      events: [
        { type: 'response.created', response: snapshot('in_progress') },
        { type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 0 },
        { type: 'response.output_item.done', output_index: 0, item: message },
        {
          type: 'response.completed',
          response: snapshot('completed', {
            output: [message],
            usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 13 },
          }),
        },
      ],
    });
    const telemetry = new RecordingTelemetry();
    const stream = setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry));
    const events = await drain(stream);
    const result = await stream.result;
    expect(result.responseId).toBe('resp_scripted');
    expect(result.output).toEqual([message]);
    expect(events.map((event) => event.type)).toContain('output_item_done');
    expect(telemetry.events).toEqual(expect.arrayContaining(['response.created', 'response.web_search_call.searching', 'response.completed']));
    expect(telemetry.usage).toEqual([
      { inputTokens: 10, cachedInputTokens: 4, outputTokens: 3, reasoningOutputTokens: 1, totalTokens: 13, model: 'gpt-test', responseId: 'resp_scripted' },
    ]);
  });

  it('a telemetry implementation that throws never breaks a request', async () => {
    setup = await startLoopback();
    const throwing = new RecordingTelemetry();
    throwing.onStreamEvent = () => {
      throw new Error('telemetry bug');
    };
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, throwing)).result;
    expect(result.responseId).toMatch(/\S/);
  });

  it('reports request boundaries once per request: completed, failed, aborted, unary', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } }, { tokenDelayMs: 2, answerChars: 60 });
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    await turn.stream(prompt([userMessage('one')]), turnContext({}, telemetry)).result;
    setup.server.faults.next({ kind: 'failed', code: 'server_error' }, { on: 'websocket' });
    await turn.stream(prompt([userMessage('two')]), turnContext({}, telemetry)).result.catch(() => undefined);
    const aborted = turn.stream(prompt([userMessage('three')]), turnContext({}, telemetry));
    for await (const event of aborted) if (event.type === 'output_text_delta') break;
    await aborted.result.catch(() => undefined);
    await setup.client.compactConversationHistory(prompt([userMessage('x')]), turnContext({}, telemetry));
    expect(telemetry.boundaries).toEqual([
      'start:responses',
      'end:responses:completed',
      'start:responses',
      'end:responses:failed',
      'start:responses',
      'end:responses:aborted',
      'start:responses/compact',
      'end:responses/compact:completed',
    ]);
  });

  it('skips the per-event report when the telemetry does not want stream events, and still reports the rest', async () => {
    setup = await startLoopback({}, { answerChars: 200 });
    const telemetry = Object.assign(new RecordingTelemetry(), { wantsStreamEvents: false });
    const events = await drain(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)));
    expect(events.filter((event) => event.type === 'output_text_delta').length).toBeGreaterThan(10);
    expect(telemetry.events).toEqual([]);
    expect(telemetry.connects).toHaveLength(1);
    expect(telemetry.attempts).toHaveLength(1);
    expect(telemetry.usage).toHaveLength(1);
    expect(telemetry.boundaries).toEqual(['start:responses', 'end:responses:completed']);
  });

  it('with the no-op telemetry the clock is not read per event (HTTP and WebSocket)', async () => {
    let reads = 0;
    const clock = {
      now: () => {
        reads += 1;
        return 1_000_000;
      },
    };
    for (const supportsWebSockets of [true, false]) {
      setup = await startLoopback({ clock, providerOverrides: { supportsWebSockets } }, { answerChars: 400 });
      reads = 0;
      const events = await drain(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, noopClientTelemetry)));
      const deltas = events.filter((event) => event.type === 'output_text_delta').length;
      expect(deltas).toBeGreaterThan(50);
      // A handful of reads per request (attempt timing, socket age), none for telemetry per
      // event; the WebSocket notes each frame's arrival once (idle tracking for reuse).
      const perEvent = supportsWebSockets ? events.length : 0;
      expect(reads).toBeLessThan(perEvent + 20);
      await setup.close();
      setup = undefined;
    }
  });

  it('safeTelemetry keeps the no-op as it is and carries wantsStreamEvents over', () => {
    expect(safeTelemetry(noopClientTelemetry)).toBe(noopClientTelemetry);
    expect(noopClientTelemetry.wantsStreamEvents).toBe(false);
    expect(safeTelemetry(Object.assign(new RecordingTelemetry(), { wantsStreamEvents: false })).wantsStreamEvents).toBe(false);
    expect(safeTelemetry(new RecordingTelemetry()).wantsStreamEvents).toBeUndefined();
  });
});
