import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, settledLeaks, type ResourceCounts } from '../__fixtures__/open-handles.js';
import { generateTestCertificates, type TestCertificates } from '../__fixtures__/test-certificates.js';
import { startTestProxy } from '../__fixtures__/test-proxy.js';
import { acceptUpgradeAndSend, startUpgradeServer } from '../__fixtures__/ws-test-server.js';
import { ConnectionClosedError } from '../errors/connection-closed-error.js';
import { ConnectError } from '../errors/connection-errors.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { ProtocolViolationError } from '../errors/protocol-violation-error.js';
import { NetworkPolicy } from '../network/network-policy.js';
import { connectWebSocket, type WebSocketImplementation } from './connect-websocket.js';
import type { WebSocketConnection } from './websocket-connection.js';

let baseline: ResourceCounts;
let certificates: TestCertificates;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  baseline = activeResources();
  certificates = await generateTestCertificates();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  expect(await settledLeaks(baseline)).toEqual([]);
});

/** An unmasked server frame. */
function serverFrame(firstByte: number, payload: Buffer, options: { masked?: boolean } = {}): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([firstByte, length]) : Buffer.from([firstByte, 126, length >> 8, length & 0xff]);
  if (options.masked !== true) return Buffer.concat([header, payload]);
  header[1] = (header[1] as number) | 0x80;
  return Buffer.concat([header, Buffer.from([0, 0, 0, 0]), payload]);
}

/** Client frames read by a raw server socket: opcode and unmasked payload, in order. */
function collectClientFrames(socket: Socket): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      let length = (pending[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        offset = 4;
      }
      if (pending.length < offset + 4 + length) return;
      const mask = pending.subarray(offset, offset + 4);
      const payload = Buffer.from(pending.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
      frames.push({ opcode: (pending[0] as number) & 0x0f, payload });
      pending = pending.subarray(offset + 4 + length);
    }
  });
  return frames;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

async function read(connection: WebSocketConnection): Promise<{ frames: string[]; error: unknown }> {
  const frames: string[] = [];
  try {
    for await (const frame of connection.frames()) frames.push(frame);
    return { frames, error: undefined };
  } catch (error) {
    return { frames, error };
  }
}

describe.each<WebSocketImplementation>(['native', 'ws'])('the upgrade answer, %s implementation', (implementation) => {
  async function answer(raw: string): Promise<unknown> {
    const server = await startUpgradeServer((request, socket) => {
      socket.write(raw.replace('{accept}', acceptFor(String(request.headers['sec-websocket-key']))));
    });
    cleanups.push(() => server.close());
    return connectWebSocket(`${server.url}/v1/responses`, { implementation, pingIntervalMs: null, connectTimeoutMs: 5_000 }).catch((error: unknown) => error);
  }

  it.each([
    ['an Upgrade header that is not websocket', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\nconnection: Upgrade\r\nsec-websocket-accept: {accept}\r\n\r\n', /Upgrade header/],
    ['an extension nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: {accept}\r\nsec-websocket-extensions: permessage-deflate\r\n\r\n', /Extensions/],
    ['a subprotocol nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: {accept}\r\nsec-websocket-protocol: chat\r\n\r\n', /subprotocol/],
    ['a wrong Sec-WebSocket-Accept', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: d3Jvbmc=\r\n\r\n', /Sec-WebSocket-Accept/],
  ])('rejects %s as a protocol violation of the upgrade', async (_name, raw, message) => {
    const error = await answer(raw);
    expect(error).toBeInstanceOf(ProtocolViolationError);
    expect(error).toMatchObject({ violation: 'upgrade' });
    expect((error as Error).message).toMatch(message);
  });

  it('reads a chunked refusal body and its headers (429)', async () => {
    const error = await answer(
      'HTTP/1.1 429 Too Many Requests\r\ntransfer-encoding: chunked\r\nretry-after: 7\r\ncontent-type: application/json\r\n\r\n5\r\n{"err\r\n9\r\nor":"slow\r\n2\r\n"}\r\n0\r\n\r\n',
    );
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ status: 429 });
    expect((error as HttpStatusError).headers['retry-after']).toBe('7');
    expect((error as HttpStatusError).body).toBe('{"error":"slow"}');
  });

  it('reports a server that closes without answering as a ConnectError', async () => {
    const server = await startUpgradeServer((_request, socket) => socket.destroy());
    cleanups.push(() => server.close());
    const error = await connectWebSocket(`${server.url}/v1/responses`, { implementation, pingIntervalMs: null }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectError);
  });

  it('delivers frames sent in the same write as the 101 answer, fragments with a ping between them, and answers the ping', async () => {
    let frames: { opcode: number; payload: Buffer }[] = [];
    const server = await startUpgradeServer((request, socket) => {
      frames = collectClientFrames(socket);
      acceptUpgradeAndSend(request, socket, [
        serverFrame(0x81, Buffer.from('{"a":1}')),
        serverFrame(0x01, Buffer.from('{"b":')),
        serverFrame(0x89, Buffer.from('hi')),
        serverFrame(0x00, Buffer.from('"é')),
        serverFrame(0x80, Buffer.from('"}')),
      ]);
    });
    cleanups.push(() => server.close());
    const connection = await connectWebSocket(`${server.url}/v1/responses`, { implementation, pingIntervalMs: null, closeTimeoutMs: 500 });
    cleanups.push(() => connection.close());
    expect(await connection.receive()).toBe('{"a":1}');
    expect(await connection.receive()).toBe('{"b":"é"}');
    await until(() => frames.length > 0);
    expect(frames[0]).toEqual({ opcode: 0xa, payload: Buffer.from('hi') });
  });

  it.each([
    ['a masked server frame', serverFrame(0x81, Buffer.from('{}'), { masked: true }), 1002, ProtocolViolationError],
    ['text that is not UTF-8', serverFrame(0x81, Buffer.from([0x7b, 0xff, 0x7d])), 1007, ProtocolViolationError],
    ['a reserved opcode', serverFrame(0x83, Buffer.from('{}')), 1002, ProtocolViolationError],
    ['a fragmented ping', serverFrame(0x09, Buffer.from('x')), 1002, ProtocolViolationError],
    ['a message over maxPayloadBytes across fragments', Buffer.concat([serverFrame(0x01, Buffer.alloc(60, 0x61)), serverFrame(0x80, Buffer.alloc(60, 0x61))]), 1009, PayloadTooLargeError],
  ])('fails on %s and closes with the matching code', async (_name, bytes, closeCode, type) => {
    let frames: { opcode: number; payload: Buffer }[] = [];
    const server = await startUpgradeServer((request, socket) => {
      frames = collectClientFrames(socket);
      acceptUpgradeAndSend(request, socket, [bytes]);
    });
    cleanups.push(() => server.close());
    const connection = await connectWebSocket(`${server.url}/v1/responses`, { implementation, pingIntervalMs: null, maxPayloadBytes: 100, closeTimeoutMs: 500 });
    cleanups.push(() => connection.close());
    const { error } = await read(connection);
    expect(error).toBeInstanceOf(type);
    await until(() => frames.some((frame) => frame.opcode === 0x8));
    expect(frames.find((frame) => frame.opcode === 0x8)?.payload.readUInt16BE(0)).toBe(closeCode);
  });

  it('answers the peer close with the same code, reports it, and ends the socket', async () => {
    let frames: { opcode: number; payload: Buffer }[] = [];
    const server = await startUpgradeServer((request, socket) => {
      frames = collectClientFrames(socket);
      // As a server does once the close handshake is over: end TCP when the client ends.
      socket.on('end', () => socket.end());
      acceptUpgradeAndSend(request, socket, [serverFrame(0x81, Buffer.from('{}')), serverFrame(0x88, Buffer.concat([Buffer.from([0x0f, 0xa1]), Buffer.from('going')]))]);
    });
    cleanups.push(() => server.close());
    const connection = await connectWebSocket(`${server.url}/v1/responses`, { implementation, pingIntervalMs: null });
    const { frames: texts, error } = await read(connection);
    expect(texts).toEqual(['{}']);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ closeCode: 4001 });
    expect(connection.state).toBe('closed');
    expect(frames.filter((frame) => frame.opcode === 0x8).map((frame) => frame.payload.toString('hex'))).toEqual([Buffer.concat([Buffer.from([0x0f, 0xa1]), Buffer.from('going')]).toString('hex')]);
    await connection.close();
  });
});

