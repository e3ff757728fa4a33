import { zstdDecompressSync } from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, settledLeaks, type ResourceCounts } from '../__fixtures__/open-handles.js';
import { startHttpServer, startRawHttpServer, writeInPieces, type Handler, type HttpTestServer } from '../__fixtures__/http-test-server.js';
import { AbortError } from '../errors/abort-error.js';
import { ClosedError } from '@modelwire/errors';
import { ConnectionClosedError } from '../errors/connection-closed-error.js';
import { ConnectError, IdleTimeoutError } from '../errors/connection-errors.js';
import { HttpStatusError, MAX_ERROR_BODY_BYTES } from '../errors/http-status-error.js';
import { ProtocolViolationError } from '../errors/protocol-violation-error.js';
import { RedirectRefusedError } from '../errors/redirect-refused-error.js';
import { InsecureTransportError } from '../errors/insecure-transport-error.js';
import { InvalidHeaderError } from '../errors/invalid-header-error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { IncompleteEventError } from '../errors/incomplete-event-error.js';
import type { SseEvent } from '../sse/sse-decoder.js';
import { HttpClient } from './http-client.js';

let baseline: ResourceCounts;
let server: HttpTestServer;
let handler: Handler = (_request, response) => {
  response.end();
};
const clients: HttpClient[] = [];

function newClient(options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const client = new HttpClient(options);
  clients.push(client);
  return client;
}

async function collect(events: AsyncIterable<SseEvent>): Promise<SseEvent[]> {
  const result: SseEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'x-request-id': 'req_stream_1' };
const EVENTS = Array.from({ length: 30 }, (_, i) => ({ type: 'response.output_text.delta', sequence_number: i, delta: `日本 é 😀 ${i}` }));
const SSE_TEXT = EVENTS.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');

beforeAll(async () => {
  baseline = activeResources();
  server = await startHttpServer((request, response, body) => handler(request, response, body));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  expect(await server.waitForNoOpenSockets()).toBe(true);
});

afterAll(async () => {
  await server.close();
  expect(await settledLeaks(baseline)).toEqual([]);
});

