import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
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

describe('turn state precedence: the request-scoped token wins, the upgrade response never counts', () => {
  const tokensSent = (requests: readonly { transport: string; headers: Readonly<Record<string, unknown>>; body: unknown }[]): unknown[] => requests.map(turnStateOf);

  /** Two turns of two requests each (a tool call, then its output), as an agent runs them. */
  async function twoTurns(active: LoopbackSetup, betweenTurns?: () => void): Promise<(string | null)[]> {
    const seen: (string | null)[] = [];
    for (const turnNumber of [1, 2]) {
      if (turnNumber === 2) betweenTurns?.();
      const turn = active.client.newTurn();
      const context = turnContext({ turnMetadata: { turn_id: `turn-${turnNumber}` } });
      const history: ResponseItem[] = [userMessage(`run: echo ${turnNumber}`)];
      const first = await turn.stream(prompt(history), context).result;
      history.push(...first.output, { type: 'function_call_output', call_id: String((first.output[0] as { call_id?: string }).call_id), output: 'ok' });
      await turn.stream(prompt(history), context).result;
      seen.push(turn.turnState);
    }
    return seen;
  }

  it('sends absent, ts-1, absent, ts-2 on one socket whose 101 carried a token (codex.response.metadata)', async () => {
    setup = await startLoopback({}, { upgradeHeaders: { 'x-codex-turn-state': 'stale-handshake-state' }, metadataEvent: 'codex.response.metadata' });
    const { server } = setup;
    const turnStates = await twoTurns(setup);
    const first = server.turnStates.get('turn-1');
    const second = server.turnStates.get('turn-2');
    expect(first).toMatch(/^ts_/);
    expect(second).toMatch(/^ts_/);
    expect(server.recording.handshakes).toHaveLength(1);
    expect(tokensSent(server.recording.requests)).toEqual([undefined, first, undefined, second]);
    expect(turnStates).toEqual([first, second]);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('replays the response’s token, not the connection’s, on a socket opened inside the turn (response.metadata, pre-connected first)', async () => {
    setup = await startLoopback({}, { upgradeHeaders: ({ connectionId }) => ({ 'x-codex-turn-state': `connection-${connectionId}` }) });
    const { server, client } = setup;
    await client.preconnect();
    // Turn 1's last response closes its socket: turn 2 opens a new one, with a token on its 101.
    server.faults.use((target) => (target.phase === 'request' && target.requestIndex === 1 ? { kind: 'close-after-terminal' } : undefined));
    await twoTurns(setup);
    expect(server.recording.handshakes).toHaveLength(2);
    expect(tokensSent(server.recording.requests)).toEqual([undefined, server.turnStates.get('turn-1'), undefined, server.turnStates.get('turn-2')]);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('hands every request the upgrade response’s model, models etag and reasoning flag, before its own events, on a reused socket too', async () => {
    setup = await startLoopback({}, { upgradeHeaders: { 'openai-model': 'gpt-routed', 'x-models-etag': '"models-7"', 'x-reasoning-included': 'true', 'x-codex-turn-state': 'ignored' } });
    const turn = setup.client.newTurn();
    const context = turnContext();
    for (const text of ['one', 'two']) {
      const events = await drain(turn.stream(prompt([userMessage(text)]), context));
      const fromUpgrade = events.slice(0, 3);
      expect(fromUpgrade).toEqual([
        { type: 'server_model', model: 'gpt-routed' },
        { type: 'models_etag', etag: '"models-7"' },
        { type: 'reasoning_included', included: true },
      ]);
      expect(events.filter((event) => event.type === 'turn_state').map((event) => (event.type === 'turn_state' ? event.turnState : ''))).not.toContain('ignored');
    }
    expect(setup.server.recording.handshakes).toHaveLength(1);
    expect(turn.turnState).toBe(setup.server.turnStates.get('turn-1'));
  });
});
