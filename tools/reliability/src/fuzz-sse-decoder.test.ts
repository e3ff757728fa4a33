// Property tests of the transport's SSE decoder against arbitrary bytes: invalid UTF-8, huge
// lines, endless events, any chunking. Only typed Modelwire errors may escape, and the size
// bound must hold.
import { decodeSseStream, ModelwireError, SseDecoder, type SseEvent } from '@modelwire/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const MAX_EVENT = 4_096;

/** Bytes that are often SSE-shaped: field names, line endings, invalid UTF-8 and plain noise. */
const sseishBytes = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom('data: ', 'event: ', 'id: ', 'retry: 10', ':comment', '\n', '\r', '\r\n', '\n\n', '{"type":"x"}', '\uFEFF').map((text) => new TextEncoder().encode(text)),
    // Invalid UTF-8: lone continuation bytes, truncated sequences, overlongs, surrogates.
    fc.constantFrom([0x80], [0xc0, 0xaf], [0xe0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xf0, 0x9f]).map((bytes) => Uint8Array.from(bytes)),
  ),
  { maxLength: 60 },
);

/** Splits `bytes` at the given cut points (any chunking, down to one byte). */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Runs the push decoder; returns its events and the error it threw, if any. */
function decodeAll(chunks: readonly Uint8Array[], maxEventSize = MAX_EVENT): { events: SseEvent[]; error: unknown } {
  const events: SseEvent[] = [];
  const decoder = new SseDecoder((event) => events.push(event), { maxEventSize });
  try {
    for (const chunk of chunks) decoder.push(chunk);
    decoder.end();
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

describe('fuzz: SSE decoder', () => {
  it('throws nothing but typed errors for arbitrary bytes in arbitrary chunks, and never delivers an event over the bound', () => {
    fc.assert(
      fc.property(sseishBytes, fc.array(fc.nat(), { maxLength: 12 }), (parts, cuts) => {
        const { events, error } = decodeAll(chunked(concat(parts), cuts));
        if (error !== undefined) {
          expect(ModelwireError.isInstance(error)).toBe(true);
          expect(['payload_too_large', 'stream_incomplete']).toContain((error as ModelwireError).code);
        }
        for (const event of events) expect(event.data.length).toBeLessThanOrEqual(MAX_EVENT);
      }),
      { numRuns: 400 },
    );
  });

  it('decodes the same events whatever the chunking (also with invalid UTF-8)', () => {
    fc.assert(
      fc.property(sseishBytes, fc.array(fc.nat(), { maxLength: 12 }), (parts, cuts) => {
        const bytes = concat(parts);
        const whole = decodeAll([bytes]);
        const split = decodeAll(chunked(bytes, cuts));
        expect(split.events).toEqual(whole.events);
        expect((split.error as ModelwireError | undefined)?.code).toBe((whole.error as ModelwireError | undefined)?.code);
      }),
      { numRuns: 300 },
    );
  });

  it('stops a huge data, event, id or retry line (no line ending) with payload_too_large near the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_048 }), fc.constantFrom('data: ', 'event: ', 'id: ', 'retry: ', 'data:'), fc.constantFrom(0x61, 0xff, 0xe2), (chunkSize, prefix, byte) => {
        const decoder = new SseDecoder(() => undefined, { maxEventSize: MAX_EVENT });
        const chunk = new Uint8Array(chunkSize).fill(byte);
        let fed = 0;
        let error: unknown;
        try {
          decoder.push(new TextEncoder().encode(prefix));
          // Up to 64 times the bound: the decoder must refuse long before.
          while (fed < MAX_EVENT * 64) {
            decoder.push(chunk);
            fed += chunk.length;
          }
        } catch (caught) {
          error = caught;
        }
        expect((error as ModelwireError | undefined)?.code).toBe('payload_too_large');
        // Each byte decodes to at most one UTF-16 code unit (U+FFFD for invalid bytes): one chunk of slack.
        expect(fed).toBeLessThanOrEqual(MAX_EVENT + chunkSize);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps memory flat through 64 MiB of one endless comment or unknown-field line (discarded, never buffered)', () => {
    for (const prefix of [':', 'x-unknown: ', 'no-colon-at-all']) {
      const decoder = new SseDecoder(() => undefined, { maxEventSize: MAX_EVENT });
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      const before = process.memoryUsage();
      let error: unknown;
      try {
        decoder.push(new TextEncoder().encode(prefix));
        for (let fed = 0; fed < 64 * 1024 * 1024; fed += chunk.length) decoder.push(chunk);
        decoder.push(new TextEncoder().encode('\ndata: {"type":"ok"}\n\n'));
      } catch (caught) {
        error = caught;
      }
      const after = process.memoryUsage();
      // A retained 64 MiB line would show up here; allow garbage not yet collected.
      expect(after.heapUsed + after.external - (before.heapUsed + before.external)).toBeLessThan(32 * 1024 * 1024);
      if (error !== undefined) expect((error as ModelwireError).code).toBe('payload_too_large');
    }
  });

  it('stops an endless event of many short data lines (no blank line) with payload_too_large near the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (lineLength) => {
        const decoder = new SseDecoder(() => undefined, { maxEventSize: MAX_EVENT });
        const line = new TextEncoder().encode(`data: ${'x'.repeat(lineLength)}\n`);
        let lines = 0;
        let error: unknown;
        try {
          while (lines * line.length < MAX_EVENT * 64) {
            decoder.push(line);
            lines += 1;
          }
        } catch (caught) {
          error = caught;
        }
        expect((error as ModelwireError | undefined)?.code).toBe('payload_too_large');
        // Accumulated data: the values joined with "\n". Refused within one line of the bound.
        expect(lines * (lineLength + 1)).toBeLessThanOrEqual(MAX_EVENT + 2 * (lineLength + 1));
      }),
      { numRuns: 60 },
    );
  });

  it('decodeSseStream over an async byte source: only typed errors escape and the source is released', async () => {
    await fc.assert(
      fc.asyncProperty(sseishBytes, fc.array(fc.nat(), { maxLength: 8 }), async (parts, cuts) => {
        let released = false;
        const chunks = chunked(concat(parts), cuts);
        const source: AsyncIterable<Uint8Array> = {
          [Symbol.asyncIterator]: () => {
            let index = 0;
            return {
              next: async () => (index < chunks.length ? { done: false, value: chunks[index++] as Uint8Array } : { done: true, value: undefined }),
              return: async () => {
                released = true;
                return { done: true, value: undefined };
              },
            };
          },
        };
        let error: unknown;
        try {
          for await (const event of decodeSseStream(source, { maxEventSize: MAX_EVENT })) expect(event.data.length).toBeLessThanOrEqual(MAX_EVENT);
        } catch (caught) {
          error = caught;
        }
        if (error !== undefined) {
          expect(ModelwireError.isInstance(error)).toBe(true);
          expect(released).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
