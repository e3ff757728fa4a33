// The soak of tools/bench in a CI-sized form (10 sessions × 3 tool-loop turns, 10 % faults, a
// second seed at 30 %): every invariant of the full soak must hold. Timeouts of 1.5 s: a loaded
// machine must not make the client give up on an attempt whose response (and sticky-routing
// token) the server already sent (see "Soak figures" in docs/reliability.md).
import { formatSoakReport, runSoak, type SoakReport } from '@modelwire/bench/src/soak.ts';
import { describe, expect, it } from 'vitest';

function expectSound(report: SoakReport): void {
  const lines = formatSoakReport(report).join('\n');
  const failed = Object.values(report.turnsFailed).reduce((sum, count) => sum + count, 0);
  expect(report.turnsCompleted + failed, lines).toBe(report.turnsPlanned);
  expect(report.unexpectedFailures, lines).toBe(0);
  expect(report.lostItems, lines).toBe(0);
  expect(report.duplicatedItems, lines).toBe(0);
  expect(report.toolRunMismatches, lines).toBe(0);
  expect(report.stickyViolations, lines).toBe(0);
  expect(report.openConnectionsAfterClose, lines).toBe(0);
  expect(report.leakedHandles, lines).toEqual([]);
}

describe('soak (CI size)', () => {
  it('10 sessions × 3 turns with 10 % of handshakes and requests faulted', async () => {
    const report = await runSoak({ sessions: 10, turns: 3, faultRate: 0.1, seed: 11, timeoutMs: 1_500 });
    expectSound(report);
  }, 60_000);

  it('10 sessions × 3 turns with 30 % faulted (retries and fallbacks do happen)', async () => {
    const report = await runSoak({ sessions: 10, turns: 3, faultRate: 0.3, seed: 5, timeoutMs: 1_500 });
    expectSound(report);
    expect(report.faultsTotal).toBeGreaterThan(5);
    expect(report.extraRequests).toBeGreaterThan(0);
  }, 60_000);
});
