import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cutAt } from '../__fixtures__/chunking.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { IncompleteEventError } from '../errors/incomplete-event-error.js';
import { SseDecoder, type SseEvent } from '../sse/sse-decoder.js';
import { SseResponse, type SseSource } from './sse-response.js';

const encoder = new TextEncoder();

/** A request double: records what the response asked of the socket. */
class FakeSource implements SseSource {
  paused = false;
  pauses = 0;
  aborted: Error | null = null;
  pause(): void {
    this.paused = true;
    this.pauses += 1;
  }
  resume(): void {
    this.paused = false;
  }
  abort(reason: Error): void {
    this.aborted ??= reason;
  }
}

/** The reference: the events (and the end) of the whole body, decoded in one piece. */
function reference(bytes: Uint8Array): { events: SseEvent[]; cut: boolean } {
  const events: SseEvent[] = [];
  const decoder = new SseDecoder((event) => events.push(event));
  decoder.push(bytes);
  try {
    decoder.end();
    return { events, cut: false };
  } catch (error) {
    expect(error).toBeInstanceOf(IncompleteEventError);
    return { events, cut: true };
  }
}

afterEach(() => {
  vi.useRealTimers();
});

// ---- property: any chunking, any consumer, any moment it comes: the events of the whole body ----

const CHARACTERS = ['a', 'é', '😀', ' ', ':', '{', '"', '\u2028'];
const text = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 10 }).map((parts) => parts.join(''));
const block = fc.oneof(
  fc.record({ event: fc.option(fc.constantFrom('response.created', 'x'), { nil: undefined }), data: fc.array(text, { minLength: 1, maxLength: 3 }) }).map(({ event, data }) => `${event === undefined ? '' : `event: ${event}\n`}${data.map((line) => `data: ${line}\n`).join('')}\n`),
  text.map((comment) => `: ${comment.replaceAll('\n', '')}\n\n`),
  fc.constant('\n'),
);

