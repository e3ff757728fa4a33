import { toAbortError } from '../abort/abort-helpers.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { SseDecoder, type SseDecoderOptions, type SseEvent } from './sse-decoder.js';

/** Options of {@link decodeSseStream}. */
export interface DecodeSseStreamOptions extends SseDecoderOptions {
  /** Aborts the stream: the source is cancelled and iteration throws an `AbortError`. */
  signal?: AbortSignal;
  /**
   * The longest wait for the next event, in milliseconds; `null` or `undefined` waits forever.
   * Only a dispatched event resets it: comments (`: keep-alive`), blank lines, `retry:` and
   * `id:` lines and the bytes of an event still incomplete do not, so a stream of keep-alive
   * comments cannot hold a reader forever. The timer runs only while the decoder waits on the
   * source, never while the consumer holds an event, so a slow consumer is not mistaken for a
   * stalled server.
   */
  idleTimeoutMs?: number | null;
  /**
   * Called once when iteration stops before the source ended (idle timeout, abort, decoder
   * error, or the consumer leaving the loop) with the reason; use it to destroy the
   * underlying body so its socket is released. The source's own `return()` is called as well.
   */
  cancel?: (reason: unknown) => void;
}

/**
 * Decodes a byte stream (an HTTP body, a `ReadableStream`, any `AsyncIterable<Uint8Array>`)
 * into server-sent events, with the idle timeout (between events, not bytes), abort, size bound and end-of-stream
 * detection of {@link SseDecoder}.
 *
 * @throws IdleTimeoutError, AbortError, PayloadTooLargeError or IncompleteEventError from
 *   the iteration; errors of the source pass through.
 */
export async function* decodeSseStream(source: AsyncIterable<Uint8Array>, options: DecodeSseStreamOptions = {}): AsyncGenerator<SseEvent, void, undefined> {
  const { signal, idleTimeoutMs, cancel } = options;
  const pending: SseEvent[] = [];
  const decoder = new SseDecoder((event) => pending.push(event), options);
  const iterator = source[Symbol.asyncIterator]();
  let stopError: unknown;
  let interrupt: ((error: unknown) => void) | undefined;
  const stop = (error: unknown): void => {
    stopError ??= error;
    interrupt?.(stopError);
  };
  const onAbort = (): void => stop(toAbortError(signal?.reason));
  signal?.addEventListener('abort', onAbort, { once: true });
  let completed = false;
  try {
    if (signal?.aborted) throw toAbortError(signal.reason);
    const limitMs = idleTimeoutMs ?? null;
    /** When the idle clock last started: at the start, and after each batch of events was consumed. */
    let sinceEvent = performance.now();
    for (;;) {
      const leftMs = limitMs === null ? null : Math.max(0, limitMs - (performance.now() - sinceEvent));
      const result = await nextChunk(iterator, limitMs, leftMs, (handler) => {
        interrupt = handler;
        if (stopError !== undefined) handler(stopError);
      });
      interrupt = undefined;
      if (result.done === true) break;
      decoder.push(result.value);
      if (pending.length === 0) continue;
      for (const event of pending) yield event;
      pending.length = 0;
      sinceEvent = performance.now();
      if (stopError !== undefined) throw stopError;
    }
    completed = true;
    decoder.end();
    for (const event of pending) yield event;
  } catch (error) {
    completed = false;
    stopError ??= error;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!completed) {
      cancel?.(stopError ?? new Error('the consumer stopped reading'));
      // Resolve quietly: the source may already be destroyed.
      await iterator.return?.().catch(() => undefined);
    }
  }
}

/**
 * `iterator.next()`, raced against the idle timer (`leftMs` of the `idleTimeoutMs` budget
 * remain) and an interrupt (abort). The interrupt handler is registered through
 * `onInterruptible` so the caller can reject the wait at once.
 */
function nextChunk(
  iterator: AsyncIterator<Uint8Array>,
  idleTimeoutMs: number | null,
  leftMs: number | null,
  onInterruptible: (handler: (error: unknown) => void) => void,
): Promise<IteratorResult<Uint8Array>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      return true;
    };
    if (idleTimeoutMs !== null && leftMs !== null) {
      timer = setTimeout(() => {
        if (finish()) reject(new IdleTimeoutError(idleTimeoutMs, { phase: 'body' }));
      }, leftMs);
    }
    onInterruptible((error) => {
      if (finish()) reject(error);
    });
    iterator.next().then(
      (result) => {
        if (finish()) resolve(result);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}
