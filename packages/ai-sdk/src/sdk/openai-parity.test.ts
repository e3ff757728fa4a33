// Differential test against @ai-sdk/openai: every response recorded from the real API in
// ../shared/conformance/openai is served verbatim by the loopback server (its transcript mode:
// the recorded lines as SSE data lines, or one WebSocket frame each) to `createOpenAI({ baseURL
// }).responses(…)` over HTTP and to `createModelwire(…)` over HTTP and over the WebSocket. Each
// model streams the call (`doStream`, with the tools the recording used, declared as
// @ai-sdk/openai's provider tools) and both must give the same parts in the same order, and
// send the same `tools`, `tool_choice` and `include`. After a call the caller runs (local
// shell, shell, apply patch, custom tool, client tool search), the next step must send the
// same call and result items, and through one provider on its WebSocket only the results. The
// normalisations, each for a difference that must exist (the README lists them):
//
// - PROVIDER_KEY: provider metadata sits under `openai` for one and `modelwire` for the other,
//   and so does the kind of the compaction part (`openai.compaction`, `modelwire.compaction`);
// - SERVER_ITEM: Modelwire adds `item` (the server's output item) and `approvalRequestId` to the
//   metadata of the calls and results the server ran: with `store: false` (Modelwire's default)
//   nothing else holds the item for the next step, which sends it back as it was;
// - GENERATED_IDS: source ids and the call ids of MCP approval requests are random on both
//   sides: each is replaced by its first position;
// - WARNINGS: `stream-start` warnings are compared apart: both lists must be empty here;
// - LOCAL_SHELL_FIELDS: see `clientItems`.
//
// `openai-error` (a failure before output) is compared apart: both reject the call with the
// same API error. `parallel-tool-call-wrapper` is not compared: its deliberately invalid JSON
// lines end the Modelwire call with a typed decode error, where @ai-sdk/openai gives an error
// part per line and reads on (a difference the README documents).
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Message, LanguageModelV4StreamPart, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import { staticTokenAuth } from '@modelwire/client';
import { Closables, startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openAiRecordings, type RecordedResponse } from '../__fixtures__/conformance-recordings.js';
import { createModelwire } from '../create-modelwire.js';

const recordings = openAiRecordings();
const open = new Closables();
afterEach(() => open.closeAll());

/** Recordings whose parts are not compared (see the header). */
const NOT_COMPARED: ReadonlySet<string> = new Set(['openai-error.1#1', 'parallel-tool-call-wrapper.1#1']);

type Fields = Readonly<Record<string, unknown>>;
const fieldsOf = (value: unknown): Fields => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {});

/** camelCase keys (the AI SDK's provider tool arguments), `null` fields dropped. */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, entry]) => entry !== null)
      .map(([key, entry]) => [key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()), camel(entry)]),
  );
}

/** Provider tools an output item implies when the recording's `tools` do not list them. */
const TOOL_OF_ITEM: Readonly<Record<string, string>> = { local_shell_call: 'local_shell' };

