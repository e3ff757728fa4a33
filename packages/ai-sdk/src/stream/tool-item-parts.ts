import type { JSONObject, LanguageModelV4StreamPart, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { CallArguments } from '../prompt/call-arguments.js';
import type { ProviderToolNames } from '../request/provider-tools.js';
import { escapeJsonDelta, fieldsOf, generateId, json, listOf, metadata, numberOf, stringOf, type Fields } from './part-values.js';
import { computerInput, patchOperation, webSearchResult } from './tool-item-values.js';

/** A call whose output item is still streaming, by output index. */
interface OngoingCall {
  readonly toolName: string;
  readonly toolCallId: string;
  /** A code interpreter's container (its input is built as `{"containerId":…,"code":"…"}`). */
  readonly containerId?: string | undefined;
  /** A patch's input is built from diff deltas: whether a diff delta came, whether the input ended. */
  applyPatch?: { hasDiff: boolean; endEmitted: boolean };
  /** `server` or `client` for a tool search. */
  readonly toolSearchExecution?: string;
}

/**
 * The parts of the tool items of one response, as `@ai-sdk/openai` gives them: function and
 * custom tool calls (`tool-input-*`, `tool-call`), the calls the caller runs (local shell,
 * shell, apply patch, computer, a client tool search), and the tools the server runs (web
 * search, file search, code interpreter, image generation, MCP, a hosted tool search,
 * programs, a shell in a container) as a provider-executed `tool-call` and its `tool-result`
 * with their sources. The result's `providerMetadata.modelwire.item` is the server's item,
 * which the next step sends back as it was (with `store: false` nothing else holds it).
 */
export class ToolItemParts {
  readonly #emit: (part: LanguageModelV4StreamPart) => void;
  readonly #callArguments: CallArguments;
  readonly #tools: ProviderToolNames;
  readonly #ongoing = new Map<number, OngoingCall>();
  #hasFunctionCall = false;
  #webSearchSources = false;
  #fileSearchResults = false;
  readonly #retrievedFiles = new Set<string>();
  /** Tool call ids of MCP approval requests, by approval request id. */
  readonly #approvalCalls = new Map<string, string>();
  readonly #approvalCallsFromPrompt: ReadonlyMap<string, string>;
  readonly #hostedToolSearches: string[] = [];

  constructor(emit: (part: LanguageModelV4StreamPart) => void, options: { readonly callArguments: CallArguments; readonly tools: ProviderToolNames; readonly approvalCalls: ReadonlyMap<string, string> }) {
    this.#emit = emit;
    this.#callArguments = options.callArguments;
    this.#tools = options.tools;
    this.#approvalCallsFromPrompt = options.approvalCalls;
  }

  /** Whether the response called a function or a tool the caller runs (finish reason `tool-calls`). */
  get hasFunctionCall(): boolean {
    return this.#hasFunctionCall;
  }

  /** Whether a web search gave URL sources (URL citations are then no sources of their own). */
  get webSearchSources(): boolean {
    return this.#webSearchSources;
  }

  /** Whether a file search gave results (file citations are then no sources of their own). */
  get fileSearchResults(): boolean {
    return this.#fileSearchResults;
  }

  /** A new attempt: the calls of the failed one are forgotten. */
  reset(): void {
    this.#ongoing.clear();
  }

  /** Maps a delta event of a tool item; false when the event is not one. */
  delta(event: Fields): boolean {
    const outputIndex = numberOf(event['output_index']) ?? -1;
    switch (event['type']) {
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        const call = this.#ongoing.get(outputIndex);
        if (call !== undefined) this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: stringOf(event['delta']) ?? '' });
        return true;
      }
      case 'response.apply_patch_call_operation_diff.delta': {
        const call = this.#ongoing.get(outputIndex);
        if (call?.applyPatch === undefined) return true;
        this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: escapeJsonDelta(stringOf(event['delta']) ?? '') });
        call.applyPatch.hasDiff = true;
        return true;
      }
      case 'response.apply_patch_call_operation_diff.done': {
        const call = this.#ongoing.get(outputIndex);
        if (call?.applyPatch === undefined || call.applyPatch.endEmitted) return true;
        this.#endPatchInput(call, stringOf(event['diff']) ?? '');
        return true;
      }
      case 'response.image_generation_call.partial_image':
        this.#emit({ type: 'tool-result', toolCallId: stringOf(event['item_id']) ?? '', toolName: this.#tools.nameOf('image_generation'), result: { result: json(event['partial_image_b64']) }, preliminary: true });
        return true;
      case 'response.code_interpreter_call_code.delta': {
        const call = this.#ongoing.get(outputIndex);
        if (call !== undefined) this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: escapeJsonDelta(stringOf(event['delta']) ?? '') });
        return true;
      }
      case 'response.code_interpreter_call_code.done': {
        const call = this.#ongoing.get(outputIndex);
        if (call === undefined) return true;
        this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: '"}' });
        this.#emit({ type: 'tool-input-end', id: call.toolCallId });
        this.#emit({ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: JSON.stringify({ code: event['code'], containerId: call.containerId }), providerExecuted: true });
        return true;
      }
      default:
        return false;
    }
  }

  /** Maps `response.output_item.added` of a tool item; false when the item is not one. */
  added(item: Fields, outputIndex: number): boolean {
    const itemId = stringOf(item['id']) ?? '';
    const callId = stringOf(item['call_id']);
    switch (item['type']) {
      case 'function_call': {
        const toolCallId = callId ?? itemId;
        const toolName = stringOf(item['name']) ?? '';
        this.#ongoing.set(outputIndex, { toolName, toolCallId });
        this.#emit({ type: 'tool-input-start', id: toolCallId, toolName });
        return true;
      }
      case 'custom_tool_call': {
        const toolCallId = callId ?? itemId;
        const toolName = stringOf(item['name']) ?? '';
        this.#ongoing.set(outputIndex, { toolName, toolCallId });
        this.#emit({ type: 'tool-input-start', id: toolCallId, toolName, inputEncoding: 'text' } as LanguageModelV4StreamPart);
        return true;
      }
      case 'web_search_call': {
        const toolName = this.#webSearchName();
        this.#ongoing.set(outputIndex, { toolName, toolCallId: itemId });
        this.#emit({ type: 'tool-input-start', id: itemId, toolName, providerExecuted: true });
        this.#emit({ type: 'tool-input-end', id: itemId });
        this.#emit({ type: 'tool-call', toolCallId: itemId, toolName, input: '{}', providerExecuted: true });
        return true;
      }
      case 'computer_call': {
        const toolCallId = callId ?? itemId;
        const toolName = this.#tools.nameOf('computer');
        this.#ongoing.set(outputIndex, { toolName, toolCallId });
        this.#emit({ type: 'tool-input-start', id: toolCallId, toolName });
        return true;
      }
      case 'code_interpreter_call': {
        const toolName = this.#tools.nameOf('code_interpreter');
        const containerId = stringOf(item['container_id']);
        this.#ongoing.set(outputIndex, { toolName, toolCallId: itemId, containerId });
        this.#emit({ type: 'tool-input-start', id: itemId, toolName, providerExecuted: true });
        this.#emit({ type: 'tool-input-delta', id: itemId, delta: `{"containerId":"${containerId ?? ''}","code":"` });
        return true;
      }
      case 'file_search_call':
        this.#emit({ type: 'tool-call', toolCallId: itemId, toolName: this.#tools.nameOf('file_search'), input: '{}', providerExecuted: true });
        return true;
      case 'image_generation_call':
        this.#emit({ type: 'tool-call', toolCallId: itemId, toolName: this.#tools.nameOf('image_generation'), input: '{}', providerExecuted: true });
        return true;
      case 'tool_search_call': {
        const toolName = this.#tools.nameOf('tool_search');
        const execution = stringOf(item['execution']) ?? 'server';
        this.#ongoing.set(outputIndex, { toolName, toolCallId: itemId, toolSearchExecution: execution });
        if (item['execution'] === 'server') this.#emit({ type: 'tool-input-start', id: itemId, toolName, providerExecuted: true });
        return true;
      }
      case 'apply_patch_call': {
        const toolCallId = callId ?? itemId;
        const toolName = this.#tools.nameOf('apply_patch');
        const operation = fieldsOf(item['operation']);
        const deleting = operation['type'] === 'delete_file';
        this.#ongoing.set(outputIndex, { toolName, toolCallId, applyPatch: { hasDiff: deleting, endEmitted: deleting } });
        this.#emit({ type: 'tool-input-start', id: toolCallId, toolName });
        if (deleting) {
          this.#emit({ type: 'tool-input-delta', id: toolCallId, delta: JSON.stringify({ callId: toolCallId, operation: patchOperation(operation) }) });
          this.#emit({ type: 'tool-input-end', id: toolCallId });
        } else {
          this.#emit({
            type: 'tool-input-delta',
            id: toolCallId,
            delta: `{"callId":"${escapeJsonDelta(toolCallId)}","operation":{"type":"${escapeJsonDelta(stringOf(operation['type']) ?? '')}","path":"${escapeJsonDelta(stringOf(operation['path']) ?? '')}","diff":"`,
          });
        }
        return true;
      }
      case 'shell_call':
        this.#ongoing.set(outputIndex, { toolName: this.#tools.nameOf('shell'), toolCallId: callId ?? itemId });
        return true;
      default:
        return false;
    }
  }

  #webSearchName(): string {
    return this.#tools.has('web_search') ? this.#tools.nameOf('web_search') : this.#tools.has('web_search_preview') ? this.#tools.nameOf('web_search_preview') : 'web_search';
  }

  /** Ends a patch's streamed input: the diff (when no delta carried it), the closing of the JSON text, `tool-input-end`. */
  #endPatchInput(call: OngoingCall, diff: string): void {
    const patch = call.applyPatch;
    if (patch === undefined) return;
    if (!patch.hasDiff) {
      this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: escapeJsonDelta(diff) });
      patch.hasDiff = true;
    }
    this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: '"}}' });
    this.#emit({ type: 'tool-input-end', id: call.toolCallId });
    patch.endEmitted = true;
  }

  /**
   * `providerMetadata` of a part of a tool the server ran: the server's item (sent back as it
   * was by the next step), with the item id where `@ai-sdk/openai` gives it.
   */
  #serverItem(item: Fields, withItemId = false): SharedV4ProviderMetadata {
    return metadata({ ...(withItemId ? { itemId: stringOf(item['id']) ?? '' } : {}), item: item as JSONObject });
  }

  /** Maps `response.output_item.done` of a tool item; false when the item is not one. */
  done(item: Fields, outputIndex: number): boolean {
    const itemId = stringOf(item['id']) ?? '';
    const callId = stringOf(item['call_id']) ?? itemId;
    const ongoing = this.#ongoing.get(outputIndex);
    this.#ongoing.delete(outputIndex);
    switch (item['type']) {
      case 'function_call': {
        this.#hasFunctionCall = true;
        const input = stringOf(item['arguments']) ?? '';
        this.#callArguments.remember(callId, input);
        const namespace = stringOf(item['namespace']);
        const caller = fieldsOf(item['caller']);
        this.#emit({ type: 'tool-input-end', id: callId, ...(namespace === undefined ? {} : { providerMetadata: metadata({ namespace }) }) });
        this.#emit({
          type: 'tool-call',
          toolCallId: callId,
          toolName: stringOf(item['name']) ?? '',
          input,
          providerMetadata: metadata({
            itemId,
            ...(item['async'] === undefined || item['async'] === null ? {} : { async: json(item['async']) }),
            ...(namespace === undefined ? {} : { namespace }),
            ...(item['caller'] === undefined || item['caller'] === null ? {} : { caller: caller['type'] === 'program' ? { type: 'program', callerId: json(caller['caller_id']) } : json(item['caller']) }),
          }),
        });
        return true;
      }
      case 'custom_tool_call': {
        this.#hasFunctionCall = true;
        const input = JSON.stringify(item['input']);
        this.#callArguments.remember(callId, input);
        this.#emit({ type: 'tool-input-end', id: callId });
        this.#emit({ type: 'tool-call', toolCallId: callId, toolName: stringOf(item['name']) ?? '', input, providerMetadata: metadata({ itemId, ...(item['async'] === undefined || item['async'] === null ? {} : { async: json(item['async']) }) }) });
        return true;
      }
      case 'program':
        this.#emit({ type: 'tool-call', toolCallId: callId, toolName: this.#tools.nameOf('programmatic_tool_calling'), input: JSON.stringify({ code: item['code'], fingerprint: item['fingerprint'] }), providerExecuted: true, providerMetadata: this.#serverItem(item, true) });
        return true;
      case 'program_output':
        this.#emit({ type: 'tool-result', toolCallId: callId, toolName: this.#tools.nameOf('programmatic_tool_calling'), result: { result: json(item['result']), status: json(item['status']) }, providerMetadata: this.#serverItem(item, true) });
        return true;
      case 'web_search_call': {
        const toolName = this.#webSearchName();
        const action = fieldsOf(item['action']);
        this.#emit({ type: 'tool-result', toolCallId: itemId, toolName, ...webSearchResult(item), providerMetadata: this.#serverItem(item) } as LanguageModelV4StreamPart);
        if (action['type'] === 'search') {
          for (const source of listOf(action['sources']).map(fieldsOf)) {
            if (source['type'] !== 'url') continue;
            this.#webSearchSources = true;
            this.#emit({ type: 'source', sourceType: 'url', id: generateId(), url: stringOf(source['url']) ?? '' });
          }
        }
        return true;
      }
      case 'computer_call': {
        if (item['call_id'] === undefined || item['call_id'] === null) {
          const toolName = this.#tools.nameOf('computer_use');
          this.#emit({ type: 'tool-input-end', id: itemId });
          this.#emit({ type: 'tool-call', toolCallId: itemId, toolName, input: '', providerExecuted: true });
          this.#emit({ type: 'tool-result', toolCallId: itemId, toolName, result: { type: 'computer_use_tool_result', status: json(item['status']) }, providerMetadata: this.#serverItem(item) });
          return true;
        }
        this.#hasFunctionCall = true;
        const input = JSON.stringify(computerInput(item));
        this.#emit({ type: 'tool-input-delta', id: callId, delta: input });
        this.#emit({ type: 'tool-input-end', id: callId });
        this.#emit({ type: 'tool-call', toolCallId: callId, toolName: this.#tools.nameOf('computer'), input, providerMetadata: metadata({ itemId }) });
        return true;
      }
      case 'file_search_call': {
        const results = item['results'] === undefined || item['results'] === null ? null : listOf(item['results']).map(fieldsOf);
        this.#emit({
          type: 'tool-result',
          toolCallId: itemId,
          toolName: this.#tools.nameOf('file_search'),
          result: {
            queries: json(item['queries']),
            results: results === null ? null : results.map((result) => ({ attributes: json(result['attributes']), fileId: json(result['file_id']), filename: json(result['filename']), score: json(result['score']), text: json(result['text']) })),
          },
          providerMetadata: this.#serverItem(item),
        });
        for (const result of results ?? []) {
          this.#fileSearchResults = true;
          const fileId = stringOf(result['file_id']) ?? '';
          if (this.#retrievedFiles.has(fileId)) continue;
          this.#retrievedFiles.add(fileId);
          const filename = stringOf(result['filename']) ?? '';
          this.#emit({ type: 'source', sourceType: 'document', id: generateId(), mediaType: 'text/plain', title: filename, filename, providerMetadata: metadata({ type: 'file_search', fileId }) });
        }
        return true;
      }
      case 'code_interpreter_call':
        this.#emit({ type: 'tool-result', toolCallId: itemId, toolName: this.#tools.nameOf('code_interpreter'), result: { outputs: json(item['outputs']) }, providerMetadata: this.#serverItem(item) });
        return true;
      case 'image_generation_call':
        this.#emit({ type: 'tool-result', toolCallId: itemId, toolName: this.#tools.nameOf('image_generation'), result: { result: json(item['result']) }, providerMetadata: this.#serverItem(item) });
        return true;
      case 'tool_search_call': {
        if (ongoing === undefined) return true;
        const hosted = item['execution'] === 'server';
        const toolCallId = hosted ? ongoing.toolCallId : callId;
        if (hosted) this.#hostedToolSearches.push(toolCallId);
        else this.#emit({ type: 'tool-input-start', id: toolCallId, toolName: ongoing.toolName });
        this.#emit({ type: 'tool-input-end', id: toolCallId });
        this.#emit({
          type: 'tool-call',
          toolCallId,
          toolName: ongoing.toolName,
          input: JSON.stringify({ arguments: item['arguments'], call_id: hosted ? null : toolCallId }),
          ...(hosted ? { providerExecuted: true } : {}),
          providerMetadata: hosted ? this.#serverItem(item, true) : metadata({ itemId }),
        });
        return true;
      }
      case 'tool_search_output': {
        const toolCallId = stringOf(item['call_id']) ?? this.#hostedToolSearches.shift() ?? itemId;
        this.#emit({ type: 'tool-result', toolCallId, toolName: this.#tools.nameOf('tool_search'), result: { tools: json(item['tools']) }, providerMetadata: this.#serverItem(item, true) });
        return true;
      }
      case 'mcp_call': {
        const approvalId = stringOf(item['approval_request_id']);
        const toolCallId = approvalId === undefined ? itemId : (this.#approvalCalls.get(approvalId) ?? this.#approvalCallsFromPrompt.get(approvalId) ?? itemId);
        const toolName = `mcp.${stringOf(item['name']) ?? ''}`;
        this.#emit({ type: 'tool-call', toolCallId, toolName, input: stringOf(item['arguments']) ?? '', providerExecuted: true, dynamic: true });
        this.#emit({
          type: 'tool-result',
          toolCallId,
          toolName,
          result: {
            type: 'call',
            serverLabel: json(item['server_label']),
            name: json(item['name']),
            arguments: json(item['arguments']),
            ...(item['output'] === undefined || item['output'] === null ? {} : { output: json(item['output']) }),
            ...(item['error'] === undefined || item['error'] === null ? {} : { error: json(item['error']) }),
          },
          providerMetadata: this.#serverItem(item, true),
        });
        return true;
      }
      case 'mcp_approval_request': {
        const toolCallId = generateId();
        const approvalId = stringOf(item['approval_request_id']) ?? itemId;
        this.#approvalCalls.set(approvalId, toolCallId);
        const toolName = `mcp.${stringOf(item['name']) ?? ''}`;
        this.#emit({ type: 'tool-call', toolCallId, toolName, input: stringOf(item['arguments']) ?? '', providerExecuted: true, dynamic: true, providerMetadata: metadata({ approvalRequestId: approvalId, item: item as JSONObject }) });
        this.#emit({ type: 'tool-approval-request', approvalId, toolCallId });
        return true;
      }
      case 'apply_patch_call': {
        const operation = fieldsOf(item['operation']);
        if (ongoing?.applyPatch !== undefined && !ongoing.applyPatch.endEmitted && operation['type'] !== 'delete_file') this.#endPatchInput(ongoing, stringOf(operation['diff']) ?? '');
        if (ongoing !== undefined && item['status'] === 'completed') {
          this.#hasFunctionCall = true;
          this.#emit({ type: 'tool-call', toolCallId: ongoing.toolCallId, toolName: this.#tools.nameOf('apply_patch'), input: JSON.stringify({ callId: item['call_id'], operation: patchOperation(operation) }), providerMetadata: metadata({ itemId }) });
        }
        return true;
      }
      case 'local_shell_call': {
        const action = fieldsOf(item['action']);
        this.#emit({
          type: 'tool-call',
          toolCallId: callId,
          toolName: this.#tools.nameOf('local_shell'),
          input: JSON.stringify({ action: { type: 'exec', command: action['command'], timeoutMs: action['timeout_ms'], user: action['user'], workingDirectory: action['working_directory'], env: action['env'] } }),
          providerMetadata: metadata({ itemId }),
        });
        return true;
      }
      case 'shell_call': {
        const action = fieldsOf(item['action']);
        const onServer = this.#tools.shellRunsOnServer;
        this.#emit({
          type: 'tool-call',
          toolCallId: callId,
          toolName: this.#tools.nameOf('shell'),
          input: JSON.stringify({ action: { commands: action['commands'], timeoutMs: action['timeout_ms'] ?? undefined, maxOutputLength: action['max_output_length'] ?? undefined } }),
          ...(onServer ? { providerExecuted: true } : {}),
          providerMetadata: onServer ? this.#serverItem(item, true) : metadata({ itemId }),
        });
        return true;
      }
      case 'shell_call_output': {
        const maxOutputLength = item['max_output_length'];
        this.#emit({
          type: 'tool-result',
          toolCallId: callId,
          toolName: this.#tools.nameOf('shell'),
          result: {
            ...(maxOutputLength === undefined || maxOutputLength === null ? {} : { maxOutputLength: json(maxOutputLength) }),
            output: listOf(item['output'])
              .map(fieldsOf)
              .map((output) => {
                const outcome = fieldsOf(output['outcome']);
                return { stdout: json(output['stdout']), stderr: json(output['stderr']), outcome: outcome['type'] === 'exit' ? { type: 'exit', exitCode: json(outcome['exit_code']) } : { type: 'timeout' } };
              }),
          },
          providerMetadata: this.#serverItem(item),
        });
        return true;
      }
      default:
        return false;
    }
  }
}
