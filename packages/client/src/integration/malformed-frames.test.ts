import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('undecodable and illegal frames', () => {
  it('a malformed frame before any event is retried on a new socket', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 1 } });
    setup.server.faults.next({ kind: 'malformed-json', afterEvents: 0 }, { on: 'websocket' });
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(result.transport).toBe('websocket');
    expect(setup.server.recording.counters.handshakes).toBe(2);
  });

  it('a malformed frame after output began fails the stream with decode_failed and retires the socket', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'malformed-json', afterEvents: 6 }, { on: 'websocket' });
    const turn = setup.client.newTurn();
    await expect(drain(turn.stream(prompt([userMessage('hi')]), turnContext()))).rejects.toMatchObject({ code: 'decode_failed' });
    await turn.stream(prompt([userMessage('again')]), turnContext()).result;
    expect(setup.server.recording.counters.handshakes).toBe(2);
  });

  it('a binary frame is a protocol violation, not retried', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'binary-frame', afterEvents: 0 }, { on: 'websocket' });
    await expect(setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result).rejects.toMatchObject({ code: 'protocol_violation' });
    expect(setup.server.recording.requests).toHaveLength(1);
  });
});
