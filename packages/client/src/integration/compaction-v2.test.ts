// Compaction v2 from a turn (`ModelClientSession.compact`) over real sockets on both
// transports: the request it streams, the window it returns, the continuation chain around
// it, and the typed error for every broken result.
import type { ResponseEvent } from '@modelwire/protocol';
import type { CompactionResultKind } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { CompactionFailedError } from '../compaction/compaction-failed-error.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Body = { input: Record<string, unknown>[]; previous_response_id?: string; client_metadata?: Record<string, string>; stream?: boolean; tools?: unknown[]; instructions?: string };
const TRANSPORTS = ['websocket', 'http'] as const;

async function started(transport: (typeof TRANSPORTS)[number], providerOverrides = {}) {
  setup = await startLoopback({ providerOverrides: { supportsWebSockets: transport === 'websocket', ...providerOverrides } });
  const telemetry = new RecordingTelemetry();
  const turn = setup.client.newTurn();
  const context = turnContext({}, telemetry);
  const history: ResponseItem[] = [userMessage('first question')];
  history.push(...(await turn.stream(prompt(history), context).result).output);
  history.push(userMessage('second question'));
  history.push(...(await turn.stream(prompt(history), context).result).output);
  return { server: setup.server, client: setup.client, telemetry, turn, context, history };
}

function bodyOf(setupValue: LoopbackSetup, index: number): Body {
  return setupValue.server.recording.requests[index]?.body as Body;
}

