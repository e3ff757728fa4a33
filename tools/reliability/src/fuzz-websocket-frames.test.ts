// Property tests of the transport's WebSocket frame decoding: a raw `ws` server on loopback
// sends arbitrary frames (text, binary, invalid UTF-8, oversized) and close codes to
// `connectWebSocket`. Only typed Modelwire errors may reach the reader; text frames before the
// first bad frame arrive intact; the frame size bound holds; nothing stays open.
import type { AddressInfo } from 'node:net';
import { connectWebSocket, ModelwireError } from '@modelwire/transport';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { activeResources, leakedResources, type ResourceCounts } from './harness/open-handles.ts';

const MAX_PAYLOAD = 64 * 1024;

/** One frame the server sends. */
type Frame =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'raw-text'; readonly bytes: Uint8Array }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array }
  | { readonly kind: 'big-text'; readonly size: number };

/** How the server ends the connection after its frames. */
type Ending = { readonly kind: 'close'; readonly code: number } | { readonly kind: 'terminate' } | { readonly kind: 'none' };

const frameArbitrary: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value))).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'raw-text' as const, bytes })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'binary' as const, bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_PAYLOAD - 2, max: MAX_PAYLOAD * 4 }).map((size) => ({ kind: 'big-text' as const, size })) },
);

const endingArbitrary: fc.Arbitrary<Ending> = fc.oneof(
  fc.constantFrom(1000, 1001, 1003, 1008, 1009, 1011, 1012, 1013, 3000, 4000, 4999).map((code) => ({ kind: 'close' as const, code })),
  fc.constant({ kind: 'terminate' as const }),
  fc.constant({ kind: 'none' as const }),
);

let server: WebSocketServer;
let url: string;
let script: { frames: readonly Frame[]; ending: Ending } = { frames: [], ending: { kind: 'close', code: 1000 } };
let baseline: ResourceCounts;

function send(socket: WebSocket, frame: Frame): void {
  if (frame.kind === 'text') socket.send(frame.text);
  else if (frame.kind === 'raw-text') socket.send(Buffer.from(frame.bytes), { binary: false });
  else if (frame.kind === 'binary') socket.send(Buffer.from(frame.bytes), { binary: true });
  else socket.send('x'.repeat(frame.size));
}

beforeAll(async () => {
  baseline = activeResources();
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/responses`;
  server.on('connection', (socket) => {
    socket.on('error', () => undefined);
    const { frames, ending } = script;
    for (const frame of frames) send(socket, frame);
    if (ending.kind === 'close') socket.close(ending.code, 'bye');
    else if (ending.kind === 'terminate') socket.terminate();
    // 'none': the client closes.
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  expect(await leakedResources(baseline)).toEqual([]);
});

/** Whether a frame is one the reader must see as it was sent. */
function isCleanText(frame: Frame): boolean {
  if (frame.kind === 'text') return Buffer.byteLength(frame.text) <= MAX_PAYLOAD;
  if (frame.kind === 'raw-text') return frame.bytes.length <= MAX_PAYLOAD && isValidUtf8(frame.bytes);
  if (frame.kind === 'big-text') return frame.size <= MAX_PAYLOAD;
  return false;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function textOf(frame: Frame): string {
  if (frame.kind === 'text') return frame.text;
  if (frame.kind === 'raw-text') return Buffer.from(frame.bytes).toString('utf8');
  if (frame.kind === 'big-text') return 'x'.repeat(frame.size);
  return '';
}

describe('fuzz: WebSocket frames into connectWebSocket', () => {
  it('delivers clean text frames intact and turns every bad frame or close into a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameArbitrary, { maxLength: 8 }), endingArbitrary, async (frames, ending) => {
        script = { frames, ending };
        const connection = await connectWebSocket(url, { maxPayloadBytes: MAX_PAYLOAD, pingIntervalMs: null, closeTimeoutMs: 200 });
        const received: string[] = [];
        let error: unknown;
        try {
          for (;;) {
            const frame = await connection.receive({ idleTimeoutMs: ending.kind === 'none' ? 250 : 2_000 });
            if (frame === undefined) break;
            received.push(frame);
          }
        } catch (caught) {
          error = caught;
        } finally {
          await connection.close();
        }
        const firstBad = frames.findIndex((frame) => !isCleanText(frame));
        const clean = (firstBad === -1 ? frames : frames.slice(0, firstBad)).map(textOf);
        // Every clean frame before the first bad one arrives, in order, unchanged; nothing after a bad frame.
        expect(received).toEqual(clean);
        if (firstBad !== -1) {
          expect(error, `frame ${JSON.stringify(frames[firstBad]).slice(0, 120)}`).toBeDefined();
          const bad = frames[firstBad] as Frame;
          const code = (error as ModelwireError).code;
          if (bad.kind === 'binary' || bad.kind === 'raw-text') expect(code).toBe('protocol_violation');
          else expect(code).toBe('payload_too_large');
        }
        if (error !== undefined) expect(ModelwireError.isInstance(error), String(error)).toBe(true);
        if (firstBad === -1 && ending.kind === 'none') expect((error as ModelwireError | undefined)?.code).toBe('idle_timeout');
      }),
      { numRuns: 80 },
    );
  });
});
