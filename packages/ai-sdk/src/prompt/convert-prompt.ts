import { UnsupportedFunctionalityError, type LanguageModelV4FilePart, type LanguageModelV4Prompt, type LanguageModelV4ToolResultOutput, type SharedV4Warning } from '@ai-sdk/provider';
import type { ResponseInputItem } from '@modelwire/client';
import { partOptions } from '../request/provider-options.js';
import { ProviderToolNames } from '../request/provider-tools.js';
import type { CallArguments } from './call-arguments.js';

type Item = Record<string, unknown>;

/** Options of {@link convertPrompt}. */
export interface ConvertOptions {
  /** The role system messages are sent with: `developer` for reasoning models, as the API asks. */
  readonly systemRole: 'system' | 'developer';
  /** The argument texts of earlier calls. */
  readonly callArguments: CallArguments;
  /** The call's provider tools (calls of local shell, shell, apply patch and custom tools become their own items). Default none. */
  readonly toolNames?: ProviderToolNames;
}

/**
 * Converts an AI SDK prompt to the items a `ModelClientSession` streams, deterministically: the
 * same prompt always gives equal items, and an assistant message the provider produced gives
 * back the items of the response it came from (the reasoning item's id and encrypted content
 * travel in the parts' `providerOptions.modelwire`, the calls' argument texts are the
 * server's), so that a step's prompt, which extends the previous step's prompt with that
 * step's output, is recognised as a continuation and goes out incrementally. The items are
 * the ones `@ai-sdk/openai` sends with `store: false`, so the model reads the same input.
 *
 * - `system`: a `system` message (`developer` for reasoning models) where it stands.
 * - `user`: a message with `input_text`, `input_image` (image files: URL, data or file id) and
 *   `input_file` (PDF: URL, data or file id; other documents by URL or file id) parts.
 * - `assistant`: text as assistant messages (the parts of one output message together),
 *   reasoning as `reasoning` items with their summary and encrypted content, tool calls as
 *   `function_call` items; a provider-executed tool call as the server's own item (kept in
 *   `providerOptions`). A part that cannot be sent (reasoning of another provider, files) is
 *   left out with a warning.
 * - `tool`: results as `function_call_output` items (text as is, JSON serialised, content
 *   parts as input parts); an approval response is left out with a warning.
 *
 * Item ids are not sent for messages and calls (they name stored items, and the provider does
 * not rely on storage); reasoning items keep theirs beside the encrypted content.
 *
 * @throws UnsupportedFunctionalityError for a file the API cannot read (text file data, data
 *   of a media type other than images and PDF).
 */
export function convertPrompt(prompt: LanguageModelV4Prompt, options: ConvertOptions, warnings: SharedV4Warning[]): readonly ResponseInputItem[] {
  const input: Item[] = [];
  const toolNames = options.toolNames ?? new ProviderToolNames();
  /** Approval requests answered (an answer is sent once). */
  const approvals = new Set<string>();
  /** Server items sent back (a call and its result may both carry the item). */
  const serverItems = new Set<string>();
  for (const message of prompt) {
    if (message.role === 'system') {
      input.push({ role: options.systemRole, content: message.content });
      continue;
    }
    if (message.role === 'user') {
      input.push({ role: 'user', content: message.content.map((part, index) => (part.type === 'text' ? { type: 'input_text', text: part.text } : filePart(part, index))) });
      continue;
    }
    if (message.role === 'assistant') {
      assistantItems(message.content, { callArguments: options.callArguments, toolNames, serverItems }, input, warnings);
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'tool-approval-response') {
        if (approvals.has(part.approvalId)) continue;
        approvals.add(part.approvalId);
        input.push({ type: 'mcp_approval_response', approval_request_id: part.approvalId, approve: part.approved });
        continue;
      }
      const item = toolResultItem(part, toolNames);
      if (item !== null) input.push(item);
    }
  }
  return input as unknown as ResponseInputItem[];
}

