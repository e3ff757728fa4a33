// The official openai package through the adapter (`new OpenAI({ fetch })`), against the loopback
// server over real sockets: a 20-step tool loop gives the result it gets over its own HTTP path
// with one handshake, 19 incremental requests and a fraction of the request bytes.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Closables } from '@modelwire/testing';
import { earlierConversation, expectSameToolLoopThroughAdapter, INSTRUCTIONS, TOOL_LOOP_PROMPT, TOOL_OUTPUT } from '../__fixtures__/adapter-setup.js';
import type { FetchFunction } from '../create-modelwire-fetch.js';

const open = new Closables();
afterEach(() => open.closeAll());

const shellTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'shell',
  description: 'Runs a shell command in the repository and returns its output.',
  strict: false,
  parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
};

interface LoopResult {
  readonly outputText: string;
  readonly calls: string[];
  readonly steps: number;
}

/** The usual openai-node tool loop: stream, append the output and the tool outputs, repeat. */
async function toolLoop(client: OpenAI, stream: boolean): Promise<LoopResult> {
  const input: OpenAI.Responses.ResponseInputItem[] = [...earlierConversation(), { role: 'user', content: TOOL_LOOP_PROMPT }];
  const calls: string[] = [];
  for (let step = 1; ; step += 1) {
    let response: OpenAI.Responses.Response | undefined;
    if (stream) {
      const events = await client.responses.create({ model: 'gpt-4.1', instructions: INSTRUCTIONS, input, tools: [shellTool], stream: true });
      for await (const event of events) if (event.type === 'response.completed') response = event.response;
    } else {
      response = await client.responses.create({ model: 'gpt-4.1', instructions: INSTRUCTIONS, input, tools: [shellTool] });
    }
    if (response === undefined) throw new Error('no response.completed');
    input.push(...(response.output as OpenAI.Responses.ResponseInputItem[]));
    const pending = response.output.filter((item) => item.type === 'function_call');
    if (pending.length === 0) {
      const outputText = response.output.flatMap((item) => (item.type === 'message' ? item.content.map((part) => (part.type === 'output_text' ? part.text : '')) : [])).join('');
      return { outputText, calls, steps: step };
    }
    for (const call of pending) {
      calls.push(`${call.call_id} ${call.arguments}`);
      input.push({ type: 'function_call_output', call_id: call.call_id, output: TOOL_OUTPUT });
    }
  }
}

function sdkClient(baseURL: string, fetch?: FetchFunction): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, ...(fetch === undefined ? {} : { fetch }) });
}

describe('openai (new OpenAI({ fetch }))', () => {
  it.each([
    ['streamed', true],
    ['not streamed', false],
  ])('runs a 20-step tool loop (%s) to the same result as its HTTP path: one handshake, 19 incremental requests, ≥ 10× fewer request bytes', async (_label, stream) => {
    const { setup, adapted } = await expectSameToolLoopThroughAdapter(open, (baseURL, fetch) => toolLoop(sdkClient(baseURL, fetch), stream));
    expect(adapted.outputText).toContain('Done.');
    // One user message: one turn, whose sticky token every later request carried.
    expect(new Set(setup.server.recording.requests.map((request) => JSON.parse(((request.body as { client_metadata: Record<string, string> }).client_metadata)['x-codex-turn-metadata'] ?? '{}').turn_id)).size).toBe(1);
  });
});