/** The AI SDK tools of a recorded request: its `tools` as the caller declares them for @ai-sdk/openai. */
function toolsOf(response: RecordedResponse): NonNullable<LanguageModelV4CallOptions['tools']> {
  const tools: NonNullable<LanguageModelV4CallOptions['tools']>[number][] = [];
  const declared = Array.isArray(response.created['tools']) ? (response.created['tools'] as unknown[]).map(fieldsOf) : [];
  for (const item of response.lines.flatMap((line) => (line.includes('"response.output_item.done"') ? [fieldsOf(fieldsOf(JSON.parse(line))['item'])] : []))) {
    const type = TOOL_OF_ITEM[String(item['type'])];
    if (type !== undefined && !declared.some((tool) => tool['type'] === type)) declared.push({ type });
  }
  for (const tool of declared) {
    const { type, ...args } = tool;
    switch (type) {
      case 'function':
        if (tool['defer_loading'] === true || tool['allowed_callers'] !== undefined) break;
        tools.push({ type: 'function', name: String(tool['name']), ...(typeof tool['description'] === 'string' ? { description: tool['description'] } : {}), inputSchema: fieldsOf(tool['parameters']) as never, strict: tool['strict'] === true });
        break;
      case 'shell': {
        const environment = fieldsOf(args['environment']);
        tools.push({ type: 'provider', id: 'openai.shell', name: 'shell', args: environment['type'] === 'container_reference' ? { environment: { type: 'containerReference', containerId: environment['container_id'] } } : environment['type'] === 'local' ? { environment: { type: 'local' } } : {} });
        break;
      }
      case 'image_generation': {
        const { n: _n, ...imageArgs } = args;
        tools.push({ type: 'provider', id: 'openai.image_generation', name: 'image_generation', args: camel(imageArgs) as Record<string, unknown> });
        break;
      }
      case 'file_search': {
        const ranking = fieldsOf(args['ranking_options']);
        tools.push({ type: 'provider', id: 'openai.file_search', name: 'file_search', args: { vectorStoreIds: args['vector_store_ids'], maxNumResults: args['max_num_results'], ranking: camel(ranking) } });
        break;
      }
      case 'code_interpreter':
        tools.push({ type: 'provider', id: 'openai.code_interpreter', name: 'code_interpreter', args: {} });
        break;
      case 'custom':
        tools.push({ type: 'provider', id: 'openai.custom', name: String(tool['name']), args: { description: args['description'], format: args['format'] } });
        break;
      case 'namespace':
        break;
      default:
        tools.push({ type: 'provider', id: `openai.${String(type)}`, name: String(type), args: camel(args) as Record<string, unknown> });
    }
  }
  return tools;
}

function callOptions(response: RecordedResponse): LanguageModelV4CallOptions {
  const store = response.created['store'] === true;
  return {
    prompt: [{ role: 'user', content: [{ type: 'text', text: 'Replay.' }] }],
    tools: toolsOf(response),
    providerOptions: { openai: { store } },
  };
}

