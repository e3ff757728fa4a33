import { describe, expect, it } from 'vitest';
import { CLIENT_NOOP, NO_TELEMETRY, TELEMETRY_NO_SDK, TELEMETRY_WITH_SDK, runOtelOverheadBench } from './otel-overhead.ts';

describe('otel-overhead bench', () => {
  it('measures the four contenders on a tiny stream and exports spans only with the SDK', async () => {
    const result = await runOtelOverheadBench({ events: 600, rounds: 1, warmupRounds: 0 });
    expect(result.measurements.map((m) => m.name)).toEqual([NO_TELEMETRY, CLIENT_NOOP, TELEMETRY_NO_SDK, TELEMETRY_WITH_SDK]);
    for (const m of result.measurements) expect(m.roundsMs).toHaveLength(1);
    expect(result.responseCount).toBeGreaterThanOrEqual(2);
    // One turn span plus one request span per response.
    // One turn span plus one request span per response (the last round of the reports alone).
    expect(result.spansExported).toBe(result.responseCount + 1 + 1);
    expect(Number.isFinite(result.noSdkRatio)).toBe(true);
    expect(Number.isFinite(result.sdkRatio)).toBe(true);
    expect(result.reportMeasurements.map((m) => m.name)).toEqual([CLIENT_NOOP, TELEMETRY_NO_SDK, TELEMETRY_WITH_SDK]);
    expect(Object.keys(result.reportNsPerEvent).sort()).toEqual([CLIENT_NOOP, NO_TELEMETRY, TELEMETRY_NO_SDK, TELEMETRY_WITH_SDK].sort());
  });
});
