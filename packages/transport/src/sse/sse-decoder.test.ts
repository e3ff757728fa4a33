import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutAt } from '../__fixtures__/chunking.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { IncompleteEventError } from '../errors/incomplete-event-error.js';
import { SseDecoder, type SseEvent } from './sse-decoder.js';

const encoder = new TextEncoder();

function decodeChunks(chunks: readonly Uint8Array[], options: { maxEventSize?: number } = {}): SseEvent[] {
  const events: SseEvent[] = [];
  const decoder = new SseDecoder((event) => events.push(event), options);
  for (const chunk of chunks) decoder.push(chunk);
  decoder.end();
  return events;
}

function bytewise(text: string | Uint8Array): Uint8Array[] {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  return Array.from(bytes, (byte) => Uint8Array.of(byte));
}

const STREAM = 'event: response.created\ndata: {"a":1}\n\n: keep-alive comment\nevent: response.output_text.delta\ndata: {"delta":"日本 é 😀"}\n\n';

describe('SseDecoder framing', () => {
  it('decodes the same events whole and byte by byte', () => {
    const whole = decodeChunks([encoder.encode(STREAM)]);
    expect(whole).toEqual([
      { event: 'response.created', data: '{"a":1}', id: undefined },
      { event: 'response.output_text.delta', data: '{"delta":"日本 é 😀"}', id: undefined },
    ]);
    expect(decodeChunks(bytewise(STREAM))).toEqual(whole);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('accepts %s line endings, also split across chunks', (_name, eol) => {
    const text = `event: a${eol}data: 1${eol}${eol}data: 2${eol}${eol}`;
    const expected = [
      { event: 'a', data: '1', id: undefined },
      { event: undefined, data: '2', id: undefined },
    ];
    expect(decodeChunks([encoder.encode(text)])).toEqual(expected);
    expect(decodeChunks(bytewise(text))).toEqual(expected);
  });

  it('treats CR at the end of one chunk and LF at the start of the next as one line ending', () => {
    const chunks = [encoder.encode('data: x\r'), encoder.encode('\ndata: y\r'), encoder.encode('\n\r'), encoder.encode('\n')];
    expect(decodeChunks(chunks)).toEqual([{ event: undefined, data: 'x\ny', id: undefined }]);
  });

  it('strips one BOM at the start only, even split across chunks', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('data: a\n\n'), 0xef, 0xbb, 0xbf, ...encoder.encode('data: b\n\n')]);
    // A BOM later in the stream is not stripped: `\ufeffdata` is an unknown field, ignored.
    const events = decodeChunks(bytewise(bytes));
    expect(events.map((e) => e.data)).toEqual(['a']);
    expect(decodeChunks([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]).map((e) => e.data)).toEqual(['a']);
    const second = new SseDecoder(() => undefined);
    expect(() => second.push(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]))).not.toThrow();
  });

  it('ignores comments, joins multi-line data, removes one leading space only', () => {
    const text = ': comment\n:another\ndata:first\ndata:  second\ndata\nunknown: field\n\n';
    expect(decodeChunks(bytewise(text))).toEqual([{ event: undefined, data: 'first\n second\n', id: undefined }]);
  });

  it('dispatches nothing for an event without data, and keeps the last id across events', () => {
    const text = 'id: 1\nevent: only-type\n\ndata: a\n\nid: 2\ndata: b\n\nretry: 1500\nretry: soon\ndata: c\n\n';
    const events: SseEvent[] = [];
    const decoder = new SseDecoder((event) => events.push(event));
    decoder.push(encoder.encode(text));
    decoder.end();
    expect(events).toEqual([
      { event: undefined, data: 'a', id: '1' },
      { event: undefined, data: 'b', id: '2' },
      { event: undefined, data: 'c', id: '2' },
    ]);
    expect(decoder.reconnectionTimeMs).toBe(1500);
    expect(decoder.eventsDelivered).toBe(3);
  });

  it('decodes multi-byte characters split at every byte', () => {
    const text = 'data: 😀日本é\n\n';
    expect(decodeChunks(bytewise(text))).toEqual([{ event: undefined, data: '😀日本é', id: undefined }]);
  });

  it('accepts a [DONE] sentinel as an ordinary event', () => {
    expect(decodeChunks([encoder.encode('data: [DONE]\n\n')])[0]?.data).toBe('[DONE]');
  });
});

