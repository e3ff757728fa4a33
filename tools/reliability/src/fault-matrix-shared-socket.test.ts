// Fault matrix, a shared WebSocket with core-session on top: the first response of a tool
// loop ends (completed, failed, incomplete, or an error frame followed by its own
// response.failed) and its stale tail (its last item and its terminal again) arrives in the
// same burst, 0 ms later, 30 ms later, or after the next request's response.created. The next
// requests (the tool-loop follow-up and the next turn) must get exactly their own responses:
// the tool runs once, nothing is committed twice.
import type { Fault, FaultTarget, LateTiming, ResponsesServer } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { runCell, type CellExpectation, type FaultCell } from './harness/fault-cell.ts';

const TOOL_LOOP = ['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message'];

function onFirstRequest(server: ResponsesServer, fault: Fault): void {
  server.faults.use((target: FaultTarget) => (target.phase === 'request' && target.endpoint === 'responses' && target.requestIndex === 0 ? fault : undefined));
}

const TIMINGS: readonly (readonly [string, LateTiming])[] = [
  ['in the same burst', 'burst'],
  ['0 ms later', 0],
  ['30 ms later', 30],
  ['after the next response.created', 'after-next-created'],
];

const KINDS: readonly (readonly [string, (at: LateTiming) => Fault, CellExpectation])[] = [
  // The tail repeats the function call's output_item.done and response.completed.
  ['completed', (at) => ({ kind: 'stale-tail', at }), { status: 'completed', retries: 0, requests: 2, toolRuns: 1, historyTypes: TOOL_LOOP }],
  ['failed (server_error)', (at) => ({ kind: 'failed', code: 'server_error', staleTail: at }), { status: 'completed', retries: 1, requests: 3, toolRuns: 1, historyTypes: TOOL_LOOP }],
  ['incomplete', (at) => ({ kind: 'incomplete', staleTail: at }), { status: 'failed', errorCode: 'response_incomplete', requests: 1, toolRuns: 0, historyTypes: ['message'] }],
  [
    'an error frame followed by its response.failed',
    (at) => ({ kind: 'error', code: 'server_error', afterEvents: 2, trailingFailed: at }),
    { status: 'completed', retries: 1, requests: 3, toolRuns: 1, historyTypes: TOOL_LOOP },
  ],
];

const cells: FaultCell[] = KINDS.flatMap(([kind, fault, expectation]) =>
  TIMINGS.map(([timing, at]): FaultCell => ({
    name: `first response ${kind}, its stale tail ${timing}`,
    transport: 'websocket',
    input: 'run: ls',
    inject: (server) => onFirstRequest(server, fault(at)),
    expect: expectation,
    verify: (context) => {
      // Every completed response's items were committed from that response alone.
      const responseIds = new Set(context.server.recording.requests.map((request) => request.responseId?.replace(/^resp_/, '')));
      for (const item of context.session.history) {
        if (item.type === 'message' && item['role'] === 'user') continue;
        if (item.type === 'function_call_output') continue;
        const id = String(item['id']);
        expect([...responseIds].some((suffix) => suffix !== undefined && id.includes(suffix)), `${id} belongs to no response`).toBe(true);
      }
    },
  })),
);

describe('fault matrix: stale frames on a shared WebSocket (core-session on top)', () => {
  it.each(cells.map((cell) => [cell.name, cell] as const))('%s', async (_name, cell) => {
    await runCell(cell);
  });
});
