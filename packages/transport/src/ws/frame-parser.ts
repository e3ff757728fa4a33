import { isUtf8 } from 'node:buffer';

/**
 * Why a {@link FrameParser} stopped: `statusCode` is the close code to send (1002 protocol
 * error, 1007 invalid UTF-8, 1009 too large), `code` the same `WS_ERR_*` name `ws` uses, so a
 * connection maps either implementation's failures to the same typed errors.
 */
export class FrameError extends Error {
  /** The `WS_ERR_*` name of the failure. */
  readonly code: string;
  /** The close code to answer with. */
  readonly statusCode: number;

  constructor(message: string, code: string, statusCode: number) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** Receives what a {@link FrameParser} decoded, synchronously and in wire order. */
export interface FrameSink {
  /** A whole text message (all fragments), validated UTF-8. */
  onText(text: string): void;
  /** A whole binary message; the buffer is owned by the receiver. */
  onBinary(data: Buffer): void;
  /** A ping; the buffer is owned by the receiver. */
  onPing(data: Buffer): void;
  /** A pong; the buffer is owned by the receiver. */
  onPong(data: Buffer): void;
  /** The peer's close frame (1005 when it carried no code). The parser ignores every later byte. */
  onClose(code: number, reason: string): void;
  /** The stream broke the protocol. The parser ignores every later byte. */
  onError(error: FrameError): void;
}

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** Whether `code` may appear in a close frame (RFC 6455 §7.4, as `ws` accepts them). */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/**
 * The client side of RFC 6455 framing, fed by whatever reads the socket: `push` takes the bytes
 * of one read (possibly a buffer the caller reuses for the next read) and hands every whole
 * message, ping, pong and close to the sink before it returns. A frame that lies whole inside
 * one read is decoded straight from it (text without an intermediate copy); only the bytes of
 * an incomplete frame are copied and kept for the next read, so no reference to the caller's
 * buffer survives `push`.
 *
 * Checks, in the order and with the close codes `ws` applies: RSV bits (no extension is
 * negotiated), reserved opcodes, continuation without a message, a new message inside a
 * fragmented one, control frames fragmented or over 125 bytes, masked frames from the server
 * (1002); message size over `maxPayloadBytes` across fragments, checked as soon as a frame's
 * length is known (1009); text and close reasons that are not UTF-8 (1007); close codes that
 * may not be sent (1002). After a close frame or an error every later byte is ignored.
 */
export class FrameParser {
  readonly #sink: FrameSink;
  readonly #maxPayloadBytes: number;
  /** Copied bytes of an incomplete frame, oldest first. */
  #parts: Buffer[] = [];
  #partBytes = 0;
  /** Size of the incomplete frame when its header was complete (0: header still incomplete). */
  #needed = 0;
  /** Opcode of the fragmented message being received (0: none). */
  #fragmented = 0;
  #fragments: Buffer[] = [];
  #messageBytes = 0;
  #done = false;

  constructor(sink: FrameSink, maxPayloadBytes: number) {
    this.#sink = sink;
    this.#maxPayloadBytes = maxPayloadBytes;
  }

  /** Whether the parser stopped (close frame or error): later bytes are ignored. */
  get done(): boolean {
    return this.#done;
  }

