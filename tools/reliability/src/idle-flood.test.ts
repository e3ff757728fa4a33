// An idle pooled WebSocket flooded with data frames (1 000 frames of 1 MiB, pushed as fast as
// the socket takes them by a server in a child process): the client retires the socket at the
// first frame, its memory stays bounded, and the next request succeeds on a new socket.
import { garbageCollector } from '@modelwire/bench/src/shared/measure.ts';
import { ModelClient, noopClientTelemetry, type ContinuationDecisionRecord, type Prompt, type ResponseInputItem, type TurnContext } from '@modelwire/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './harness/server-process.ts';

const MIB = 1024 * 1024;
const FLOOD_FRAMES = 1_000;
/** The bound: what an idle flood of any size may cost the client. */
const MAX_GROWTH_BYTES = 32 * MIB;

const collect = garbageCollector();

async function settledRss(): Promise<number> {
  for (let round = 0; round < 3; round += 1) {
    collect?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage.rss();
}

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await server.close();
});

describe('idle flood', () => {
  it('1 000 frames of 1 MiB pushed at an idle pooled socket cost the client less than 32 MiB; the next request succeeds on a new socket', async () => {
    expect(collect, 'a garbage collector to measure with').not.toBeNull();
    const decisions: ContinuationDecisionRecord[] = [];
    const context: TurnContext = {
      model: { slug: 'gpt-flood', supportsReasoning: false, supportsVerbosity: false, contextWindow: 128_000 },
      reasoningEffort: null,
      reasoningSummary: 'auto',
      turnMetadata: { turn_id: 'flood' },
      telemetry: { ...noopClientTelemetry, onContinuationDecision: (record) => void decisions.push(record) },
    };
    const client = new ModelClient({ provider: { baseUrl: server.url, supportsWebSockets: true }, auth: { getToken: () => 'k' }, conversationId: 'flood', sessionSource: { kind: 'cli' } });
    try {
      const turn = client.newTurn();
      const input: ResponseInputItem[] = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] }];
      const prompt: Prompt = { input, instructions: 'x', tools: [], parallelToolCalls: false };
      // Warm the code paths, then measure from a settled baseline.
      await turn.stream(prompt, context).result;
      const baseline = await settledRss();
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);

      await server.nextFault({ kind: 'idle-flood', frames: FLOOD_FRAMES, frameBytes: MIB, afterMs: 30 }, { on: 'websocket' });
      const flooded = await turn.stream(prompt, context).result;
      expect(flooded.transport).toBe('websocket');
      // The pooled socket is retired at the first frame; the server's flood stops when it closes.
      while ((await server.counters()).openConnections > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      clearInterval(sampler);
      const after = await settledRss();
      const counters = await server.counters();
      const growth = after - baseline;
      if (process.env['MODELWIRE_REPORT_FIGURES'] === '1') {
        process.stdout.write(`idle flood: RSS growth ${(growth / MIB).toFixed(1)} MiB settled, ${((peak - baseline) / MIB).toFixed(1)} MiB peak; ${counters.floodFrames} of ${FLOOD_FRAMES} flood frames written before the socket closed\n`);
      }
      expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
      // Far from the whole flood went out before the socket closed.
      expect(counters.floodFrames).toBeGreaterThan(0);
      expect(counters.floodFrames).toBeLessThan(FLOOD_FRAMES);

      input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'still there?' }] });
      const next = await turn.stream(prompt, context).result;
      expect(next.transport).toBe('websocket');
      expect(next.incremental).toBe(false);
      expect(decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'new_connection' });
      expect((await server.counters()).handshakes).toBe(2);
    } finally {
      await client.close();
    }
  });
});
