// Over HTTP/SSE the client stops reading at the terminal event; the server ends the body a
// moment later (as the real API does, in a later read). That tail must be read, not cut: the
// connection then goes back to the pool and the next turn skips TCP (and TLS) set-up. A custom
// `WireHttp` without push mode is read through its `events` iterable instead.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClientAndServer } from '../__fixtures__/close-client-and-server.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { ModelClient } from '../client/model-client.js';
import { resolveProvider } from '../types/provider.js';
import { createTransportHttp } from '../wire/transport-http.js';
import type { WireHttp } from '../wire/wire-types.js';

let server: Server | undefined;
let client: ModelClient | undefined;

afterEach(async () => {
  await closeClientAndServer(client, server);
  server = undefined;
  client = undefined;
});

function responseEvents(number: number): string[] {
  const id = `resp_reuse_${number}`;
  const item = { id: `msg_reuse_${number}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: `answer ${number}`, annotations: [] }] };
  const snapshot = (status: string, output: unknown[]): Record<string, unknown> => ({ id, object: 'response', created_at: 1, status, model: 'gpt-test', output });
  return [
    { type: 'response.created', response: snapshot('in_progress', []) },
    { type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: `answer ${number}` },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { ...snapshot('completed', [item]), usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } } },
  ].map((event, index) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`);
}

interface TailServer {
  readonly baseUrl: string;
  /** Responses whose body was cut before its end (the client destroyed the connection). */
  readonly cut: () => number;
  /** Server-side sockets closed so far. */
  readonly socketsClosed: () => number;
  /** Resolves when every response served so far is over (ended, or cut). */
  readonly settled: () => Promise<void>;
}

/** Serves each request one event per write, and ends the body `tailMs` after the terminal event. */
async function serveWithTail(tailMs: number): Promise<TailServer> {
  let requests = 0;
  let cut = 0;
  let socketsClosed = 0;
  const over: Promise<void>[] = [];
  server = createServer((request, response) => {
    over.push(new Promise((resolve) => response.on('close', () => {
      if (!response.writableFinished) cut += 1;
      resolve();
    })));
    request.resume();
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req_${requests}` });
      for (const event of responseEvents(requests)) response.write(event);
      setTimeout(() => response.end(), tailMs);
    });
  });
  server.on('connection', (socket) => socket.on('close', () => (socketsClosed += 1)));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    cut: () => cut,
    socketsClosed: () => socketsClosed,
    settled: async () => {
      await Promise.all(over);
    },
  };
}

async function runTurns(tail: TailServer, turns: number, http?: WireHttp): Promise<string[]> {
  client = new ModelClient({ provider: { baseUrl: tail.baseUrl, requestMaxRetries: 0 }, auth: 'none', conversationId: 'conv-reuse', sessionSource: { kind: 'cli' }, ...(http === undefined ? {} : { http }) });
  const texts: string[] = [];
  for (let turn = 0; turn < turns; turn += 1) {
    const stream = client.newTurn().stream(prompt([userMessage(`question ${turn}`)]), turnContext());
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'output_text_delta') deltas.push(event.delta);
    const result = await stream.result;
    expect(deltas.join('')).toBe(result.outputText);
    texts.push(result.outputText);
    await tail.settled();
  }
  return texts;
}

describe('HTTP/SSE connection reuse across turns', () => {
  it('reads the body to its end after the terminal event instead of cutting it, so the connection stays open for the next turn', async () => {
    const tail = await serveWithTail(20);
    expect(await runTurns(tail, 3)).toEqual(['answer 1', 'answer 2', 'answer 3']);
    expect(tail.cut()).toBe(0);
    expect(tail.socketsClosed()).toBe(0);
  });

  it('reads a custom WireHttp without push mode through its events iterable', async () => {
    const tail = await serveWithTail(0);
    const real = createTransportHttp(resolveProvider({ baseUrl: tail.baseUrl }));
    const iterableOnly: WireHttp = {
      ...real,
      postStream: async (url, options) => {
        const { status, headers, events } = await real.postStream(url, options);
        return { status, headers, events };
      },
    };
    expect(await runTurns(tail, 2, iterableOnly)).toEqual(['answer 1', 'answer 2']);
    await real.close();
  });
});
