// Steering against servers that do not steer as the API does, over real sockets to a
// hand-written server: one that ignores `response.steer`, one that accepts it and then goes
// silent after the terminal frame, one that answers it with an `error` frame. The request
// always ends with its response's own result, nothing is committed twice, and the server's
// refusal is remembered.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { responseFrames, startScripted, type ScriptedSetup, type ScriptedSocket } from '../__fixtures__/scripted-ws-server.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import type { SteerCommit, SteerOutcome } from '../steering/steer-handle.js';

let setup: ScriptedSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** What the scripted server does with a `response.steer`, relative to the response it names. */
type SteerBehaviour = 'ignore' | 'accept-then-silent' | 'accept-then-successor' | 'fail' | 'error-frame';

interface ServerScript {
  /** How the steer is answered. */
  readonly behaviour: SteerBehaviour;
  /** Whether the answer comes before the response's terminal frame (else right after it). */
  readonly answerBeforeTerminal: boolean;
}

/**
 * A server that streams `response.created` and then waits for the steer; once it arrived it
 * answers per `script` and finishes the response (frames numbered in one sequence).
 */
function steeredServer(script: ServerScript): (received: { frame: Record<string, unknown>; socket: ScriptedSocket }) => void {
  let responses = 0;
  let held: { readonly frames: Record<string, unknown>[]; readonly id: string } | null = null;
  return ({ frame, socket }) => {
    if (frame['type'] === 'response.create') {
      responses += 1;
      const id = `resp_${socket.index}_${responses}`;
      const frames = responseFrames(id, `answer ${responses}`);
      socket.send(frames[0] as Record<string, unknown>);
      // Only the first response waits for a steer; later ones stream straight through.
      if (responses === 1 && socket.index === 0) held = { frames, id };
      else for (const next of frames.slice(1)) socket.send(next);
      return;
    }
    if (frame['type'] !== 'response.steer' || held === null) return;
    const { frames, id } = held;
    held = null;
    let sequence = frames.length;
    const answer: Record<string, unknown>[] = [];
    const after: Record<string, unknown>[] = [];
    switch (script.behaviour) {
      case 'ignore':
        break;
      case 'accept-then-silent':
        answer.push({ type: 'response.steer.accepted', steer: { id: 'steer_1', previous_response_id: id } });
        break;
      case 'accept-then-successor':
        answer.push({ type: 'response.steer.accepted', steer: { id: 'steer_1', previous_response_id: id } });
        after.push(...responseFrames(`${id}_next`, 'steered answer').map((event) => ({ ...event, sequence_number: (event['sequence_number'] as number) + 100 })));
        break;
      case 'fail':
        answer.push({ type: 'response.steer.failed', error: { code: 'response_not_active', message: 'no' }, steer: { previous_response_id: id, input: frame['input'] } });
        break;
      case 'error-frame':
        answer.push({ type: 'error', error: { type: 'invalid_request_error', code: 'unknown_event_type', message: "Unknown event type 'response.steer'.", param: 'type' } });
        break;
    }
    const numbered = answer.map((event) => ({ ...event, sequence_number: (sequence += 1) }));
    const body = frames.slice(1);
    const terminal = body.pop() as Record<string, unknown>;
    for (const event of body) socket.send(event);
    if (script.answerBeforeTerminal) for (const event of numbered) socket.send(event);
    socket.send(terminal);
    if (!script.answerBeforeTerminal) for (const event of numbered) socket.send(event);
    for (const event of after) socket.send(event);
  };
}

async function steerOnce(script: ServerScript): Promise<{ readonly result: { readonly responseId: string; readonly output: readonly unknown[] }; readonly outcome: SteerOutcome; readonly commits: SteerCommit[] }> {
  setup = await startScripted(steeredServer(script), { requestMaxRetries: 0, streamMaxRetries: 0 });
  const { client } = setup;
  const commits: SteerCommit[] = [];
  const turn = client.newTurn();
  const stream = turn.stream(prompt([userMessage('hello')]), turnContext(), { onSteerCommitted: (commit) => commits.push(commit) });
  const handle = stream.steer('also this');
  const result = await stream.result;
  const outcome = await handle.outcome;
  return { result, outcome, commits };
}

