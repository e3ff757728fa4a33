// @openai/agents through its OpenAI client (`new OpenAIResponsesModel(new OpenAI({ fetch }), model)`),
// against the loopback server over real sockets: a 20-step agent run gives the result it gets
// over its own HTTP path with one handshake, 19 incremental requests and a fraction of the
// request bytes.
import { Agent, assistant, OpenAIResponsesModel, Runner, tool, user, type AgentInputItem } from '@openai/agents';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Closables } from '@modelwire/testing';
import { earlierConversation, expectSameToolLoopThroughAdapter, INSTRUCTIONS, TOOL_LOOP_PROMPT, TOOL_LOOP_STEPS, TOOL_OUTPUT } from '../__fixtures__/adapter-setup.js';
import type { FetchFunction } from '../create-modelwire-fetch.js';

const open = new Closables();
afterEach(() => open.closeAll());

interface LoopResult {
  readonly finalOutput: unknown;
  readonly calls: string[];
  readonly steps: number;
}

async function agentRun(baseURL: string, streamed: boolean, fetch?: FetchFunction): Promise<LoopResult> {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, ...(fetch === undefined ? {} : { fetch }) });
  const calls: string[] = [];
  const shell = tool({
    name: 'shell',
    description: 'Runs a shell command in the repository and returns its output.',
    parameters: z.object({ command: z.string() }),
    execute: ({ command }) => {
      calls.push(command);
      return TOOL_OUTPUT;
    },
  });
  const agent = new Agent({ name: 'repository agent', instructions: INSTRUCTIONS, model: new OpenAIResponsesModel(client, 'gpt-4.1'), tools: [shell] });
  const input: AgentInputItem[] = [...earlierConversation().map((message) => (message.role === 'user' ? user(message.content) : assistant(message.content))), user(TOOL_LOOP_PROMPT)];
  const runner = new Runner({ tracingDisabled: true });
  if (streamed) {
    const result = await runner.run(agent, input, { stream: true, maxTurns: TOOL_LOOP_STEPS + 5 });
    for await (const _event of result) {
      // drained: the run goes on as its events are read
    }
    await result.completed;
    return { finalOutput: result.finalOutput, calls, steps: result.rawResponses.length };
  }
  const result = await runner.run(agent, input, { maxTurns: TOOL_LOOP_STEPS + 5 });
  return { finalOutput: result.finalOutput, calls, steps: result.rawResponses.length };
}

describe('@openai/agents (OpenAIResponsesModel over new OpenAI({ fetch }))', () => {
  it.each([
    ['streamed', true],
    ['not streamed', false],
  ])('runs a 20-step agent run (%s) to the same result as its HTTP path: one handshake, 19 incremental requests, ≥ 10× fewer request bytes', async (_label, streamed) => {
    const { adapted } = await expectSameToolLoopThroughAdapter(open, (baseURL, fetch) => agentRun(baseURL, streamed, fetch));
    expect(adapted.calls).toHaveLength(TOOL_LOOP_STEPS - 1);
  });
});
