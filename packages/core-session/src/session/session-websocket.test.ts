import { afterEach, describe, expect, it } from 'vitest';
import { collect, milestones, shellTool, startSession, streamedText, turnIdOf, TurnTelemetryLog, type SessionSetup } from '../__fixtures__/session-fixtures.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('a session over the WebSocket', () => {
  it('runs multi-turn tool loops on the pre-connected socket, incrementally, with no sticky violation', async () => {
    const calls: string[] = [];
    const telemetry = new TurnTelemetryLog();
    setup = await startSession({ tools: [shellTool(calls)], telemetry: telemetry.factory }, { handshakeDelayMs: 30 });
    const { session, server } = setup;

    const first = session.submit('run: ls -la');
    const one = await collect(first);
    const result = await first.result;
    expect(milestones(one.events)).toEqual(['turn_started', 'tool_call_started', 'tool_call_finished', 'turn_completed']);
    expect(calls).toEqual(['ls -la']);
    expect(result.finalMessage).toBe('shell returned:\nran: ls -la\nDone.');
    expect(streamedText(one.events)).toBe('shell returned:\nran: ls -la\nDone.');
    expect(result.requests).toBe(2);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    const finished = one.events.find((event) => event.type === 'tool_call_finished');
    expect(finished).toMatchObject({ name: 'shell', kind: 'function', output: 'ran: ls -la', success: true });

    const second = session.submit('run: pwd');
    await collect(second);
    expect((await second.result).finalMessage).toBe('shell returned:\nran: pwd\nDone.');
    const third = await session.submit('thanks').result;
    expect(third.finalMessage).toBe('You said: thanks');
    expect(third.requests).toBe(1);

    const requests = server.recording.requests.filter((request) => request.endpoint === 'responses');
    expect(requests.map((request) => request.transport)).toEqual(Array(5).fill('websocket'));
    // Pre-connect adopted by turn one: a single handshake for the whole session.
    expect(server.recording.counters.handshakes).toBe(1);
    expect(new Set(requests.map((request) => request.connectionId)).size).toBe(1);
    expect(server.recording.stickyViolations).toEqual([]);
    // Follow-ups and later turns continue the chain: only the first request is sent in full.
    const bodies = requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies[0]).not.toHaveProperty('previous_response_id');
    for (const body of bodies.slice(1)) expect(body['previous_response_id']).toEqual(expect.any(String));
    expect((bodies[1]?.['input'] as unknown[]).map((item) => (item as { type: string }).type)).toEqual(['function_call_output']);

    // One fresh turn id per turn, the same on every request of the turn; one telemetry handle per turn.
    const turnIds = requests.map(turnIdOf);
    expect(turnIds[0]).toBe(first.turnId);
    expect(turnIds[1]).toBe(first.turnId);
    expect(turnIds[2]).toBe(second.turnId);
    expect(turnIds[3]).toBe(second.turnId);
    expect(new Set(turnIds).size).toBe(3);
    expect(telemetry.scopes).toEqual([
      { model: 'gpt-test', turnId: first.turnId },
      { model: 'gpt-test', turnId: second.turnId },
      { model: 'gpt-test', turnId: third.turnId },
    ]);
    expect(telemetry.ends).toEqual([first, second, third].map((turn) => ({ turnId: turn.turnId, error: null })));
  });

  it('commits complete items only, keeping reasoning with its encrypted content and replaying it', async () => {
    setup = await startSession({ tools: [shellTool()], client: { random: () => 0.5, enableWebSockets: true } });
    const { session, server } = setup;
    await session.submit('run: echo hi').result;
    const types = session.history.map((item) => item.type);
    expect(types).toEqual(['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message']);
    const reasoning = session.history.filter((item) => item.type === 'reasoning');
    for (const item of reasoning) expect(item['encrypted_content']).toEqual(expect.any(String));
    const ids = session.history.map((item) => item['id']).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);

    // A new socket (full request) must replay the reasoning items verbatim.
    server.faults.next({ kind: 'close', afterEvents: 0, code: 1001 });
    await session.submit('again').result;
    const full = server.recording.requests
      .filter((request) => request.endpoint === 'responses')
      .map((request) => request.body as { input: { type: string; encrypted_content?: string }[]; previous_response_id?: string })
      .find((body, index) => index > 1 && body.previous_response_id === undefined);
    expect(full?.input.filter((item) => item.type === 'reasoning').map((item) => item.encrypted_content)).toEqual(reasoning.map((item) => item['encrypted_content']));
  });

  it('passes per-turn overrides in the turn context and metadata', async () => {
    setup = await startSession({ turnMetadata: { workspace: 'demo' }, webSearchEligible: false });
    const { session, server } = setup;
    await session.submit('hello', { reasoningEffort: 'high', verbosity: 'low', metadata: { workspace: 'other', turn_id: 'ignored' } }).result;
    const body = server.recording.requests[0]?.body as { reasoning?: { effort?: string }; text?: { verbosity?: string }; client_metadata?: Record<string, string> };
    expect(body.reasoning?.effort).toBe('high');
    expect(body.text?.verbosity).toBe('low');
    const metadata = JSON.parse(body.client_metadata?.['x-codex-turn-metadata'] ?? '{}') as Record<string, unknown>;
    expect(metadata['workspace']).toBe('other');
    expect(metadata['turn_id']).not.toBe('ignored');
    expect(body.client_metadata?.['x-oai-web-search-eligible']).toBe('false');
  });

  it('falls back to HTTP at once on 426 and reports it once', async () => {
    setup = await startSession({ tools: [shellTool()] });
    const { session, server } = setup;
    // The pre-connect is refused first; the first request's own handshake too.
    server.faults.next({ kind: 'refuse-upgrade', status: 426 });
    server.faults.next({ kind: 'refuse-upgrade', status: 426 });
    await session.services.preconnected;
    const handle = session.submit('run: ls');
    const { events } = await collect(handle);
    expect(events.filter((event) => event.type === 'transport_fallback')).toEqual([{ type: 'transport_fallback', turnId: handle.turnId, reason: 'upgrade_required' }]);
    expect(events.some((event) => event.type === 'retrying')).toBe(false);
    await handle.result;
    const later = await collect(session.submit('hello'));
    expect(later.types).not.toContain('transport_fallback');
    expect(server.recording.requests.map((request) => request.transport)).toEqual(['http', 'http', 'http']);
    expect(server.recording.stickyViolations).toEqual([]);
  });
});