interface AssistantContext {
  readonly callArguments: CallArguments;
  readonly toolNames: ProviderToolNames;
  readonly serverItems: Set<string>;
}

/** Sends the server's item kept in a part's options once (by its id); whether the part had one. */
function pushServerItem(options: Readonly<Record<string, unknown>>, context: AssistantContext, input: Item[]): boolean {
  const item = options['item'];
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  const id = (item as Item)['id'];
  if (typeof id === 'string') {
    if (context.serverItems.has(id)) return true;
    context.serverItems.add(id);
  }
  input.push({ ...(item as Item) });
  return true;
}

function assistantItems(content: Extract<LanguageModelV4Prompt[number], { role: 'assistant' }>['content'], context: AssistantContext, input: Item[], warnings: SharedV4Warning[]): void {
  /** The message item the previous text part went to, to merge parts of one output message. */
  let message: { id: string | undefined; parts: string[]; item: Item } | null = null;
  let reasoning: { id: string; summary: Item[]; item: Item } | null = null;
  for (const part of content) {
    const options = partOptions(part.providerOptions);
    const itemId = typeof options['itemId'] === 'string' ? options['itemId'] : undefined;
    if (part.type !== 'text') message = null;
    if (part.type !== 'reasoning') reasoning = null;
    switch (part.type) {
      case 'text': {
        if (message !== null && itemId !== undefined && message.id === itemId) {
          message.parts.push(part.text);
          message.item['content'] = message.parts.map((text) => ({ type: 'output_text', text }));
          break;
        }
        const item: Item = { role: 'assistant', content: part.text };
        message = { id: itemId, parts: [part.text], item };
        input.push(item);
        break;
      }
      case 'reasoning': {
        const encrypted = typeof options['reasoningEncryptedContent'] === 'string' ? options['reasoningEncryptedContent'] : undefined;
        const summary = part.text.length > 0 ? [{ type: 'summary_text', text: part.text }] : [];
        if (reasoning !== null && itemId === reasoning.id) {
          reasoning.summary.push(...summary);
          if (encrypted !== undefined) reasoning.item['encrypted_content'] = encrypted;
          break;
        }
        if (itemId === undefined) {
          warnings.push({ type: 'unsupported', feature: 'reasoning part without an item id', details: 'reasoning from another provider is not sent' });
          break;
        }
        const item: Item = { type: 'reasoning', id: itemId, summary: [...summary], ...(encrypted === undefined ? {} : { encrypted_content: encrypted }) };
        reasoning = { id: itemId, summary: item['summary'] as Item[], item };
        input.push(item);
        break;
      }
      case 'tool-call': {
        if (pushServerItem(options, context, input)) break;
        // A provider-executed call without its item: the item comes with the call's result.
        if (part.providerExecuted === true) break;
        const call = clientCallItem(part, itemId, context);
        if (call !== null) input.push(call);
        else warnings.push({ type: 'unsupported', feature: `tool call of ${part.toolName}`, details: `the call ${part.toolCallId} is not sent: the Modelwire provider does not send computer calls back` });
        break;
      }
      case 'tool-result':
        // A provider-executed tool's result: the server's item (the call's, for most tools).
        pushServerItem(options, context, input);
        break;
      case 'custom':
        if (part.kind.endsWith('.compaction') && itemId !== undefined) input.push({ type: 'compaction', id: itemId, encrypted_content: options['encryptedContent'] });
        else warnings.push({ type: 'unsupported', feature: `assistant custom part ${part.kind}`, details: 'not sent by the Modelwire provider' });
        break;
      case 'file':
      case 'reasoning-file':
        warnings.push({ type: 'unsupported', feature: `assistant ${part.type} part`, details: 'not sent by the Modelwire provider' });
        break;
    }
  }
}

function dataUrl(data: string | Uint8Array, mediaType: string): string {
  return `data:${mediaType};base64,${typeof data === 'string' ? data : Buffer.from(data).toString('base64')}`;
}