describe('the native implementation over TLS', () => {
  let https: HttpsServer;
  let wss: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    https = createHttpsServer({ cert: certificates.cert, key: certificates.key });
    wss = new WebSocketServer({ server: https, perMessageDeflate: false });
    wss.on('connection', (socket) => {
      socket.on('message', (data) => {
        const text = String(data);
        if (text === 'flood') {
          const payload = 'x'.repeat(64 * 1024);
          for (let i = 0; i < 256; i += 1) socket.send(JSON.stringify({ i, payload }));
        } else socket.send(text);
      });
    });
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    url = `wss://127.0.0.1:${(https.address() as AddressInfo).port}/v1/responses`;
  });

  afterAll(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    https.closeAllConnections();
    await new Promise<void>((resolve) => https.close(() => resolve()));
  });

  it('connects directly (onread on the TLS socket), echoes, checks the CA, and pauses the TLS socket', async () => {
    await expect(connectWebSocket(url, { pingIntervalMs: null })).rejects.toBeInstanceOf(ConnectError);
    const connection = await connectWebSocket(url, { network: new NetworkPolicy({ ca: certificates.ca }), pingIntervalMs: null });
    cleanups.push(() => connection.close());
    await connection.send({ n: 1 });
    expect(await connection.receive()).toBe('{"n":1}');
    const order: number[] = [];
    connection.listen({
      onText: (text) => {
        order.push((JSON.parse(text) as { i: number }).i);
        if (order.length === 4) connection.pause();
      },
      onClose: () => undefined,
    });
    await connection.send('flood');
    await until(() => order.length >= 4);
    await sleep(300);
    expect(connection.isPaused).toBe(true);
    expect(order.length).toBeLessThan(128);
    connection.resume();
    await until(() => order.length === 256);
    expect(order).toEqual(Array.from({ length: 256 }, (_, i) => i));
  });

  it('goes through a proxy tunnel (TLS over the tunnel reads through data events)', async () => {
    const proxy = await startTestProxy();
    cleanups.push(() => proxy.close());
    const connection = await connectWebSocket(url, { network: new NetworkPolicy({ proxy: proxy.url, ca: certificates.ca }), pingIntervalMs: null });
    cleanups.push(() => connection.close());
    for (let i = 0; i < 50; i += 1) await connection.send({ i, pad: 'é'.repeat(i * 40) });
    for (let i = 0; i < 50; i += 1) expect(JSON.parse((await connection.receive()) as string)).toEqual({ i, pad: 'é'.repeat(i * 40) });
    expect(proxy.connects.length).toBe(1);
  });
});

describe('choosing the implementation', () => {
  it('refuses the native implementation with permessage-deflate or a ws factory', async () => {
    await expect(connectWebSocket('ws://127.0.0.1:9/', { implementation: 'native', perMessageDeflate: true })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

function acceptFor(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}
