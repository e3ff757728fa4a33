// Push mode (`listen`), backpressure and `release()` of HttpClient.postStream over real sockets.
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, settledLeaks, type ResourceCounts } from '../__fixtures__/open-handles.js';
import { startHttpServer, type Handler, type HttpTestServer } from '../__fixtures__/http-test-server.js';
import { AbortError } from '../errors/abort-error.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { IncompleteEventError } from '../errors/incomplete-event-error.js';
import { HttpClient, type HttpStreamResponse } from './http-client.js';

let baseline: ResourceCounts;
let server: HttpTestServer;
let handler: Handler = (_request, response) => {
  response.end();
};
const clients: HttpClient[] = [];
const SSE_HEADERS = { 'content-type': 'text/event-stream' };

function newClient(options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const client = new HttpClient(options);
  clients.push(client);
  return client;
}

/** Listens until the end; resolves with the payloads and how it ended. */
function listenToEnd(response: HttpStreamResponse, onEvent: (data: string) => void = () => undefined): Promise<{ data: string[]; error: unknown }> {
  const data: string[] = [];
  return new Promise((resolve) => {
    response.listen({
      onEvent: (event) => {
        data.push(event.data);
        onEvent(event.data);
      },
      onEnd: (error) => resolve({ data, error }),
    });
  });
}

/** Listens, and releases the response at its first event (as a consumer does at a terminal one). */
function releaseAtFirstEvent(response: HttpStreamResponse): Promise<void> {
  return new Promise((resolve) =>
    response.listen({
      onEvent: () => {
        response.release();
        resolve();
      },
      onEnd: () => expect.unreachable('no end after release()'),
    }),
  );
}

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

describe('HttpClient.postStream push mode', () => {
  it('delivers every event and then the end, also the events that arrived before listen()', async () => {
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: 1\n\ndata: 2\n\n');
      setTimeout(() => response.end('data: 3\n\n'), 20);
    };
    const client = newClient();
    const response = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    // Let the first write arrive before anyone listens.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await listenToEnd(response)).toEqual({ data: ['1', '2', '3'], error: undefined });
    expect(() => response.events[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it('reports an abort, an idle timeout (closing the connection) and a cut event through onEnd', async () => {
    const client = newClient({ idleTimeoutMs: 150 });
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: 1\n\n');
    };
    const controller = new AbortController();
    const aborted = await listenToEnd(await client.postStream(`${server.url}/v1/responses`, { body: {}, signal: controller.signal }), () => controller.abort('stop'));
    expect(aborted.data).toEqual(['1']);
    expect(aborted.error).toBeInstanceOf(AbortError);
    expect(await server.waitForNoOpenSockets()).toBe(true);

    const idle = await listenToEnd(await client.postStream(`${server.url}/v1/responses`, { body: {} }));
    expect(idle.error).toBeInstanceOf(IdleTimeoutError);
    expect(await server.waitForNoOpenSockets()).toBe(true);

    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.end('data: 1\n\ndata: cut');
    };
    const cut = await listenToEnd(await client.postStream(`${server.url}/v1/responses`, { body: {} }));
    expect(cut.data).toEqual(['1']);
    expect(cut.error).toBeInstanceOf(IncompleteEventError);
  });

  it('pause() stops reading without the idle timeout running; resume() reads on', async () => {
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: 1\n\n');
      setTimeout(() => response.end('data: 2\n\n'), 50);
    };
    const client = newClient({ idleTimeoutMs: 100 });
    const response = await client.postStream(`${server.url}/v1/responses`, { body: {} });
    let resumed = false;
    const result = await listenToEnd(response, (data) => {
      if (data !== '1') return;
      response.pause();
      // Far longer than the idle timeout: the silence is the consumer's.
      setTimeout(() => {
        resumed = true;
        response.resume();
      }, 400);
    });
    expect(resumed).toBe(true);
    expect(result).toEqual({ data: ['1', '2'], error: undefined });
  });

  it('release() after a terminal event lets the body end instead of cutting it: the connection stays open', async () => {
    let cut = 0;
    let over: Promise<void> = Promise.resolve();
    handler = (_request, response) => {
      over = new Promise((resolve) =>
        response.on('close', () => {
          if (!response.writableFinished) cut += 1;
          resolve();
        }),
      );
      response.writeHead(200, SSE_HEADERS);
      response.write('data: terminal\n\n');
      setTimeout(() => response.end(': trailing comment\n\n'), 30);
    };
    const client = newClient();
    const before = server.connectionCount();
    for (let index = 0; index < 3; index += 1) {
      const response = await client.postStream(`${server.url}/v1/responses`, { body: {} });
      await releaseAtFirstEvent(response);
      await over;
    }
    expect(cut).toBe(0);
    // Every connection opened is still open: none was destroyed to stop reading.
    expect(server.openSockets.size).toBe(server.connectionCount() - before);
  });

  it('close() destroys a released body that is still draining, even on an injected dispatcher', async () => {
    handler = (_request, response) => {
      response.writeHead(200, SSE_HEADERS);
      response.write('data: terminal\n\n');
    };
    const dispatcher = new Agent();
    try {
      const client = newClient({ dispatcher });
      const response = await client.postStream(`${server.url}/v1/responses`, { body: {} });
      await releaseAtFirstEvent(response);
      expect(server.openSockets.size).toBe(1);
      await client.close();
      expect(await server.waitForNoOpenSockets()).toBe(true);
    } finally {
      await dispatcher.close();
    }
  });
});
