import { describe, expect, it } from 'vitest';
import { activeResources, settledLeaks } from '@modelwire/testing';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { startLoopback } from '../__fixtures__/loopback-client.js';

describe('close()', () => {
  it('leaves no socket, timer or server handle behind after WebSocket, HTTP, abort and fallback', async () => {
    const beforeAll = activeResources();
    const setup = await startLoopback({}, { tokenDelayMs: 2, answerChars: 60 });
    // The server's own handles are in the baseline: what must go away is what the client opened.
    const baseline = activeResources();
    await setup.client.preconnect();
    const turn = setup.client.newTurn();
    await turn.stream(prompt([userMessage('one')]), turnContext()).result;
    const aborted = turn.stream(prompt([userMessage('two')]), turnContext());
    for await (const event of aborted) if (event.type === 'output_text_delta') break;
    await aborted.result.catch(() => undefined);
    await setup.client.compactConversationHistory(prompt([userMessage('x')]), turnContext());
    turn.trySwitchToHttpFallback();
    await turn.stream(prompt([userMessage('three')]), turnContext()).result;
    // A request still running when the client closes.
    const running = setup.client.newTurn().stream(prompt([userMessage('four')]), turnContext({ turnMetadata: { turn_id: 't2' } }));
    await setup.client.close();
    await running.result.catch(() => undefined);
    expect(await settledLeaks(baseline)).toEqual([]);
    await setup.server.close();
    expect(await settledLeaks(beforeAll)).toEqual([]);
  });
});
