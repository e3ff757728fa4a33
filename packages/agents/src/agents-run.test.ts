// @openai/agents on a ModelwireProvider, against the loopback server over real sockets: a
// 20-step tool loop gives the result the SDK gets over its own HTTP path, with one handshake,
// 19 incremental requests and a fraction of the request bytes; a handoff works; usage reaches
// the run.
import type { ResponseInputItem } from '@modelwire/client';
import { itemsMatch } from '@modelwire/fetch';
import { Closables, startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { Agent, Runner, tool, type Model } from '@openai/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  httpModel,
  incrementalRequests,
  requestBytes,
  startProvider,
  TOOL_LOOP_STEPS,
  toolLoopRun,
  withoutServerIds,
} from './__fixtures__/agents-setup.js';

const open = new Closables();
afterEach(() => open.closeAll());

async function plainServer(): Promise<ResponsesServer> {
  return open.add(await startResponsesServer({ tokenDelayMs: 0 }));
}

describe('a 20-step tool loop through the provider', () => {
  it.each([
    ['streamed', true],
    ['not streamed', false],
  ])('run() %s: the same final output, history and usage as over the SDK HTTP path; one handshake, 19 incremental requests, ≥ 10× fewer request bytes', async (_label, streamed) => {
    const plain = await plainServer();
    const overHttp = await toolLoopRun(httpModel(plain), streamed);

    const setup = open.add(await startProvider());
    const through = await toolLoopRun(setup.provider.getModel('gpt-4.1'), streamed);

    expect(through.finalOutput).toEqual(overHttp.finalOutput);
    expect(withoutServerIds(through.history)).toEqual(withoutServerIds(overHttp.history));
    expect(through.calls).toEqual(overHttp.calls);
    expect(through.steps).toBe(TOOL_LOOP_STEPS);
    expect(through.usage).toEqual(overHttp.usage);
    expect(String(through.finalOutput)).toMatch(/Done\.$/);
    // Continued requests read the conversation from the server's cache: cached tokens reach the usage.
    expect(through.cachedTokens.slice(1).every((tokens) => tokens > 0)).toBe(true);

    const { recording } = setup.server;
    expect(recording.handshakes).toHaveLength(1);
    expect(recording.counters.requests).toEqual({ http: 0, websocket: TOOL_LOOP_STEPS });
    expect(incrementalRequests(setup.server)).toBeGreaterThanOrEqual(TOOL_LOOP_STEPS - 1);
    expect(requestBytes(plain) / requestBytes(setup.server)).toBeGreaterThanOrEqual(10);
    expect(recording.stickyViolations).toEqual([]);
    // One turn: every request of the run carries the same turn id.
    const turnIds = new Set(recording.requests.map((request) => JSON.parse(String((request.body as { client_metadata: Record<string, unknown> }).client_metadata['x-codex-turn-metadata'])).turn_id));
    expect(turnIds.size).toBe(1);
  });
});

describe('handoffs', () => {
  async function handoffRun(model: (name: string) => Model): Promise<{ finalOutput: unknown; lastAgent: string | undefined; items: string[] }> {
    const specialist = new Agent({ name: 'specialist', instructions: 'You answer questions about the build.', model: model('gpt-4.1-mini'), handoffDescription: 'Knows the build.' });
    const triage = new Agent({ name: 'triage', instructions: 'Hand the question to the right agent.', model: model('gpt-4.1'), handoffs: [specialist] });
    const result = await new Runner({ tracingDisabled: true }).run(triage, 'call: hand over to the specialist');
    return { finalOutput: result.finalOutput, lastAgent: result.lastAgent?.name, items: result.newItems.map((item) => item.type) };
  }

  it('a handoff between two agents (different models and instructions) runs as over HTTP, on the one socket', async () => {
    const plain = await plainServer();
    const overHttp = await handoffRun((name) => httpModel(plain, name));
    const setup = open.add(await startProvider());
    const provider = setup.provider;
    const through = await handoffRun((name) => provider.getModel(name));

    expect(through).toEqual(overHttp);
    expect(through.lastAgent).toBe('specialist');
    expect(through.items).toContain('handoff_output_item');
    expect(setup.server.recording.handshakes).toHaveLength(1);
    const bodies = setup.server.recording.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies.map((body) => body['model'])).toEqual(['gpt-4.1', 'gpt-4.1-mini']);
    // The handoff appears to the model as the function tool the SDK makes of it.
    expect(bodies[0]?.['tools']).toEqual([expect.objectContaining({ type: 'function', name: 'transfer_to_specialist' })]);
  });
});

describe('settings, hosted tools and usage', () => {
  it('model settings reach the wire as the SDK sends them over HTTP (temperature, reasoning, verbosity, tool_choice, parallel tool calls, store, truncation, providerData, hosted tools)', async () => {
    const echo = tool({ name: 'echo', description: 'Echoes.', parameters: z.object({ text: z.string() }), execute: ({ text }) => text });
    const agentOn = (model: Model): Agent =>
      new Agent({
        name: 'configured',
        instructions: 'Be brief.',
        model,
        tools: [echo, { type: 'hosted_tool', name: 'web_search', providerData: { type: 'web_search' } }],
        modelSettings: {
          temperature: 0.3,
          topP: 0.9,
          maxTokens: 500,
          reasoning: { effort: 'low', summary: 'auto' },
          text: { verbosity: 'low' },
          toolChoice: 'auto',
          parallelToolCalls: false,
          store: false,
          truncation: 'auto',
          providerData: { metadata: { origin: 'test' }, safety_identifier: 'user-1' },
        },
      });
    const plain = await plainServer();
    const overHttp = await new Runner({ tracingDisabled: true }).run(agentOn(httpModel(plain)), 'hello there');
    const setup = open.add(await startProvider());
    const through = await new Runner({ tracingDisabled: true }).run(agentOn(setup.provider.getModel('gpt-4.1')), 'hello there');

    expect(through.finalOutput).toEqual(overHttp.finalOutput);
    const sent = setup.server.recording.requests[0]?.body as Record<string, unknown>;
    const expected = plain.recording.requests[0]?.body as Record<string, unknown>;
    // The client sends an easy message with its `type`, as the API reads it.
    expect(itemsMatch((sent['input'] as ResponseInputItem[])[0]!, (expected['input'] as ResponseInputItem[])[0]!)).toBe(true);
    for (const field of ['model', 'instructions', 'tools', 'temperature', 'top_p', 'max_output_tokens', 'tool_choice', 'parallel_tool_calls', 'store', 'truncation', 'metadata', 'safety_identifier', 'text']) {
      expect({ field, value: sent[field] }).toEqual({ field, value: expected[field] });
    }
    // The SDK's reasoning settings; the client adds what a stateless (store: false) session needs.
    expect(sent['reasoning']).toEqual(expected['reasoning']);
    expect(sent['include']).toEqual(expect.arrayContaining(['reasoning.encrypted_content']));
    // Usage, reasoning tokens included, and the response id reach the run.
    expect(through.rawResponses.map((response) => response.usage)).toEqual(overHttp.rawResponses.map((response) => response.usage));
    expect(through.rawResponses[0]?.usage.outputTokensDetails).toEqual([expect.objectContaining({ reasoning_tokens: expect.any(Number) })]);
    expect(through.rawResponses[0]?.responseId).toBe(setup.server.recording.requests[0]?.responseId);
  });
});