  /** Parses `length` bytes of `chunk` (default all). `chunk` may be reused by the caller afterwards. */
  push(chunk: Buffer, length = chunk.length): void {
    if (this.#done || length === 0) return;
    let buffer = chunk;
    let end = length;
    let owned = false;
    if (this.#partBytes > 0) {
      if (this.#needed > 0 && this.#partBytes + length < this.#needed) {
        this.#keep(chunk, 0, length, false);
        return;
      }
      this.#parts.push(chunk.subarray(0, length));
      buffer = Buffer.concat(this.#parts, this.#partBytes + length);
      end = buffer.length;
      owned = true;
      this.#parts = [];
      this.#partBytes = 0;
      this.#needed = 0;
    }
    this.#parse(buffer, end, owned);
  }

  #keep(buffer: Buffer, start: number, end: number, owned: boolean): void {
    const bytes = buffer.subarray(start, end);
    this.#parts.push(owned ? bytes : Buffer.from(bytes));
    this.#partBytes += end - start;
  }

  #parse(buffer: Buffer, end: number, owned: boolean): void {
    let offset = 0;
    while (offset < end && !this.#done) {
      const available = end - offset;
      if (available < 2) break;
      const b0 = buffer[offset] as number;
      const b1 = buffer[offset + 1] as number;
      const fin = (b0 & 0x80) !== 0;
      let opcode = b0 & 0x0f;
      let length = b1 & 0x7f;
      const error = this.#checkInfo(b0, b1, fin, opcode, length);
      if (error !== undefined) {
        this.#fail(error);
        return;
      }
      if (opcode === OP_CONTINUATION) opcode = this.#fragmented;
      let header = 2;
      if (length === 126) {
        if (available < 4) break;
        length = buffer.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (available < 10) break;
        const high = buffer.readUInt32BE(offset + 2);
        if (high > 2 ** 21 - 1) {
          this.#fail(new FrameError('Unsupported WebSocket frame: payload length > 2^53 - 1', 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009));
          return;
        }
        length = high * 2 ** 32 + buffer.readUInt32BE(offset + 6);
        header = 10;
      }
      if (length > 0 && opcode < OP_CLOSE && this.#messageBytes + length > this.#maxPayloadBytes && this.#maxPayloadBytes > 0) {
        this.#fail(new FrameError('Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009));
        return;
      }
      const frameEnd = offset + header + length;
      if (frameEnd > end) {
        this.#needed = header + length;
        this.#keep(buffer, offset, end, owned);
        return;
      }
      const start = offset + header;
      offset = frameEnd;
      if (opcode >= OP_CLOSE) this.#control(opcode, buffer, start, frameEnd);
      else this.#data(fin, opcode, buffer, start, frameEnd, owned);
    }
    if (offset < end && !this.#done) this.#keep(buffer, offset, end, owned);
  }

  /** The checks `ws` makes on a frame's first two bytes, in its order. */
  #checkInfo(b0: number, b1: number, fin: boolean, opcode: number, length: number): FrameError | undefined {
    if ((b0 & 0x30) !== 0) return new FrameError('RSV2 and RSV3 must be clear', 'WS_ERR_UNEXPECTED_RSV_2_3', 1002);
    const rsv1 = (b0 & 0x40) !== 0;
    if (rsv1) return new FrameError('RSV1 must be clear', 'WS_ERR_UNEXPECTED_RSV_1', 1002);
    if (opcode === OP_CONTINUATION) {
      if (this.#fragmented === 0) return new FrameError('invalid opcode 0', 'WS_ERR_INVALID_OPCODE', 1002);
    } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
      if (this.#fragmented !== 0) return new FrameError(`invalid opcode ${opcode}`, 'WS_ERR_INVALID_OPCODE', 1002);
    } else if (opcode === OP_CLOSE || opcode === OP_PING || opcode === OP_PONG) {
      if (!fin) return new FrameError('FIN must be set', 'WS_ERR_EXPECTED_FIN', 1002);
      if (length > 125 || (opcode === OP_CLOSE && length === 1)) return new FrameError(`invalid payload length ${length}`, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 1002);
    } else {
      return new FrameError(`invalid opcode ${opcode}`, 'WS_ERR_INVALID_OPCODE', 1002);
    }
    if ((b1 & 0x80) !== 0) return new FrameError('MASK must be clear', 'WS_ERR_UNEXPECTED_MASK', 1002);
    return undefined;
  }

  #data(fin: boolean, opcode: number, buffer: Buffer, start: number, end: number, owned: boolean): void {
    if (fin && this.#fragments.length === 0) {
      // The common case: a whole message in one frame inside this read.
      this.#fragmented = 0;
      this.#messageBytes = 0;
      this.#deliver(opcode, buffer, start, end);
      return;
    }
    if (end > start) {
      const piece = buffer.subarray(start, end);
      this.#fragments.push(owned ? piece : Buffer.from(piece));
      this.#messageBytes += end - start;
    }
    if (!fin) {
      if (this.#fragmented === 0) this.#fragmented = opcode;
      return;
    }
    const whole = Buffer.concat(this.#fragments, this.#messageBytes);
    this.#fragments = [];
    this.#fragmented = 0;
    this.#messageBytes = 0;
    this.#deliver(opcode, whole, 0, whole.length);
  }

  #deliver(opcode: number, buffer: Buffer, start: number, end: number): void {
    if (opcode === OP_BINARY) {
      this.#sink.onBinary(Buffer.from(buffer.subarray(start, end)));
      return;
    }
    // One pass for valid text: the decoder turns every invalid sequence into U+FFFD, so text
    // without U+FFFD was valid; with one (rare), the bytes are checked.
    const text = buffer.toString('utf8', start, end);
    if (text.includes('\uFFFD') && !isUtf8(buffer.subarray(start, end))) {
      this.#fail(new FrameError('invalid UTF-8 sequence', 'WS_ERR_INVALID_UTF8', 1007));
      return;
    }
    this.#sink.onText(text);
  }

  #control(opcode: number, buffer: Buffer, start: number, end: number): void {
    if (opcode === OP_CLOSE) {
      if (end === start) {
        this.#done = true;
        this.#sink.onClose(1005, '');
        return;
      }
      const code = buffer.readUInt16BE(start);
      if (!isValidCloseCode(code)) {
        this.#fail(new FrameError(`invalid status code ${code}`, 'WS_ERR_INVALID_CLOSE_CODE', 1002));
        return;
      }
      if (!isUtf8(buffer.subarray(start + 2, end))) {
        this.#fail(new FrameError('invalid UTF-8 sequence', 'WS_ERR_INVALID_UTF8', 1007));
        return;
      }
      this.#done = true;
      this.#sink.onClose(code, buffer.toString('utf8', start + 2, end));
      return;
    }
    const data = Buffer.from(buffer.subarray(start, end));
    if (opcode === OP_PING) this.#sink.onPing(data);
    else this.#sink.onPong(data);
  }

  #fail(error: FrameError): void {
    this.#done = true;
    this.#parts = [];
    this.#partBytes = 0;
    this.#fragments = [];
    this.#sink.onError(error);
  }
}