async function partsOf(model: LanguageModelV4, options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamPart[]> {
  const { stream } = await model.doStream(options);
  const parts: LanguageModelV4StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** PROVIDER_KEY, SERVER_ITEM and GENERATED_IDS (see the header); `stream-start` without its warnings. */
function normalised(parts: readonly LanguageModelV4StreamPart[], key: 'openai' | 'modelwire'): unknown[] {
  const ids = new Map<string, string>();
  const generated = (id: string): string => {
    if (!ids.has(id)) ids.set(id, `generated-${ids.size}`);
    return ids.get(id) ?? id;
  };
  const approvalCalls = new Set(parts.flatMap((part) => (part.type === 'tool-approval-request' ? [part.toolCallId] : [])));
  const metadataOf = (value: unknown): unknown => {
    const { item: _item, approvalRequestId: _approval, ...rest } = fieldsOf(fieldsOf(value)[key]);
    return Object.keys(rest).length === 0 ? undefined : { provider: rest };
  };
  return parts.map((part) => {
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(part, (_name, value: unknown) => (value instanceof Date ? value.toISOString() : value)));
    if (part.type === 'stream-start') return { type: 'stream-start' };
    if ('providerMetadata' in copy) {
      const metadata = metadataOf(copy['providerMetadata']);
      if (metadata === undefined) delete copy['providerMetadata'];
      else copy['providerMetadata'] = metadata;
    }
    if (part.type === 'source') copy['id'] = generated(part.id);
    if (part.type === 'custom') copy['kind'] = part.kind.replace(/^(openai|modelwire)\./, 'provider.');
    if ((part.type === 'tool-call' || part.type === 'tool-result' || part.type === 'tool-approval-request') && approvalCalls.has(part.toolCallId)) copy['toolCallId'] = generated(part.toolCallId);
    if (part.type === 'text-end' && Array.isArray(copy['citations'])) {
      copy['citations'] = (copy['citations'] as Fields[]).map((citation) => ({ ...citation, source: { ...fieldsOf(citation['source']), providerMetadata: metadataOf(fieldsOf(citation['source'])['providerMetadata']) } }));
    }
    return copy;
  });
}

function warningsOf(parts: readonly LanguageModelV4StreamPart[]): unknown {
  const start = parts.find((part) => part.type === 'stream-start');
  return start?.type === 'stream-start' ? start.warnings : undefined;
}

/** What both requests must agree on: the tools, the tool choice, and the `include` entries of the tools. */
function toolFields(server: ResponsesServer, index: number): unknown {
  const body = fieldsOf(server.recording.requests[index]?.body);
  const include = Array.isArray(body['include']) ? (body['include'] as string[]).filter((entry) => entry !== 'reasoning.encrypted_content') : [];
  return { tools: body['tools'] ?? [], tool_choice: body['tool_choice'] ?? 'auto', include };
}

describe.skipIf(recordings === null)('createModelwire ≡ createOpenAI on the recorded OpenAI streams', () => {
  const responses = recordings ?? [];
  const compared = responses.filter((response) => !NOT_COMPARED.has(response.name));

  it('covers every recording', () => {
    expect(responses.length).toBeGreaterThanOrEqual(30);
    expect(responses.filter((response) => NOT_COMPARED.has(response.name)).map((response) => response.name)).toEqual([...NOT_COMPARED].sort());
  });

  it('openai-error.1#1 (a failure before any output): both reject the call with the same API error', async () => {
    const response = responses.find((candidate) => candidate.name === 'openai-error.1#1');
    if (response === undefined) throw new Error('openai-error.1 is missing');
    const server = open.add(await startResponsesServer({ model: () => ({ transcript: response.lines }) }));
    const failure = async (model: LanguageModelV4): Promise<unknown> => {
      const error: unknown = await model.doStream(callOptions(response)).then(
        () => new Error('the call did not reject'),
        (reason: unknown) => reason,
      );
      const { name, message, statusCode, data } = error as { name: string; message: string; statusCode?: number; data?: unknown };
      return { name, message, statusCode, code: fieldsOf(fieldsOf(data)['error'])['code'] };
    };
    const expected = await failure(createOpenAI({ apiKey: 'sk-test', baseURL: server.url }).responses('gpt-replay'));
    expect(expected).toMatchObject({ name: 'AI_APICallError', statusCode: 429, code: 'insufficient_quota' });
    for (const supportsWebSockets of [false, true]) {
      const modelwire = open.add(createModelwire({ provider: { baseUrl: server.url, supportsWebSockets, requestMaxRetries: 0, streamMaxRetries: 0 }, auth: staticTokenAuth('sk-test') }, { preconnect: false }));
      expect(await failure(modelwire.responses('gpt-replay'))).toEqual(expected);
    }
  });

  it.each(compared.map((response) => [response.name, response] as const))('%s: the same parts in the same order, the same tools on the wire (HTTP and WebSocket)', async (_name, response) => {
    let lines = response.lines;
    const server = open.add(await startResponsesServer({ model: () => ({ transcript: lines }) }));
    const options = callOptions(response);
    const expected = await partsOf(createOpenAI({ apiKey: 'sk-test', baseURL: server.url }).responses('gpt-replay'), options);
    expect(warningsOf(expected)).toEqual([]);
    for (const supportsWebSockets of [false, true]) {
      lines = response.lines;
      const modelwire = open.add(createModelwire({ provider: { baseUrl: server.url, supportsWebSockets, requestMaxRetries: 0, streamMaxRetries: 0 }, auth: staticTokenAuth('sk-test') }, { preconnect: false }));
      const modelwireOptions = { ...options, providerOptions: { modelwire: { store: response.created['store'] === true } } };
      const actual = await partsOf(modelwire.responses('gpt-replay'), modelwireOptions);
      expect(warningsOf(actual)).toEqual([]);
      expect(normalised(actual, 'modelwire')).toEqual(normalised(expected, 'openai'));
      const requests = server.recording.requests.length;
      expect(server.recording.requests[requests - 1]?.transport).toBe(supportsWebSockets ? 'websocket' : 'http');
      expect(toolFields(server, requests - 1)).toEqual(toolFields(server, 0));
    }
  });
});

/** A short answer to serve for a follow-up request. */
function answerTranscript(id: string): string[] {
  const message = { type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] };
  const response = { id: `resp_${id}`, object: 'response', created_at: 1_700_000_000, model: 'gpt-replay', status: 'in_progress', output: [] };
  return [
    { type: 'response.created', response },
    { type: 'response.output_item.added', output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
    { type: 'response.output_text.delta', output_index: 0, item_id: message.id, content_index: 0, delta: 'Done.' },
    { type: 'response.output_item.done', output_index: 0, item: message },
    { type: 'response.completed', response: { ...response, status: 'completed', output: [message], usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } },
  ].map((event) => JSON.stringify(event));
}

/** What the caller's code answers each tool the model asked it to run. */
const CLIENT_RESULTS: Readonly<Record<string, LanguageModelV4ToolResultOutput>> = {
  local_shell: { type: 'json', value: { output: 'a.txt b.txt' } },
  shell: { type: 'json', value: { output: [{ stdout: 'a.txt', stderr: '', outcome: { type: 'exit', exitCode: 0 } }] } },
  apply_patch: { type: 'json', value: { status: 'completed', output: 'patched' } },
  write_sql: { type: 'text', value: 'rows: 3' },
  tool_search: { type: 'json', value: { tools: [] } },
};

/** The next prompt as the AI SDK builds it from a step's parts: the assistant's text, reasoning and calls (metadata as options), then the caller's results. */
function nextPrompt(parts: readonly LanguageModelV4StreamPart[], key: string): LanguageModelV4Message[] {
  const assistant: Extract<LanguageModelV4Message, { role: 'assistant' }>['content'] = [];
  const results: Extract<LanguageModelV4Message, { role: 'tool' }>['content'] = [];
  const texts = new Map<string, { text: string; providerOptions?: never }>();
  for (const part of parts) {
    if (part.type === 'text-start' || part.type === 'reasoning-start') {
      const block = { type: part.type === 'text-start' ? ('text' as const) : ('reasoning' as const), text: '' };
      texts.set(part.id, block);
      assistant.push(block);
    }
    if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
      const block = texts.get(part.id);
      if (block !== undefined) block.text += part.delta;
    }
    if ((part.type === 'text-end' || part.type === 'reasoning-end') && part.providerMetadata !== undefined) {
      const block = texts.get(part.id);
      if (block !== undefined) block.providerOptions = part.providerMetadata as never;
    }
    if (part.type === 'tool-call') {
      assistant.push({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: JSON.parse(part.input), ...(part.providerExecuted === true ? { providerExecuted: true } : {}), ...(part.providerMetadata === undefined ? {} : { providerOptions: part.providerMetadata as never }) });
      const output = CLIENT_RESULTS[part.toolName];
      if (part.providerExecuted !== true && output !== undefined) results.push({ type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, output });
    }
  }
  expect(results.length, `a call for the caller to run, under ${key}`).toBeGreaterThan(0);
  return [{ role: 'user', content: [{ type: 'text', text: 'Replay.' }] }, { role: 'assistant', content: assistant }, { role: 'tool', content: results }];
}

