// Runs each transport benchmark core on tiny inputs: they must work end to end and see every
// event or frame. No timing is asserted (timing is what the benchmarks print).
import { describe, expect, it } from 'vitest';
import { FRESH, KEPT_ALIVE, runHttpBench } from './transport-http.ts';
import { JSON_PARSE, MODELWIRE_ASYNC, MODELWIRE_SYNC, OPENAI_NODE, runSseBench } from './transport-sse.ts';
import { LEAN_WS, MODELWIRE_WS, MODELWIRE_WS_PUSH, MODELWIRE_WS_PUSH_WS, RAW_WS, runWsBench } from './transport-ws.ts';

describe('transport benchmark cores', () => {
  it('SSE decode: every contender sees every event', async () => {
    const result = await runSseBench({ events: 300, rounds: 1, warmupRounds: 0 });
    expect(result.measurements.map((m) => m.name)).toEqual([JSON_PARSE, MODELWIRE_SYNC, MODELWIRE_ASYNC, OPENAI_NODE]);
    for (const name of [JSON_PARSE, MODELWIRE_SYNC, MODELWIRE_ASYNC, OPENAI_NODE]) expect(result.eventsSeen[name]).toBe(result.eventCount);
    expect(Number.isFinite(result.speedupOverOpenai)).toBe(true);
  });

  it('WebSocket receive: every client receives every frame', async () => {
    const result = await runWsBench({ frames: 200, rounds: 1, warmupRounds: 0 });
    expect(result.framesSeen).toEqual({ [RAW_WS]: result.frameCount, [LEAN_WS]: result.frameCount, [MODELWIRE_WS]: result.frameCount, [MODELWIRE_WS_PUSH]: result.frameCount, [MODELWIRE_WS_PUSH_WS]: result.frameCount });
  });

  it('HTTP latency: the session client keeps one connection, the fresh contender opens one per request', async () => {
    const result = await runHttpBench({ requests: 5, rounds: 1, warmupRounds: 0 });
    expect(result.connectionsAccepted).toEqual({ [KEPT_ALIVE]: 1, [FRESH]: 5 });
  });
});
