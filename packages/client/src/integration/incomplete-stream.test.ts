// An HTTP/SSE body cut in the middle of an event and one cut between events surface as the same
// typed class (`StreamIncompleteError`, code `stream_incomplete`, retryable); the transport's
// `IncompleteEventError` stays reachable as the cause.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClientAndServer } from '../__fixtures__/close-client-and-server.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { ModelClient } from '../client/model-client.js';
import { IncompleteEventError, StreamIncompleteError } from '../index.js';

const CREATED = `data: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { id: 'resp_cut', object: 'response', created_at: 1, status: 'in_progress', model: 'gpt-test', output: [] } })}\n\n`;

let server: Server | undefined;
let client: ModelClient | undefined;

afterEach(async () => {
  await closeClientAndServer(client, server);
  server = undefined;
  client = undefined;
});

async function serveBody(body: string): Promise<string> {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_cut' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('a cut SSE body', () => {
  it.each([
    ['in the middle of an event', `${CREATED}data: {"type":"response.output_text.delta","delta":"hal`, true],
    ['between events', CREATED, false],
  ])('%s fails with StreamIncompleteError (stream_incomplete, retryable)', async (_, body, midEvent) => {
    const baseUrl = await serveBody(body);
    client = new ModelClient({ provider: { baseUrl, requestMaxRetries: 0 }, auth: 'none', conversationId: 'conv-cut', sessionSource: { kind: 'cli' } });
    const failure = await client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StreamIncompleteError);
    expect(failure).toMatchObject({ code: 'stream_incomplete', retryable: true, requestId: 'req_cut' });
    expect((failure as Error).cause instanceof IncompleteEventError).toBe(midEvent);
    if (midEvent) expect((failure as Error).message).toMatch(/middle of an event after 1 complete events/);
  });
});
