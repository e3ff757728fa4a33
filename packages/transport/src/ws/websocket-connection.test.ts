import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, settledLeaks, type ResourceCounts } from '../__fixtures__/open-handles.js';
import { acceptUpgradeAndSend, closeFrame, refuseUpgrade, startUpgradeServer, startWsServer, type WsTestServer } from '../__fixtures__/ws-test-server.js';
import { AbortError } from '../errors/abort-error.js';
import { ClosedError } from '@modelwire/errors';
import { ConnectionClosedError } from '../errors/connection-closed-error.js';
import { ConnectError, ConnectTimeoutError, IdleTimeoutError, PongTimeoutError } from '../errors/connection-errors.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import { InsecureTransportError } from '../errors/insecure-transport-error.js';
import { InvalidHeaderError } from '../errors/invalid-header-error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { ProtocolViolationError } from '../errors/protocol-violation-error.js';
import { RedirectRefusedError } from '../errors/redirect-refused-error.js';
import { connectWebSocket, type ConnectWebSocketOptions } from './connect-websocket.js';
import type { FrameListener, WebSocketConnection } from './websocket-connection.js';

let baseline: ResourceCounts;
let server: WsTestServer;
const connections: WebSocketConnection[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function connect(options: ConnectWebSocketOptions = {}, url = `${server.url}/v1/responses`): Promise<WebSocketConnection> {
  const connection = await connectWebSocket(url, { pingIntervalMs: null, ...options });
  connections.push(connection);
  return connection;
}

async function readAll(connection: WebSocketConnection): Promise<{ frames: string[]; error: unknown }> {
  const frames: string[] = [];
  try {
    for await (const frame of connection.frames()) frames.push(frame);
    return { frames, error: undefined };
  } catch (error) {
    return { frames, error };
  }
}

beforeAll(async () => {
  baseline = activeResources();
  server = await startWsServer({}, ['x-codex-turn-state: sticky-1', 'x-models-etag: etag-9']);
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

afterAll(async () => {
  await server.close();
  expect(await settledLeaks(baseline)).toEqual([]);
});

describe('connectWebSocket: open, send, receive, close', () => {
  it('exposes the upgrade response, sends JSON text frames and yields received frames', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect({ headers: { authorization: 'Bearer sk-test-ws-123456', 'OpenAI-Beta': 'responses_websockets=2026-02-06' }, clock: { now: () => 1_234 } });
    const { socket, request } = await serverSide;
    expect(request.headers.authorization).toBe('Bearer sk-test-ws-123456');
    expect(request.headers['openai-beta']).toBe('responses_websockets=2026-02-06');
    expect(connection.upgradeStatus).toBe(101);
    expect(connection.upgradeHeaders['x-codex-turn-state']).toBe('sticky-1');
    expect(connection.upgradeHeaders['x-models-etag']).toBe('etag-9');
    expect(connection.openedAt).toBe(1_234);
    expect(connection.isOpen).toBe(true);

    const received = new Promise<{ data: string; isBinary: boolean }>((resolve) => socket.once('message', (data, isBinary) => resolve({ data: String(data), isBinary })));
    await connection.send({ type: 'response.create', input: ['日本'] });
    expect(await received).toEqual({ data: '{"type":"response.create","input":["日本"]}', isBinary: false });

    socket.send(JSON.stringify({ type: 'response.created' }));
    socket.send(JSON.stringify({ type: 'response.completed' }));
    const frames: unknown[] = [];
    for await (const frame of connection.frames()) {
      frames.push(JSON.parse(frame));
      if (frames.length === 2) break;
    }
    expect(frames).toEqual([{ type: 'response.created' }, { type: 'response.completed' }]);

    const serverClose = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await connection.close();
    expect(await serverClose).toBe(1000);
    expect(connection.isOpen).toBe(false);
    expect(connection.closeError).toBeUndefined();
    expect(await connection.send({}).catch((e: unknown) => e)).toBeInstanceOf(ClosedError);
  });

  it('allows one reader at a time; frames wait for the next reader', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    const { socket } = await serverSide;
    const first = connection.frames();
    const firstNext = first.next();
    const second = connection.frames();
    await expect(second.next()).rejects.toMatchObject({ code: 'busy' });
    socket.send('"a"');
    expect((await firstNext).value).toBe('"a"');
    await first.return(undefined);
    socket.send('"b"');
    expect(await connection.receive()).toBe('"b"');
  });

  it('times out a read without closing, and aborts a read', async () => {
    const connection = await connect();
    expect(await connection.receive({ idleTimeoutMs: 50 }).catch((e: unknown) => e)).toBeInstanceOf(IdleTimeoutError);
    expect(connection.isOpen).toBe(true);
    const controller = new AbortController();
    const pending = connection.receive({ signal: controller.signal });
    controller.abort();
    expect(await pending.catch((e: unknown) => e)).toBeInstanceOf(AbortError);
    expect(connection.isOpen).toBe(true);
  });

  it('pauses the socket when the reader falls behind, and delivers every frame in order', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect({ maxBufferedFrames: 4 });
    const { socket } = await serverSide;
    const total = 256;
    const payload = 'x'.repeat(64 * 1024);
    for (let i = 0; i < total; i += 1) socket.send(JSON.stringify({ i, payload }));
    // Give the server time to push as much as TCP takes; the client stops reading at 4 frames.
    await sleep(300);
    expect(connection.bufferedFrames).toBeLessThan(total / 2);
    const order: number[] = [];
    for await (const frame of connection.frames()) {
      order.push((JSON.parse(frame) as { i: number }).i);
      if (order.length === total) break;
    }
    expect(order).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});

describe('WebSocketConnection: live state and push mode', () => {
  it('reads the live readyState: a close frame from the peer makes it not open before the close event', async () => {
    // The peer sends its close frame and then keeps TCP open: `ws` is CLOSING until its own
    // close timer fires, long after this test.
    const peer = await startUpgradeServer((request, socket) => acceptUpgradeAndSend(request, socket, []));
    cleanups.push(() => peer.close());
    let rawSocket: WebSocket | undefined;
    const connection = await connect({ closeTimeoutMs: 100, createWebSocket: (url, options) => (rawSocket = new WebSocket(url, options)) }, peer.url);
    expect(connection.state).toBe('open');
    const closing = new Promise<void>((resolve) => {
      const poll = (): void => (rawSocket?.readyState === WebSocket.CLOSING ? resolve() : void setTimeout(poll, 5));
      poll();
    });
    for (const socket of peer.sockets()) socket.write(closeFrame(1000));
    await closing;
    // No 'close' event yet (the TCP connection is still up), and still the connection is not open.
    expect(connection.closeError).toBeUndefined();
    expect(connection.isOpen).toBe(false);
    expect(connection.state).toBe('closing');
    await expect(connection.send('x')).rejects.toBeInstanceOf(ClosedError);
    await connection.close();
    expect(connection.state).toBe('closed');
  });

  it('hands every frame to the listener (buffered ones first) and reports the end once', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    const { socket } = await serverSide;
    socket.send('"early"');
    // Wait until the early frame is buffered by the connection (nobody listens yet).
    while (connection.bufferedFrames === 0) await sleep(5);
    const texts: string[] = [];
    const closes: unknown[] = [];
    const listener: FrameListener = { onText: (text) => texts.push(text), onClose: (error) => closes.push(error) };
    connection.listen(listener);
    expect(texts).toEqual(['"early"']);
    expect(() => connection.listen(listener)).toThrow(expect.objectContaining({ code: 'busy' }));
    await expect(connection.receive()).rejects.toMatchObject({ code: 'busy' });
    socket.send('"a"');
    socket.send('"b"');
    socket.close(1001, 'going away');
    while (closes.length === 0) await sleep(5);
    expect(texts).toEqual(['"early"', '"a"', '"b"']);
    expect(closes).toEqual([expect.objectContaining({ code: 'connection_closed', closeCode: 1001 })]);
    await connection.close();
    expect(closes).toHaveLength(1);
  });

  it('reports our own close to the listener as undefined, and nothing after it', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    const { socket } = await serverSide;
    const texts: string[] = [];
    const closes: unknown[] = [];
    connection.listen({ onText: (text) => texts.push(text), onClose: (error) => closes.push(error) });
    const closed = connection.close();
    socket.send('"late"');
    await closed;
    expect(closes).toEqual([undefined]);
    expect(texts).toEqual([]);
  });

  it('pause() stops reading (the peer backs up into TCP) and resume() delivers every frame in order', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    const { socket } = await serverSide;
    const order: number[] = [];
    connection.listen({
      onText: (text) => {
        order.push((JSON.parse(text) as { i: number }).i);
        if (order.length === 4) connection.pause();
      },
      onClose: () => undefined,
    });
    const total = 256;
    const payload = 'x'.repeat(64 * 1024);
    for (let i = 0; i < total; i += 1) socket.send(JSON.stringify({ i, payload }));
    await sleep(300);
    expect(connection.isPaused).toBe(true);
    // Soft: what was already read still arrives, but far from everything.
    expect(order.length).toBeLessThan(total / 2);
    connection.resume();
    while (order.length < total) await sleep(5);
    expect(order).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('rejects a failed or aborted connection attempt only once its socket is closed', async () => {
    const silent = await startUpgradeServer(() => undefined);
    cleanups.push(() => silent.close());
    const controller = new AbortController();
    let rawSocket: WebSocket | undefined;
    const pending = connectWebSocket(silent.url, { signal: controller.signal, createWebSocket: (url, options) => (rawSocket = new WebSocket(url, options)) });
    setTimeout(() => controller.abort(), 30);
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect(rawSocket?.readyState).toBe(WebSocket.CLOSED);

    let timedOut: WebSocket | undefined;
    const timeout = await connectWebSocket(silent.url, { connectTimeoutMs: 50, createWebSocket: (url, options) => (timedOut = new WebSocket(url, options)) }).catch((caught: unknown) => caught);
    expect(timeout).toBeInstanceOf(ConnectTimeoutError);
    expect(timedOut?.readyState).toBe(WebSocket.CLOSED);
  });
});

describe('connectWebSocket: refused upgrades', () => {
  it.each([
    [401, false, { 'www-authenticate': 'Bearer' }, '{"error":{"code":"invalid_api_key"}}'],
    [426, false, { upgrade: 'none' }, 'use HTTP'],
    [429, true, { 'retry-after': '2', 'x-request-id': 'req_ws_429' }, '{"error":{"code":"rate_limit_exceeded"}}'],
    [503, true, {}, 'overloaded'],
    [404, false, {}, 'not found'],
  ])('status %i becomes HttpStatusError (retryable=%s) with headers and body', async (status, retryable, headers, body) => {
    const upgradeServer = await startUpgradeServer((_request, socket) => refuseUpgrade(socket, status, headers, body));
    cleanups.push(() => upgradeServer.close());
    const error = (await connectWebSocket(`${upgradeServer.url}/v1/responses`, { pingIntervalMs: null }).catch((e: unknown) => e)) as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.body).toBe(body);
    for (const [name, value] of Object.entries(headers)) expect(error.headers[name]).toBe(value);
    if (status === 429) expect(error.requestId).toBe('req_ws_429');
  });

  it('a 3xx is a RedirectRefusedError naming the target host, never followed', async () => {
    let requests = 0;
    const upgradeServer = await startUpgradeServer((_request, socket) => {
      requests += 1;
      refuseUpgrade(socket, 302, { location: 'wss://other.example.test:8443/elsewhere?token=secret-in-query' }, '');
    });
    cleanups.push(() => upgradeServer.close());
    const error = (await connectWebSocket(`${upgradeServer.url}/v1/responses`, { pingIntervalMs: null }).catch((e: unknown) => e)) as RedirectRefusedError;
    expect(error).toBeInstanceOf(RedirectRefusedError);
    expect(error).toMatchObject({ code: 'redirect_refused', status: 302, retryable: false, targetHost: 'other.example.test:8443' });
    expect(error.message).toContain('other.example.test:8443');
    expect(error.message).not.toContain('secret-in-query');
    expect(requests).toBe(1);
  });

  it('a 101 that fails validation (wrong Sec-WebSocket-Accept) is a protocol violation of the upgrade', async () => {
    const upgradeServer = await startUpgradeServer((_request, socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: bm90LXRoZS1yaWdodC1rZXk=\r\n\r\n');
    });
    cleanups.push(() => upgradeServer.close());
    const error = (await connectWebSocket(`${upgradeServer.url}/v1/responses`, { pingIntervalMs: null }).catch((e: unknown) => e)) as ProtocolViolationError;
    expect(error).toBeInstanceOf(ProtocolViolationError);
    expect(error).toMatchObject({ code: 'protocol_violation', violation: 'upgrade', retryable: false });
    expect(error.message).toContain(`${upgradeServer.url}/v1/responses`.replace(/^ws/, 'ws'));
    expect(error.message).toMatch(/Sec-WebSocket-Accept/i);
  });

  it('reports a refused TCP connection, a handshake that never completes, and an abort', async () => {
    const closed = await startUpgradeServer(() => undefined);
    const closedUrl = closed.url;
    await closed.close();
    const refused = await connectWebSocket(`${closedUrl}/v1/responses?api_key=secret-in-query`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectError);
    // Scheme, host and path, and the transport; never the query.
    expect((refused as ConnectError).message).toBe(`could not connect to ${closedUrl}/v1/responses over WebSocket (ECONNREFUSED)`);

    const silent = await startUpgradeServer(() => undefined);
    cleanups.push(() => silent.close());
    const timeout = await connectWebSocket(silent.url, { connectTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(ConnectTimeoutError);
    expect((timeout as ConnectTimeoutError).message).toBe(`connect to ${silent.url}/ over WebSocket timed out after 100 ms`);
    expect((timeout as ConnectTimeoutError).retryable).toBe(true);

    const controller = new AbortController();
    const pending = connectWebSocket(silent.url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect(await pending.catch((e: unknown) => e)).toBeInstanceOf(AbortError);
  });

  it('refuses credentials over ws: to a non-loopback host and CR/LF in headers', async () => {
    expect(await connectWebSocket('ws://api.example.invalid/v1', { headers: { authorization: 'Bearer x' } }).catch((e: unknown) => e)).toBeInstanceOf(InsecureTransportError);
    expect(await connect({ headers: { 'x-meta': 'a\nb' } }).catch((e: unknown) => e)).toBeInstanceOf(InvalidHeaderError);
  });

  it('uses an injected WebSocket factory', async () => {
    const calls: { url: string; followRedirects: unknown }[] = [];
    const connection = await connect({
      createWebSocket: (url, options) => {
        calls.push({ url, followRedirects: options.followRedirects });
        return new WebSocket(url, options);
      },
    });
    expect(calls).toEqual([{ url: `${server.url}/v1/responses`, followRedirects: false }]);
    expect(connection.isOpen).toBe(true);
  });
});

describe('connectWebSocket: failures after open', () => {
  it.each([
    [1000, 'normal', true],
    [1001, 'going_away', true],
    [1009, 'message_too_big', false],
    [1011, 'server_error', true],
    [4000, 'application', true],
  ])('server close %i maps to ConnectionClosedError %s after buffered frames', async (code, kind, retryable) => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    const { socket } = await serverSide;
    socket.send('"last"');
    socket.close(code, 'bye');
    const { frames, error } = await readAll(connection);
    expect(frames).toEqual(['"last"']);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ closeCode: code, closeKind: kind, reason: 'bye', retryable });
    expect(connection.isOpen).toBe(false);
  });

  it('maps a dropped TCP connection to 1006 abnormal', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    (await serverSide).socket.terminate();
    const { error } = await readAll(connection);
    expect(error).toMatchObject({ closeCode: 1006, closeKind: 'abnormal', retryable: true });
  });

  it('detects a half-open socket (no pong) within the pong timeout', async () => {
    const silentServer = await startWsServer({ autoPong: false });
    cleanups.push(() => silentServer.close());
    const connection = await connect({ pingIntervalMs: 50, pongTimeoutMs: 100 }, silentServer.url);
    const { error } = await readAll(connection);
    expect(error).toBeInstanceOf(PongTimeoutError);
    expect(connection.isOpen).toBe(false);
    expect(connection.closeError).toBe(error);
  });

  it('stays open while pongs arrive', async () => {
    const connection = await connect({ pingIntervalMs: 20, pongTimeoutMs: 60 });
    await sleep(250);
    expect(connection.isOpen).toBe(true);
  });

  it('fails on a frame above maxPayloadBytes', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect({ maxPayloadBytes: 1024 });
    const { socket } = await serverSide;
    const serverClose = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ big: 'x'.repeat(10_000) }));
    const { error } = await readAll(connection);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(await serverClose).toBe(1009);
    expect(connection.isOpen).toBe(false);
  });

  it('treats a binary frame as a protocol violation and closes with 1003', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    const { socket } = await serverSide;
    const serverClose = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    const { error } = await readAll(connection);
    expect(error).toBeInstanceOf(ProtocolViolationError);
    expect(error).toMatchObject({ violation: 'binary_frame' });
    expect(await serverClose).toBe(1003);
  });

  it('treats a frame the protocol forbids (reserved bits set) as an invalid-frame protocol violation', async () => {
    const upgradeServer = await startUpgradeServer((request, socket) => acceptUpgradeAndSend(request, socket, [Buffer.from([0xf1, 0x02, 0x7b, 0x7d])]));
    cleanups.push(() => upgradeServer.close());
    const connection = await connect({}, `${upgradeServer.url}/v1/responses`);
    const { error } = await readAll(connection);
    expect(error).toBeInstanceOf(ProtocolViolationError);
    expect(error).toMatchObject({ code: 'protocol_violation', violation: 'invalid_frame' });
  });
});

