import { describe, expect, it } from 'vitest';
import { CodexRateLimitsEventSchema } from '../schemas/websocket-server-events.js';
import { rateLimitSnapshotFromEvent, rateLimitSnapshotFromHeaders } from './rate-limit-snapshot.js';

describe('rateLimitSnapshotFromHeaders', () => {
  it('parses both windows and credits', () => {
    const snapshot = rateLimitSnapshotFromHeaders({
      'x-codex-primary-used-percent': '12.5',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-at': '1790000000',
      'x-codex-secondary-used-percent': '48.5',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-secondary-reset-at': '1791763200',
      'x-codex-credits-has-credits': 'true',
      'x-codex-credits-unlimited': 'false',
      'x-codex-credits-balance': '12.50',
    });
    expect(snapshot).toEqual({
      primary: { usedPercent: 12.5, windowMinutes: 300, resetsAt: 1_790_000_000 },
      secondary: { usedPercent: 48.5, windowMinutes: 10080, resetsAt: 1_791_763_200 },
      credits: { hasCredits: true, unlimited: false, balance: '12.50' },
    });
  });

  it('returns undefined without x-codex headers and ignores malformed values', () => {
    expect(rateLimitSnapshotFromHeaders({ 'content-type': 'application/json' })).toBeUndefined();
    expect(rateLimitSnapshotFromHeaders({ 'x-codex-primary-used-percent': 'lots', 'x-codex-credits-has-credits': 'true' })).toBeUndefined();
    expect(rateLimitSnapshotFromHeaders({ 'x-codex-secondary-used-percent': '3', 'x-codex-secondary-window-minutes': '0', 'x-codex-secondary-reset-at': '' })).toEqual({
      secondary: { usedPercent: 3 },
    });
  });
});

describe('rateLimitSnapshotFromEvent', () => {
  it('converts a codex.rate_limits event', () => {
    const event = CodexRateLimitsEventSchema.parse({
      type: 'codex.rate_limits',
      plan_type: 'plus',
      rate_limits: { primary: { used_percent: 99, window_minutes: 300, reset_at: 1_790_000_000 }, secondary: null },
      credits: { has_credits: false, unlimited: false, balance: 0 },
    });
    expect(rateLimitSnapshotFromEvent(event)).toEqual({
      primary: { usedPercent: 99, windowMinutes: 300, resetsAt: 1_790_000_000 },
      credits: { hasCredits: false, unlimited: false, balance: '0' },
      planType: 'plus',
    });
  });

  it('returns undefined for an empty event', () => {
    expect(rateLimitSnapshotFromEvent(CodexRateLimitsEventSchema.parse({ type: 'codex.rate_limits' }))).toBeUndefined();
  });
});