describe('SseResponse property', () => {
  it('delivers exactly the events of the unchunked parse, then the end, whatever the chunking and the consumer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(block, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('', 'data: cut mid-ev'),
        fc.array(fc.nat(), { maxLength: 16 }),
        fc.constantFrom('push', 'pull'),
        fc.nat(),
        async (blocks, tail, cuts, mode, attachAfter) => {
          const bytes = encoder.encode(blocks.join('') + tail);
          const expected = reference(bytes);
          const chunks = cutAt(bytes, cuts);
          const source = new FakeSource();
          const response = new SseResponse(source, { idleTimeoutMs: null });
          const attachAt = attachAfter % (chunks.length + 1);
          const received: SseEvent[] = [];
          let endError: unknown = 'not ended';
          const ended = new Promise<void>((resolve) => {
            const feed = (from: number, to: number): void => {
              for (const chunk of chunks.slice(from, to)) response.push(chunk);
            };
            feed(0, attachAt);
            if (mode === 'push') {
              response.listen({
                onEvent: (event) => received.push(event),
                onEnd: (error) => {
                  endError = error;
                  resolve();
                },
              });
              feed(attachAt, chunks.length);
              response.end();
              return;
            }
            const iterator = response.events[Symbol.asyncIterator]();
            feed(attachAt, chunks.length);
            response.end();
            void (async () => {
              try {
                for (;;) {
                  const next = await iterator.next();
                  if (next.done === true) break;
                  received.push(next.value);
                }
                endError = undefined;
              } catch (error) {
                endError = error;
              }
              resolve();
            })();
          });
          await ended;
          expect(received).toEqual(expected.events);
          if (expected.cut) expect(endError).toBeInstanceOf(IncompleteEventError);
          else expect(endError).toBeUndefined();
          expect(response.settled).toBe(true);
          expect(source.aborted).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SseResponse', () => {
  it('stops reading the socket past 256 unread events, and reads again once the consumer caught up', async () => {
    const source = new FakeSource();
    const response = new SseResponse(source, { idleTimeoutMs: null });
    for (let index = 0; index < 300; index += 1) response.push(encoder.encode(`data: ${index}\n\n`));
    expect(source.paused).toBe(true);
    const iterator = response.events[Symbol.asyncIterator]();
    const seen: string[] = [];
    for (let index = 0; index < 200; index += 1) seen.push(((await iterator.next()) as IteratorYieldResult<SseEvent>).value.data);
    expect(source.paused).toBe(false);
    response.end();
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      seen.push(next.value.data);
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, index) => String(index)));
  });

  it('release() drops the rest of the body without destroying it, and destroys it past the byte bound', () => {
    const source = new FakeSource();
    const response = new SseResponse(source, { idleTimeoutMs: null });
    const seen: string[] = [];
    response.listen({
      onEvent: (event) => {
        seen.push(event.data);
        if (event.data === 'terminal') response.release();
      },
      onEnd: () => seen.push('end'),
    });
    response.push(encoder.encode('data: one\n\ndata: terminal\n\ndata: after\n\n'));
    expect(response.draining).toBe(true);
    response.push(encoder.encode('data: more\n\n'));
    response.end();
    expect(seen).toEqual(['one', 'terminal']);
    expect(response.settled).toBe(true);
    expect(source.aborted).toBeNull();

    const endless = new FakeSource();
    const released = new SseResponse(endless, { idleTimeoutMs: null });
    released.listen({ onEvent: () => released.release(), onEnd: () => undefined });
    released.push(encoder.encode('data: terminal\n\n'));
    for (let index = 0; index < 300 && !released.settled; index += 1) released.push(new Uint8Array(1024));
    expect(released.settled).toBe(true);
    expect(endless.aborted).not.toBeNull();
  });

  it('a released body that does not end in time is destroyed', () => {
    vi.useFakeTimers();
    const source = new FakeSource();
    const response = new SseResponse(source, { idleTimeoutMs: null });
    response.release();
    vi.advanceTimersByTime(60_000);
    expect(response.settled).toBe(true);
    expect(source.aborted).not.toBeNull();
  });

  it('the idle timeout counts events only, never while the consumer paused, and fires at most an eighth late', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const source = new FakeSource();
    const response = new SseResponse(source, { idleTimeoutMs: 800 });
    let ended: unknown = 'running';
    response.listen({ onEvent: () => undefined, onEnd: (error) => (ended = error) });
    // Comments and blank lines every 100 ms: no progress.
    for (let index = 0; index < 7; index += 1) {
      vi.advanceTimersByTime(100);
      response.push(encoder.encode(': keep-alive\n\n\n'));
    }
    expect(ended).toBe('running');
    response.push(encoder.encode('data: event\n\n'));
    vi.advanceTimersByTime(700);
    expect(ended).toBe('running');
    // Paused by the consumer: its silence, not the server's.
    response.pause();
    vi.advanceTimersByTime(5_000);
    expect(ended).toBe('running');
    expect(source.paused).toBe(true);
    response.resume();
    expect(source.paused).toBe(false);
    vi.advanceTimersByTime(800 + 100 + 100);
    expect(ended).toBeInstanceOf(IdleTimeoutError);
    expect((ended as IdleTimeoutError).message).toBe('no event for 800 ms');
    expect(source.aborted).toBe(ended);
  });

  it('fail() stops the stream with the reason, destroys the body and ignores what comes after', async () => {
    const source = new FakeSource();
    const response = new SseResponse(source, { idleTimeoutMs: null });
    const iterator = response.events[Symbol.asyncIterator]();
    const pending = iterator.next();
    response.fail(new IdleTimeoutError(5));
    await expect(pending).rejects.toBeInstanceOf(IdleTimeoutError);
    expect(source.aborted).toBeInstanceOf(IdleTimeoutError);
    response.push(encoder.encode('data: late\n\n'));
    response.end();
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('can be consumed once', () => {
    const response = new SseResponse(new FakeSource(), { idleTimeoutMs: null });
    response.listen({ onEvent: () => undefined, onEnd: () => undefined });
    expect(() => response.events[Symbol.asyncIterator]()).toThrow(TypeError);
    response.cancel();
  });
});
