// The SDKs agents already use run unchanged against the loopback server over real sockets: the
// official openai package (HTTP streamed and not, ResponsesWS), the AI SDK's Responses model with
// a multi-step tool loop, and an @openai/agents Runner. The server validates every request as the
// API does, so each run also shows that these SDKs' requests are accepted.
import { createOpenAI } from '@ai-sdk/openai';
import { Agent, OpenAIResponsesModel, Runner, tool as agentTool } from '@openai/agents';
import { jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import type { ResponsesClientEvent } from 'openai/resources/responses/responses';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { tools } from './__fixtures__/test-clients.js';

let server: ResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function officialClient(target: ResponsesServer): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: target.url, maxRetries: 0 });
}

/** The terminal event of one `response.create` (completed response, or error frame). */
interface Terminal {
  readonly type: string;
  readonly status?: number;
  readonly error?: { code: string; param: string | null };
  readonly response?: {
    id: string;
    output: { type: string; call_id?: string; content?: { text: string }[] }[];
    usage: { input_tokens_details: { cached_tokens: number } };
  };
}

/** The official package's `ResponsesWS`, with a request helper that waits for the terminal event. */
function openResponsesWs(client: OpenAI): { request(event: ResponsesClientEvent): Promise<Terminal>; close(): void } {
  const socket = new ResponsesWS(client);
  const events: Terminal[] = [];
  const waiters: (() => void)[] = [];
  socket.on('event', (event) => {
    events.push(event as Terminal);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('error', () => undefined);
  return {
    async request(event) {
      const from = events.length;
      socket.send(event);
      for (;;) {
        const found = events.slice(from).find((candidate) => candidate.type === 'response.completed' || candidate.type === 'error');
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => socket.close({ code: 1000, reason: 'done' }),
  };
}

describe('official openai package', () => {
  it('answers responses.create without streaming as one JSON response, easy input messages included', async () => {
    server = await startResponsesServer();
    const client = officialClient(server);
    const response = await client.responses.create({
      model: 'gpt-test',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in English.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'input_text', text: 'second question' }] },
      ],
      store: false,
      temperature: 0.2,
      max_output_tokens: 64,
      metadata: { suite: 'conformance' },
    });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('You said: second question');
    expect(response.id).toBe(server.recording.requests[0]?.responseId);
  });

  it('streams responses.create with a string input', async () => {
    server = await startResponsesServer();
    const stream = await officialClient(server).responses.create({ model: 'gpt-test', input: 'hello there', stream: true });
    let text = '';
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe('You said: hello there');
  });

  it('surfaces the API error body of a refused request as a BadRequestError with param and code', async () => {
    server = await startResponsesServer();
    const error = await officialClient(server)
      .responses.create({ model: 'gpt-test', input: [{ role: 'robot' as 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'input[0].role', code: 'invalid_value', type: 'invalid_request_error' });
  });

  it('runs easy input messages and previous_response_id over ResponsesWS, and refuses a bad tool name with an error frame', async () => {
    server = await startResponsesServer();
    const socket = openResponsesWs(officialClient(server));
    try {
      const first = await socket.request({ type: 'response.create', model: 'gpt-test', input: [{ role: 'user', content: 'over the socket' }] });
      expect(first.type).toBe('response.completed');
      expect(first.response?.output[0]?.content?.[0]?.text).toBe('You said: over the socket');

      const second = await socket.request({ type: 'response.create', model: 'gpt-test', previous_response_id: first.response?.id ?? '', input: 'and again' });
      expect(second.response?.output[0]?.content?.[0]?.text).toBe('You said: and again');

      const refused = await socket.request({ type: 'response.create', model: 'gpt-test', input: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', name: 'read file', parameters: {}, strict: false }] });
      expect(refused).toMatchObject({ type: 'error', status: 400, error: { code: 'invalid_value', param: 'tools[0].name' } });
    } finally {
      socket.close();
    }
  });

  it('runs a tool call and its output as a continuation over ResponsesWS, counting the cached context', async () => {
    server = await startResponsesServer();
    const socket = openResponsesWs(officialClient(server));
    try {
      const first = await socket.request({ type: 'response.create', model: 'gpt-test', input: 'run: ls -la', tools: tools as never });
      const call = first.response?.output[0];
      expect(call?.type).toBe('function_call');
      const second = await socket.request({
        type: 'response.create',
        model: 'gpt-test',
        previous_response_id: first.response?.id ?? '',
        tools: tools as never,
        input: [{ type: 'function_call_output', call_id: call?.call_id ?? '', output: 'README.md\npackage.json' }],
      });
      expect(second.response?.output[0]?.content?.[0]?.text).toContain('README.md\npackage.json');
      const third = await socket.request({ type: 'response.create', model: 'gpt-test', previous_response_id: second.response?.id ?? '', input: 'thanks' });
      expect(third.response?.output[0]?.content?.[0]?.text).toBe('You said: thanks');
      expect(third.response?.usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
      expect(server.recording.handshakes).toHaveLength(1);
      expect(server.recording.counters.requests.websocket).toBe(3);
    } finally {
      socket.close();
    }
  });
});

describe('AI SDK (@ai-sdk/openai responses model)', () => {
  it('runs streamText with two tools and a multi-step loop', async () => {
    server = await startResponsesServer();
    const provider = createOpenAI({ apiKey: 'sk-test', baseURL: server.url });
    const commands: string[] = [];
    const result = streamText({
      model: provider.responses('gpt-test'),
      system: 'You run commands when asked.',
      prompt: 'run: ls -la',
      maxRetries: 0,
      stopWhen: stepCountIs(4),
      tools: {
        shell: tool({
          description: 'Runs a shell command.',
          inputSchema: jsonSchema<{ command: string }>({
            type: 'object',
            properties: { command: { type: 'string' } },
            required: ['command'],
            additionalProperties: false,
          }),
          execute: ({ command }) => {
            commands.push(command);
            return 'README.md package.json';
          },
        }),
        weather: tool({
          description: 'Tells the weather of a city.',
          inputSchema: jsonSchema<{ city: string }>({
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          }),
          execute: ({ city }) => `sunny in ${city}`,
        }),
      },
    });
    const text = await result.text;
    const steps = await result.steps;
    expect(commands).toEqual(['ls -la']);
    expect(steps).toHaveLength(2);
    expect(text).toContain('README.md package.json');
    expect(server.recording.requests).toHaveLength(2);
    const second = server.recording.requests[1]?.body as { tools: { name: string }[]; input: { type?: string }[] };
    expect(second.tools.map((declared) => declared.name).sort()).toEqual(['shell', 'weather']);
    expect(second.input.some((item) => item.type === 'function_call_output')).toBe(true);
  });
});

describe('@openai/agents (Runner with the OpenAI Responses model)', () => {
  it('runs an agent with one tool to its final output', async () => {
    server = await startResponsesServer();
    const commands: string[] = [];
    const shell = agentTool({
      name: 'shell',
      description: 'Runs a shell command.',
      parameters: z.object({ command: z.string() }),
      execute: ({ command }) => {
        commands.push(command);
        return 'README.md package.json';
      },
    });
    const agent = new Agent({
      name: 'loopback agent',
      instructions: 'You run commands when asked.',
      model: new OpenAIResponsesModel(officialClient(server) as never, 'gpt-test'),
      tools: [shell],
    });
    const runner = new Runner({ tracingDisabled: true });
    const result = await runner.run(agent, 'run: git status');
    expect(commands).toEqual(['git status']);
    expect(result.finalOutput).toContain('README.md package.json');
    expect(server.recording.requests.length).toBeGreaterThanOrEqual(2);
  });
});
