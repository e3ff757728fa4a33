import { ConnectError, ConnectTimeoutError, ConnectionClosedError } from '@modelwire/transport';
import { describe, expect, it } from 'vitest';
import { RequestBudget } from './request-budget.js';

function budget(options: { request?: number; stream?: number; deadlineMs?: number; network?: boolean } = {}): { budget: RequestBudget; advance(ms: number): void } {
  let now = 1_000;
  const created = new RequestBudget(
    { requestMaxRetries: options.request ?? 4, streamMaxRetries: options.stream ?? 5, deadlineMs: options.deadlineMs ?? Infinity },
    { clock: { now: () => now }, sleep: async () => undefined, canWaitForNetwork: () => options.network ?? false },
  );
  return { budget: created, advance: (ms) => (now += ms) };
}

describe('RequestBudget', () => {
  it('counts failures of both phases on one counter, each phase bounded by its own limit', () => {
    const { budget: b } = budget({ request: 2, stream: 3 });
    const cut = new ConnectionClosedError();
    expect(b.plan(cut, 'request', (n) => n * 100)).toEqual({ retry: true, waitingForNetwork: false, attempt: 1, delayMs: 100 });
    expect(b.plan(cut, 'stream', (n) => n * 100)).toEqual({ retry: true, waitingForNetwork: false, attempt: 2, delayMs: 200 });
    // A third failure before the response started is past requestMaxRetries; after it started, within streamMaxRetries.
    expect(b.plan(cut, 'stream', (n) => n * 100)).toMatchObject({ retry: true, attempt: 3 });
    expect(b.plan(cut, 'request', (n) => n * 100)).toEqual({ retry: false, exhausted: 'budget' });
    b.resetForFallback();
    expect(b.plan(cut, 'request', (n) => n * 100)).toMatchObject({ retry: true, attempt: 1 });
  });

  it('waits for the network 5 s, 10 s, 20 s, 40 s, then 60 s, without counting, when allowed', () => {
    const { budget: b } = budget({ request: 0, network: true });
    const delays = Array.from({ length: 7 }, (_, index) => b.plan(index % 2 === 0 ? new ConnectError('refused') : new ConnectTimeoutError(15_000), 'request', () => 1));
    expect(delays.map((plan) => (plan.retry ? [plan.waitingForNetwork, plan.delayMs] : plan))).toEqual([
      [true, 5_000],
      [true, 10_000],
      [true, 20_000],
      [true, 40_000],
      [true, 60_000],
      [true, 60_000],
      [true, 60_000],
    ]);
    expect(b.failures).toBe(0);
    // Anything else is counted as usual (and the budget here is 0).
    expect(b.plan(new ConnectionClosedError(), 'request', () => 1)).toEqual({ retry: false, exhausted: 'budget' });
  });

  it('refuses a wait that would end past the deadline; the deadline stops while a response streams and restarts when it breaks', () => {
    const { budget: b, advance } = budget({ deadlineMs: 10_000 });
    const cut = new ConnectionClosedError();
    expect(b.plan(cut, 'request', () => 9_999)).toMatchObject({ retry: true });
    expect(b.plan(cut, 'request', () => 10_000)).toEqual({ retry: false, exhausted: 'deadline' });
    b.markStreaming();
    expect(b.remainingMs).toBe(Infinity);
    advance(60_000);
    b.noteFailure({ phase: 'stream', transport: 'http', causedFallback: false });
    expect(b.remainingMs).toBe(10_000);
  });
});
