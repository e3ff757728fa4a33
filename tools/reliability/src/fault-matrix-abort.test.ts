// Fault matrix, caller aborts: before the request, during streaming and during a tool call,
// over both transports, through the turn's signal, `session.interrupt()` and `session.close()`.
import { ABORTED_TOOL_OUTPUT, type SessionEvent } from '@modelwire/core-session';
import { describe, expect, it } from 'vitest';
import { runCell, submitAndRun, type CellContext, type FaultCell } from './harness/fault-cell.ts';
import { runTurn, type TurnOutcome } from './harness/turn-outcome.ts';

const TRANSPORTS = ['websocket', 'http'] as const;

/** Submits `input` and aborts the turn's signal at the first event `when` accepts. */
async function abortWhen(context: CellContext, input: string, when: (event: SessionEvent) => boolean): Promise<TurnOutcome> {
  const controller = new AbortController();
  context.inputs.push(input);
  return runTurn(context.session.submit(input, { signal: controller.signal }), (event) => {
    if (when(event)) controller.abort(new Error('caller gave up'));
  });
}

/** Waits until `signal` fires, then answers like a tool that stopped. */
function untilAborted(_command: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
}

const cells: FaultCell[] = [];
for (const transport of TRANSPORTS) {
  cells.push(
    {
      name: 'a signal aborted before submit: typed aborted error, no request sent',
      transport,
      drive: (context) => submitAndRun(context, 'never sent', AbortSignal.abort(new Error('too late'))),
      expect: { status: 'failed', errorCode: 'aborted', errorName: 'TurnInterruptedError', retries: 0, requests: 0, historyTypes: [] },
      verify: (context) => {
        // The aborted turn never started: its input was not committed.
        context.inputs.splice(context.inputs.indexOf('never sent'), 1);
      },
    },
    {
      name: 'aborted during streaming: typed aborted error, the partial answer is not committed',
      transport,
      server: { tokenDelayMs: 5, answerChars: 400 },
      drive: (context) => abortWhen(context, 'talk a lot', (event) => event.type === 'text_delta'),
      expect: { status: 'failed', errorCode: 'aborted', errorName: 'TurnInterruptedError', retries: 0, requests: 1, historyTypes: ['message'] },
    },
    {
      name: 'aborted during a tool call: the tool sees the signal, its call gets the aborted output, no follow-up request',
      transport,
      runTool: untilAborted,
      drive: (context) => abortWhen(context, 'run: sleep 100', (event) => event.type === 'tool_call_started'),
      expect: { status: 'failed', errorCode: 'aborted', retries: 0, requests: 1, toolRuns: 1, historyTypes: ['message', 'reasoning', 'function_call', 'function_call_output'] },
      verify: (context) => {
        const output = context.session.history.at(-1);
        expect(output).toMatchObject({ type: 'function_call_output', output: ABORTED_TOOL_OUTPUT });
      },
    },
    {
      name: 'interrupt() during streaming stops the turn; the session goes on',
      transport,
      server: { tokenDelayMs: 5, answerChars: 400 },
      drive: async (context) => {
        context.inputs.push('talk a lot');
        return runTurn(context.session.submit('talk a lot'), (event, seen) => {
          if (event.type === 'text_delta' && seen.filter((earlier) => earlier.type === 'text_delta').length === 3) context.session.interrupt();
        });
      },
      expect: { status: 'failed', errorCode: 'aborted', retries: 0, requests: 1, historyTypes: ['message'] },
      verify: (_context, outcome) => {
        expect((outcome.error as { reason?: string } | undefined)?.reason).toBe('interrupted');
      },
    },
  );
}

describe('fault matrix: caller aborts', () => {
  for (const cell of cells) it(`${cell.transport}: ${cell.name}`, () => runCell(cell), 15_000);

  for (const transport of TRANSPORTS) {
    it(`${transport}: session.close() during streaming ends the turn as session_closed and leaves nothing open`, async () => {
      const { activeResources, leakedResources } = await import('./harness/open-handles.ts');
      const { startLoopbackSession } = await import('./harness/loopback-session.ts');
      const baseline = activeResources();
      const loop = await startLoopbackSession({ transport, server: { tokenDelayMs: 5, answerChars: 400 } });
      try {
        const handle = loop.session.submit('talk a lot');
        const queued = loop.session.submit('queued behind');
        let closing: Promise<void> | undefined;
        for await (const event of handle) if (event.type === 'text_delta') closing ??= loop.session.close();
        await closing;
        await expect(handle.result).rejects.toMatchObject({ code: 'aborted', reason: 'session_closed' });
        await expect(queued.result).rejects.toMatchObject({ code: 'aborted', reason: 'session_closed' });
        expect(loop.session.history.map((item) => item.type)).toEqual(['message']);
        await expect.poll(() => loop.server.recording.openConnections, { timeout: 2_000, interval: 10 }).toBe(0);
      } finally {
        await loop.close();
      }
      expect(await leakedResources(baseline)).toEqual([]);
    });
  }
});
