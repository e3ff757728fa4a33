// The AI SDK's OpenAI Responses model through the adapter (`createOpenAI({ fetch })`), against the
// loopback server over real sockets: a 20-step streamText / generateText tool loop gives the result
// it gets over its own HTTP path with one handshake, 19 incremental requests and a fraction of the
// request bytes.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { Closables } from '@modelwire/testing';
import { earlierConversation, expectSameToolLoopThroughAdapter, INSTRUCTIONS, startAdapter, TOOL_LOOP_PROMPT, TOOL_LOOP_STEPS, TOOL_OUTPUT } from '../__fixtures__/adapter-setup.js';
import type { FetchFunction } from '../create-modelwire-fetch.js';

const open = new Closables();
afterEach(() => open.closeAll());

const tools = {
  shell: tool({
    description: 'Runs a shell command in the repository and returns its output.',
    inputSchema: jsonSchema<{ command: string }>({ type: 'object', properties: { command: { type: 'string' } }, required: ['command'], additionalProperties: false }),
    execute: () => TOOL_OUTPUT,
  }),
};

interface LoopResult {
  readonly text: string;
  readonly calls: string[];
  readonly steps: number;
}

async function toolLoop(baseURL: string, streamed: boolean, fetch?: FetchFunction): Promise<LoopResult> {
  const provider = createOpenAI({ apiKey: 'sk-test', baseURL, ...(fetch === undefined ? {} : { fetch }) });
  const messages: ModelMessage[] = [...earlierConversation(), { role: 'user', content: TOOL_LOOP_PROMPT }];
  const settings = { model: provider.responses('gpt-4.1'), system: INSTRUCTIONS, messages, tools, maxRetries: 0, stopWhen: stepCountIs(TOOL_LOOP_STEPS + 5) };
  const result = streamed ? streamText(settings) : await generateText(settings);
  const steps = await result.steps;
  const calls = steps.flatMap((step) => step.toolCalls.map((call) => `${call.toolCallId} ${JSON.stringify(call.input)}`));
  return { text: await result.text, calls, steps: steps.length };
}

describe('AI SDK (createOpenAI({ fetch }).responses)', () => {
  it.each([
    ['streamText', true],
    ['generateText', false],
  ])('runs a 20-step tool loop (%s) to the same result as its HTTP path: one handshake, 19 incremental requests, ≥ 10× fewer request bytes', async (_label, streamed) => {
    const { adapted } = await expectSameToolLoopThroughAdapter(open, (baseURL, fetch) => toolLoop(baseURL, streamed, fetch));
    expect(adapted.calls).toHaveLength(TOOL_LOOP_STEPS - 1);
  });

  it('continues across turns, with store: false (items sent back in full) and with the default store (the earlier answer sent back as an item reference): the next user message goes out alone', async () => {
    const setup = open.add(await startAdapter());
    const provider = createOpenAI({ apiKey: 'sk-test', baseURL: setup.server.url, fetch: setup.fetch });
    const conversation = async (providerOptions: { openai: { store: boolean } } | undefined): Promise<string[]> => {
      const messages: ModelMessage[] = [];
      const texts: string[] = [];
      for (const prompt of ['run: ls', 'and now?']) {
        messages.push({ role: 'user', content: prompt });
        const result = await generateText({ model: provider.responses('gpt-4.1'), system: INSTRUCTIONS, messages, tools, maxRetries: 0, stopWhen: stepCountIs(5), ...(providerOptions === undefined ? {} : { providerOptions }) });
        texts.push(result.text);
        messages.push(...result.responseMessages);
      }
      return texts;
    };
    const unstored = await conversation({ openai: { store: false } });
    expect(unstored).toEqual([expect.stringContaining(TOOL_OUTPUT), 'You said: and now?']);
    const previous = (index: number): unknown => (setup.server.recording.requests[index]?.body as Record<string, unknown>)['previous_response_id'];
    // Turn 1: the call, then its output; turn 2: only the new user message.
    expect([0, 1, 2].map((index) => typeof previous(index))).toEqual(['undefined', 'string', 'string']);
    expect((setup.server.recording.requests[2]?.body as { input: unknown[] }).input).toHaveLength(1);

    setup.server.recording.reset();
    const stored = await conversation(undefined);
    expect(stored).toEqual(unstored);
    // The default store: the AI SDK names the earlier answer by id (item_reference); it matches that answer.
    const sentBack = JSON.stringify(setup.server.recording.requests.map((request) => request.body));
    expect([0, 1, 2].map((index) => typeof previous(index))).toEqual(['undefined', 'string', 'string']);
    expect((setup.server.recording.requests[2]?.body as { input: unknown[] }).input).toHaveLength(1);
    expect(sentBack).not.toContain('item_reference');
  });
});