describe('ModelClientSession.compact (compaction v2)', () => {
  for (const transport of TRANSPORTS) {
    it(`streams the history plus compaction_trigger and returns the kept messages plus the compaction item (${transport})`, async () => {
      const { server, turn, context, history } = await started(transport);
      const before = [...history];
      const stream = turn.compact(prompt(history), context);
      const events: ResponseEvent[] = [];
      for await (const event of stream) events.push(event);
      const result = await stream.result;

      expect(history).toEqual(before);
      const request = server.recording.requests[2];
      expect(request?.endpoint).toBe('responses');
      expect(request?.transport).toBe(transport);
      const body = request?.body as Body;
      expect(body.input.at(-1)).toEqual({ type: 'compaction_trigger' });
      expect(body.instructions).toBe('be brief');
      expect(body.tools).toHaveLength(1);
      if (transport === 'http') {
        expect(body.stream).toBe(true);
        expect(body.input).toEqual([...history, { type: 'compaction_trigger' }]);
      }

      const compaction = events.find((event): event is Extract<ResponseEvent, { type: 'output_item_done' }> => event.type === 'output_item_done')?.item;
      expect(compaction).toMatchObject({ type: 'compaction', id: expect.stringMatching(/^cmp_/), encrypted_content: expect.stringMatching(/^enc_/) });
      expect(events.at(-1)).toMatchObject({ type: 'completed', responseId: result.responseId });
      expect(result.compaction).toEqual(compaction);
      // The user messages, the same objects, then the compaction item.
      expect(result.window).toEqual([history[0], history[3], compaction]);
      expect(result.window[0]).toBe(history[0]);
      expect(result.transport).toBe(transport);
      expect(result.usage?.inputTokens).toBeGreaterThan(0);
      expect(server.recording.stickyViolations).toEqual([]);
    });
  }

  it('continues the socket’s previous response (only the trigger goes out); the next request starts a new chain with the window in full', async () => {
    const { server, telemetry, turn, context, history } = await started('websocket');
    const second = server.recording.requests[1]?.responseId;
    const compacted = await turn.compact(prompt(history), context).result;
    expect(compacted.incremental).toBe(true);
    expect(bodyOf(setup!, 2)).toMatchObject({ previous_response_id: second, input: [{ type: 'compaction_trigger' }] });
    // Same turn, same sticky token.
    expect(bodyOf(setup!, 2).client_metadata?.['x-codex-turn-state']).toBe(turn.turnState);
    expect(telemetry.decisions.at(-1)).toEqual({ mode: 'incremental', sentItems: 1, totalItems: history.length + 1 });

    const window = compacted.window;
    window.push(userMessage('third question'));
    const third = await turn.stream(prompt(window), context).result;
    expect(third.incremental).toBe(false);
    expect(telemetry.decisions.at(-1)).toEqual({ mode: 'full', reason: 'after_compaction', sentItems: window.length, totalItems: window.length });
    expect(bodyOf(setup!, 3).previous_response_id).toBeUndefined();
    expect(bodyOf(setup!, 3).input).toEqual(window);
    expect(third.outputText).toBe('You said: third question');

    // The new chain continues as usual, on the same socket.
    window.push(...third.output, userMessage('fourth question'));
    await turn.stream(prompt(window), context).result;
    expect(bodyOf(setup!, 4)).toMatchObject({ previous_response_id: server.recording.requests[3]?.responseId, input: [userMessage('fourth question')] });
    expect(new Set(server.recording.requests.map((request) => request.connectionId)).size).toBe(1);
    expect(server.recording.stickyViolations).toEqual([]);
  });

  it('resends the compaction in full, transparently, when the server lost the previous response', async () => {
    const { server, telemetry, turn, context, history } = await started('websocket');
    server.faults.next({ kind: 'error', code: 'previous_response_not_found', afterEvents: 0 }, { on: 'websocket' });
    const compacted = await turn.compact(prompt(history), context).result;
    expect(compacted.window.at(-1)).toMatchObject({ type: 'compaction' });
    expect(bodyOf(setup!, 3).previous_response_id).toBeUndefined();
    expect(bodyOf(setup!, 3).input).toEqual([...history, { type: 'compaction_trigger' }]);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'previous_response_not_found' });
  });

  it('retries the request phase like any request (a 503 before the stream) over HTTP', async () => {
    const { server, turn, context, history } = await started('http', { requestMaxRetries: 2 });
    server.faults.next({ kind: 'http-status', status: 503, headers: { 'retry-after-ms': '1' } });
    const compacted = await turn.compact(prompt(history), context).result;
    expect(compacted.window.at(-1)).toMatchObject({ type: 'compaction' });
    expect(server.recording.requests).toHaveLength(4);
  });

  const broken: [CompactionResultKind, string][] = [
    ['empty', 'empty'],
    ['no-compaction-item', 'no_compaction_item'],
    ['malformed-item', 'malformed_item'],
    ['two-compaction-items', 'multiple_compaction_items'],
  ];
  for (const transport of TRANSPORTS) {
    for (const [result, reason] of broken) {
      it(`fails with CompactionFailedError (${reason}) instead of completed for the ${result} result (${transport})`, async () => {
        const { server, telemetry, turn, context, history } = await started(transport);
        const before = [...history];
        server.faults.next({ kind: 'compaction-result', result });
        const stream = turn.compact(prompt(history), context);
        const events: ResponseEvent[] = [];
        const iterated = await (async () => {
          for await (const event of stream) events.push(event);
        })().catch((error: unknown) => error);
        const failure = await stream.result.catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(CompactionFailedError);
        expect(failure).toMatchObject({ code: 'compaction_failed', reason, method: 'v2', retryable: false });
        expect(iterated).toBe(failure);
        expect(events.map((event) => event.type)).not.toContain('completed');
        expect(history).toEqual(before);
        expect(server.recording.requests).toHaveLength(3);
        expect(telemetry.boundaries.at(-1)).toBe('end:responses:failed');

        // The turn goes on: the next request is a full one (the compaction is no base) and completes.
        history.push(userMessage('after the failed compaction'));
        const next = await turn.stream(prompt(history), context).result;
        expect(next.outputText).toBe('You said: after the failed compaction');
        if (transport === 'websocket') {
          expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: reason === 'malformed_item' ? 'new_connection' : 'after_compaction' });
        }
      });
    }
  }

  it('rejects an empty input, a caller’s own trigger, background and a bad budget before any I/O', async () => {
    const { server, turn, context, history } = await started('http');
    expect(() => turn.compact(prompt([]), context)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => turn.compact(prompt([...history, { type: 'compaction_trigger' }]), context)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', issues: [expect.objectContaining({ path: `prompt.input[${history.length}]` })] }),
    );
    expect(() => turn.compact(prompt(history, { options: { background: true } }), context)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => turn.compact(prompt(history), context, { retainedMessageTokens: -1 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(server.recording.requests).toHaveLength(2);
  });

  it('keeps only the newest messages within retainedMessageTokens', async () => {
    const { turn, context, history } = await started('http');
    const compacted = await turn.compact(prompt(history), context, { retainedMessageTokens: 4 }).result;
    // "second question" is 15 bytes (4 tokens): it alone fits.
    expect(compacted.window).toEqual([history[3], compacted.compaction]);
  });
});
