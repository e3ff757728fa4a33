import { afterEach, describe, expect, it } from 'vitest';
import { assistantMessage, prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { resolveProvider } from '../types/provider.js';
import { createTransportHttp } from '../wire/transport-http.js';
import type { WireHttp } from '../wire/wire-types.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('compactConversationHistory', () => {
  it('posts the history with the turn’s model and reasoning, and returns the new window', async () => {
    setup = await startLoopback({ sessionSource: { kind: 'subagent', label: 'compact' } });
    const telemetry = new RecordingTelemetry();
    const history = [userMessage('one'), assistantMessage('two'), userMessage('three')];
    const context = turnContext({ model: { slug: 'gpt-compactor', supportsReasoning: true, supportsVerbosity: false, contextWindow: 100_000 } }, telemetry);
    const output = await setup.client.compactConversationHistory(prompt(history), context);
    expect(output.at(-1)?.type).toBe('compaction');
    expect(output.slice(0, -1)).toEqual([userMessage('one'), userMessage('three')]);
    const [request] = setup.server.recording.requests;
    expect(request?.endpoint).toBe('compact');
    expect(request?.headers['x-openai-subagent']).toBe('compact');
    expect(request?.headers['x-codex-turn-metadata']).toBe('{"turn_id":"turn-1"}');
    expect(request?.body).toMatchObject({ model: 'gpt-compactor', input: history, instructions: 'be brief', reasoning: { effort: 'medium', summary: 'auto' }, prompt_cache_key: 'conv-test' });
    expect(telemetry.attempts).toEqual([expect.objectContaining({ endpoint: 'responses/compact', status: 200, transport: 'http' })]);
  });

  it('returns [] for an empty input without a request', async () => {
    setup = await startLoopback();
    expect(await setup.client.compactConversationHistory(prompt([]), turnContext())).toEqual([]);
    expect(setup.server.recording.requests).toHaveLength(0);
  });

  it('retries a 503 before giving the answer', async () => {
    setup = await startLoopback();
    setup.server.faults.next({ kind: 'http-status', status: 503, headers: { 'retry-after-ms': '1' } }, { endpoint: 'compact' });
    const output = await setup.client.compactConversationHistory(prompt([userMessage('x')]), turnContext());
    expect(output.at(-1)?.type).toBe('compaction');
    expect(setup.server.recording.requests).toHaveLength(2);
  });
});

describe('summarizeMemoryTraces', () => {
  const traces = [
    { id: 'trace-1', sourcePath: '/tmp/a.jsonl', items: [userMessage('a')] },
    { id: 'trace-2', sourcePath: '/tmp/b.jsonl', items: [userMessage('b'), assistantMessage('c')] },
  ];

  it('sends one trace per entry with the turn’s model and effort and pairs answers by position', async () => {
    setup = await startLoopback({ sessionSource: { kind: 'subagent', label: 'memory_consolidation' } });
    const summaries = await setup.client.summarizeMemoryTraces(traces, turnContext({ reasoningEffort: 'low' }));
    expect(summaries).toEqual([
      { id: 'trace-1', traceSummary: 'Trace trace-1: 1 items.', memorySummary: 'Remember trace trace-1.' },
      { id: 'trace-2', traceSummary: 'Trace trace-2: 2 items.', memorySummary: 'Remember trace trace-2.' },
    ]);
    const [request] = setup.server.recording.requests;
    expect(request?.headers['x-openai-subagent']).toBe('memory_consolidation');
    expect(request?.body).toEqual({
      model: 'gpt-test',
      traces: [
        { id: 'trace-1', metadata: { source_path: '/tmp/a.jsonl' }, items: [userMessage('a')] },
        { id: 'trace-2', metadata: { source_path: '/tmp/b.jsonl' }, items: [userMessage('b'), assistantMessage('c')] },
      ],
      reasoning: { effort: 'low' },
    });
  });

  it('returns [] for no traces without a request', async () => {
    setup = await startLoopback();
    expect(await setup.client.summarizeMemoryTraces([], turnContext())).toEqual([]);
    expect(setup.server.recording.requests).toHaveLength(0);
  });

  it('fails when the server answers a different number of summaries', async () => {
    // The real HTTP client over real sockets, with the answer cut to one summary on the way in.
    const dropLast = (real: WireHttp): WireHttp => ({
      ...real,
      postJson: async (url, options) => {
        const response = await real.postJson(url, options);
        const body = response.body as { output: unknown[] };
        return { ...response, body: { output: body.output.slice(0, -1) } };
      },
    });
    setup = await startLoopback({ http: dropLast(createTransportHttp(resolveProvider({ baseUrl: 'http://127.0.0.1' }))) });
    await expect(setup.client.summarizeMemoryTraces(traces, turnContext())).rejects.toMatchObject({ code: 'decode_failed' });
  });
});
