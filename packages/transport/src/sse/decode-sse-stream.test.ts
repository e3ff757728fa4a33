import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { IncompleteEventError } from '../errors/incomplete-event-error.js';
import { decodeSseStream } from './decode-sse-stream.js';

const encoder = new TextEncoder();

/** A source that yields `chunks`, then waits until `release` resolves (or forever). */
function source(chunks: string[], options: { hangAtEnd?: boolean; onReturn?: () => void } = {}): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next: async () => {
          if (index < chunks.length) return { done: false, value: encoder.encode(chunks[index++]) };
          if (options.hangAtEnd) return new Promise<IteratorResult<Uint8Array>>(() => undefined);
          return { done: true, value: undefined };
        },
        return: async () => {
          options.onReturn?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

describe('decodeSseStream', () => {
  it('decodes a ReadableStream body', async () => {
    const body = new Response('data: a\n\ndata: b\n\n').body!;
    const data: string[] = [];
    for await (const event of decodeSseStream(body)) data.push(event.data);
    expect(data).toEqual(['a', 'b']);
  });

  it('times out when the source stalls and cancels it', async () => {
    let cancelled: unknown;
    let returned = false;
    const events = decodeSseStream(source(['data: a\n\n'], { hangAtEnd: true, onReturn: () => (returned = true) }), {
      idleTimeoutMs: 30,
      cancel: (reason) => (cancelled = reason),
    });
    const data: string[] = [];
    const error = await (async () => {
      for await (const event of events) data.push(event.data);
    })().catch((e: unknown) => e);
    expect(data).toEqual(['a']);
    expect(error).toBeInstanceOf(IdleTimeoutError);
    expect(cancelled).toBe(error);
    expect(returned).toBe(true);
  });

  it('aborts a pending wait at once, and refuses to start when already aborted', async () => {
    const controller = new AbortController();
    const events = decodeSseStream(source([], { hangAtEnd: true }), { signal: controller.signal });
    const pending = events.next();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await expect(decodeSseStream(source(['data: a\n\n']), { signal: AbortSignal.abort() }).next()).rejects.toBeInstanceOf(AbortError);
  });

  it('reports a cut event at the end of the source', async () => {
    const data: string[] = [];
    const error = await (async () => {
      for await (const event of decodeSseStream(source(['data: a\n\nda', 'ta: b\n']))) data.push(event.data);
    })().catch((e: unknown) => e);
    expect(data).toEqual(['a']);
    expect(error).toBeInstanceOf(IncompleteEventError);
  });

  it('cancels the source when the consumer stops early', async () => {
    let cancelled = false;
    for await (const event of decodeSseStream(source(['data: a\n\ndata: b\n\n']), { cancel: () => (cancelled = true) })) {
      expect(event.data).toBe('a');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
