import type { EventEmitter } from 'node:events';
import fc from 'fast-check';
import * as wsModule from 'ws';
import { describe, expect, it } from 'vitest';
import { cutAt } from '../__fixtures__/chunking.js';
import { FrameParser, type FrameError } from './frame-parser.js';

/** `ws`'s own frame receiver (exported by the package, not described by its types): the oracle. */
interface WsReceiver extends EventEmitter {
  write(chunk: Buffer): boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
}
const Receiver = (wsModule as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => WsReceiver }).Receiver;

const MAX_PAYLOAD = 300;

interface FrameSpec {
  fin: boolean;
  rsv: number;
  opcode: number;
  payload: Buffer;
  mask: Buffer | undefined;
  /** Length encoding: minimal, or forced 16-bit / 64-bit (allowed by the protocol's readers). */
  width: 'minimal' | 16 | 64;
}

function encode(frame: FrameSpec): Buffer {
  const length = frame.payload.length;
  const width = frame.width === 'minimal' ? (length < 126 ? 7 : length < 65_536 ? 16 : 64) : frame.width;
  const header = Buffer.alloc(2 + (width === 16 ? 2 : width === 64 ? 8 : 0));
  header[0] = (frame.fin ? 0x80 : 0) | (frame.rsv << 4) | frame.opcode;
  const maskBit = frame.mask === undefined ? 0 : 0x80;
  if (width === 7) header[1] = maskBit | length;
  else if (width === 16) {
    header[1] = maskBit | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = maskBit | 127;
    header.writeUInt32BE(0, 2);
    header.writeUInt32BE(length, 6);
  }
  if (frame.mask === undefined) return Buffer.concat([header, frame.payload]);
  const masked = Buffer.from(frame.payload);
  for (let i = 0; i < masked.length; i += 1) masked[i] = (masked[i] as number) ^ (frame.mask[i % 4] as number);
  return Buffer.concat([header, frame.mask, masked]);
}

const plain = (opcode: number, payload: Buffer, fin = true): FrameSpec => ({ fin, rsv: 0, opcode, payload, mask: undefined, width: 'minimal' });

const text = fc.oneof(
  { weight: 9, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }).map((value) => Buffer.from(value)) },
  // A literal U+FFFD is valid text (the decoder's replacement character must not be mistaken for an error).
  { weight: 1, arbitrary: fc.constant(Buffer.from('{"a":"\uFFFD"}')) },
);
const invalidUtf8 = fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0x61, 0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]));
const bytes = (maxLength: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((value) => Buffer.from(value));

/** A whole text or binary message split into fragments, with pings and pongs between them. */
const message: fc.Arbitrary<FrameSpec[]> = fc
  .record({
    binary: fc.boolean(),
    payload: fc.oneof({ weight: 6, arbitrary: text }, { weight: 1, arbitrary: invalidUtf8 }, { weight: 1, arbitrary: bytes(MAX_PAYLOAD + 40) }),
    cuts: fc.array(fc.nat(), { maxLength: 3 }),
    controls: fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x9, 0xa), bytes(20)), { maxLength: 2 }),
    width: fc.constantFrom<'minimal' | 16 | 64>('minimal', 'minimal', 'minimal', 16, 64),
  })
  .map(({ binary, payload, cuts, controls, width }) => {
    const pieces = cutAt(payload, cuts).map((piece) => Buffer.from(piece.buffer, piece.byteOffset, piece.length));
    const frames: FrameSpec[] = pieces.map((piece, index) => ({
      fin: index === pieces.length - 1,
      rsv: 0,
      opcode: index === 0 ? (binary ? 0x2 : 0x1) : 0x0,
      payload: piece,
      mask: undefined,
      width,
    }));
    for (const [at, opcode, data] of controls) frames.splice(1 + (at % frames.length), 0, plain(opcode, data));
    return frames;
  });

/** A close frame: valid, with a code that may not be sent, one byte, or a reason that is not UTF-8. */
const close: fc.Arbitrary<FrameSpec[]> = fc
  .oneof(
    fc.constant(Buffer.alloc(0)),
    fc.tuple(fc.constantFrom(1000, 1001, 1003, 1011, 3000, 4999, 1004, 1005, 1006, 999, 1015, 2999, 5000), fc.oneof(text, invalidUtf8)).map(([code, reason]) => {
      const payload = Buffer.alloc(2 + reason.length);
      payload.writeUInt16BE(code, 0);
      reason.copy(payload, 2);
      return payload;
    }),
    fc.constant(Buffer.from([0x03])),
  )
  .map((payload) => [plain(0x8, payload)]);

/** One frame of anything: any opcode, RSV bits, mask, FIN, control frames over 125 bytes. */
const anything: fc.Arbitrary<FrameSpec[]> = fc
  .record({
    fin: fc.boolean(),
    rsv: fc.constantFrom(0, 0, 1, 2, 4),
    opcode: fc.integer({ min: 0, max: 15 }),
    payload: fc.oneof(text, bytes(140)),
    mask: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }).map((value) => Buffer.from(value)), { freq: 4 }),
    width: fc.constantFrom<'minimal' | 16 | 64>('minimal', 16, 64),
  })
  .map((frame) => [{ ...frame, mask: frame.mask ?? undefined }]);

