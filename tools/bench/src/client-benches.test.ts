import { describe, expect, it } from 'vitest';
import { runContinuationDecisionBench } from './client-continuation-decision.ts';
import { COLD, PRECONNECTED, runFirstTurnLatencyBench, WARM } from './client-first-turn-latency.ts';
import { runUploadBytesBench } from './client-upload-bytes.ts';

describe('client benches (smoke: tiny sizes, no timing assertions)', () => {
  it('continuation decision: every request is decided incrementally in both input patterns', async () => {
    const result = await runContinuationDecisionBench({ sizes: [10, 100], requests: 5, loopsPerRound: 2, rounds: 1, warmupRounds: 0 });
    expect(result.allIncremental).toBe(true);
    expect(result.measurements).toHaveLength(4);
  });

  it('first-turn latency: pre-connected and cold sessions handshake once each, the warm socket never', async () => {
    const result = await runFirstTurnLatencyBench({ rounds: 2, warmupRounds: 0, handshakeDelayMs: 5 });
    expect(result.handshakes).toEqual({ [WARM]: 0, [PRECONNECTED]: 2, [COLD]: 2 });
    expect(result.measurements.map((m) => m.roundsMs.length)).toEqual([2, 2, 2]);
  });

  it('upload bytes: the WebSocket loop continues incrementally and uploads less than the full resend', async () => {
    const result = await runUploadBytesBench({ requests: 4, historyKiB: 4 });
    expect(result.continuation.incrementalRequests).toBe(3);
    expect(result.fullResend.incrementalRequests).toBe(0);
    expect(result.ratio).toBeGreaterThan(1);
  });
});