describe('WebSocketConnection.ping: on-demand liveness check', () => {
  it('resolves when the pong arrives and leaves the connection open', async () => {
    const serverSide = server.nextConnection();
    const connection = await connect();
    const { socket } = await serverSide;
    const received = new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString('utf8'))));
    await connection.ping({ timeoutMs: 1_000 });
    await Promise.all([connection.ping(), connection.ping({ timeoutMs: 2_000 })]);
    expect(connection.isOpen).toBe(true);
    // Still usable for frames afterwards.
    await connection.send({ type: 'after-ping' });
    expect(JSON.parse(await received)).toEqual({ type: 'after-ping' });
  });

  it('on a half-open socket (peer never answers pings) rejects with PongTimeoutError and closes the connection', async () => {
    const silentServer = await startWsServer({ autoPong: false });
    cleanups.push(() => silentServer.close());
    const serverSide = silentServer.nextConnection();
    const connection = await connect({ pongTimeoutMs: 60_000 }, silentServer.url);
    const { socket } = await serverSide;
    const serverClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const error = await connection.ping({ timeoutMs: 80 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PongTimeoutError);
    expect(error).toMatchObject({ code: 'pong_timeout', timeoutMs: 80, retryable: true });
    expect(connection.isOpen).toBe(false);
    expect(connection.closeError).toBe(error);
    await serverClosed;
    // A reader sees the same error, and a later ping or send fails at once.
    const { error: readError } = await readAll(connection);
    expect(readError).toBe(error);
    await expect(connection.ping()).rejects.toBe(error);
    await expect(connection.send('x')).rejects.toBe(error);
  });

  it('an aborted ping rejects with AbortError and the connection stays open', async () => {
    const silentServer = await startWsServer({ autoPong: false });
    cleanups.push(() => silentServer.close());
    const connection = await connect({}, silentServer.url);
    const controller = new AbortController();
    const pending = connection.ping({ timeoutMs: 5_000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(connection.isOpen).toBe(true);
    await expect(connection.ping({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });

  it('a ping pending when the connection closes rejects (ClosedError after our close, the close error after the peer closed)', async () => {
    const silentServer = await startWsServer({ autoPong: false });
    cleanups.push(() => silentServer.close());
    const ours = await connect({}, silentServer.url);
    const pendingOurs = ours.ping({ timeoutMs: 5_000 }).catch((caught: unknown) => caught);
    await ours.close();
    expect(await pendingOurs).toBeInstanceOf(ClosedError);

    const serverSide = silentServer.nextConnection();
    const theirs = await connect({}, silentServer.url);
    const { socket } = await serverSide;
    const pendingTheirs = theirs.ping({ timeoutMs: 5_000 }).catch((caught: unknown) => caught);
    socket.close(1001, 'going away');
    expect(await pendingTheirs).toMatchObject({ code: 'connection_closed', closeCode: 1001 });
    expect(theirs.isOpen).toBe(false);
  });
});