function referenceOf(reference: Readonly<Record<string, string>>): string {
  const id = reference['modelwire'] ?? reference['openai'] ?? Object.values(reference)[0];
  if (id === undefined) throw new UnsupportedFunctionalityError({ functionality: 'a file reference without an id' });
  return id;
}

function filePart(part: LanguageModelV4FilePart, index: number): Item {
  const image = part.mediaType === 'image' || part.mediaType.startsWith('image/');
  const mediaType = part.mediaType.includes('/') && !part.mediaType.endsWith('/*') ? part.mediaType : image ? 'image/png' : 'application/pdf';
  const data = part.data;
  switch (data.type) {
    case 'reference':
      return image ? { type: 'input_image', file_id: referenceOf(data.reference), detail: 'auto' } : { type: 'input_file', file_id: referenceOf(data.reference) };
    case 'url':
      return image ? { type: 'input_image', image_url: data.url.toString(), detail: 'auto' } : { type: 'input_file', file_url: data.url.toString() };
    case 'data':
      if (image) return { type: 'input_image', image_url: dataUrl(data.data, mediaType), detail: 'auto' };
      if (mediaType !== 'application/pdf') throw new UnsupportedFunctionalityError({ functionality: `file part media type ${mediaType}` });
      return { type: 'input_file', filename: part.filename ?? `part-${index}.pdf`, file_data: dataUrl(data.data, mediaType) };
    case 'text':
      throw new UnsupportedFunctionalityError({ functionality: 'text file parts' });
  }
}

type ToolCallPart = Extract<Extract<LanguageModelV4Prompt[number], { role: 'assistant' }>['content'][number], { type: 'tool-call' }>;
type ToolResultPart = Extract<Extract<LanguageModelV4Prompt[number], { role: 'tool' }>['content'][number], { type: 'tool-result' }>;

const fieldsOf = (value: unknown): Readonly<Record<string, unknown>> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** Drops `undefined` fields (they are not sent). */
const defined = (item: Item): Item => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));

/** A call's input as an object (the AI SDK may hold it as the JSON text). */
function inputFields(input: unknown): Readonly<Record<string, unknown>> {
  if (typeof input !== 'string') return fieldsOf(input);
  try {
    return fieldsOf(JSON.parse(input));
  } catch {
    return {};
  }
}

/**
 * The item of a call the caller ran, as `@ai-sdk/openai` sends it: a `local_shell_call`,
 * `shell_call`, `apply_patch_call`, `custom_tool_call` or client `tool_search_call` for the
 * call's provider tools, else a `function_call`; `null` for a computer call (not sent).
 */
function clientCallItem(part: ToolCallPart, itemId: string | undefined, context: AssistantContext): Item | null {
  const names = context.toolNames;
  const type = names.typeOf(part.toolName);
  const input = inputFields(part.input);
  const action = fieldsOf(input['action']);
  if (names.has('tool_search') && type === 'tool_search') {
    const callId = typeof input['call_id'] === 'string' ? input['call_id'] : null;
    return { type: 'tool_search_call', id: itemId ?? part.toolCallId, execution: callId === null ? 'server' : 'client', call_id: callId, status: 'completed', arguments: input['arguments'] };
  }
  if (names.has('local_shell') && type === 'local_shell') {
    // `status` is required by the API reference (and the client's validation); `@ai-sdk/openai` leaves it out.
    return defined({
      type: 'local_shell_call',
      call_id: part.toolCallId,
      id: itemId,
      status: 'completed',
      action: defined({ type: 'exec', command: action['command'], timeout_ms: action['timeoutMs'], user: action['user'], working_directory: action['workingDirectory'], env: action['env'] }),
    });
  }
  if (names.has('shell') && type === 'shell') {
    return defined({ type: 'shell_call', call_id: part.toolCallId, id: itemId, status: 'completed', action: defined({ commands: action['commands'], timeout_ms: action['timeoutMs'], max_output_length: action['maxOutputLength'] }) });
  }
  if (names.has('apply_patch') && type === 'apply_patch') return defined({ type: 'apply_patch_call', call_id: input['callId'], id: itemId, status: 'completed', operation: input['operation'] });
  if (names.has('computer') && type === 'computer') return null;
  if (names.custom.has(part.toolName)) {
    const options = partOptions(part.providerOptions);
    return defined({ type: 'custom_tool_call', call_id: part.toolCallId, name: part.toolName, input: typeof part.input === 'string' ? part.input : JSON.stringify(part.input), async: options['async'], id: itemId });
  }
  return { type: 'function_call', call_id: part.toolCallId, name: type, arguments: context.callArguments.argumentsOf(part.toolCallId, part.input) };
}