/** The items of the calls the caller ran and of their results (what both providers must send alike). */
const CLIENT_ITEM_TYPES: ReadonlySet<string> = new Set(['local_shell_call', 'local_shell_call_output', 'shell_call', 'shell_call_output', 'apply_patch_call', 'apply_patch_call_output', 'custom_tool_call', 'custom_tool_call_output', 'tool_search_call', 'tool_search_output']);

/**
 * LOCAL_SHELL_FIELDS: Modelwire adds `status` to `local_shell_call` and `id` (the call id) to
 * `local_shell_call_output`: fields the API reference requires (and the client validates)
 * that @ai-sdk/openai leaves out.
 */
function clientItems(server: ResponsesServer, index: number): unknown[] {
  const input = fieldsOf(server.recording.requests[index]?.body)['input'];
  return (Array.isArray(input) ? input : [])
    .map(fieldsOf)
    .filter((item) => CLIENT_ITEM_TYPES.has(String(item['type'])))
    .map((item) => {
      if (item['type'] === 'local_shell_call') {
        const { status: _status, ...rest } = item;
        return rest;
      }
      if (item['type'] !== 'local_shell_call_output') return item;
      const { id: _id, ...rest } = item;
      return rest;
    });
}

/** The recordings in which the model asks the caller to run a provider tool (the step after sends its result). */
const CLIENT_TOOL_RECORDINGS = ['openai-local-shell-tool.1#1', 'openai-shell-tool.1#1', 'openai-apply-patch-tool.1#1', 'openai-apply-patch-tool-delete.1#1', 'openai-custom-tool.1#1', 'openai-client-tool-search.1#1'];

