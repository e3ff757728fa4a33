import { describe, expect, it } from 'vitest';
import { APPENDS_GROUPED, APPENDS_NONE, APPENDS_ONE_BY_ONE, NO_STORE, runSessionJournalBench, sessionContender } from './session-journal.ts';

describe('session-journal bench', () => {
  it('measures every contender once at a tiny size', async () => {
    const result = await runSessionJournalBench({ turns: 1, appends: 16, rounds: 1, warmupRounds: 0 });
    expect(result.sessions.map((m) => m.name)).toEqual([NO_STORE, sessionContender('none'), sessionContender('turn'), sessionContender('commit')]);
    expect(result.appendsAlone.map((m) => m.name)).toEqual([APPENDS_NONE, APPENDS_ONE_BY_ONE, APPENDS_GROUPED]);
    for (const m of [...result.sessions, ...result.appendsAlone]) expect(m.roundsMs).toHaveLength(1);
    for (const ratio of Object.values(result.sessionRatios)) expect(Number.isFinite(ratio)).toBe(true);
    expect(Number.isFinite(result.groupCommitSpeedup)).toBe(true);
  });
});