/**
 * The item of a tool result the caller sends: `local_shell_call_output`, `shell_call_output`,
 * `apply_patch_call_output`, `custom_tool_call_output` or `tool_search_output` for the call's
 * provider tools (JSON results), else `function_call_output`; `null` for a denied MCP call
 * (its approval response says it).
 */
function toolResultItem(part: ToolResultPart, names: ProviderToolNames): Item | null {
  const output = part.output;
  if (output.type === 'execution-denied' && typeof partOptions(output.providerOptions)['approvalId'] === 'string') return null;
  const type = names.typeOf(part.toolName);
  const value = output.type === 'json' ? fieldsOf(output.value) : undefined;
  if (value !== undefined && names.has('tool_search') && type === 'tool_search') return { type: 'tool_search_output', execution: 'client', call_id: part.toolCallId, status: 'completed', tools: value['tools'] };
  // `id` is the field the API documents (the call's id), `call_id` the one `@ai-sdk/openai` sends.
  if (value !== undefined && names.has('local_shell') && type === 'local_shell') return { type: 'local_shell_call_output', id: part.toolCallId, call_id: part.toolCallId, output: value['output'] };
  if (value !== undefined && names.has('shell') && type === 'shell') {
    const results = Array.isArray(value['output']) ? (value['output'] as unknown[]).map(fieldsOf) : [];
    return {
      type: 'shell_call_output',
      call_id: part.toolCallId,
      ...(value['maxOutputLength'] === undefined || value['maxOutputLength'] === null ? {} : { max_output_length: value['maxOutputLength'] }),
      output: results.map((result) => {
        const outcome = fieldsOf(result['outcome']);
        return { stdout: result['stdout'], stderr: result['stderr'], outcome: outcome['type'] === 'timeout' ? { type: 'timeout' } : { type: 'exit', exit_code: outcome['exitCode'] } };
      }),
    };
  }
  if (value !== undefined && names.has('apply_patch') && type === 'apply_patch') return defined({ type: 'apply_patch_call_output', call_id: part.toolCallId, status: value['status'], output: value['output'] });
  if (names.custom.has(part.toolName)) return { type: 'custom_tool_call_output', call_id: part.toolCallId, output: customToolOutput(output) };
  return { type: 'function_call_output', call_id: part.toolCallId, output: toolOutput(output) };
}

/** A custom tool's result as `custom_tool_call_output.output`: text as is, errors as `{"error":…}`, JSON serialised, content as input parts. */
function customToolOutput(output: LanguageModelV4ToolResultOutput): string | Item[] {
  switch (output.type) {
    case 'error-text':
    case 'error-json':
      return JSON.stringify({ error: output.value });
    case 'execution-denied':
      return output.reason ?? 'Tool call execution denied.';
    default:
      return toolOutput(output);
  }
}

/** A tool result as `function_call_output.output`: a string, or input parts for content. */
export function toolOutput(output: LanguageModelV4ToolResultOutput): string | Item[] {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'Tool execution denied.';
    case 'content':
      return output.value.flatMap((part, index): Item[] => {
        if (part.type === 'text') return [{ type: 'input_text', text: part.text }];
        if (part.type === 'file') return [filePart(part as LanguageModelV4FilePart, index)];
        return [];
      });
  }
}
