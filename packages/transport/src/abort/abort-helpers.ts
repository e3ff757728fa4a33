import { AbortError } from '../errors/abort-error.js';
import { ModelwireError } from '@modelwire/errors';

/**
 * Converts an abort `reason` into the error to throw. A Modelwire error given as the reason
 * (for example an {@link IdleTimeoutError} used to abort a request) is returned unchanged so
 * its type survives; anything else becomes an {@link AbortError} carrying it as `cause`.
 */
export function toAbortError(reason: unknown): ModelwireError {
  if (ModelwireError.isInstance(reason)) return reason;
  return new AbortError('the operation was aborted', { cause: reason });
}

/** Throws {@link toAbortError}(signal.reason) when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toAbortError(signal.reason);
}

/** True for a Modelwire {@link AbortError} and for any error named `AbortError` (DOMException, undici). */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** The result of {@link combineSignals}: one signal plus the means to detach it from its inputs. */
export interface CombinedSignal extends Disposable {
  /** Aborts as soon as any input aborts, with that input's reason. */
  readonly signal: AbortSignal;
  /**
   * Removes the listeners placed on the inputs. Call it when the operation ends (or use
   * `using`); long-lived input signals (a session's) otherwise keep one listener per call.
   */
  dispose(): void;
}

/**
 * Combines several optional signals into one that aborts when any of them aborts.
 *
 * Unlike `AbortSignal.any`, the listeners it adds are removed by `dispose()` (or
 * `Symbol.dispose`), so a session-scoped signal combined with one per-request signal per call
 * does not accumulate listeners over a long session. `undefined` inputs are ignored.
 */
export function combineSignals(...signals: readonly (AbortSignal | undefined)[]): CombinedSignal {
  const controller = new AbortController();
  const attached: { signal: AbortSignal; listener: () => void }[] = [];
  const dispose = (): void => {
    for (const { signal, listener } of attached) signal.removeEventListener('abort', listener);
    attached.length = 0;
  };
  for (const signal of signals) {
    if (signal === undefined) continue;
    if (signal.aborted) {
      dispose();
      controller.abort(signal.reason);
      break;
    }
    const listener = (): void => {
      dispose();
      controller.abort(signal.reason);
    };
    signal.addEventListener('abort', listener, { once: true });
    attached.push({ signal, listener });
  }
  return { signal: controller.signal, dispose, [Symbol.dispose]: dispose };
}

/**
 * Resolves after `ms` milliseconds, or rejects with {@link toAbortError} as soon as `signal`
 * aborts (clearing the timer and its listener, so nothing is left behind).
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(toAbortError(signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(toAbortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
