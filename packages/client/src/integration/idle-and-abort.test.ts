import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('idle timeout', () => {
  for (const transport of ['websocket', 'http'] as const) {
    it(`fails a stalled ${transport} stream with a retryable idle_timeout after output began`, async () => {
      setup = await startLoopback({ providerOverrides: { supportsWebSockets: transport === 'websocket', streamIdleTimeoutMs: 400, requestMaxRetries: 0 } });
      setup.server.faults.next({ kind: 'stall', afterEvents: 4 }, { on: transport });
      const stream = setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
      await expect(drain(stream)).rejects.toMatchObject({ code: 'idle_timeout', retryable: true });
      // The stalled socket is not reused.
      await setup.client.newTurn().stream(prompt([userMessage('again')]), turnContext({ turnMetadata: { turn_id: 't2' } })).result;
      if (transport === 'websocket') expect(setup.server.recording.counters.handshakes).toBe(2);
    });
  }
});

describe('abort', () => {
  it('before the handshake finished: rejects with aborted and leaves no socket', async () => {
    setup = await startLoopback({}, { handshakeDelayMs: 1_000 });
    const stream = setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    setTimeout(() => stream.abort(), 20);
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    expect(setup.server.recording.requests).toHaveLength(0);
  });

  it('while waiting for the pre-connect: rejects at once, and the pre-connect still serves the next request', async () => {
    setup = await startLoopback({}, { handshakeDelayMs: 300 });
    let preconnected = false;
    const preconnect = setup.client.preconnect().then(() => (preconnected = true));
    const stream = setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    setTimeout(() => stream.abort(), 20);
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    expect(preconnected).toBe(false);
    await preconnect;
    await setup.client.newTurn().stream(prompt([userMessage('again')]), turnContext({ turnMetadata: { turn_id: 't2' } })).result;
    expect(setup.server.recording.counters.handshakes).toBe(1);
  });

  it('mid-stream through an AbortSignal: the half-read socket is closed, the next request uses a new one', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 5, answerChars: 80 });
    const controller = new AbortController();
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hi')]), turnContext(), { signal: controller.signal });
    const seen: string[] = [];
    const iteration = (async () => {
      for await (const event of stream) {
        seen.push(event.type);
        if (event.type === 'output_text_delta') controller.abort();
      }
    })();
    await expect(iteration).rejects.toMatchObject({ code: 'aborted' });
    expect(seen).not.toContain('completed');
    await waitFor(() => setup?.server.recording.connections.filter((connection) => connection.transport === 'websocket' && connection.closedAt === undefined).length === 0);
    const next = await turn.stream(prompt([userMessage('again')]), turnContext()).result;
    expect(next.incremental).toBe(false);
    expect(setup.server.recording.counters.handshakes).toBe(2);
  });

  it('on HTTP mid-body, and abort after completion is a no-op', async () => {
    setup = await startLoopback({ providerOverrides: { supportsWebSockets: false } }, { tokenDelayMs: 5, answerChars: 80 });
    const turn = setup.client.newTurn();
    const stream = turn.stream(prompt([userMessage('hi')]), turnContext());
    const iteration = (async () => {
      for await (const event of stream) {
        if (event.type === 'output_text_delta') stream.abort();
      }
    })();
    await expect(iteration).rejects.toMatchObject({ code: 'aborted' });
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    const done = turn.stream(prompt([userMessage('again')]), turnContext());
    const result = await done.result;
    done.abort();
    expect(result.transport).toBe('http');
  });

  it('closing the client aborts a running request', async () => {
    setup = await startLoopback({}, { tokenDelayMs: 20, answerChars: 200 });
    const stream = setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    setTimeout(() => void setup?.client.close(), 30);
    await expect(stream.result).rejects.toMatchObject({ code: 'closed' });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let index = 0; index < 500 && !condition(); index += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
