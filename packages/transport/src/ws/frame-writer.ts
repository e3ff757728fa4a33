import { randomFillSync } from 'node:crypto';
import { isValidCloseCode } from './frame-parser.js';

const MASK_POOL_BYTES = 8 * 1024;
let maskPool = Buffer.alloc(0);
let maskOffset = 0;

/** Four fresh random bytes from a pool refilled by `crypto.randomFillSync` (RFC 6455 §5.3). */
function nextMask(): Buffer {
  if (maskOffset + 4 > maskPool.length) {
    maskPool = randomFillSync(Buffer.allocUnsafe(MASK_POOL_BYTES));
    maskOffset = 0;
  }
  const mask = maskPool.subarray(maskOffset, maskOffset + 4);
  maskOffset += 4;
  return mask;
}

/**
 * One masked client frame (FIN set, no RSV bit) with `payloadLength` bytes of payload, which
 * `fill` writes at `offset` of the returned buffer before it is masked in place.
 */
function maskedFrame(opcode: number, payloadLength: number, fill: (frame: Buffer, offset: number) => void): Buffer {
  const extended = payloadLength < 126 ? 0 : payloadLength < 65_536 ? 2 : 8;
  const header = 2 + extended + 4;
  const frame = Buffer.allocUnsafe(header + payloadLength);
  frame[0] = 0x80 | opcode;
  if (extended === 0) {
    frame[1] = 0x80 | payloadLength;
  } else if (extended === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(payloadLength, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(payloadLength / 2 ** 32), 2);
    frame.writeUInt32BE(payloadLength % 2 ** 32, 6);
  }
  const mask = nextMask();
  const maskAt = header - 4;
  frame[maskAt] = mask[0] as number;
  frame[maskAt + 1] = mask[1] as number;
  frame[maskAt + 2] = mask[2] as number;
  frame[maskAt + 3] = mask[3] as number;
  fill(frame, header);
  applyMask(frame, header, maskAt);
  return frame;
}

/** XORs `frame[start..]` with the four mask bytes at `maskAt`. */
function applyMask(frame: Buffer, start: number, maskAt: number): void {
  const m0 = frame[maskAt] as number;
  const m1 = frame[maskAt + 1] as number;
  const m2 = frame[maskAt + 2] as number;
  const m3 = frame[maskAt + 3] as number;
  const end = frame.length;
  let i = start;
  for (; i + 3 < end; i += 4) {
    frame[i] = (frame[i] as number) ^ m0;
    frame[i + 1] = (frame[i + 1] as number) ^ m1;
    frame[i + 2] = (frame[i + 2] as number) ^ m2;
    frame[i + 3] = (frame[i + 3] as number) ^ m3;
  }
  const tail = [m0, m1, m2];
  for (let k = 0; i < end; i += 1, k += 1) frame[i] = (frame[i] as number) ^ (tail[k] as number);
}

/** A masked text frame carrying `text` (UTF-8). */
export function textFrame(text: string): Buffer {
  return maskedFrame(0x1, Buffer.byteLength(text), (frame, offset) => {
    frame.write(text, offset, 'utf8');
  });
}

/** A masked ping (0x9) or pong (0xA) frame carrying `data` (at most 125 bytes). */
export function controlFrame(opcode: 0x9 | 0xa, data: Buffer): Buffer {
  return maskedFrame(opcode, data.length, (frame, offset) => {
    data.copy(frame, offset);
  });
}

/**
 * A masked close frame: empty without `code`, else the code and the UTF-8 `reason`.
 *
 * @throws TypeError for a code that may not be sent; RangeError for a reason over 123 bytes.
 */
export function closeFrame(code: number | undefined, reason: string): Buffer {
  if (code === undefined) return maskedFrame(0x8, 0, () => undefined);
  if (!Number.isInteger(code) || !isValidCloseCode(code)) throw new TypeError('First argument must be a valid error code number');
  const reasonBytes = Buffer.byteLength(reason);
  if (reasonBytes > 123) throw new RangeError('The message must not be greater than 123 bytes');
  return maskedFrame(0x8, 2 + reasonBytes, (frame, offset) => {
    frame.writeUInt16BE(code, offset);
    frame.write(reason, offset + 2, 'utf8');
  });
}
