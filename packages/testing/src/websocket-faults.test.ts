import { WebSocket, type ClientOptions } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { RESPONSES_ERROR_CODES, startResponsesServer, type ResponsesErrorCode, type ResponsesServer } from './index.js';
import { completedOf, RawSocket, userMessage } from './__fixtures__/test-clients.js';

let server: ResponsesServer | undefined;
const sockets: RawSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await server?.close();
  server = undefined;
});

async function start(): Promise<ResponsesServer> {
  server = await startResponsesServer();
  return server;
}

async function open(target: ResponsesServer, options: ClientOptions = {}): Promise<RawSocket> {
  const socket = await RawSocket.open(target.wsUrl, options);
  sockets.push(socket);
  return socket;
}

const hello = { model: 'gpt-test', input: [userMessage('hello world')] };

describe('handshake faults', () => {
  it.each([401, 426, 500])('refuses the upgrade with %i', async (status) => {
    const target = await start();
    target.faults.next({ kind: 'refuse-upgrade', status });
    await expect(open(target)).rejects.toMatchObject({ status });
    expect(target.recording.handshakes[0]?.status).toBe(status);
    await open(target);
    expect(target.recording.handshakes.map((handshake) => handshake.status)).toEqual([status, 101]);
  });

  it('refuses with 429 and retry-after', async () => {
    const target = await start();
    target.faults.next({ kind: 'refuse-upgrade', status: 429, headers: { 'retry-after': '2' } });
    await expect(open(target)).rejects.toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
  });

  it('delays the handshake', async () => {
    const target = await start();
    target.faults.next({ kind: 'delay-handshake', ms: 500 });
    const socket = new WebSocket(target.wsUrl);
    const opened = new Promise((resolve) => socket.once('open', resolve));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(socket.readyState).toBe(WebSocket.CONNECTING);
    await opened;
    socket.terminate();
  });

  it('refuses upgrades with 401 until the token changes', async () => {
    const target = await start();
    target.faults.next({ kind: 'unauthorized-until-token-changes' });
    await expect(open(target, { headers: { authorization: 'Bearer old' } })).rejects.toMatchObject({ status: 401 });
    await expect(open(target, { headers: { authorization: 'Bearer old' } })).rejects.toMatchObject({ status: 401 });
    await open(target, { headers: { authorization: 'Bearer new' } });
  });

  it('makes a socket half-open: pings go unanswered and requests are ignored', async () => {
    const target = await start();
    target.faults.next({ kind: 'half-open' });
    const socket = await open(target);
    let pongs = 0;
    socket.socket.on('pong', () => (pongs += 1));
    socket.socket.ping();
    socket.send({ type: 'response.create', ...hello });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(pongs).toBe(0);
    expect(socket.frames).toEqual([]);
    const healthy = await open(target);
    const answered = new Promise((resolve) => healthy.socket.once('pong', resolve));
    healthy.socket.ping();
    await answered;
  });
});

