// Independent check: the official openai SDK talks to the loopback server unchanged.
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { tools } from './__fixtures__/test-clients.js';

let server: ResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('official openai SDK', () => {
  it('streams responses.create over HTTP', async () => {
    server = await startResponsesServer();
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
    const stream = await client.responses.create({ model: 'gpt-test', input: 'hello there', stream: true });
    const types: string[] = [];
    let text = '';
    let completedId: string | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completedId = event.response.id;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe('You said: hello there');
    expect(completedId).toBe(server.recording.requests[0]?.responseId);
    expect(server.recording.requests[0]?.headers['authorization']).toBe('Bearer sk-test');
  });

  it('runs several turns with previous_response_id over ResponsesWS', async () => {
    server = await startResponsesServer();
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
    const socket = new ResponsesWS(client);
    const events: { type: string; [key: string]: unknown }[] = [];
    const waiters: (() => void)[] = [];
    socket.on('event', (event) => {
      events.push(event as never);
      for (const wake of waiters.splice(0)) wake();
    });
    socket.on('error', () => undefined);
    const nextCompleted = async (from: number): Promise<{ id: string; output: { type: string; call_id?: string; content?: { text: string }[] }[] }> => {
      for (;;) {
        const found = events.slice(from).find((event) => event.type === 'response.completed' || event.type === 'error');
        if (found?.type === 'error') throw new Error(JSON.stringify(found));
        if (found) return found['response'] as never;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    try {
      let from = events.length;
      socket.send({ type: 'response.create', model: 'gpt-test', input: 'run: ls -la', tools: tools as never });
      const first = await nextCompleted(from);
      const call = first.output[0];
      expect(call?.type).toBe('function_call');

      from = events.length;
      socket.send({
        type: 'response.create',
        model: 'gpt-test',
        previous_response_id: first.id,
        tools: tools as never,
        input: [{ type: 'function_call_output', call_id: call!.call_id!, output: 'README.md\npackage.json' }],
      });
      const second = await nextCompleted(from);
      expect(second.output[0]?.content?.[0]?.text).toContain('README.md\npackage.json');

      from = events.length;
      socket.send({ type: 'response.create', model: 'gpt-test', previous_response_id: second.id, input: 'thanks' });
      const third = await nextCompleted(from);
      expect(third.output[0]?.content?.[0]?.text).toBe('You said: thanks');
      expect(server.recording.handshakes).toHaveLength(1);
      expect(server.recording.counters.requests.websocket).toBe(3);
      // The third response's usage counts the cached context of the first two.
      const usage = (events.filter((event) => event.type === 'response.completed').at(-1)?.['response'] as { usage: { input_tokens_details: { cached_tokens: number } } }).usage;
      expect(usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
    } finally {
      socket.close({ code: 1000, reason: 'done' });
    }
  });
});
