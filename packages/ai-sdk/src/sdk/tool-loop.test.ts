// The AI SDK's streamText / generateText with tools and stopWhen, through the Modelwire
// provider and through the AI SDK's own OpenAI provider over HTTP, against the loopback server
// over real sockets: a 20-step tool loop gives the same result, and through the provider goes
// over one WebSocket with 19 incremental requests and a fraction of the request bytes.
import { Closables, earlierConversation, incrementalRequests, requestBytes, startResponsesServer, TOOL_LOOP_INSTRUCTIONS, TOOL_LOOP_PROMPT, TOOL_LOOP_STEPS, TOOL_OUTPUT, type ResponsesServer } from '@modelwire/testing';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type LanguageModel, type ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { openAiModel, startProvider } from '../__fixtures__/provider-setup.js';

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
  readonly results: string[];
  readonly finishReasons: string[];
  readonly usage: { input: number | undefined; output: number | undefined; total: number | undefined };
  readonly steps: number;
  readonly responseMessages: number;
}

async function toolLoop(model: LanguageModel, streamed: boolean): Promise<LoopResult> {
  const messages: ModelMessage[] = [...earlierConversation(), { role: 'user', content: TOOL_LOOP_PROMPT }];
  const settings = { model, system: TOOL_LOOP_INSTRUCTIONS, messages, tools, maxRetries: 0, stopWhen: stepCountIs(TOOL_LOOP_STEPS + 5) };
  const result = streamed ? streamText(settings) : await generateText(settings);
  const steps = await result.steps;
  const usage = await result.totalUsage;
  return {
    text: await result.text,
    calls: steps.flatMap((step) => step.toolCalls.map((call) => `${call.toolCallId} ${call.toolName} ${JSON.stringify(call.input)}`)),
    results: steps.flatMap((step) => step.toolResults.map((result) => `${result.toolCallId} ${JSON.stringify(result.output)}`)),
    finishReasons: steps.map((step) => step.finishReason),
    usage: { input: usage.inputTokens, output: usage.outputTokens, total: usage.totalTokens },
    steps: steps.length,
    responseMessages: (await result.response).messages.length,
  };
}

/** The usage the server reported, summed over its completed responses. */
function serverUsage(server: ResponsesServer): LoopResult['usage'] {
  let input = 0;
  let output = 0;
  for (const { event } of server.recording.events) {
    if (!('type' in event) || event['type'] !== 'response.completed') continue;
    const usage = (event['response'] as { usage: { input_tokens: number; output_tokens: number } }).usage;
    input += usage.input_tokens;
    output += usage.output_tokens;
  }
  return { input, output, total: input + output };
}

describe('streamText / generateText through createModelwire', () => {
  it.each([
    ['streamText', true],
    ['generateText', false],
  ])('a 20-step tool loop (%s) ends as over the AI SDK’s own HTTP path: one handshake, 19 incremental requests, ≥ 10× fewer request bytes', async (_label, streamed) => {
    const plain = open.add(await startResponsesServer({ tokenDelayMs: 0 }));
    const overHttp = await toolLoop(openAiModel(plain, 'gpt-4.1'), streamed);

    const setup = open.add(await startProvider());
    const through = await toolLoop(setup.provider.responses('gpt-4.1'), streamed);

    // Usage is the server's for what it read: the whole input on every step over HTTP, the
    // stored output items plus the new ones through the provider (equal for the real API's
    // tokens, not for the loopback's byte-based estimate).
    const { usage: _usage, ...sameAsHttp } = through;
    const { usage: _httpUsage, ...httpResult } = overHttp;
    expect(sameAsHttp).toEqual(httpResult);
    expect(through.usage).toEqual(serverUsage(setup.server));
    expect(through.steps).toBe(TOOL_LOOP_STEPS);
    expect(through.calls).toHaveLength(TOOL_LOOP_STEPS - 1);
    expect(through.finishReasons).toEqual([...Array.from({ length: TOOL_LOOP_STEPS - 1 }, () => 'tool-calls'), 'stop']);
    expect(through.text).toContain('Done.');
    const { recording } = setup.server;
    expect(recording.handshakes).toHaveLength(1);
    expect(recording.counters.requests).toEqual({ http: 0, websocket: TOOL_LOOP_STEPS });
    expect(incrementalRequests(setup.server)).toBeGreaterThanOrEqual(TOOL_LOOP_STEPS - 1);
    expect(requestBytes(plain) / requestBytes(setup.server)).toBeGreaterThanOrEqual(10);
    expect(recording.stickyViolations).toEqual([]);
  });
});

describe('turns', () => {
  it('the next user message after an answer starts a new turn and still goes out alone, incrementally', async () => {
    const setup = open.add(await startProvider());
    const model = setup.provider('gpt-4.1');
    const messages: ModelMessage[] = [];
    const texts: string[] = [];
    for (const prompt of ['run: ls', 'and now?']) {
      messages.push({ role: 'user', content: prompt });
      const result = await generateText({ model, system: TOOL_LOOP_INSTRUCTIONS, messages, tools, maxRetries: 0, stopWhen: stepCountIs(5) });
      texts.push(result.text);
      messages.push(...result.responseMessages);
    }
    expect(texts).toEqual([expect.stringContaining(TOOL_OUTPUT), 'You said: and now?']);
    const requests = setup.server.recording.requests;
    const bodies = requests.map((request) => request.body as { previous_response_id?: string; input: unknown[] });
    expect(bodies.map((body) => typeof body.previous_response_id)).toEqual(['undefined', 'string', 'string']);
    expect(bodies[2]?.input).toEqual([expect.objectContaining({ role: 'user' })]);
    // Turn metadata: the tool loop shares one turn id, the new question has its own.
    const turnIds = requests.map((request) => {
      const body = request.body as { client_metadata?: Record<string, string> };
      const header = request.headers['x-codex-turn-metadata'] ?? body.client_metadata?.['x-codex-turn-metadata'];
      return (JSON.parse(String(header)) as { turn_id: string }).turn_id;
    });
    expect(turnIds[1]).toBe(turnIds[0]);
    expect(turnIds[2]).not.toBe(turnIds[1]);
    expect(setup.server.recording.stickyViolations).toEqual([]);
  });
});