describe('request faults', () => {
  it('sends only pings, or only unknown events, after N events; keepalives for forMs, then the rest of the response', async () => {
    const target = await start();
    target.faults.next({ kind: 'noise', noise: 'ping', everyMs: 5 });
    const pinged = await open(target);
    let pings = 0;
    const fivePings = new Promise<void>((resolve) => pinged.socket.on('ping', () => (++pings === 5 ? resolve() : undefined)));
    pinged.send({ type: 'response.create', ...hello });
    await fivePings;
    // After the rate limits, the metadata, response.created and response.in_progress: nothing but pings.
    expect(pinged.frames.map((frame) => frame['type'])).toEqual(['codex.rate_limits', 'response.metadata', 'response.created', 'response.in_progress']);

    target.faults.next({ kind: 'noise', noise: 'unknown-event', afterEvents: 1, everyMs: 5 });
    const noisy = await open(target);
    noisy.send({ type: 'response.create', ...hello });
    const frames = await noisy.until((received) => received.filter((frame) => frame['type'] === 'noise.unknown').length >= 3);
    expect(frames.map((frame) => frame['type']).slice(2, 6)).toEqual(['response.created', 'noise.unknown', 'noise.unknown', 'noise.unknown']);

    target.faults.next({ kind: 'noise', noise: 'keepalive', everyMs: 5, forMs: 50 });
    const working = await open(target);
    const completed = await working.request(hello);
    const types = completed.map((frame) => frame['type']);
    // How many fit in forMs depends on the machine's clock; the first is sent at once.
    expect(types.filter((type) => type === 'keepalive').length).toBeGreaterThanOrEqual(1);
    expect(types.at(-1)).toBe('response.completed');
    expect(types.indexOf('keepalive')).toBe(types.indexOf('response.in_progress') + 1);
  });

  it('closes after N events with a close code', async () => {
    const target = await start();
    target.faults.next({ kind: 'close', afterEvents: 3, code: 1011, reason: 'boom' });
    const socket = await open(target);
    socket.send({ type: 'response.create', ...hello });
    expect(await socket.closed).toBe(1011);
    expect(socket.frames.filter((frame) => 'sequence_number' in frame)).toHaveLength(3);
  });

  it('resets the connection when no close code is given', async () => {
    const target = await start();
    target.faults.next({ kind: 'close', afterEvents: 1 });
    const socket = await open(target);
    socket.send({ type: 'response.create', ...hello });
    expect(await socket.closed).toBe(1006);
  });

  it('sends malformed JSON', async () => {
    const target = await start();
    target.faults.next({ kind: 'malformed-json', afterEvents: 2 });
    const socket = await open(target);
    socket.send({ type: 'response.create', ...hello });
    await socket.until(() => socket.raw.length >= 5);
    expect(() => JSON.parse(socket.raw[4]!.data)).toThrow();
  });

  it('sends an oversized frame that a bounded client rejects with 1009', async () => {
    const target = await start();
    target.faults.next({ kind: 'oversized-frame', bytes: 200_000 });
    const socket = await open(target, { maxPayload: 100_000 });
    socket.send({ type: 'response.create', ...hello });
    await socket.closed;
    const connectionId = target.recording.handshakes[0]!.connectionId;
    const recorded = () => target.recording.connections.find((connection) => connection.id === connectionId && connection.transport === 'websocket');
    for (let attempt = 0; attempt < 100 && recorded()?.closeCode === undefined; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    // The client closes with 1009 (message too big); the server records the code it received.
    expect(recorded()?.closeCode).toBe(1009);
  });

  it('sends a binary frame', async () => {
    const target = await start();
    target.faults.next({ kind: 'binary-frame', afterEvents: 1 });
    const socket = await open(target);
    await socket.request(hello);
    const binary = socket.raw.filter((frame) => frame.binary);
    expect(binary).toHaveLength(1);
    expect(JSON.parse(binary[0]!.data)).toMatchObject({ type: 'response.in_progress' });
  });

  const codes = Object.keys(RESPONSES_ERROR_CODES) as ResponsesErrorCode[];
  it.each(codes.flatMap((code) => [[code, 'nested'], [code, 'flat']] as const))('sends %s as a %s error frame', async (code, shape) => {
    const target = await start();
    target.faults.next({ kind: 'error', code, shape });
    const socket = await open(target);
    const frames = await socket.request(hello);
    const error = frames.at(-1) as Record<string, unknown> & { error?: Record<string, unknown> };
    expect(error['type']).toBe('error');
    if (shape === 'nested') {
      expect(error['status']).toBe(RESPONSES_ERROR_CODES[code].status);
      expect(error.error).toMatchObject({ code, type: RESPONSES_ERROR_CODES[code].type });
    } else {
      expect(error).toMatchObject({ code, message: RESPONSES_ERROR_CODES[code].message });
      expect(error.error).toBeUndefined();
    }
    // The socket stays usable for the next request.
    completedOf(await socket.request(hello));
  });

  it('stalls without closing', async () => {
    const target = await start();
    target.faults.next({ kind: 'stall', afterEvents: 2 });
    const socket = await open(target);
    socket.send({ type: 'response.create', ...hello });
    await socket.until((frames) => frames.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(socket.frames).toHaveLength(4);
    expect(socket.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('ends with response.incomplete and response.failed', async () => {
    const target = await start();
    target.faults.next({ kind: 'incomplete' });
    target.faults.next({ kind: 'failed', code: 'server_error', message: 'oops' });
    const socket = await open(target);
    const incomplete = (await socket.request(hello)).at(-1) as { type: string; response: Record<string, unknown> };
    expect(incomplete.type).toBe('response.incomplete');
    expect(incomplete.response['incomplete_details']).toEqual({ reason: 'max_output_tokens' });
    const failed = (await socket.request(hello)).at(-1) as { type: string; response: { error: unknown } };
    expect(failed).toMatchObject({ type: 'response.failed', response: { error: { code: 'server_error', message: 'oops' } } });
    // A failed response is not chainable.
    const id = (failed.response as unknown as { id: string }).id;
    const chained = (await socket.request({ ...hello, previous_response_id: id })).at(-1) as { error: { code: string } };
    expect(chained.error.code).toBe('previous_response_not_found');
  });

  it.each([['burst'], [0], [30]] as const)('trails an error frame with the response\'s own response.failed (%s)', async (at) => {
    const target = await start();
    target.faults.next({ kind: 'error', code: 'insufficient_quota', afterEvents: 2, trailingFailed: at });
    const socket = await open(target);
    socket.send({ type: 'response.create', ...hello });
    const frames = await socket.terminals(2);
    const types = frames.map((frame) => frame['type']);
    expect(types.slice(-3)).toEqual(['response.in_progress', 'error', 'response.failed']);
    const created = frames.find((frame) => frame['type'] === 'response.created') as { response: { id: string } };
    expect(frames.at(-1)).toMatchObject({ response: { id: created.response.id, status: 'failed', error: { code: 'insufficient_quota' } } });
  });

  it('repeats the last item and the terminal of a response as its stale tail, in the same burst or after the next response.created', async () => {
    const target = await start();
    target.faults.next({ kind: 'stale-tail' });
    const socket = await open(target);
    socket.send({ type: 'response.create', ...hello });
    const frames = await socket.terminals(2);
    const completed = completedOf(frames);
    const done = frames.filter((frame) => frame['type'] === 'response.output_item.done');
    expect(frames.slice(-2)).toEqual([done.at(-1), completed]);
    expect(done.at(-1)).toEqual(done.at(-2));

    target.faults.next({ kind: 'stale-tail', at: 'after-next-created' });
    const from = socket.frames.length;
    await socket.request(hello);
    const staleId = completedOf(socket.frames.slice(from)).response.id;
    socket.send({ type: 'response.create', ...hello });
    const next = await socket.terminals(2, from);
    const types = next.map((frame) => `${String(frame['type'])}:${String((frame['response'] as { id?: string } | undefined)?.id ?? '')}`);
    const createdAt = types.findIndex((type, index) => index > 0 && type.startsWith('response.created:') && !type.endsWith(staleId));
    expect(types.slice(createdAt + 1, createdAt + 3)).toEqual(['response.output_item.done:', `response.completed:${staleId}`]);
  });

  it('closes right after the terminal frame', async () => {
    const target = await start();
    target.faults.next({ kind: 'close-after-terminal' });
    const socket = await open(target);
    socket.send({ type: 'response.create', ...hello });
    expect(await socket.closed).toBe(1000);
    expect(completedOf(socket.frames).response.id).toMatch(/^resp_/);
  });

  it('floods an idle socket with unsolicited frames after the response', async () => {
    const target = await start();
    target.faults.next({ kind: 'idle-flood', frames: 5, frameBytes: 2048, afterMs: 10 });
    const socket = await open(target);
    completedOf(await socket.request(hello));
    // The flood may already have arrived when the request resolves: count from the terminal frame.
    const terminal = socket.raw.findIndex((frame) => !frame.binary && (JSON.parse(frame.data) as { type?: unknown }).type === 'response.completed');
    expect(terminal).toBeGreaterThan(0);
    await socket.until(() => socket.raw.length >= terminal + 1 + 5);
    const flood = socket.raw.slice(-5);
    expect(flood.every((frame) => frame.data.length === 2048 && !frame.binary)).toBe(true);
    expect(JSON.parse(flood[0]!.data)).toMatchObject({ type: 'response.output_text.delta' });
  });

  it('targets a fault at one connection', async () => {
    const target = await start();
    const first = await open(target);
    const second = await open(target);
    target.faults.next({ kind: 'error', code: 'server_error' }, { connectionId: target.recording.handshakes[1]!.connectionId });
    completedOf(await first.request(hello));
    expect((await second.request(hello)).at(-1)?.['type']).toBe('error');
  });

  it('does not give HTTP-only faults to WebSocket requests', async () => {
    const target = await start();
    target.faults.next({ kind: 'http-status', status: 500 });
    const socket = await open(target);
    completedOf(await socket.request(hello));
    expect(target.faults.pending).toHaveLength(1);
  });
});
