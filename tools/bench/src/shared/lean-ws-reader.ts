// A lean WebSocket client for the benchmarks only: a floor that shows what reading frames
// straight from the socket's 'data' events costs, without `ws`'s Writable-stream receiver.
// It does the upgrade with node:http (checks the 101 and `Sec-WebSocket-Accept`), parses
// unmasked server frames (7-, 16- and 64-bit lengths, split across reads, continuation frames),
// validates text as UTF-8 like `ws` does, answers pings, and writes masked text frames. It does
// less than a production client (no close handshake, no extension or subprotocol checks, no
// payload limit, no proxies or TLS): it is a floor to compare against, not a transport.
import { isUtf8 } from 'node:buffer';
import { createHash, randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** An open lean connection: `onText` gets every text message, `send` writes one text frame. */
export interface LeanWebSocket {
  onText: (text: string) => void;
  send(text: string): void;
  close(): Promise<void>;
}

/** Opens a `ws:` URL with the lean reader; rejects on a refused or invalid upgrade. */
export async function openLeanWebSocket(url: string): Promise<LeanWebSocket> {
  const target = new URL(url);
  const key = randomFillSync(Buffer.alloc(16)).toString('base64');
  const upgrade = request({
    host: target.hostname,
    port: target.port,
    path: `${target.pathname}${target.search}`,
    agent: false,
    headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': key, 'sec-websocket-version': '13' },
  });
  upgrade.end();
  const [response, socket, head] = (await Promise.race([
    once(upgrade, 'upgrade'),
    once(upgrade, 'response').then(([refused]: IncomingMessage[]) => {
      refused!.destroy();
      return Promise.reject(new Error(`upgrade refused with ${refused!.statusCode}`));
    }),
  ])) as [IncomingMessage, Socket, Buffer];
  const expected = createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
  if (response.headers['sec-websocket-accept'] !== expected) {
    socket.destroy();
    throw new Error('invalid Sec-WebSocket-Accept');
  }
  socket.setNoDelay(true);
  const reader = new FrameReader(socket);
  const read = (chunk: Buffer): void => {
    try {
      reader.push(chunk);
    } catch (error) {
      socket.destroy(error as Error);
    }
  };
  socket.on('data', read);
  socket.on('error', () => undefined);
  if (head.length > 0) read(head);
  return {
    set onText(listener: (text: string) => void) {
      reader.onText = listener;
    },
    get onText() {
      return reader.onText;
    },
    send: (text) => socket.write(maskedFrame(0x1, Buffer.from(text, 'utf8'))),
    close: async () => {
      if (socket.destroyed) return;
      const closed = once(socket, 'close');
      socket.destroy();
      await closed;
    },
  };
}

class FrameReader {
  onText: (text: string) => void = () => undefined;
  readonly #socket: Socket;
  #pending: Buffer | null = null;
  #fragments: Buffer[] = [];

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.#pending !== null) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    let offset = 0;
    const end = data.length;
    while (end - offset >= 2) {
      const first = data[offset]!;
      const second = data[offset + 1]!;
      if ((second & 0x80) !== 0 || (first & 0x70) !== 0) throw new Error('masked or reserved-bit frame from the server');
      let length = second & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        if (end - start < 2) break;
        length = data.readUInt16BE(start);
        start += 2;
      } else if (length === 127) {
        if (end - start < 8) break;
        length = data.readUInt32BE(start) * 2 ** 32 + data.readUInt32BE(start + 4);
        start += 8;
      }
      if (end - start < length) break;
      offset = start + length;
      this.#frame(first, data.subarray(start, offset));
    }
    if (offset < end) this.#pending = data.subarray(offset);
  }

  #frame(first: number, payload: Buffer): void {
    const opcode = first & 0x0f;
    const fin = (first & 0x80) !== 0;
    if (opcode === 0x9) {
      this.#socket.write(maskedFrame(0xa, payload));
      return;
    }
    if (opcode === 0x8 || opcode === 0xa || opcode === 0x2) return;
    if (opcode === 0x1 && fin) {
      this.#deliver(payload);
      return;
    }
    this.#fragments.push(payload);
    if (fin) {
      const message = Buffer.concat(this.#fragments);
      this.#fragments = [];
      this.#deliver(message);
    }
  }

  #deliver(payload: Buffer): void {
    if (!isUtf8(payload)) throw new Error('invalid UTF-8 in a text frame');
    this.onText(payload.toString('utf8'));
  }
}

function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const mask = randomFillSync(frame.subarray(headerLength, headerLength + 4));
  for (let index = 0; index < length; index += 1) frame[headerLength + 4 + index] = payload[index]! ^ mask[index & 3]!;
  return frame;
}
