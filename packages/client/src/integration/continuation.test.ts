import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { drain, RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ContinuationDecisionRecord } from '../telemetry/client-telemetry.js';
import type { ModelClientSession } from '../turn/model-client-session.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** Runs one completed exchange and appends its output plus a new user message. */
async function exchange(turn: ModelClientSession, history: ResponseItem[], telemetry: RecordingTelemetry, text: string, overrides = {}): Promise<void> {
  history.push(userMessage(text));
  const result = await turn.stream(prompt(history, overrides), turnContext({}, telemetry)).result;
  history.push(...result.output);
}

function lastDecision(telemetry: RecordingTelemetry): ContinuationDecisionRecord | undefined {
  return telemetry.decisions.at(-1);
}

/** Starts a loopback client, opens a turn and runs a first completed exchange ('one'). */
async function afterFirstExchange(...options: Parameters<typeof startLoopback>) {
  const started = await startLoopback(...options);
  setup = started;
  const telemetry = new RecordingTelemetry();
  const turn = started.client.newTurn();
  const history: ResponseItem[] = [];
  await exchange(turn, history, telemetry, 'one');
  return { server: started.server, telemetry, turn, history };
}

describe('incremental continuation: every "otherwise full" case', () => {
  it('is full when a non-input field changed', async () => {
    const { telemetry, turn, history } = await afterFirstExchange();
    await exchange(turn, history, telemetry, 'two', { instructions: 'different instructions' });
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'full', reason: 'request_changed' });
    await exchange(turn, history, telemetry, 'three', { instructions: 'different instructions' });
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'incremental', sentItems: 1 });
  });

  it('is full when the input does not extend the previous input plus output', async () => {
    const { server, telemetry, turn } = await afterFirstExchange();
    const rewritten = [userMessage('something else'), userMessage('next')];
    await turn.stream(prompt(rewritten), turnContext({}, telemetry)).result;
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'full', reason: 'input_not_extended', sentItems: 2 });
    expect((server.recording.requests[1]?.body as Record<string, unknown>)['previous_response_id']).toBeUndefined();
  });

  it('is full after a stream that was not read to its end (aborted), on a new socket', async () => {
    const { server, telemetry, turn, history } = await afterFirstExchange({}, { tokenDelayMs: 5, answerChars: 60 });
    history.push(userMessage('two'));
    const stream = turn.stream(prompt(history), turnContext({}, telemetry));
    for await (const event of stream) {
      if (event.type === 'output_text_delta') break;
    }
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    history.push(userMessage('three'));
    await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'full', reason: 'new_connection' });
    expect(server.recording.counters.handshakes).toBe(2);
  });

  it('is full on a new socket after the server closed the old one between requests', async () => {
    const { server, telemetry, turn, history } = await afterFirstExchange();
    server.faults.next({ kind: 'close', afterEvents: 0, code: 1001 }, { on: 'websocket' });
    await exchange(turn, history, telemetry, 'two');
    // The incremental attempt was cut before any event; the retry went out on a new socket, in full.
    expect(telemetry.decisions.map((decision) => decision.mode)).toEqual(['full', 'incremental', 'full']);
    expect(lastDecision(telemetry)).toMatchObject({ reason: 'new_connection' });
    await exchange(turn, history, telemetry, 'three');
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'incremental' });
  });

  it('is full after a response that ended in an error', async () => {
    const { server, telemetry, turn, history } = await afterFirstExchange({ providerOverrides: { requestMaxRetries: 0 } });
    server.faults.next({ kind: 'failed', code: 'server_error' }, { on: 'websocket' });
    history.push(userMessage('two'));
    const failed = turn.stream(prompt(history), turnContext({}, telemetry));
    await expect(drain(failed)).rejects.toMatchObject({ kind: 'retryable', retryable: true });
    await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'full', reason: 'previous_not_completed' });
    expect(server.recording.counters.handshakes).toBe(1);
  });

  it('is full (over HTTP) after the fallback', async () => {
    const { server, telemetry, turn, history } = await afterFirstExchange();
    expect(turn.trySwitchToHttpFallback(telemetry)).toBe(true);
    await exchange(turn, history, telemetry, 'two');
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'full', reason: 'http_transport' });
    expect(server.recording.requests.at(-1)?.transport).toBe('http');
  });

  it('resends in full once, transparently, on previous_response_not_found', async () => {
    const { server, telemetry, turn, history } = await afterFirstExchange();
    server.faults.next({ kind: 'error', code: 'previous_response_not_found' }, { on: 'websocket' });
    history.push(userMessage('two'));
    const stream = turn.stream(prompt(history), turnContext({}, telemetry));
    const events = await drain(stream);
    expect(events.filter((event) => event.type === 'created')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'failed')).toHaveLength(0);
    const result = await stream.result;
    expect(result.incremental).toBe(false);
    const bodies = server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(3);
    expect(bodies[1]?.['previous_response_id']).toBeDefined();
    expect(bodies[2]?.['previous_response_id']).toBeUndefined();
    expect(bodies[2]?.['input']).toEqual(history);
    expect(server.recording.counters.handshakes).toBe(1);
    expect(telemetry.attempts.filter((attempt) => attempt.error !== null)).toEqual([]);
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'full', reason: 'previous_response_not_found' });
  });

  it.each([
    ['codex_previous_response_stale', undefined],
    ['', "Invalid previous_response_id: 'resp_x' is no longer available on this connection."],
    ['', "Previous response with id 'resp_x' not found."],
  ])('resends in full once, transparently, when the error says the previous response is gone (code %j, message %j)', async (code, message) => {
    const { server, telemetry, turn, history } = await afterFirstExchange();
    server.faults.next({ kind: 'error', code, ...(message === undefined ? {} : { message }) }, { on: 'websocket' });
    history.push(userMessage('two'));
    const stream = turn.stream(prompt(history), turnContext({}, telemetry));
    const events = await drain(stream);
    expect(events.filter((event) => event.type === 'failed')).toHaveLength(0);
    const result = await stream.result;
    expect(result.incremental).toBe(false);
    const bodies = server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(3);
    expect(bodies[1]?.['previous_response_id']).toBeDefined();
    expect(bodies[2]?.['previous_response_id']).toBeUndefined();
    expect(lastDecision(telemetry)).toMatchObject({ mode: 'full', reason: 'previous_response_not_found' });
  });

  it.each([
    // The loopback server sends `codex.rate_limits` and `response.metadata` before the counted events.
    ['response.created', 1],
    ['response.created and response.in_progress', 2],
  ])('resends in full once, transparently, on previous_response_not_found after the rate limits, the metadata and %s (no output yet), on a new socket', async (_label, afterEvents) => {
    const { server, telemetry, turn, history } = await afterFirstExchange();
    server.faults.next({ kind: 'error', code: 'previous_response_not_found', afterEvents }, { on: 'websocket' });
    history.push(userMessage('two'));
    const stream = turn.stream(prompt(history), turnContext({}, telemetry));
    const events = await drain(stream);
    const result = await stream.result;
    expect(events.filter((event) => event.type === 'failed')).toHaveLength(0);
    // What the first response forwarded is not forwarded again by the resent one.
    expect(events.filter((event) => event.type === 'created')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'rate_limits')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'output_item_done').map((event) => event.type)).toHaveLength(result.output.length);
    expect(events.at(-1)).toMatchObject({ type: 'completed', responseId: result.responseId });
    expect(result.incremental).toBe(false);
    const bodies = server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(3);
    expect(bodies[1]?.['previous_response_id']).toBeDefined();
    expect(bodies[2]?.['previous_response_id']).toBeUndefined();
    expect(bodies[2]?.['input']).toEqual(history);
    // The refused response had started: its socket drains and is retired (as after any error
    // frame), and the full input goes out on a new one.
    expect(server.recording.counters.handshakes).toBe(2);
    const [first, refused, resent] = server.recording.requests.map((request) => request.connectionId);
    expect(refused).toBe(first);
    expect(resent).not.toBe(first);
    expect(telemetry.attempts.filter((attempt) => attempt.error !== null)).toEqual([]);
  });

  it('fails with previous_response_not_found once output reached the caller', async () => {
    const { server, telemetry, turn, history } = await afterFirstExchange();
    server.faults.next({ kind: 'error', code: 'previous_response_not_found', afterEvents: 3 }, { on: 'websocket' });
    history.push(userMessage('two'));
    const stream = turn.stream(prompt(history), turnContext({}, telemetry));
    const events: string[] = [];
    const error = await (async () => {
      for await (const event of stream) events.push(event.type);
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(events).toContain('output_item_added');
    expect(error).toMatchObject({ code: 'previous_response_not_found' });
    expect(server.recording.requests).toHaveLength(2);
  });
});
