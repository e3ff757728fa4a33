import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { combineSignals, delay, isAbortError, throwIfAborted, toAbortError } from './abort-helpers.js';

describe('combineSignals', () => {
  it('aborts with the reason of whichever input aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const combined = combineSignals(a.signal, undefined, b.signal);
    b.abort('second');
    expect(combined.signal.aborted).toBe(true);
    expect(combined.signal.reason).toBe('second');
  });

  it('starts aborted when an input already is', () => {
    const combined = combineSignals(new AbortController().signal, AbortSignal.abort('early'));
    expect(combined.signal.reason).toBe('early');
  });

  it('leaves no listener on a long-lived input after dispose', () => {
    const session = new AbortController();
    for (let i = 0; i < 100; i += 1) {
      using combined = combineSignals(session.signal, new AbortController().signal);
      expect(combined.signal.aborted).toBe(false);
    }
    expect(getEventListeners(session.signal, 'abort')).toHaveLength(0);
  });

  it('detaches from the other inputs once one aborts', () => {
    const session = new AbortController();
    const request = new AbortController();
    combineSignals(session.signal, request.signal);
    request.abort();
    expect(getEventListeners(session.signal, 'abort')).toHaveLength(0);
  });
});

describe('abort errors', () => {
  it('throwIfAborted throws a typed AbortError with the reason as cause', () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    controller.abort('user cancelled');
    try {
      throwIfAborted(controller.signal);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).cause).toBe('user cancelled');
      expect(isAbortError(error)).toBe(true);
    }
  });

  it('keeps a Modelwire error used as the abort reason', () => {
    const reason = new IdleTimeoutError(10);
    expect(toAbortError(reason)).toBe(reason);
  });

  it('delay rejects on abort and clears its timer', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    const pending = delay(60_000, controller.signal);
    expect(timers()).toBe(before + 1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(timers()).toBe(before);
    await delay(1);
  });
});
