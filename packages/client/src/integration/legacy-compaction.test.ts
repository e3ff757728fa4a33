// The legacy compaction endpoint (`POST {base}/responses/compact`) over real sockets: its
// request timeout, and the typed error for every broken answer.
import type { CompactionResultKind } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { assistantMessage, prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { CompactionFailedError } from '../compaction/compaction-failed-error.js';
import { resolveProvider } from '../types/provider.js';
import { createTransportHttp } from '../wire/transport-http.js';
import type { WireHttp, WirePostOptions } from '../wire/wire-types.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const HISTORY = [userMessage('one'), assistantMessage('two'), userMessage('three')];

/** The real HTTP side, recording the options of every JSON POST and optionally rewriting the answer. */
function observedHttp(seen: { url: string; options: WirePostOptions }[], rewrite?: (body: unknown) => unknown): WireHttp {
  const real = createTransportHttp(resolveProvider({ baseUrl: 'http://127.0.0.1' }));
  return {
    ...real,
    postJson: async (url, options) => {
      seen.push({ url, options });
      const response = await real.postJson(url, options);
      return rewrite === undefined ? response : { ...response, body: rewrite(response.body) };
    },
  };
}

describe('legacy compaction endpoint', () => {
  it('gives each attempt four stream idle timeouts (memory traces keep the unary default)', async () => {
    const seen: { url: string; options: WirePostOptions }[] = [];
    setup = await startLoopback({ http: observedHttp(seen), providerOverrides: { streamIdleTimeoutMs: 1_250 } });
    await setup.client.compactConversationHistory(prompt(HISTORY), turnContext());
    await setup.client.summarizeMemoryTraces([{ id: 't', sourcePath: '/tmp/t.jsonl', items: [userMessage('a')] }], turnContext());
    expect(seen.map((entry) => [new URL(entry.url).pathname, entry.options.idleTimeoutMs])).toEqual([
      ['/v1/responses/compact', 5_000],
      ['/v1/memories/trace_summarize', 600_000],
    ]);
  });

  it('times an attempt out after four idle timeouts with a retryable idle_timeout', async () => {
    // The server never answers; no retry is allowed, so the timeout surfaces.
    setup = await startLoopback({ providerOverrides: { streamIdleTimeoutMs: 50, requestMaxRetries: 0 } });
    const stalled = setup.server.faults.use((target) => (target.phase === 'request' && target.endpoint === 'compact' ? { kind: 'stall' } : undefined));
    const failure = await setup.client.compactConversationHistory(prompt(HISTORY), turnContext()).catch((error: unknown) => error);
    stalled();
    expect(failure).toMatchObject({ code: 'idle_timeout', retryable: true });
  });

  const broken: [CompactionResultKind, string][] = [
    ['empty', 'empty'],
    ['no-compaction-item', 'no_compaction_item'],
    ['malformed-item', 'malformed_item'],
    ['two-compaction-items', 'multiple_compaction_items'],
  ];
  for (const [result, reason] of broken) {
    it(`answers the ${result} result with a CompactionFailedError (${reason})`, async () => {
      setup = await startLoopback();
      setup.server.faults.next({ kind: 'compaction-result', result });
      const failure = await setup.client.compactConversationHistory(prompt(HISTORY), turnContext()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CompactionFailedError);
      expect(failure).toMatchObject({ code: 'compaction_failed', reason, method: 'legacy', retryable: false });
      // Not retried: the same history gets the same answer.
      expect(setup.server.recording.requests).toHaveLength(1);
    });
  }

  it('answers a body without an output array with a CompactionFailedError (malformed_output)', async () => {
    setup = await startLoopback({ http: observedHttp([], () => ({ items: [] })) });
    await expect(setup.client.compactConversationHistory(prompt(HISTORY), turnContext())).rejects.toMatchObject({ code: 'compaction_failed', reason: 'malformed_output', outputItems: 0 });
  });

  it('answers an invalid non-compaction item with a CompactionFailedError (malformed_output)', async () => {
    setup = await startLoopback({ http: observedHttp([], (body) => ({ output: [{ type: 'function_call', name: 'x' }, ...(body as { output: unknown[] }).output] })) });
    await expect(setup.client.compactConversationHistory(prompt(HISTORY), turnContext())).rejects.toMatchObject({ code: 'compaction_failed', reason: 'malformed_output' });
  });
});