describe.skipIf(recordings === null)('the step after a call the caller ran, as @ai-sdk/openai sends it', () => {
  const responses = (recordings ?? []).filter((response) => CLIENT_TOOL_RECORDINGS.includes(response.name));

  it('finds the recordings', () => {
    expect(responses.map((response) => response.name).sort()).toEqual([...CLIENT_TOOL_RECORDINGS].sort());
  });

  it.each(responses.map((response) => [response.name, response] as const))('%s: the call and its result as the same items; continued incrementally with only the result', async (_name, response) => {
    const queue: string[][] = [];
    const server = open.add(await startResponsesServer({ model: () => ({ transcript: queue.shift() ?? [] }) }));
    const options = { ...callOptions(response), providerOptions: { openai: { store: false } } };

    queue.push([...response.lines], answerTranscript('openai'));
    const openaiModel = createOpenAI({ apiKey: 'sk-test', baseURL: server.url }).responses('gpt-replay');
    const openaiPrompt = nextPrompt(await partsOf(openaiModel, options), 'openai');
    await partsOf(openaiModel, { ...options, prompt: openaiPrompt });
    const expected = clientItems(server, 1);
    expect(expected.length).toBeGreaterThanOrEqual(2);

    // One provider for both steps, on its WebSocket: the second continues the first and sends only the results.
    queue.push([...response.lines], answerTranscript('modelwire'));
    const modelwire = open.add(createModelwire({ provider: { baseUrl: server.url, supportsWebSockets: true }, auth: staticTokenAuth('sk-test') }, { preconnect: false }));
    const modelwireOptions = { ...options, providerOptions: { modelwire: { store: false } } };
    const modelwirePrompt = nextPrompt(await partsOf(modelwire.responses('gpt-replay'), modelwireOptions), 'modelwire');
    await partsOf(modelwire.responses('gpt-replay'), { ...modelwireOptions, prompt: modelwirePrompt });
    const continued = fieldsOf(server.recording.requests[3]?.body);
    expect(continued['previous_response_id']).toBe(fieldsOf(response.created)['id']);
    expect(clientItems(server, 3)).toEqual(expected.filter((item) => String(fieldsOf(item)['type']).endsWith('_output')));

    // A fresh provider sends the whole prompt: the call items are @ai-sdk/openai's too.
    queue.push(answerTranscript('fresh'));
    const fresh = open.add(createModelwire({ provider: { baseUrl: server.url, supportsWebSockets: false }, auth: staticTokenAuth('sk-test') }, { preconnect: false }));
    await partsOf(fresh.responses('gpt-replay'), { ...modelwireOptions, prompt: modelwirePrompt });
    expect(clientItems(server, 4)).toEqual(expected);
  });
});
