import { ContextWindowExceededError, StreamIncompleteError } from '@modelwire/protocol';
import type { Fault, FaultTarget } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, shellTool, startSession, streamedText, TurnTelemetryLog, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import type { SessionEvent } from '../events/session-event.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** A fault for the responses requests at the given positions of the recording. */
function onRequests(indexes: readonly number[], fault: Fault): (target: FaultTarget) => Fault | undefined {
  return (target) => (target.phase !== 'handshake' && target.endpoint === 'responses' && indexes.includes(target.requestIndex) ? fault : undefined);
}

function retrying(events: readonly SessionEvent[]): Extract<SessionEvent, { type: 'retrying' }>[] {
  return events.filter((event): event is Extract<SessionEvent, { type: 'retrying' }> => event.type === 'retrying');
}

// Event 0 is codex.rate_limits, 1 response.metadata; the reasoning item is done at 28 and the
// answer's text deltas start at 31: cutting after 33 events leaves a finished reasoning item and
// some text behind.
const CUT_MID_ANSWER = 33;

describe('stream retries', () => {
  it('discards the partial output of a cut WebSocket stream and streams the answer again', async () => {
    const telemetry = new TurnTelemetryLog();
    setup = await startSession({ telemetry: telemetry.factory }, { answerChars: 40 });
    const { session, server } = setup;
    server.faults.use(onRequests([0], { kind: 'close', afterEvents: CUT_MID_ANSWER }));
    const handle = session.submit('hello there');
    const { events } = await collect(handle);
    const result = await handle.result;
    const [retry] = retrying(events);
    expect(retrying(events)).toHaveLength(1);
    expect(retry).toMatchObject({ attempt: 1, max: 5, discardedItems: 1, code: 'connection_closed', transport: 'websocket' });
    // The deltas the caller saw before the cut are counted as discarded.
    const seenBefore = events.slice(0, events.indexOf(retry as SessionEvent)).filter((event) => event.type === 'text_delta' || event.type === 'reasoning_delta');
    expect(seenBefore.length).toBeGreaterThan(0);
    expect(retry?.discardedDeltas).toBe(seenBefore.length);
    // Reported to the turn's telemetry too, with the same delay.
    expect(telemetry.streamRetries).toEqual([{ turnId: handle.turnId, attempt: 1, delayMs: retry?.delayMs, code: 'connection_closed' }]);
    // The deltas of the failed attempt were forwarded before the failure; the full answer follows the retry.
    const retryIndex = events.indexOf(retry as SessionEvent);
    expect(streamedText(events.slice(retryIndex))).toBe(result.finalMessage);
    expect(streamedText(events.slice(0, retryIndex)).length).toBeGreaterThan(0);
    // Committed once: user message, one reasoning item, one message.
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'message']);
    expect(result.items).toEqual(session.history);
    expect(result.requests).toBe(1);
    // The retry went out on a new socket, in full, with the turn's sticky token.
    const requests = server.recording.requests;
    expect(requests).toHaveLength(2);
    expect(requests[1]?.connectionId).not.toBe(requests[0]?.connectionId);
    expect((requests[1]?.body as { previous_response_id?: string }).previous_response_id).toBeUndefined();
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('retries a broken tool-loop follow-up without running the tool twice or duplicating items', async () => {
    const calls: string[] = [];
    setup = await startSession({ tools: [shellTool(calls)] }, { answerChars: 40 });
    const { session, server } = setup;
    server.faults.use(onRequests([1, 2], { kind: 'close', afterEvents: CUT_MID_ANSWER }));
    const handle = session.submit('run: ls');
    const { events } = await collect(handle);
    const result = await handle.result;
    expect(retrying(events).map((event) => event.attempt)).toEqual([1, 2]);
    expect(calls).toEqual(['ls']);
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message']);
    expect(result.finalMessage).toMatch(/^shell returned:/);
    expect(server.recording.requests).toHaveLength(4);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('waits as long as the server asks before retrying', async () => {
    setup = await startSession({ webSocket: false });
    const { session, server } = setup;
    server.faults.use(onRequests([0], { kind: 'error', code: 'rate_limit_exceeded', afterEvents: 4, message: 'Rate limit reached. Please try again in 35ms.' }));
    const handle = session.submit('hello');
    const { events } = await collect(handle);
    expect(retrying(events)).toEqual([expect.objectContaining({ attempt: 1, delayMs: 35, code: 'retryable' })]);
    expect((await handle.result).finalMessage).toBe('You said: hello');
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'message']);
  });

  it('ends the turn with a typed error on a fatal failure and keeps what was committed', async () => {
    const telemetry = new TurnTelemetryLog();
    setup = await startSession({ tools: [shellTool()], telemetry: telemetry.factory });
    const { session, server } = setup;
    server.faults.use(onRequests([1], { kind: 'error', code: 'context_length_exceeded', afterEvents: 2 }));
    const handle = session.submit('run: cat big.log');
    const { events } = await collect(handle);
    const last = events.at(-1);
    expect(last?.type).toBe('turn_failed');
    const error = last?.type === 'turn_failed' ? last.error : undefined;
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    await expect(handle.result).rejects.toBe(error);
    expect(retrying(events)).toEqual([]);
    expect(telemetry.ends).toEqual([{ turnId: handle.turnId, error: 'context_window_exceeded' }]);
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'function_call', 'function_call_output']);
    // The session goes on.
    expect((await session.submit('still there?').result).finalMessage).toBe('You said: still there?');
  });

  it.each([
    ['websocket', 'max_output_tokens'],
    ['http', 'max_output_tokens'],
    ['websocket', 'content_filter'],
  ] as const)('over %s, response.incomplete (%s) ends the turn with a typed error: not re-streamed, nothing partial committed', async (transport, reason) => {
    setup = await startSession({ webSocket: transport === 'websocket' }, { answerChars: 40 });
    const { session, server } = setup;
    server.faults.use(onRequests([0], { kind: 'incomplete', reason, afterEvents: CUT_MID_ANSWER }));
    const handle = session.submit('hello there');
    const { events } = await collect(handle);
    const last = events.at(-1);
    expect(last?.type).toBe('turn_failed');
    const error = last?.type === 'turn_failed' ? last.error : undefined;
    expect(error).toBeInstanceOf(StreamIncompleteError);
    expect(error).toMatchObject({ code: 'response_incomplete', retryable: false });
    await expect(handle.result).rejects.toBe(error);
    expect(retrying(events)).toEqual([]);
    expect(server.recording.requests).toHaveLength(1);
    expect(server.recording.requests[0]?.transport).toBe(transport);
    // Only the user's message; the truncated reasoning and text are not committed.
    expect(session.history.map((item) => item.type)).toEqual(['message']);
  });

  it('switches to HTTP when the WebSocket budget is exhausted mid-turn, once, and stays there with the sticky token', async () => {
    const telemetry = new TurnTelemetryLog();
    setup = await startSession({ tools: [shellTool()], provider: { baseUrl: 'unused', streamMaxRetries: 1 }, telemetry: telemetry.factory }, { answerChars: 40 });
    const { session, server } = setup;
    server.faults.use(onRequests([1, 2], { kind: 'close', afterEvents: CUT_MID_ANSWER }));
    const first = session.submit('run: ls');
    const { events } = await collect(first);
    const result = await first.result;
    expect(events.filter((event) => event.type === 'retrying' || event.type === 'transport_fallback').map((event) => event.type)).toEqual(['retrying', 'transport_fallback']);
    expect(events.find((event) => event.type === 'transport_fallback')).toMatchObject({ reason: 'stream_retries_exhausted', turnId: first.turnId });
    // One re-stream after a backoff on the WebSocket, one at once over HTTP after the switch.
    const backoff = retrying(events)[0]?.delayMs;
    expect(telemetry.streamRetries).toEqual([
      { turnId: first.turnId, attempt: 1, delayMs: backoff, code: 'connection_closed' },
      { turnId: first.turnId, attempt: 2, delayMs: 0, code: 'connection_closed' },
    ]);
    expect(result.finalMessage).toMatch(/^shell returned:/);
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message']);
    expect(session.services.client.usesWebSocket).toBe(false);

    const second = session.submit('run: pwd');
    const later = await collect(second);
    expect(later.types).not.toContain('transport_fallback');
    expect((await second.result).finalMessage).toMatch(/^shell returned:/);

    const requests = server.recording.requests;
    expect(requests.map((request) => request.transport)).toEqual(['websocket', 'websocket', 'websocket', 'http', 'http', 'http']);
    expect(server.recording.counters.handshakes).toBe(2);
    // The HTTP request of the first turn replays the token the WebSocket response issued.
    expect(requests[3]?.headers['x-codex-turn-state']).toEqual(expect.any(String));
    expect(server.recording.stickyViolations).toEqual([]);
    expect(telemetry.fallbacks).toEqual([`${first.turnId}:stream_retries_exhausted`]);
    expect(telemetry.streamRetries).toHaveLength(2);
  });

  it('streams the answer again over HTTP when the WebSocket closes with 1009 after output began, committing nothing partial', async () => {
    const telemetry = new TurnTelemetryLog();
    setup = await startSession({ telemetry: telemetry.factory }, { answerChars: 40 });
    const { session, server } = setup;
    server.faults.use(onRequests([0], { kind: 'close', afterEvents: CUT_MID_ANSWER, code: 1009 }));
    const handle = session.submit('hello there');
    const { events, types } = await collect(handle);
    const result = await handle.result;
    expect(types.filter((type) => !type.endsWith('_delta'))).toEqual(['turn_started', 'transport_fallback', 'turn_completed']);
    expect(events.find((event) => event.type === 'transport_fallback')).toMatchObject({ reason: 'message_too_big', turnId: handle.turnId });
    // The deltas of the cut attempt came before the fallback; the whole answer streams again after it.
    const fallbackIndex = types.indexOf('transport_fallback');
    expect(streamedText(events.slice(0, fallbackIndex)).length).toBeGreaterThan(0);
    expect(streamedText(events.slice(fallbackIndex))).toBe(result.finalMessage);
    // Re-streamed at once over HTTP (no backoff), reported to the turn's telemetry.
    expect(telemetry.streamRetries).toEqual([{ turnId: handle.turnId, attempt: 1, delayMs: 0, code: 'connection_closed' }]);
    expect(telemetry.fallbacks).toEqual([`${handle.turnId}:message_too_big`]);
    // Committed once: the cut reasoning and text are not in the history.
    expect(session.history.map((item) => item.type)).toEqual(['message', 'reasoning', 'message']);
    expect(result.items).toEqual(session.history);
    expect(server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'http']);
    expect((server.recording.requests[1]?.body as { previous_response_id?: string }).previous_response_id).toBeUndefined();
    expect(server.recording.stickyViolations).toEqual([]);

    // The session stays on HTTP; the next turn reports no second fallback.
    const next = session.submit('again');
    const later = await collect(next);
    await next.result;
    expect(later.types).not.toContain('transport_fallback');
    expect(server.recording.requests.at(-1)?.transport).toBe('http');
  });

  it('fails a request over HTTP with its own fatal error after a 426 switch, without re-streaming it', async () => {
    setup = await startSession({}, { answerChars: 40 });
    const { session, server } = setup;
    server.faults.next({ kind: 'refuse-upgrade', status: 426 });
    server.faults.use(onRequests([0], { kind: 'error', code: 'context_length_exceeded' }));
    const handle = session.submit('hello there');
    const { types } = await collect(handle);
    const error = await handle.result.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(types).toEqual(['turn_started', 'transport_fallback', 'turn_failed']);
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(server.recording.requests.map((request) => request.transport)).toEqual(['http']);
  });
});