describe('warm-up', () => {
  it('prewarms before the first turn, whose first request then sends only the user input', async () => {
    setup = await startSession({ prewarm: true });
    const { session, server } = setup;
    const handle = session.submit('hello');
    expect((await handle.result).finalMessage).toBe('You said: hello');
    const [warm, real] = server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(warm?.['generate']).toBe(false);
    expect(warm?.['instructions']).toBe('You are a test agent.');
    expect(warm?.['input']).toEqual([]);
    expect(real?.['previous_response_id']).toBe(server.recording.requests[0]?.responseId);
    expect(real?.['input']).toEqual([session.history[0]]);
    expect(server.recording.counters.handshakes).toBe(1);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('answers null when the upgrade is refused with 426, and the next turn reports the fallback', async () => {
    setup = await startSession({ preconnect: false });
    const { session, server } = setup;
    server.faults.next({ kind: 'refuse-upgrade', status: 426 });
    expect(await session.prewarm()).toBeNull();
    const { types } = await collect(session.submit('hello'));
    expect(types.filter((type) => type === 'transport_fallback')).toHaveLength(1);
    expect(server.recording.requests.map((request) => request.transport)).toEqual(['http']);
  });

  it('does nothing over HTTP', async () => {
    setup = await startSession({ webSocket: false });
    expect(await setup.session.prewarm()).toBeNull();
    expect(setup.server.recording.requests).toEqual([]);
  });
});
