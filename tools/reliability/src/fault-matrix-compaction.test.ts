// Fault matrix, compaction: automatic compaction inside a turn on both compaction paths (v2: a
// streamed request ending with compaction_trigger; legacy: /responses/compact) and both
// transports, under broken answers (empty, malformed item, no compaction item) and transport
// faults. A broken answer fails the turn with a typed CompactionFailedError and leaves the
// history as the turn had committed it; a transient fault is retried (v2: at most twice per
// transport) and the turn completes on the compacted window.
import type { CompactionResultKind, Fault, FaultTarget, ResponsesServer } from '@modelwire/testing';
import { describe, expect, it } from 'vitest';
import { runCell, submitAndRun, type CellContext, type FaultCell } from './harness/fault-cell.ts';
import type { TurnOutcome } from './harness/turn-outcome.ts';

const METHODS = ['v2', 'legacy'] as const;
const TRANSPORTS = ['websocket', 'http'] as const;

/** Every completed response crosses 0.00001 of the 200k window (2 tokens): each later request compacts first. */
const AUTO_COMPACT = { autoCompaction: { fraction: 0.00001 } } as const;

/** Whether a request is a compaction (either path). */
function isCompaction(target: FaultTarget): boolean {
  if (target.phase !== 'request') return false;
  if (target.endpoint === 'compact') return true;
  const input = (target.body as { input?: { type?: string }[] } | undefined)?.input;
  return target.endpoint === 'responses' && Array.isArray(input) && input.at(-1)?.type === 'compaction_trigger';
}

/** Applies `fault` to the first `times` compaction requests. */
function onCompactions(server: ResponsesServer, fault: Fault, times = Number.POSITIVE_INFINITY): void {
  let taken = 0;
  server.faults.use((target) => {
    if (!isCompaction(target) || taken >= times) return undefined;
    taken += 1;
    return fault;
  });
}

function compactionRequests(server: ResponsesServer): number {
  return server.recording.requests.filter((request) => request.endpoint === 'compact' || (request.body as { input?: { type?: string }[] }).input?.at(-1)?.type === 'compaction_trigger').length;
}

/** A first turn (no compaction yet), then the faulted turn, which compacts before its request. */
async function secondTurn(context: CellContext): Promise<TurnOutcome> {
  const first = await submitAndRun(context, 'first');
  expect(first.error).toBeUndefined();
  return submitAndRun(context, 'second');
}

const cells: FaultCell[] = [];
for (const method of METHODS) {
  for (const transport of TRANSPORTS) {
    const provider = { supportsCompactionTrigger: method === 'v2' };
    const broken: [CompactionResultKind, string][] = [
      ['empty', 'empty'],
      ['malformed-item', 'malformed_item'],
      ['no-compaction-item', 'no_compaction_item'],
    ];
    for (const [result, reason] of broken) {
      cells.push({
        name: `${method} compaction answered ${result}: the turn fails with CompactionFailedError (${reason}); the history keeps the first turn and the user input`,
        transport,
        provider,
        session: AUTO_COMPACT,
        drive: async (context) => {
          // Armed after the first turn: the first compaction of the session is the faulted one.
          const first = await submitAndRun(context, 'first');
          expect(first.error).toBeUndefined();
          context.server.faults.next({ kind: 'compaction-result', result });
          return submitAndRun(context, 'second');
        },
        expect: { status: 'failed', errorCode: 'compaction_failed', errorName: 'CompactionFailedError', retries: 0, historyTypes: ['message', 'reasoning', 'message', 'message'] },
        verify: ({ server }, outcome) => {
          expect(outcome.error).toMatchObject({ reason, method });
          expect(outcome.events.map((event) => event.type)).not.toContain('compaction');
          expect(compactionRequests(server)).toBe(1);
        },
      });
    }
  }

  cells.push({
    name: `${method} compaction cut once mid-stream or refused once with 503: retried, the turn completes on the compacted window`,
    transport: 'http',
    provider: { supportsCompactionTrigger: method === 'v2' },
    session: AUTO_COMPACT,
    inject: (server) => onCompactions(server, method === 'v2' ? { kind: 'close', afterEvents: 3 } : { kind: 'http-status', status: 503, headers: { 'retry-after-ms': '1' } }, 1),
    drive: secondTurn,
    expect: { status: 'completed', retries: method === 'v2' ? 1 : 0, historyTypes: ['message', 'message', 'compaction', 'reasoning', 'message'] },
    verify: ({ server }, outcome) => {
      expect(compactionRequests(server)).toBe(2);
      expect(outcome.events.find((event) => event.type === 'compaction')).toMatchObject({ trigger: 'auto', itemsBefore: 4, itemsAfter: 3, method });
    },
  });
}

for (const transport of TRANSPORTS) {
  cells.push({
    name: 'v2 compaction cut on every attempt: at most two retries per transport, then the turn fails; the history keeps the first turn and the user input',
    transport,
    provider: { supportsCompactionTrigger: true },
    session: AUTO_COMPACT,
    inject: (server) => onCompactions(server, { kind: 'close', afterEvents: 3 }),
    drive: secondTurn,
    // On the WebSocket the exhausted budget moves the session to HTTP, which has its own two retries.
    expect: transport === 'websocket'
      ? { status: 'failed', retries: 4, fallback: 'stream_retries_exhausted', historyTypes: ['message', 'reasoning', 'message', 'message'] }
      : { status: 'failed', retries: 2, historyTypes: ['message', 'reasoning', 'message', 'message'] },
    verify: ({ server }, outcome) => {
      expect(outcome.error).toMatchObject({ retryable: true });
      expect(compactionRequests(server)).toBe(transport === 'websocket' ? 6 : 3);
    },
  });
}

describe('fault matrix: compaction', () => {
  for (const cell of cells) it(`${cell.transport}: ${cell.name}`, () => runCell(cell), 15_000);
});