describe('HttpClient.postStream', () => {
  it('streams SSE events written byte by byte and in random pieces', async () => {
    const bytes = new TextEncoder().encode(SSE_TEXT.replaceAll('\n', '\r\n'));
    let seed = 1;
    const pieceSizes = [() => 1, () => (seed = (seed * 48271) % 2147483647) % 97];
    const client = newClient();
    for (const sizes of pieceSizes) {
      handler = async (_request, response) => {
        response.writeHead(200, SSE_HEADERS);
        await writeInPieces(response, bytes, sizes);
        response.end();
      };
      const response = await client.postStream(`${server.url}/v1/responses`, { body: { stream: true } });
      expect(response.status).toBe(200);
      expect(response.headers['x-request-id']).toBe('req_stream_1');
      const events = await collect(response.events);
      expect(events.map((event) => JSON.parse(event.data))).toEqual(EVENTS);
      expect(events[0]?.event).toBe('response.output_text.delta');
    }
  });

  it('sends headers and a JSON body, and reuses one kept-alive connection', async () => {
    const seen: { headers: Record<string, unknown>; body: string }[] = [];
    handler = (request, response, body) => {
      seen.push({ headers: request.headers, body: body.toString() });
      response.writeHead(200, SSE_HEADERS);
      response.end('data: {"ok":true}\n\n');
    };
    const client = newClient({ headers: { 'User-Agent': 'modelwire-test', authorization: 'Bearer sk-test-abcdefgh' } });
    const before = server.connectionCount();
    for (let i = 0; i < 3; i += 1) {
      const response = await client.postStream(`${server.url}/v1/responses`, { body: { n: i }, headers: { 'x-turn': String(i) } });
      expect((await collect(response.events)).map((e) => e.data)).toEqual(['{"ok":true}']);
    }
    expect(server.connectionCount() - before).toBe(1);
    expect(seen[2]?.headers).toMatchObject({ 'user-agent': 'modelwire-test', authorization: 'Bearer sk-test-abcdefgh', 'x-turn': '2', accept: 'text/event-stream', 'content-type': 'application/json' });
    expect(JSON.parse(seen[2]!.body)).toEqual({ n: 2 });
  });

  it('turns a non-2xx status into HttpStatusError before any event, with headers, capped body and request id', async () => {
    handler = (_request, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'x-request-id': 'req_429', 'retry-after': '3', 'set-cookie': 'session=abc' });
      response.end(JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'slow down' } }));
    };
    const client = newClient();
    const error = await client.postStream(`${server.url}/v1/responses`, { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    const statusError = error as HttpStatusError;
    expect(statusError.status).toBe(429);
    expect(statusError.retryable).toBe(true);
    expect(statusError.requestId).toBe('req_429');
    expect(statusError.headers['retry-after']).toBe('3');
    expect(statusError.headers['set-cookie']).toBe('[redacted]');
    expect(JSON.parse(statusError.body)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });

    handler = (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('x'.repeat(200 * 1024));
    };
    const big = (await client.postStream(`${server.url}/v1/responses`, { body: {} }).catch((e: unknown) => e)) as HttpStatusError;
    expect(big.status).toBe(500);
    expect(big.body.length).toBe(MAX_ERROR_BODY_BYTES);
    expect(big.bodyTruncated).toBe(true);
  });

  it('never follows a redirect: a 3xx is a RedirectRefusedError naming the target host, and the target is not requested', async () => {
    let redirectTargetHits = 0;
    handler = (request, response) => {
      if (request.url === '/elsewhere') {
        redirectTargetHits += 1;
        response.end('data: {}\n\n');
        return;
      }
      response.writeHead(307, { location: `${server.url}/elsewhere?sig=secret-in-query` });
      response.end();
    };
    const client = newClient({ headers: { authorization: 'Bearer sk-test-redirect' } });
    const error = (await client.postStream(`${server.url}/v1/responses`, { body: {} }).catch((e: unknown) => e)) as RedirectRefusedError;
    expect(error).toBeInstanceOf(RedirectRefusedError);
    expect(error).toMatchObject({ code: 'redirect_refused', status: 307, retryable: false, targetHost: new URL(server.url).host });
    expect(error.message).toContain(new URL(server.url).host);
    expect(error.message).not.toContain('secret-in-query');
    expect(redirectTargetHits).toBe(0);
    // A relative Location names the request's own host; none at all says so.
    handler = (_request, response) => {
      response.writeHead(301, { location: '/v2/responses' });
      response.end();
    };
    expect(await client.postStream(`${server.url}/v1/responses`, { body: {} }).catch((e: unknown) => e)).toMatchObject({ status: 301, targetHost: new URL(server.url).host });
    handler = (_request, response) => {
      response.writeHead(308);
      response.end();
    };
    expect(await client.postJson(`${server.url}/v1/responses`, { body: {} }).catch((e: unknown) => e)).toMatchObject({ code: 'redirect_refused', status: 308, targetHost: null });
  });

  it('a 2xx that is not text/event-stream is a non-retryable protocol violation naming the content type', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<html><body>Sign in to the network</body></html>');
    };
    const client = newClient();
    const error = (await client.postStream(`${server.url}/v1/responses?key=secret-in-query`, { body: {} }).catch((e: unknown) => e)) as ProtocolViolationError;
    expect(error).toBeInstanceOf(ProtocolViolationError);
    expect(error).toMatchObject({ code: 'protocol_violation', violation: 'content_type', retryable: false });
    expect(error.message).toContain('text/html; charset=utf-8');
    expect(error.message).toContain(`${server.url}/v1/responses`);
    expect(error.message).not.toContain('secret-in-query');
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'Text/Event-Stream; charset=utf-8' });
      response.end('data: {"ok":true}\n\n');
    };
    const accepted = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    expect((await collect(accepted.events)).map((event) => event.data)).toEqual(['{"ok":true}']);
  });

  it('a response that cannot be parsed after the request was written is a protocol violation, not a connect failure', async () => {
    const raw = await startRawHttpServer((socket, mode) => {
      if (mode === 'chunk') socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n7\r\ndata: 1\r\nZZ\r\n');
      else socket.write(`HTTP/1.1 200 OK\r\nx-huge: ${'a'.repeat(100 * 1024)}\r\n\r\n`);
    });
    try {
      const client = newClient();
      const header = await client.postStream(`${raw.url}/header`, { body: {} }).catch((e: unknown) => e);
      expect(header).toMatchObject({ code: 'protocol_violation', violation: 'http_parser', retryable: false });
      expect((header as Error).message).toContain(`${raw.url}/header`);
      const chunked = await client.postStream(`${raw.url}/chunk`, { body: {} });
      const cut = await collect(chunked.events).catch((e: unknown) => e);
      expect(cut).toMatchObject({ code: 'protocol_violation', violation: 'http_parser' });
      expect(cut).not.toBeInstanceOf(ConnectError);
    } finally {
      await raw.close();
    }
  });

  it('raises IdleTimeoutError when the body stalls between chunks, and closes the connection', async () => {
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: {"first":true}\n\n');
    };
    const client = newClient({ idleTimeoutMs: 150 });
    const response = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    const received: string[] = [];
    const error = await (async () => {
      for await (const event of response.events) received.push(event.data);
    })().catch((e: unknown) => e);
    expect(received).toEqual(['{"first":true}']);
    expect(error).toBeInstanceOf(IdleTimeoutError);
    expect((error as IdleTimeoutError).retryable).toBe(true);
    expect(await server.waitForNoOpenSockets()).toBe(true);
  });

  it('counts events, not bytes: comments and blank keep-alive lines never reset the idle timeout', async () => {
    let keepAlive: ReturnType<typeof setInterval> | undefined;
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: {"first":true}\n\n');
      let count = 0;
      // Comments, blank lines and a `retry:` line, as gateways send them, far more often than the timeout.
      keepAlive = setInterval(() => response.write(['\n', ': keep-alive\n\n', 'retry: 1000\n\n'][count++ % 3] ?? '\n'), 10);
      response.on('close', () => clearInterval(keepAlive));
    };
    const client = newClient({ idleTimeoutMs: 150 });
    const response = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    const received: string[] = [];
    const error = await (async () => {
      for await (const event of response.events) received.push(event.data);
    })().catch((e: unknown) => e);
    clearInterval(keepAlive);
    expect(received).toEqual(['{"first":true}']);
    expect(error).toBeInstanceOf(IdleTimeoutError);
    expect((error as IdleTimeoutError).message).toBe('no event for 150 ms');
    expect(await server.waitForNoOpenSockets()).toBe(true);
  });

  it('raises IdleTimeoutError when headers do not come', async () => {
    handler = () => undefined;
    const client = newClient();
    const error = await client.postStream(`${server.url}/v1/responses`, { body: {}, idleTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdleTimeoutError);
    expect(await server.waitForNoOpenSockets()).toBe(true);
  });

  it('aborts before headers, mid-stream and after the end, leaving no socket open', async () => {
    const client = newClient();

    handler = () => undefined;
    const beforeHeaders = new AbortController();
    const pending = client.postStream(`${server.url}/v1/responses`, { body: {}, signal: beforeHeaders.signal });
    setTimeout(() => beforeHeaders.abort(), 50);
    expect(await pending.catch((e: unknown) => e)).toBeInstanceOf(AbortError);
    expect(await server.waitForNoOpenSockets()).toBe(true);

    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: 1\n\n');
    };
    const midStream = new AbortController();
    const streaming = await client.postStream(`${server.url}/v1/responses`, { body: {}, signal: midStream.signal });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of streaming.events) {
        seen.push(event.data);
        midStream.abort('stop');
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['1']);
    expect(error).toBeInstanceOf(AbortError);
    expect(await server.waitForNoOpenSockets()).toBe(true);

    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.end('data: done\n\n');
    };
    const afterEnd = new AbortController();
    const complete = await client.postStream(`${server.url}/v1/responses`, { body: {}, signal: afterEnd.signal });
    expect((await collect(complete.events)).map((e) => e.data)).toEqual(['done']);
    afterEnd.abort();
    await client.close();
    expect(await server.waitForNoOpenSockets()).toBe(true);
  });

  it('releases the connection when the consumer leaves the loop early', async () => {
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: 1\n\ndata: 2\n\n');
    };
    const client = newClient();
    const response = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    for await (const event of response.events) {
      expect(event.data).toBe('1');
      break;
    }
    expect(await server.waitForNoOpenSockets()).toBe(true);
  });

  it('reports a body cut inside an event as IncompleteEventError, and a reset socket as ConnectionClosedError', async () => {
    const client = newClient();
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.end('data: {"a":1}\n\ndata: {"b":');
    };
    const cut = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of cut.events) seen.push(event.data);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['{"a":1}']);
    expect(error).toBeInstanceOf(IncompleteEventError);

    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: {"a":1}\n\n', () => setTimeout(() => response.socket?.destroy(), 20));
    };
    const reset = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    expect(await collect(reset.events).catch((e: unknown) => e)).toBeInstanceOf(ConnectionClosedError);
  });

  it('rejects an oversized event with PayloadTooLargeError', async () => {
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.end(`data: ${'x'.repeat(100_000)}\n\n`);
    };
    const client = newClient();
    const response = await client.postStream(`${server.url}/v1/responses`, { body: {}, maxEventSize: 10_000 });
    expect(await collect(response.events).catch((e: unknown) => e)).toBeInstanceOf(PayloadTooLargeError);
  });

  it('compresses the request body with zstd; the server decodes it', async () => {
    const input = { model: 'm', input: Array.from({ length: 200 }, (_, i) => ({ type: 'message', text: `repeated text ${i}` })) };
    let received: { encoding: string | undefined; size: number; body: unknown } | undefined;
    handler = (request, response, body) => {
      const decoded = request.headers['content-encoding'] === 'zstd' ? zstdDecompressSync(body) : body;
      received = { encoding: request.headers['content-encoding'], size: body.length, body: JSON.parse(decoded.toString()) };
      response.writeHead(200, SSE_HEADERS);
      response.end('data: {}\n\n');
    };
    const client = newClient();
    const response = await client.postStream(`${server.url}/v1/responses`, { body: input, compression: 'zstd' });
    await collect(response.events);
    expect(received?.encoding).toBe('zstd');
    expect(received?.body).toEqual(input);
    expect(received!.size).toBeLessThan(JSON.stringify(input).length / 3);
  });
});

