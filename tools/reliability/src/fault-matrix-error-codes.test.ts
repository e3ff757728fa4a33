// Fault matrix, every error code of the Responses API (PROTOCOL §2) in both error shapes
// (nested as observed, flat as in the published spec), over both transports.
import type { ErrorShape, FaultTarget } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { runCell, submitAndRun, type CellExpectation, type FaultCell } from './harness/fault-cell.ts';

const BASIC = ['message', 'reasoning', 'message'];
const TOOL_LOOP = ['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message'];

/** Transient codes and the code of the `retrying` event: the turn loop retries and the turn completes. */
const TRANSIENT: Readonly<Record<string, string>> = {
  rate_limit_exceeded: 'retryable',
  server_error: 'retryable',
  server_is_overloaded: 'server_overloaded',
  slow_down: 'server_overloaded',
};

/** Fatal codes and the Modelwire code the caller sees. */
const FATAL: Readonly<Record<string, readonly [code: string, className: string]>> = {
  context_length_exceeded: ['context_window_exceeded', 'ContextWindowExceededError'],
  insufficient_quota: ['quota_exceeded', 'QuotaExceededError'],
  usage_not_included: ['usage_not_included', 'UsageNotIncludedError'],
  invalid_prompt: ['invalid_request', 'InvalidRequestError'],
  invalid_encrypted_content: ['invalid_request', 'InvalidRequestError'],
};

const SHAPES: readonly ErrorShape[] = ['nested', 'flat'];
const TRANSPORTS = ['websocket', 'http'] as const;

/** Puts an `error` event with `code` on the responses request at `index`, after `afterEvents` events (default 3). */
function errorOn(index: number, code: string, shape: ErrorShape, afterEvents = 3): (target: FaultTarget) => { kind: 'error'; code: string; shape: ErrorShape; afterEvents: number; message?: string } | undefined {
  // A short server hint keeps rate-limit retries fast ("try again in 20ms").
  const message = code === 'rate_limit_exceeded' ? 'Rate limit reached. Please try again in 20ms.' : undefined;
  return (target) =>
    target.phase === 'request' && target.endpoint === 'responses' && target.requestIndex === index
      ? { kind: 'error', code, shape, afterEvents, ...(message === undefined ? {} : { message }) }
      : undefined;
}

const cells: FaultCell[] = [];
for (const transport of TRANSPORTS) {
  for (const shape of SHAPES) {
    for (const [code, retryCode] of Object.entries(TRANSIENT)) {
      cells.push({
        name: `${code} (${shape}) is retried (${retryCode}) and the turn completes`,
        transport,
        inject: (server) => server.faults.use(errorOn(0, code, shape)),
        expect: { status: 'completed', retries: 1, requests: 2, historyTypes: BASIC },
        verify: (_context, outcome) => {
          expect(outcome.events.find((event) => event.type === 'retrying')).toMatchObject({ code: retryCode, discardedItems: 0 });
        },
      });
    }
    for (const [code, [modelwireCode, className]] of Object.entries(FATAL)) {
      const expectation: CellExpectation = { status: 'failed', errorCode: modelwireCode, errorName: className, retries: 0, requests: 2, toolRuns: 1, historyTypes: ['message', 'reasoning', 'function_call', 'function_call_output'] };
      cells.push({
        name: `${code} (${shape}) on a tool-loop follow-up is a typed ${modelwireCode} error; what was committed stays`,
        transport,
        input: 'run: ls',
        inject: (server) => server.faults.use(errorOn(1, code, shape)),
        expect: expectation,
      });
    }
  }
  cells.push({
    name: 'websocket_connection_limit_reached opens a new socket and sends the full request',
    transport,
    inject: (server) => server.faults.use(errorOn(0, 'websocket_connection_limit_reached', 'nested')),
    expect: { status: 'completed', historyTypes: BASIC },
  });
}

for (const shape of SHAPES) {
  cells.push({
    name: `previous_response_not_found (${shape}) on an incremental follow-up is resent in full once, transparently`,
    transport: 'websocket',
    input: 'run: ls',
    // The service answers an unknown parent at once, before any event of the response.
    inject: (server) => server.faults.use(errorOn(1, 'previous_response_not_found', shape, 0)),
    expect: { status: 'completed', retries: 0, requests: 3, toolRuns: 1, historyTypes: TOOL_LOOP },
    verify: (context) => {
      const requests = context.server.recording.requests;
      expect((requests[1]?.body as { previous_response_id?: string }).previous_response_id).toEqual(expect.any(String));
      expect((requests[2]?.body as { previous_response_id?: string }).previous_response_id).toBeUndefined();
      expect(requests[2]?.connectionId).toBe(requests[1]?.connectionId);
    },
  });
  cells.push({
    name: `websocket_connection_limit_reached (${shape}) mid-turn: new socket, full request, sticky token kept`,
    transport: 'websocket',
    input: 'run: ls',
    inject: (server) => server.faults.use(errorOn(1, 'websocket_connection_limit_reached', shape)),
    expect: { status: 'completed', toolRuns: 1, historyTypes: TOOL_LOOP },
    verify: (context) => {
      const requests = context.server.recording.requests;
      const last = requests.at(-1);
      expect(last?.connectionId).not.toBe(requests[1]?.connectionId);
      expect((last?.body as { previous_response_id?: string }).previous_response_id).toBeUndefined();
    },
  });
}

describe('fault matrix: error codes of the Responses API', () => {
  for (const cell of cells) it(`${cell.transport}: ${cell.name}`, () => runCell(cell), 15_000);
  it('covers a second turn after a fatal error without replaying the failed request', async () => {
    await runCell({
      name: 'fatal then next turn',
      transport: 'websocket',
      inject: (server) => server.faults.use(errorOn(0, 'context_length_exceeded', 'nested')),
      drive: (context) => submitAndRun(context, 'too big'),
      expect: { status: 'failed', errorCode: 'context_window_exceeded', retries: 0, requests: 1, historyTypes: ['message'] },
    });
  });
});
