import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

function turnStateOf(request: { transport: string; headers: Readonly<Record<string, unknown>>; body: unknown }): unknown {
  if (request.transport === 'http') return request.headers['x-codex-turn-state'];
  return ((request.body as Record<string, unknown>)['client_metadata'] as Record<string, unknown> | undefined)?.['x-codex-turn-state'];
}

describe('sticky routing (x-codex-turn-state)', () => {
  it('is absent on each turn’s first request and replayed on every later one, across retries, reconnects and fallback', async () => {
    setup = await startLoopback({ providerOverrides: { requestMaxRetries: 3 } });
    const { server, client } = setup;
    const history: ResponseItem[] = [];
    for (let turnNumber = 1; turnNumber <= 3; turnNumber += 1) {
      const turn = client.newTurn();
      const context = turnContext({ turnMetadata: { turn_id: `turn-${turnNumber}` } });
      history.push(userMessage(`run: echo ${turnNumber}`));
      const first = await turn.stream(prompt(history), context).result;
      history.push(...first.output);
      expect(turn.turnState).toMatch(/^ts_/);
      // A retry (rate limit before any event), then a reconnect (the server drops the socket).
      server.faults.next({ kind: 'error', code: 'rate_limit_exceeded', message: 'try again in 1ms' }, { on: 'request' });
      history.push({ type: 'function_call_output', call_id: `call-${turnNumber}`, output: 'ok' });
      const second = await turn.stream(prompt(history), context).result;
      history.push(...second.output);
      server.faults.next({ kind: 'close', afterEvents: 0 }, { on: 'request' });
      history.push(userMessage('and more'));
      const third = await turn.stream(prompt(history), context).result;
      history.push(...third.output);
      if (turnNumber === 2) {
        expect(turn.trySwitchToHttpFallback()).toBe(true);
        history.push(userMessage('over http now'));
        const fourth = await turn.stream(prompt(history), context).result;
        expect(fourth.transport).toBe('http');
        history.push(...fourth.output);
      }
    }
    expect(server.recording.stickyViolations).toEqual([]);
    expect(server.faults.pending).toEqual([]);
    // 3 per turn plus one retry after the rate limit and one after the cut, plus turn 2's HTTP request.
    expect(server.recording.requests).toHaveLength(16);
    const requests = server.recording.requests;
    const turnOf = (request: (typeof requests)[number]): string => {
      const metadata =
        request.transport === 'http'
          ? request.headers['x-codex-turn-metadata']
          : ((request.body as Record<string, unknown>)['client_metadata'] as Record<string, string>)['x-codex-turn-metadata'];
      return JSON.parse(String(metadata)).turn_id as string;
    };
    const seen = new Set<string>();
    for (const request of requests) {
      const turnId = turnOf(request);
      if (!seen.has(turnId)) expect(turnStateOf(request)).toBeUndefined();
      else expect(turnStateOf(request)).toBe(server.turnStates.get(turnId));
      seen.add(turnId);
    }
    expect(seen.size).toBe(3);
    expect(requests.some((request) => request.transport === 'http')).toBe(true);
  });
});