describe('SseDecoder bounds and end of stream', () => {
  it('rejects an event larger than the bound, even when it spans many chunks', () => {
    const big = `data: ${'x'.repeat(5000)}\n\n`;
    expect(() => decodeChunks([encoder.encode(big)], { maxEventSize: 1024 })).toThrow(PayloadTooLargeError);
    const multiLine = `${'data: 0123456789\n'.repeat(200)}\n`;
    expect(() => decodeChunks(bytewise(multiLine), { maxEventSize: 1024 })).toThrow(PayloadTooLargeError);
    expect(decodeChunks([encoder.encode('data: small\n\n')], { maxEventSize: 1024 })).toHaveLength(1);
  });

  it('keeps the bound across events: many small events are fine', () => {
    const text = 'data: 0123456789\n\n'.repeat(500);
    expect(decodeChunks([encoder.encode(text)], { maxEventSize: 64 })).toHaveLength(500);
  });

  it.each([
    ['a partial data line', 'data: {"a":1}\n\ndata: {"b"'],
    ['a data line without its blank line', 'data: {"a":1}\n\ndata: {"b":2}\n'],
    ['a CR-terminated data line', 'data: {"a":1}\n\ndata: {"b":2}\r'],
    ['a bare data field name', 'data: {"a":1}\n\ndata'],
  ])('reports a stream that ends inside an event (%s)', (_name, text) => {
    const events: SseEvent[] = [];
    const decoder = new SseDecoder((event) => events.push(event));
    decoder.push(encoder.encode(text));
    expect(() => decoder.end()).toThrow(IncompleteEventError);
    expect(events.map((e) => e.data)).toEqual(['{"a":1}']);
  });

  it.each([
    ['a complete stream', 'data: 1\n\n'],
    ['a trailing comment', 'data: 1\n\n: ping\n'],
    ['a trailing partial comment', 'data: 1\n\n: pi'],
    ['CR CR', 'data: 1\r\r'],
    ['an empty stream', ''],
  ])('accepts %s as complete', (_name, text) => {
    expect(decodeChunks([encoder.encode(text)])).toHaveLength(text === '' ? 0 : 1);
  });
});

// ---- property: any chunking decodes to the events of the unchunked parse ----

const CHARACTERS = ['a', 'b', 'Z', '0', ' ', ':', '{', '}', '"', ',', 'é', '日', '😀', '\u00a0', '\ufeff', '\t'];
const valueText = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 12 }).map((parts) => parts.join(''));
const nameText = fc.array(fc.constantFrom(...CHARACTERS.filter((c) => c !== ' ')), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

interface GeneratedEvent {
  comment: string | undefined;
  event: string | undefined;
  id: string | undefined;
  dataLines: string[];
}

const generatedEvent = fc.record({
  comment: fc.option(valueText, { nil: undefined }),
  event: fc.option(nameText, { nil: undefined }),
  id: fc.option(nameText, { nil: undefined }),
  dataLines: fc.array(valueText, { minLength: 1, maxLength: 3 }),
});

function serialise(events: readonly GeneratedEvent[], eol: string, bom: boolean): string {
  let text = bom ? '\ufeff' : '';
  for (const e of events) {
    if (e.comment !== undefined) text += `:${e.comment}${eol}`;
    if (e.event !== undefined) text += `event: ${e.event}${eol}`;
    if (e.id !== undefined) text += `id: ${e.id}${eol}`;
    for (const line of e.dataLines) text += `data: ${line}${eol}`;
    text += eol;
  }
  return text;
}

function intended(events: readonly GeneratedEvent[]): SseEvent[] {
  let lastId: string | undefined;
  return events.map((e) => {
    if (e.id !== undefined) lastId = e.id;
    return { event: e.event, data: e.dataLines.join('\n'), id: lastId };
  });
}

describe('SseDecoder property', () => {
  it('yields exactly the events of the unchunked parse for 10 000 random chunkings', () => {
    fc.assert(
      fc.property(
        fc.array(generatedEvent, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 24 }),
        (events, eol, bom, cuts) => {
          const bytes = encoder.encode(serialise(events, eol, bom));
          const unchunked = decodeChunks([bytes]);
          expect(unchunked).toEqual(intended(events));
          expect(decodeChunks(cutAt(bytes, cuts))).toEqual(unchunked);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('decodes socket Buffers (the fast path for chunks ending in ASCII) exactly as a TextDecoder does, invalid UTF-8 and BOM included', () => {
    // Invalid and cut sequences (a lone continuation byte, an overlong, a surrogate, a truncated
    // four-byte character, 0xFF), a BOM, valid multi-byte characters and ASCII, in data lines.
    const pieces = [[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xff], [0xef, 0xbb, 0xbf], [0xe6, 0x97, 0xa5], [0xf0, 0x9f, 0x98, 0x80], [0x61], [0x20]];
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...pieces), { maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 12 }), (lines, bom, cuts) => {
        const bytes: number[] = bom ? [0xef, 0xbb, 0xbf] : [];
        for (const line of lines) bytes.push(...encoder.encode('data: '), ...line.flat(), 0x0a, 0x0a);
        const whole = Uint8Array.from(bytes);
        const expected = decodeChunks([whole]);
        expect(expected.map((event) => event.data)).toEqual(new TextDecoder().decode(whole).split('\n\n').slice(0, -1).map((event) => event.slice('data: '.length)));
        expect(decodeChunks(cutAt(whole, cuts).map((chunk) => Buffer.from(chunk)))).toEqual(expected);
      }),
      { numRuns: 5_000 },
    );
  });
});
