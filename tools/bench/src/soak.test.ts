// The soak in a CI-sized form: a few sessions and turns under a high fault rate; every
// invariant of the full soak must hold.
import { describe, expect, it } from 'vitest';
import { formatSoakReport, runSoak } from './soak.ts';

describe('soak (CI size)', () => {
  it('loses nothing, duplicates nothing and leaves nothing open under random faults', async () => {
    const report = await runSoak({ sessions: 6, turns: 3, faultRate: 0.3, seed: 7, timeoutMs: 1_500 });
    const lines = formatSoakReport(report).join('\n');
    expect(report.faultsTotal, lines).toBeGreaterThan(0);
    expect(report.turnsCompleted + Object.values(report.turnsFailed).reduce((sum, count) => sum + count, 0)).toBe(18);
    expect(report.unexpectedFailures, lines).toBe(0);
    expect(report.lostItems, lines).toBe(0);
    expect(report.duplicatedItems, lines).toBe(0);
    expect(report.toolRunMismatches, lines).toBe(0);
    expect(report.stickyViolations, lines).toBe(0);
    expect(report.openConnectionsAfterClose, lines).toBe(0);
    expect(report.leakedHandles, lines).toEqual([]);
  }, 60_000);
});
