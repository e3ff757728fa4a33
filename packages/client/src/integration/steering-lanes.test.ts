// Steering a turn on a named lane while another lane runs on the same socket (loopback server,
// real sockets): the steer names the right response, the successor stays on its lane, and the
// other lane's request, history and chain are untouched.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { SteerHoldPoint } from '@modelwire/testing';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import type { SteerCommit, SteerHandle } from '../steering/steer-handle.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Body = { readonly type?: string; readonly stream_id?: string; readonly previous_response_id?: string; readonly input?: unknown };
const bodies = (): Body[] => (setup?.server.recording.requests ?? []).map((request) => request.body as Body);

/** Two lanes at once on one socket; `steered` is steered where the server holds it, the other runs meanwhile. */
async function steerOneLane(hold: SteerHoldPoint, steeredLane: string | undefined, otherLane: string | undefined) {
  setup = await startLoopback({}, { tokenDelayMs: 1, answerChars: 16 });
  await setup.client.preconnect();
  setup.server.steering.hold(hold);
  const steeredTurn = setup.client.newTurn(steeredLane === undefined ? {} : { lane: steeredLane });
  const otherTurn = setup.client.newTurn(otherLane === undefined ? {} : { lane: otherLane });
  const commits: SteerCommit[] = [];
  const otherCommits: SteerCommit[] = [];
  const lanesSeen: unknown[] = [];
  const history: ResponseItem[] = [userMessage('steered task')];
  const stream = steeredTurn.stream(prompt(history), turnContext({ turnMetadata: { turn_id: 'steered' } }), {
    onSteerCommitted: (commit) => commits.push(commit),
    onRawEvent: (event) => lanesSeen.push((event as { stream_id?: unknown }).stream_id),
  });
  let handle: SteerHandle | undefined;
  let other: Promise<Awaited<ReturnType<typeof otherTurn.stream>['result']>> | undefined;
  const trigger = hold === 'after-created' ? 'created' : 'output_item_done';
  for await (const event of stream) {
    if (event.type !== trigger || handle !== undefined) continue;
    // The held lane waits; the other lane runs to its end on the same socket before the steer goes out.
    const otherStream = otherTurn.stream(prompt([userMessage('other task')]), turnContext({ turnMetadata: { turn_id: 'other' } }), { onSteerCommitted: (commit) => otherCommits.push(commit) });
    other = otherStream.result;
    await other;
    handle = stream.steer('steer the held lane');
  }
  const result = await stream.result;
  const otherResult = await (other as NonNullable<typeof other>);
  return { result, otherResult, handle: handle as SteerHandle, commits, otherCommits, lanesSeen, history, steeredTurn, otherTurn };
}

describe('steering on a named lane', () => {
  it('steers the held lane: the steer names its response, the successor stays on its lane, the other lane is untouched, and both chains continue', async () => {
    const run = await steerOneLane('after-first-item', 'worker-b', 'worker-a');
    const outcome = await run.handle.outcome;
    expect(outcome.status).toBe('committed');
    const predecessor = run.result.predecessors?.[0]?.responseId;
    expect(predecessor).toBeDefined();
    expect(bodies().filter((body) => body.type === 'response.steer')).toEqual([{ type: 'response.steer', previous_response_id: predecessor, input: 'steer the held lane' }]);
    // Every frame the steered request received (the successor's included) carried its lane.
    expect(new Set(run.lanesSeen)).toEqual(new Set(['worker-b']));
    expect(run.commits).toHaveLength(1);
    expect(run.otherCommits).toEqual([]);
    expect(run.otherResult.predecessors).toBeUndefined();
    expect(JSON.stringify(run.otherResult.output)).not.toContain('steer the held lane');
    expect(setup?.server.recording.counters.handshakes).toBe(1);
    // Each turn continues its own chain on its own lane: the steered one from its successor.
    const steeredNext = run.steeredTurn.stream(
      prompt([...run.history, ...(run.commits[0]?.previous?.output ?? []), ...run.handle.items, ...run.result.output, userMessage('next b')]),
      turnContext({ turnMetadata: { turn_id: 'steered' } }),
    );
    const otherNext = run.otherTurn.stream(prompt([userMessage('other task'), ...run.otherResult.output, userMessage('next a')]), turnContext({ turnMetadata: { turn_id: 'other' } }));
    const [b, a] = await Promise.all([steeredNext.result, otherNext.result]);
    expect(b.incremental).toBe(true);
    expect(a.incremental).toBe(true);
    const creates = bodies().filter((body) => body.type === 'response.create');
    expect(creates.find((body) => body.previous_response_id === run.result.responseId)?.stream_id).toBe('worker-b');
    expect(creates.find((body) => body.previous_response_id === run.otherResult.responseId)?.stream_id).toBe('worker-a');
  });

  it('property: whichever lane is steered and wherever the steer lands, only that lane commits it, once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<SteerHoldPoint>('after-created', 'after-first-item', 'before-completed'), fc.boolean(), async (hold, steerNamed) => {
        try {
          // The steered turn is on a named lane and the other on the default lane, or the reverse.
          const run = steerNamed ? await steerOneLane(hold, 'named', undefined) : await steerOneLane(hold, undefined, 'named');
          const outcome = await run.handle.outcome;
          expect(outcome.status).toBe('committed');
          expect(run.commits.flatMap((commit) => commit.steers)).toHaveLength(1);
          expect(run.otherCommits).toEqual([]);
          expect(run.otherResult.predecessors).toBeUndefined();
          expect(outcome.status === 'committed' && outcome.responseId).toBe(run.result.responseId);
          expect(new Set(run.lanesSeen)).toEqual(new Set([steerNamed ? 'named' : undefined]));
        } finally {
          await setup?.close();
          setup = undefined;
        }
      }),
      { numRuns: 8 },
    );
  }, 60_000);
});