describe('steering against a server that does not answer as the API does', () => {
  it('a server that ignores response.steer: the request ends with its own result after the grace, the steer is unknown, and later steers are handed back at once', async () => {
    const { result, outcome, commits } = await steerOnce({ behaviour: 'ignore', answerBeforeTerminal: false });
    expect(result.responseId).toBe('resp_0_1');
    expect(outcome).toMatchObject({ status: 'unknown', reason: 'no_answer', input: 'also this' });
    expect(commits).toEqual([]);
    // The socket that may still carry a successor was retired: the next request opens another.
    const turn = (setup as ScriptedSetup).client.newTurn();
    const next = turn.stream(prompt([userMessage('again')]), turnContext());
    const refused = next.steer('more');
    expect(refused.state).toBe('unavailable');
    expect(await refused.outcome).toEqual({ status: 'unavailable', reason: 'unsupported_server', input: 'more' });
    expect((await next.result).responseId).toBe('resp_1_2');
    expect(setup?.server.connections).toBe(2);
    expect(setup?.server.received.filter((entry) => entry.frame['type'] === 'response.steer')).toHaveLength(1);
  });

  it('a server that accepts and then goes silent after the terminal frame: the steer is unknown, the result is the response itself, the server is not marked as refusing', async () => {
    const { result, outcome, commits } = await steerOnce({ behaviour: 'accept-then-silent', answerBeforeTerminal: true });
    expect(result.responseId).toBe('resp_0_1');
    expect(result.output).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'unknown', reason: 'no_answer', steerId: 'steer_1' });
    expect(commits).toEqual([]);
    const next = (setup as ScriptedSetup).client.newTurn().stream(prompt([userMessage('again')]), turnContext());
    const handle = next.steer('more');
    await next.result;
    // Sent (the server answers steers), then unanswered again.
    expect(handle.state).not.toBe('unavailable');
  });

  it('an error frame without stream_id answering response.steer hands the input back and leaves the response and the socket alone', async () => {
    const { result, outcome, commits } = await steerOnce({ behaviour: 'error-frame', answerBeforeTerminal: true });
    expect(result.responseId).toBe('resp_0_1');
    expect(result.output).toHaveLength(1);
    expect(outcome).toEqual({ status: 'unavailable', reason: 'unsupported_server', input: 'also this' });
    expect(commits).toEqual([]);
    // The socket stays in use (the error was the steer's, not the response's), and the session remembers.
    const next = (setup as ScriptedSetup).client.newTurn().stream(prompt([userMessage('again')]), turnContext());
    expect(next.steer('more').state).toBe('unavailable');
    expect((await next.result).responseId).toBe('resp_0_2');
    expect(setup?.server.connections).toBe(1);
  });

  it('property: whatever the server does with a steer and wherever its answer lands, the request ends with one result and the input is committed at most once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<SteerBehaviour>('ignore', 'accept-then-silent', 'accept-then-successor', 'fail', 'error-frame'),
        fc.boolean(),
        async (behaviour, answerBeforeTerminal) => {
          try {
            const { result, outcome, commits } = await steerOnce({ behaviour, answerBeforeTerminal });
            const committed = commits.flatMap((commit) => commit.steers);
            expect(committed.length).toBeLessThanOrEqual(1);
            if (outcome.status === 'committed') {
              expect(behaviour).toBe('accept-then-successor');
              expect(result.responseId).toBe('resp_0_1_next');
              expect(committed).toHaveLength(1);
            } else {
              expect(committed).toHaveLength(0);
              expect(result.responseId).toBe('resp_0_1');
            }
            if (behaviour === 'fail') expect(outcome).toMatchObject({ status: 'failed', code: 'response_not_active' });
            if (behaviour === 'error-frame') expect(outcome).toMatchObject({ status: 'unavailable', reason: 'unsupported_server' });
            if (behaviour === 'ignore' || behaviour === 'accept-then-silent') expect(outcome).toMatchObject({ status: 'unknown', reason: 'no_answer' });
            if (behaviour === 'accept-then-successor') expect(outcome.status).toBe('committed');
          } finally {
            await setup?.close();
            setup = undefined;
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 60_000);
});
