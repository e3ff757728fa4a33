import { describe, expect, it } from 'vitest';
import { DECODE_AND_MAP, JSON_PARSE, runProtocolDecodeBench } from './protocol-decode.ts';

describe('protocol-decode bench', () => {
  it('measures both contenders on a tiny stream and decodes every event', async () => {
    const result = await runProtocolDecodeBench({ events: 300, rounds: 3, warmupRounds: 0 });
    expect(result.measurements.map((m) => m.name)).toEqual([JSON_PARSE, DECODE_AND_MAP]);
    for (const m of result.measurements) expect(m.roundsMs).toHaveLength(3);
    expect(result.decodedOk).toBe(result.eventCount);
    expect(result.eventCount).toBeGreaterThanOrEqual(300);
    expect(Number.isFinite(result.ratio)).toBe(true);
    expect(result.ratioQuartiles.p25).toBeLessThanOrEqual(result.ratioQuartiles.p75);
    expect(result.ratioCi95.low).toBeLessThanOrEqual(result.ratio);
    expect(result.ratioCi95.high).toBeGreaterThanOrEqual(result.ratio);
  });
});