/** A message whose last data frame lacks FIN: whatever follows must be a continuation. */
const unfinished: fc.Arbitrary<FrameSpec[]> = message.map((frames) => {
  const last = frames.findLastIndex((frame) => frame.opcode < 0x8);
  return frames.map((frame, index) => (index === last ? { ...frame, fin: false } : frame));
});

const stream = fc
  .array(
    fc.oneof({ weight: 8, arbitrary: message }, { weight: 1, arbitrary: close }, { weight: 2, arbitrary: anything }, { weight: 1, arbitrary: unfinished }),
    { maxLength: 12 },
  )
  .map((groups) => Buffer.concat(groups.flat().map(encode)));

/** Splits `data` at the given points (taken modulo its length), in order, without empty chunks. */
function split(data: Buffer, points: number[]): Buffer[] {
  return cutAt(data, points)
    .filter((chunk) => chunk.length > 0)
    .map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
}

const hex = (data: Buffer): string => data.toString('hex');

/** What `ws`'s receiver makes of the chunks: messages, controls, close, failure, in order. */
async function oracle(chunks: Buffer[]): Promise<string[]> {
  const events: string[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: MAX_PAYLOAD });
  let stopped = false;
  receiver.on('message', (data: Buffer, isBinary: boolean) => events.push(isBinary ? `binary:${hex(data)}` : `text:${data.toString('utf8')}`));
  receiver.on('ping', (data: Buffer) => events.push(`ping:${hex(data)}`));
  receiver.on('pong', (data: Buffer) => events.push(`pong:${hex(data)}`));
  receiver.on('conclude', (code: number, reason: Buffer) => {
    stopped = true;
    events.push(`close:${code}:${reason.toString('utf8')}`);
  });
  receiver.on('error', (error: Error & { code?: string }) => {
    if (stopped) return;
    stopped = true;
    const status = Object.getOwnPropertySymbols(error).find((symbol) => symbol.description === 'status-code');
    events.push(`error:${error.code}:${status === undefined ? '' : String((error as unknown as Record<symbol, number>)[status])}`);
  });
  for (const chunk of chunks) {
    if (stopped || receiver.destroyed || receiver.writableEnded) break;
    receiver.write(Buffer.from(chunk));
  }
  await new Promise((resolve) => setImmediate(resolve));
  return events;
}

/** What {@link FrameParser} makes of the same chunks, fed through one reused read buffer scrubbed after every read. */
function native(chunks: Buffer[]): string[] {
  const events: string[] = [];
  const parser = new FrameParser(
    {
      onText: (value) => events.push(`text:${value}`),
      onBinary: (data) => events.push(`binary:${hex(data)}`),
      onPing: (data) => events.push(`ping:${hex(data)}`),
      onPong: (data) => events.push(`pong:${hex(data)}`),
      onClose: (code, reason) => events.push(`close:${code}:${reason}`),
      onError: (error: FrameError) => events.push(`error:${error.code}:${error.statusCode}`),
    },
    MAX_PAYLOAD,
  );
  const readBuffer = Buffer.alloc(4096);
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.length; offset += readBuffer.length) {
      const length = chunk.copy(readBuffer, 0, offset, offset + readBuffer.length);
      parser.push(readBuffer, length);
      readBuffer.fill(0xee);
    }
  }
  return events;
}

describe('FrameParser against ws Receiver (oracle)', () => {
  it('yields the same messages, controls, close and failure codes for any frames split at any read boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 12 }), async (data, points) => {
        const chunks = split(data, points);
        expect(native(chunks)).toEqual(await oracle(chunks));
      }),
      { numRuns: 600 },
    );
  });

  it('agrees byte by byte: one read per byte', async () => {
    await fc.assert(
      fc.asyncProperty(stream, async (data) => {
        const chunks = [...data].map((byte) => Buffer.from([byte]));
        expect(native(chunks)).toEqual(await oracle(chunks));
      }),
      { numRuns: 100 },
    );
  });

  it('fails a message over the limit across fragments with 1009 as soon as the frame length is known', () => {
    const first = encode(plain(0x1, Buffer.alloc(200, 0x61), false));
    const second = encode(plain(0x0, Buffer.alloc(200, 0x61))).subarray(0, 4);
    expect(native([first, second])).toEqual(['error:WS_ERR_UNSUPPORTED_MESSAGE_LENGTH:1009']);
  });

  it('keeps no reference to the read buffer: a frame split over reads survives the buffer being overwritten', () => {
    const payload = 'é'.repeat(5000);
    const frame = encode(plain(0x1, Buffer.from(payload)));
    const events: string[] = [];
    const parser = new FrameParser(
      {
        onText: (value) => events.push(value),
        onBinary: () => undefined,
        onPing: () => undefined,
        onPong: () => undefined,
        onClose: () => undefined,
        onError: (error) => events.push(error.code),
      },
      1 << 20,
    );
    const readBuffer = Buffer.alloc(777);
    for (let offset = 0; offset < frame.length; offset += readBuffer.length) {
      const length = frame.copy(readBuffer, 0, offset, offset + readBuffer.length);
      parser.push(readBuffer, length);
      readBuffer.fill(0);
    }
    expect(events).toEqual([payload]);
  });
});