describe('HttpClient security and lifecycle', () => {
  it('refuses credentials over http: to a non-loopback host without sending anything', async () => {
    const client = newClient({ headers: { authorization: 'Bearer sk-test-insecure' } });
    const error = await client.postStream('http://api.example.invalid/v1/responses', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsecureTransportError);
    expect(JSON.stringify(error)).not.toContain('sk-test-insecure');
    const json = await newClient().postJson('http://api.example.invalid/v1', { body: {}, headers: { 'x-api-key': 'secret' } }).catch((e: unknown) => e);
    expect(json).toBeInstanceOf(InsecureTransportError);
  });

  it('rejects header values with CR or LF', async () => {
    const client = newClient();
    const error = await client.postStream(`${server.url}/v1`, { body: {}, headers: { 'x-meta': 'a\r\nx-evil: 1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(() => new HttpClient({ headers: { authorization: 'Bearer a\nb' } })).toThrow(InvalidHeaderError);
  });

  it('maps a refused connection to a retryable ConnectError', async () => {
    const closed = await startHttpServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const error = await newClient().postStream(`${url.replace('://', '://user:pass-in-url@')}/v1/responses?key=secret-in-query`, { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).retryable).toBe(true);
    // Scheme, host and path, and the transport; never the query or the credentials.
    expect((error as ConnectError).message).toBe(`could not connect to ${url}/v1/responses over HTTP (ECONNREFUSED)`);
  });

  it('fails new requests after close(), and closing twice is fine', async () => {
    const client = newClient();
    await client.close();
    await client.close();
    expect(client.closed).toBe(true);
    expect(await client.postJson(`${server.url}/v1`, { body: {} }).catch((e: unknown) => e)).toBeInstanceOf(ClosedError);
  });

  it('sends through an injected dispatcher and leaves it open on close()', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"via":"injected"}');
    };
    const agent = new Agent();
    const client = new HttpClient({ dispatcher: agent });
    expect((await client.postJson(`${server.url}/v1`, { body: {} })).body).toEqual({ via: 'injected' });
    await client.close();
    expect(agent.closed).toBe(false);
    await agent.close();
  });
});

describe('HttpClient.postJson', () => {
  it('round-trips JSON and reports invalid JSON as decode_failed', async () => {
    handler = (_request, response, body) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ echo: JSON.parse(body.toString()) }));
    };
    const client = newClient();
    const result = await client.postJson(`${server.url}/v1/responses/compact`, { body: { input: ['a'] } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ echo: { input: ['a'] } });

    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{not json');
    };
    expect(await client.postJson(`${server.url}/v1`, { body: {} }).catch((e: unknown) => (e as { code: string }).code)).toBe('decode_failed');
  });

  it('applies the total timeout and the response size bound', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    };
    const client = newClient();
    expect(await client.postJson(`${server.url}/v1`, { body: {}, timeoutMs: 100 }).catch((e: unknown) => e)).toBeInstanceOf(IdleTimeoutError);

    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ big: 'x'.repeat(10_000) }));
    };
    expect(await client.postJson(`${server.url}/v1`, { body: {}, maxResponseBytes: 1000 }).catch((e: unknown) => e)).toBeInstanceOf(PayloadTooLargeError);
  });
});
