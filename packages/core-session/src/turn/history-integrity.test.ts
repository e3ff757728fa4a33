import type { Fault } from '@modelwire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellTool, startSession } from '../__fixtures__/session-fixtures.js';

/** A fault that breaks a stream after some events, in one of the ways a connection fails. */
const streamFault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant('close' as const), afterEvents: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant('close' as const), afterEvents: fc.integer({ min: 0, max: 50 }), code: fc.constantFrom(1001, 1011, 1012) }),
  fc.record({ kind: fc.constant('error' as const), afterEvents: fc.integer({ min: 0, max: 50 }), code: fc.constantFrom('server_error', 'server_is_overloaded'), message: fc.constant('try again in 1ms') }),
  fc.record({ kind: fc.constant('malformed-json' as const), afterEvents: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant('end-without-terminal' as const), afterEvents: fc.integer({ min: 2, max: 50 }) }),
);

describe('history integrity under failures', () => {
  it('holds each item once, every call with exactly one output, whatever fails and how often', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), streamFault), { maxLength: 4 }),
        async (webSocket, faults) => {
          const calls: string[] = [];
          const setup = await startSession(
            { webSocket, tools: [shellTool(calls)], provider: { baseUrl: 'set-by-fixture', streamMaxRetries: 6, streamIdleTimeoutMs: 500 } },
          );
          try {
            const { session, server } = setup;
            const pending = new Map(faults);
            server.faults.use((target) => {
              if (target.phase === 'handshake' || target.endpoint !== 'responses') return undefined;
              const fault = pending.get(target.requestIndex);
              pending.delete(target.requestIndex);
              return fault;
            });
            const first = await session.submit('run: make build').result;
            const second = await session.submit('run: make test').result;
            expect(first.finalMessage).toBe('shell returned:\nran: make build\nDone.');
            expect(second.finalMessage).toBe('shell returned:\nran: make test\nDone.');
            expect(calls).toEqual(['make build', 'make test']);
            const history = session.history;
            expect(history.map((item) => item.type)).toEqual([
              ...['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message'],
              ...['message', 'reasoning', 'function_call', 'function_call_output', 'reasoning', 'message'],
            ]);
            const ids = history.map((item) => item['id']).filter((id) => id !== undefined);
            expect(new Set(ids).size).toBe(ids.length);
            const callIds = history.filter((item) => item.type === 'function_call').map((item) => item['call_id']);
            const outputIds = history.filter((item) => item.type === 'function_call_output').map((item) => item['call_id']);
            expect(outputIds).toEqual(callIds);
            expect(server.recording.stickyViolations).toEqual([]);
          } finally {
            await setup.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});
