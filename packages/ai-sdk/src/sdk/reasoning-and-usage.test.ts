// Reasoning through the provider, over real sockets: the summary streams as reasoning parts,
// the encrypted content comes back in providerMetadata and the next step's prompt carries it
// back (incrementally on the same socket; in full, with the encrypted content, on a new
// session); usage reports input, cached, output and reasoning tokens as the server counted them.
import { startResponsesServer } from '@modelwire/testing';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelwire } from '../create-modelwire.js';
import { clientOptionsFor, startProvider, type ProviderSetup } from '../__fixtures__/provider-setup.js';

const setups: ProviderSetup[] = [];
afterEach(async () => {
  for (const setup of setups.splice(0)) await setup.close();
});

const tools = {
  shell: tool({
    description: 'Runs a shell command.',
    inputSchema: jsonSchema<{ command: string }>({ type: 'object', properties: { command: { type: 'string' } }, required: ['command'], additionalProperties: false }),
    execute: () => 'README.md',
  }),
};
const providerOptions = { modelwire: { reasoningSummary: 'auto' } };

type Body = Record<string, unknown> & { input: Record<string, unknown>[] };

/** `providerMetadata.modelwire` of a reasoning part (streamText's steps name it `providerOptions`, ready for the next prompt). */
function modelwireMetadata(part: object | undefined): Record<string, unknown> | undefined {
  const fields = part as { providerMetadata?: Record<string, Record<string, unknown>>; providerOptions?: Record<string, Record<string, unknown>> } | undefined;
  return (fields?.providerMetadata ?? fields?.providerOptions)?.['modelwire'];
}

describe('reasoning', () => {
  it('streams the summary, returns the encrypted content in providerMetadata, and the next steps continue incrementally', async () => {
    const setup = await startProvider();
    setups.push(setup);
    const result = streamText({ model: setup.provider('gpt-5-mini'), system: 'Be brief.', prompt: 'run 2 times: ls', tools, providerOptions, stopWhen: stepCountIs(5), maxRetries: 0 });
    const types = new Set<string>();
    for await (const part of result.fullStream) types.add(part.type);
    expect([...types]).toEqual(expect.arrayContaining(['reasoning-start', 'reasoning-delta', 'reasoning-end', 'tool-call', 'text-delta']));
    const steps = await result.steps;
    expect(steps).toHaveLength(3);
    for (const step of steps) {
      expect(step.reasoningText).toMatch(/^\*\*Considering the request\*\*/);
      const metadata = modelwireMetadata(step.reasoning[0]);
      expect(metadata?.['itemId']).toMatch(/^rs_/);
      expect(metadata?.['reasoningEncryptedContent']).toMatch(/^enc_/);
    }
    const bodies = setup.server.recording.requests.map((request) => request.body as Body);
    // Reasoning model: the system message is a developer message; store stays off and the encrypted content is asked for.
    expect(bodies[0]?.input[0]).toMatchObject({ role: 'developer', content: 'Be brief.' });
    for (const body of bodies) {
      expect(body['store']).toBe(false);
      expect(body['include']).toContain('reasoning.encrypted_content');
    }
    expect(bodies.map((body) => typeof body['previous_response_id'])).toEqual(['undefined', 'string', 'string']);
  });

  it('a new session sends the reasoning items back in full with their encrypted content, and usage is the server’s', async () => {
    const first = await startProvider();
    setups.push(first);
    const messages: ModelMessage[] = [{ role: 'user', content: 'run: ls' }];
    const step = await generateText({ model: first.provider('gpt-5-mini'), messages, tools, providerOptions, maxRetries: 0 });
    const encrypted = modelwireMetadata(step.reasoning[0])?.['reasoningEncryptedContent'];
    const itemId = modelwireMetadata(step.reasoning[0])?.['itemId'];
    expect(encrypted).toMatch(/^enc_/);
    messages.push(...step.response.messages);

    const second = await startResponsesServer({ tokenDelayMs: 0 });
    const provider = createModelwire(clientOptionsFor(second));
    setups.push({ server: second, provider, close: async () => (await provider.close(), await second.close()) });
    const next = await generateText({ model: provider('gpt-5-mini'), messages, tools, providerOptions, maxRetries: 0 });
    expect(next.text).toContain('README.md');
    const body = second.recording.requests[0]?.body as Body;
    expect(body['previous_response_id']).toBeUndefined();
    expect(body.input).toContainEqual({ type: 'reasoning', id: itemId, summary: [{ type: 'summary_text', text: step.reasoningText }], encrypted_content: encrypted });
    expect(body.input).toContainEqual(expect.objectContaining({ type: 'function_call', call_id: step.toolCalls[0]?.toolCallId, name: 'shell' }));

    // Usage as the server counted it: input (cached part), output (reasoning part).
    const completed = second.recording.events.map(({ event }) => event as Record<string, unknown>).find((event) => event['type'] === 'response.completed');
    const usage = (completed?.['response'] as { usage: { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number }; output_tokens_details: { reasoning_tokens: number } } }).usage;
    expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(next.usage).toMatchObject({
      inputTokens: usage.input_tokens,
      inputTokenDetails: { cacheReadTokens: usage.input_tokens_details.cached_tokens, noCacheTokens: usage.input_tokens - usage.input_tokens_details.cached_tokens },
      outputTokens: usage.output_tokens,
      outputTokenDetails: { reasoningTokens: usage.output_tokens_details.reasoning_tokens, textTokens: usage.output_tokens - usage.output_tokens_details.reasoning_tokens },
    });
    expect(next.providerMetadata?.['modelwire']?.['responseId']).toBe(second.recording.requests[0]?.responseId);
    expect(next.response.id).toBe(second.recording.requests[0]?.responseId);
    expect(next.response.modelId).toBe('gpt-5-mini');
  });

  it('cached input tokens: a continuation reports the cached part of the input', async () => {
    const setup = await startProvider();
    setups.push(setup);
    const result = await generateText({ model: setup.provider('gpt-4.1'), prompt: 'run 1 times: ls', tools, stopWhen: stepCountIs(3), maxRetries: 0 });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[1]?.usage.inputTokenDetails.cacheReadTokens).toBeGreaterThan(0);
  });
});

describe('reasoning without a summary', () => {
  it('the reasoning item (encrypted, no summary text) still goes back, so every step continues incrementally', async () => {
    const setup = await startProvider();
    setups.push(setup);
    const result = await generateText({ model: setup.provider('gpt-5-mini'), prompt: 'run 2 times: ls', tools, stopWhen: stepCountIs(5), maxRetries: 0 });
    expect(result.steps).toHaveLength(3);
    expect(modelwireMetadata(result.steps[0]?.reasoning[0])?.['reasoningEncryptedContent']).toMatch(/^enc_/);
    const bodies = setup.server.recording.requests.map((request) => request.body as Body);
    expect(bodies.map((body) => typeof body['previous_response_id'])).toEqual(['undefined', 'string', 'string']);
  });
});
