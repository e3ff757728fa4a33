import { toAbortError } from '../abort/abort-helpers.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { SseDecoder, type SseDecoderOptions, type SseEvent } from './sse-decoder.js';

/** Options of {@link decodeSseStream}. */
export interface DecodeSseStreamOptions extends SseDecoderOptions {
  /** Aborts the stream: the source is cancelled and iteration throws an `AbortError`. */
  signal?: AbortSignal;
  /**
   * The longest wait for the next chunk, in milliseconds; `null` or `undefined` waits forever.
   * The timer runs only while the decoder waits on the source, never while the consumer holds
   * an event, so a slow consumer is not mistaken for a stalled server.
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
 * into server-sent events, with the idle timeout, abort, size bound and end-of-stream
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
    for (;;) {
      const result = await nextChunk(iterator, idleTimeoutMs ?? null, (handler) => {
        interrupt = handler;
        if (stopError !== undefined) handler(stopError);
      });
      interrupt = undefined;
      if (result.done === true) break;
      decoder.push(result.value);
      for (const event of pending) yield event;
      pending.length = 0;
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
 * `iterator.next()`, raced against the idle timer and an interrupt (abort). The interrupt
 * handler is registered through `onInterruptible` so the caller can reject the wait at once.
 */
function nextChunk(
  iterator: AsyncIterator<Uint8Array>,
  idleTimeoutMs: number | null,
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
    if (idleTimeoutMs !== null) {
      timer = setTimeout(() => {
        if (finish()) reject(new IdleTimeoutError(idleTimeoutMs, { phase: 'body' }));
      }, idleTimeoutMs);
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
