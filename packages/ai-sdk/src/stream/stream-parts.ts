import type { JSONObject, JSONValue, LanguageModelV4FinishReason, LanguageModelV4StreamPart, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { RawResponseEvent, ResponseEvent, ResponseUsage } from '@modelwire/client';
import { WEBSOCKET_ONLY_EVENT_TYPES, type AttemptObserver } from '@modelwire/fetch';
import type { CallArguments } from '../prompt/call-arguments.js';
import type { ProviderToolNames } from '../request/provider-tools.js';
import { escapeJsonDelta, fieldsOf, generateId, json, listOf, metadata, numberOf, stringOf, usageOf, type Fields } from './part-values.js';
import { annotationSource, citationsOf, computerInput, patchOperation, webSearchResult } from './tool-item-values.js';

export { PROVIDER_METADATA_KEY, usageOf } from './part-values.js';

/** Where the parts of one call go. */
export interface PartSink {
  /** Queues one part for the AI SDK. */
  enqueue(part: LanguageModelV4StreamPart): void;
  /** Resolves when the AI SDK wants more parts (backpressure). */
  ready(): Promise<void>;
}

/** What the server said about the response: from `response.created`, `.completed`, `.incomplete`. */
interface ResponseFacts {
  /** The id `response.created` gave (the one `finish` reports, as `@ai-sdk/openai` does). */
  id?: string | undefined;
  reasoningContext?: JSONValue;
  promptCacheDiagnostics?: JSONValue;
  serviceTier?: string | undefined;
  rawUsage?: JSONObject;
  incompleteReason?: string;
}

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

/** A reasoning item whose summary parts are open (`active`), ended by the server but kept open until the item ends (`can-conclude`), or ended. */
interface OpenReasoning {
  readonly encryptedContent: string | undefined;
  readonly summaryParts: Map<number, 'active' | 'can-conclude' | 'concluded'>;
}

/** Events that carry no output of the response (a failure before any other event can be sent again unseen). */
const NON_OUTPUT_EVENTS: ReadonlySet<string> = new Set(['response.created', 'response.in_progress', 'response.failed', 'error']);

/**
 * Maps the raw events of one call, over one or more attempts, to the AI SDK's stream parts,
 * in the order and shape `@ai-sdk/openai`'s Responses model gives them (provider metadata
 * under `modelwire`):
 *
 * - `response.created` → `response-metadata` (id, model, timestamp);
 * - a message → `text-start` on its item, `text-delta` per text or refusal delta, `text-end`
 *   with its citations (annotations as `citations` and in `providerMetadata.annotations`);
 *   citations of files and URLs not already a source are `source` parts at the end;
 * - reasoning → `reasoning-start` / `-delta` / `-end` per summary part (id `item:index`) with
 *   the item id and the encrypted content, final on `reasoning-end`;
 * - function and custom tool calls → `tool-input-start` / `-delta` / `-end`, then `tool-call`;
 * - calls the caller runs (local shell, shell, apply patch, computer, a client tool search) →
 *   `tool-call` with the input `@ai-sdk/openai` gives them (an apply patch streamed as input);
 * - tools the server runs (web search, file search, code interpreter, image generation, MCP,
 *   a hosted tool search, programs, a shell in a container) → a provider-executed `tool-call`
 *   and its `tool-result` (`preliminary` for partial images), with their sources; the
 *   result's `providerMetadata.modelwire.item` is the server's item, which the next step sends
 *   back as it was (with `store: false` nothing else holds it);
 * - an MCP approval request → a provider-executed dynamic `tool-call` and a
 *   `tool-approval-request`;
 * - the end → `finish` with the usage and the finish reason (see {@link finish}).
 *
 * As an `AttemptObserver` it tells the retry loop whether the AI SDK saw output (a failure
 * before that is retried unseen), and keeps the failure event a retry may still absorb.
 */
export class StreamParts implements AttemptObserver {
  readonly #sink: PartSink;
  readonly #callArguments: CallArguments;
  readonly #tools: ProviderToolNames;
  readonly #includeRaw: boolean;
  /** Whether the server stores the response (reasoning summary parts then end when the server ends them). */
  readonly #store: boolean;
  #onStart: (() => void) | null;
  /** Parts held until the response produces output (`null` once it did): a failure before that rejects the call instead. */
  #pending: LanguageModelV4StreamPart[] | null = [];
  readonly #facts: ResponseFacts = {};
  #producedOutput = false;
  #started = false;
  #failure: RawResponseEvent | null = null;
  #hasFunctionCall = false;
  #hasRefusal = false;
  readonly #ongoing = new Map<number, OngoingCall>();
  /** The item id streaming at each output index (text and reasoning deltas name their item by index first). */
  readonly #activeItems = new Map<number, string>();
  readonly #reasoning = new Map<string, OpenReasoning>();
  /** Messages that got a text delta, by item id (a message streamed without deltas is sent whole when it ends). */
  readonly #texted = new Set<string>();
  #annotations: Fields[] = [];
  /** URL and file citations, sent as sources at the end unless a search already gave its sources. */
  readonly #citations: Fields[] = [];
  #webSearchSources = false;
  #fileSearchResults = false;
  readonly #retrievedFiles = new Set<string>();
  #messagePhase: string | undefined;
  /** Tool call ids of MCP approval requests, by approval request id. */
  readonly #approvalCalls = new Map<string, string>();
  readonly #approvalCallsFromPrompt: ReadonlyMap<string, string>;
  readonly #hostedToolSearches: string[] = [];

  constructor(
    sink: PartSink,
    options: {
      readonly callArguments: CallArguments;
      readonly providerToolNames: ProviderToolNames;
      readonly includeRaw: boolean;
      readonly store?: boolean;
      /** Tool call ids the prompt gave MCP approval requests, by approval request id. */
      readonly approvalCalls?: ReadonlyMap<string, string>;
      readonly onStart: () => void;
    },
  ) {
    this.#sink = sink;
    this.#callArguments = options.callArguments;
    this.#tools = options.providerToolNames;
    this.#includeRaw = options.includeRaw;
    this.#store = options.store ?? false;
    this.#approvalCallsFromPrompt = options.approvalCalls ?? new Map();
    this.#onStart = options.onStart;
  }

  /**
   * Whether the response started: its first output event came (the AI SDK has the stream).
   * Until then the parts (the response's metadata, raw events) are held, as `@ai-sdk/openai`
   * holds them: a failure before any output rejects the call with the API's error.
   */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Starts a response that ended without output (an empty answer): hands on the held parts.
   * Does nothing when no response was created.
   */
  begin(): void {
    if (this.#pending?.some((part) => part.type === 'response-metadata') === true) this.#start();
  }

  get producedOutput(): boolean {
    return this.#producedOutput;
  }

  /** The response ended with `response.incomplete`: an answer cut short, finished with its reason. */
  get endedByServer(): boolean {
    return this.#facts.incompleteReason !== undefined;
  }

  /** The failure event (`error`, `response.failed`) of the last attempt, for the error the AI SDK gets. */
  get heldFailure(): RawResponseEvent | null {
    return this.#failure;
  }

  /** The response id, once the server named it. */
  get responseId(): string | undefined {
    return this.#facts.id;
  }

  newAttempt(): void {
    this.#failure = null;
    // The metadata of an attempt that failed before output is replaced by the next attempt's.
    if (this.#pending !== null) this.#pending = this.#pending.filter((part) => part.type === 'raw');
    this.#ongoing.clear();
    this.#activeItems.clear();
  }

  /** Typed events carry nothing the raw events did not: they pace the reading (backpressure). */
  event(_event: ResponseEvent): Promise<void> {
    return this.#sink.ready();
  }

  offer(event: RawResponseEvent): void {
    if (this.#includeRaw) this.#push({ type: 'raw', rawValue: event });
    const type = event.type;
    if (type === 'error' || type === 'response.failed') {
      this.#failure = event;
      return;
    }
    // Connection extras (rate limits, timing) say nothing of the response; anything else after a
    // failure means the client went on (a retry, a resend): that failure is moot.
    if (WEBSOCKET_ONLY_EVENT_TYPES.has(type)) return;
    this.#failure = null;
    if (!NON_OUTPUT_EVENTS.has(type)) {
      this.#producedOutput = true;
      this.#start();
    }
    this.#map(event as Fields);
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const pending = this.#pending ?? [];
    this.#pending = null;
    for (const part of pending) this.#sink.enqueue(part);
    const onStart = this.#onStart;
    this.#onStart = null;
    onStart?.();
  }

  #push(part: LanguageModelV4StreamPart): void {
    if (this.#pending === null) this.#sink.enqueue(part);
    else this.#pending.push(part);
  }

  #emit(part: LanguageModelV4StreamPart): void {
    this.#push(part);
  }

  #itemIdAt(itemId: string, outputIndex: unknown): string {
    return typeof outputIndex === 'number' ? (this.#activeItems.get(outputIndex) ?? itemId) : itemId;
  }

  #map(event: Fields): void {
    const outputIndex = numberOf(event['output_index']) ?? -1;
    switch (event['type']) {
      case 'response.created': {
        const response = fieldsOf(event['response']);
        this.#facts.id = stringOf(response['id']) ?? this.#facts.id;
        const created = numberOf(response['created_at']);
        const modelId = stringOf(response['model']);
        this.#emit({
          type: 'response-metadata',
          ...(this.#facts.id === undefined ? {} : { id: this.#facts.id }),
          ...(created === undefined ? {} : { timestamp: new Date(created * 1000) }),
          ...(modelId === undefined ? {} : { modelId }),
        });
        return;
      }
      case 'response.completed':
      case 'response.incomplete': {
        const response = fieldsOf(event['response']);
        const usage = response['usage'];
        if (typeof usage === 'object' && usage !== null) this.#facts.rawUsage = usage as JSONObject;
        this.#facts.id ??= stringOf(response['id']);
        const context = fieldsOf(response['reasoning'])['context'];
        if (context !== undefined && context !== null) this.#facts.reasoningContext = json(context);
        const diagnostics = response['prompt_cache_diagnostics'];
        if (diagnostics !== undefined && diagnostics !== null) this.#facts.promptCacheDiagnostics = json(diagnostics);
        this.#facts.serviceTier = stringOf(response['service_tier']) ?? this.#facts.serviceTier;
        if (event['type'] === 'response.incomplete') this.#facts.incompleteReason = stringOf(fieldsOf(response['incomplete_details'])['reason']) ?? 'unknown';
        return;
      }
      case 'response.output_item.added':
        this.#itemAdded(fieldsOf(event['item']), outputIndex);
        return;
      case 'response.output_item.done':
        this.#itemDone(fieldsOf(event['item']), outputIndex);
        return;
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        const call = this.#ongoing.get(outputIndex);
        if (call !== undefined) this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: stringOf(event['delta']) ?? '' });
        return;
      }
      case 'response.apply_patch_call_operation_diff.delta': {
        const call = this.#ongoing.get(outputIndex);
        if (call?.applyPatch === undefined) return;
        this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: escapeJsonDelta(stringOf(event['delta']) ?? '') });
        call.applyPatch.hasDiff = true;
        return;
      }
      case 'response.apply_patch_call_operation_diff.done': {
        const call = this.#ongoing.get(outputIndex);
        if (call?.applyPatch === undefined || call.applyPatch.endEmitted) return;
        this.#endPatchInput(call, stringOf(event['diff']) ?? '');
        return;
      }
      case 'response.image_generation_call.partial_image':
        this.#emit({ type: 'tool-result', toolCallId: stringOf(event['item_id']) ?? '', toolName: this.#tools.nameOf('image_generation'), result: { result: json(event['partial_image_b64']) }, preliminary: true });
        return;
      case 'response.code_interpreter_call_code.delta': {
        const call = this.#ongoing.get(outputIndex);
        if (call !== undefined) this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: escapeJsonDelta(stringOf(event['delta']) ?? '') });
        return;
      }
      case 'response.code_interpreter_call_code.done': {
        const call = this.#ongoing.get(outputIndex);
        if (call === undefined) return;
        this.#emit({ type: 'tool-input-delta', id: call.toolCallId, delta: '"}' });
        this.#emit({ type: 'tool-input-end', id: call.toolCallId });
        this.#emit({ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: JSON.stringify({ code: event['code'], containerId: call.containerId }), providerExecuted: true });
        return;
      }
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        if (event['type'] === 'response.refusal.delta') this.#hasRefusal = true;
        const id = this.#itemIdAt(stringOf(event['item_id']) ?? '', event['output_index']);
        this.#texted.add(id);
        this.#emit({ type: 'text-delta', id, delta: stringOf(event['delta']) ?? '' });
        return;
      }
      case 'response.refusal.done':
        this.#hasRefusal = true;
        return;
      case 'response.reasoning_summary_part.added': {
        const itemId = this.#itemIdAt(stringOf(event['item_id']) ?? '', event['output_index']);
        const index = numberOf(event['summary_index']) ?? 0;
        const reasoning = this.#reasoning.get(itemId);
        if (index === 0 || reasoning === undefined) return;
        reasoning.summaryParts.set(index, 'active');
        for (const [summaryIndex, status] of reasoning.summaryParts) {
          if (status !== 'can-conclude') continue;
          this.#emit({ type: 'reasoning-end', id: `${itemId}:${summaryIndex}`, providerMetadata: metadata({ itemId }) });
          reasoning.summaryParts.set(summaryIndex, 'concluded');
        }
        this.#emit({ type: 'reasoning-start', id: `${itemId}:${index}`, providerMetadata: metadata({ itemId, reasoningEncryptedContent: reasoning.encryptedContent ?? null }) });
        return;
      }
      case 'response.reasoning_summary_text.delta': {
        const itemId = this.#itemIdAt(stringOf(event['item_id']) ?? '', event['output_index']);
        this.#emit({ type: 'reasoning-delta', id: `${itemId}:${numberOf(event['summary_index']) ?? 0}`, delta: stringOf(event['delta']) ?? '', providerMetadata: metadata({ itemId }) });
        return;
      }
      case 'response.reasoning_summary_part.done': {
        const itemId = this.#itemIdAt(stringOf(event['item_id']) ?? '', event['output_index']);
        const index = numberOf(event['summary_index']) ?? 0;
        const reasoning = this.#reasoning.get(itemId);
        if (reasoning === undefined) return;
        if (this.#store) {
          this.#emit({ type: 'reasoning-end', id: `${itemId}:${index}`, providerMetadata: metadata({ itemId }) });
          reasoning.summaryParts.set(index, 'concluded');
        } else reasoning.summaryParts.set(index, 'can-conclude');
        return;
      }
      case 'response.output_text.annotation.added': {
        const annotation = fieldsOf(event['annotation']);
        this.#annotations.push(annotation);
        if (annotation['type'] === 'url_citation' || annotation['type'] === 'file_citation') this.#citations.push(annotation);
        else this.#emit(annotationSource(annotation));
        return;
      }
      default:
        return;
    }
  }

  #itemAdded(item: Fields, outputIndex: number): void {
    const itemId = stringOf(item['id']) ?? '';
    const callId = stringOf(item['call_id']);
    switch (item['type']) {
      case 'function_call': {
        const toolCallId = callId ?? itemId;
        const toolName = stringOf(item['name']) ?? '';
        this.#ongoing.set(outputIndex, { toolName, toolCallId });
        this.#emit({ type: 'tool-input-start', id: toolCallId, toolName });
        return;
      }
      case 'custom_tool_call': {
        const toolCallId = callId ?? itemId;
        const toolName = stringOf(item['name']) ?? '';
        this.#ongoing.set(outputIndex, { toolName, toolCallId });
        this.#emit({ type: 'tool-input-start', id: toolCallId, toolName, inputEncoding: 'text' } as LanguageModelV4StreamPart);
        return;
      }
      case 'web_search_call': {
        const toolName = this.#webSearchName();
        this.#ongoing.set(outputIndex, { toolName, toolCallId: itemId });
        this.#emit({ type: 'tool-input-start', id: itemId, toolName, providerExecuted: true });
        this.#emit({ type: 'tool-input-end', id: itemId });
        this.#emit({ type: 'tool-call', toolCallId: itemId, toolName, input: '{}', providerExecuted: true });
        return;
      }
      case 'computer_call': {
        const toolCallId = callId ?? itemId;
        const toolName = this.#tools.nameOf('computer');
        this.#ongoing.set(outputIndex, { toolName, toolCallId });
        this.#emit({ type: 'tool-input-start', id: toolCallId, toolName });
        return;
      }
      case 'code_interpreter_call': {
        const toolName = this.#tools.nameOf('code_interpreter');
        const containerId = stringOf(item['container_id']);
        this.#ongoing.set(outputIndex, { toolName, toolCallId: itemId, containerId });
        this.#emit({ type: 'tool-input-start', id: itemId, toolName, providerExecuted: true });
        this.#emit({ type: 'tool-input-delta', id: itemId, delta: `{"containerId":"${containerId ?? ''}","code":"` });
        return;
      }
      case 'file_search_call':
        this.#emit({ type: 'tool-call', toolCallId: itemId, toolName: this.#tools.nameOf('file_search'), input: '{}', providerExecuted: true });
        return;
      case 'image_generation_call':
        this.#emit({ type: 'tool-call', toolCallId: itemId, toolName: this.#tools.nameOf('image_generation'), input: '{}', providerExecuted: true });
        return;
      case 'tool_search_call': {
        const toolName = this.#tools.nameOf('tool_search');
        const execution = stringOf(item['execution']) ?? 'server';
        this.#ongoing.set(outputIndex, { toolName, toolCallId: itemId, toolSearchExecution: execution });
        if (item['execution'] === 'server') this.#emit({ type: 'tool-input-start', id: itemId, toolName, providerExecuted: true });
        return;
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
        return;
      }
      case 'shell_call':
        this.#ongoing.set(outputIndex, { toolName: this.#tools.nameOf('shell'), toolCallId: callId ?? itemId });
        return;
      case 'message': {
        this.#activeItems.set(outputIndex, itemId);
        this.#annotations = [];
        this.#messagePhase = stringOf(item['phase']);
        this.#emit({ type: 'text-start', id: itemId, providerMetadata: metadata({ itemId, ...(this.#messagePhase === undefined ? {} : { phase: this.#messagePhase }) }) });
        return;
      }
      case 'reasoning': {
        this.#activeItems.set(outputIndex, itemId);
        const encryptedContent = stringOf(item['encrypted_content']);
        this.#reasoning.set(itemId, { encryptedContent, summaryParts: new Map([[0, 'active']]) });
        this.#emit({ type: 'reasoning-start', id: `${itemId}:0`, providerMetadata: metadata({ itemId, reasoningEncryptedContent: encryptedContent ?? null }) });
        return;
      }
      default:
        return;
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

  #itemDone(item: Fields, outputIndex: number): void {
    const itemId = stringOf(item['id']) ?? '';
    const callId = stringOf(item['call_id']) ?? itemId;
    const ongoing = this.#ongoing.get(outputIndex);
    this.#ongoing.delete(outputIndex);
    switch (item['type']) {
      case 'message': {
        const id = this.#itemIdAt(itemId, outputIndex);
        if (!this.#texted.has(id)) {
          const text = listOf(item['content'])
            .map(fieldsOf)
            .map((part) => (part['type'] === 'output_text' ? stringOf(part['text']) : part['type'] === 'refusal' ? stringOf(part['refusal']) : undefined) ?? '')
            .join('');
          if (text.length > 0) this.#emit({ type: 'text-delta', id, delta: text });
        }
        this.#texted.delete(id);
        const phase = stringOf(item['phase']) ?? this.#messagePhase;
        this.#messagePhase = undefined;
        const annotations = this.#annotations;
        this.#emit({
          type: 'text-end',
          id,
          ...(annotations.some((annotation) => annotation['type'] !== 'file_path') ? { citations: citationsOf(annotations) } : {}),
          providerMetadata: metadata({ itemId: id, ...(phase === undefined ? {} : { phase }), ...(annotations.length > 0 ? { annotations: json(annotations) } : {}) }),
        } as LanguageModelV4StreamPart);
        this.#activeItems.delete(outputIndex);
        return;
      }
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
        return;
      }
      case 'custom_tool_call': {
        this.#hasFunctionCall = true;
        const input = JSON.stringify(item['input']);
        this.#callArguments.remember(callId, input);
        this.#emit({ type: 'tool-input-end', id: callId });
        this.#emit({ type: 'tool-call', toolCallId: callId, toolName: stringOf(item['name']) ?? '', input, providerMetadata: metadata({ itemId, ...(item['async'] === undefined || item['async'] === null ? {} : { async: json(item['async']) }) }) });
        return;
      }
      case 'program':
        this.#emit({ type: 'tool-call', toolCallId: callId, toolName: this.#tools.nameOf('programmatic_tool_calling'), input: JSON.stringify({ code: item['code'], fingerprint: item['fingerprint'] }), providerExecuted: true, providerMetadata: this.#serverItem(item, true) });
        return;
      case 'program_output':
        this.#emit({ type: 'tool-result', toolCallId: callId, toolName: this.#tools.nameOf('programmatic_tool_calling'), result: { result: json(item['result']), status: json(item['status']) }, providerMetadata: this.#serverItem(item, true) });
        return;
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
        return;
      }
      case 'computer_call': {
        if (item['call_id'] === undefined || item['call_id'] === null) {
          const toolName = this.#tools.nameOf('computer_use');
          this.#emit({ type: 'tool-input-end', id: itemId });
          this.#emit({ type: 'tool-call', toolCallId: itemId, toolName, input: '', providerExecuted: true });
          this.#emit({ type: 'tool-result', toolCallId: itemId, toolName, result: { type: 'computer_use_tool_result', status: json(item['status']) }, providerMetadata: this.#serverItem(item) });
          return;
        }
        this.#hasFunctionCall = true;
        const input = JSON.stringify(computerInput(item));
        this.#emit({ type: 'tool-input-delta', id: callId, delta: input });
        this.#emit({ type: 'tool-input-end', id: callId });
        this.#emit({ type: 'tool-call', toolCallId: callId, toolName: this.#tools.nameOf('computer'), input, providerMetadata: metadata({ itemId }) });
        return;
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
        return;
      }
      case 'code_interpreter_call':
        this.#emit({ type: 'tool-result', toolCallId: itemId, toolName: this.#tools.nameOf('code_interpreter'), result: { outputs: json(item['outputs']) }, providerMetadata: this.#serverItem(item) });
        return;
      case 'image_generation_call':
        this.#emit({ type: 'tool-result', toolCallId: itemId, toolName: this.#tools.nameOf('image_generation'), result: { result: json(item['result']) }, providerMetadata: this.#serverItem(item) });
        return;
      case 'tool_search_call': {
        if (ongoing === undefined) return;
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
        return;
      }
      case 'tool_search_output': {
        const toolCallId = stringOf(item['call_id']) ?? this.#hostedToolSearches.shift() ?? itemId;
        this.#emit({ type: 'tool-result', toolCallId, toolName: this.#tools.nameOf('tool_search'), result: { tools: json(item['tools']) }, providerMetadata: this.#serverItem(item, true) });
        return;
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
        return;
      }
      case 'mcp_approval_request': {
        const toolCallId = generateId();
        const approvalId = stringOf(item['approval_request_id']) ?? itemId;
        this.#approvalCalls.set(approvalId, toolCallId);
        const toolName = `mcp.${stringOf(item['name']) ?? ''}`;
        this.#emit({ type: 'tool-call', toolCallId, toolName, input: stringOf(item['arguments']) ?? '', providerExecuted: true, dynamic: true, providerMetadata: metadata({ approvalRequestId: approvalId, item: item as JSONObject }) });
        this.#emit({ type: 'tool-approval-request', approvalId, toolCallId });
        return;
      }
      case 'apply_patch_call': {
        const operation = fieldsOf(item['operation']);
        if (ongoing?.applyPatch !== undefined && !ongoing.applyPatch.endEmitted && operation['type'] !== 'delete_file') this.#endPatchInput(ongoing, stringOf(operation['diff']) ?? '');
        if (ongoing !== undefined && item['status'] === 'completed') {
          this.#hasFunctionCall = true;
          this.#emit({ type: 'tool-call', toolCallId: ongoing.toolCallId, toolName: this.#tools.nameOf('apply_patch'), input: JSON.stringify({ callId: item['call_id'], operation: patchOperation(operation) }), providerMetadata: metadata({ itemId }) });
        }
        return;
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
        return;
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
        return;
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
        return;
      }
      case 'reasoning': {
        const id = this.#itemIdAt(itemId, outputIndex);
        const reasoning = this.#reasoning.get(id);
        if (reasoning !== undefined) {
          const encrypted = stringOf(item['encrypted_content']) ?? null;
          for (const [index, status] of reasoning.summaryParts) {
            if (status === 'concluded') continue;
            this.#emit({ type: 'reasoning-end', id: `${id}:${index}`, providerMetadata: metadata({ itemId: id, reasoningEncryptedContent: encrypted }) });
          }
          this.#reasoning.delete(id);
        }
        this.#activeItems.delete(outputIndex);
        return;
      }
      case 'compaction':
        this.#emit({ type: 'custom', kind: 'modelwire.compaction', providerMetadata: metadata({ type: 'compaction', itemId, encryptedContent: json(item['encrypted_content']) }) } as LanguageModelV4StreamPart);
        return;
      default:
        return;
    }
  }

  /** Closes what is open and emits the citations no search gave as sources. */
  #flush(): void {
    for (const annotation of this.#citations.splice(0)) {
      if ((annotation['type'] === 'url_citation' && this.#webSearchSources) || (annotation['type'] === 'file_citation' && this.#fileSearchResults)) continue;
      this.#emit(annotationSource(annotation));
    }
  }

  /**
   * The `finish` part of a response that ended with an answer: as `@ai-sdk/openai` gives it
   * (`tool-calls` when it called a function or a tool the caller runs, `length` /
   * `content-filter` / `other` for `response.incomplete` by its reason, `content-filter` for
   * a refusal, else `stop`); the usage; the response id and service tier in
   * `providerMetadata.modelwire`. Citations not yet sources are sent first.
   */
  finish(usage: ResponseUsage | undefined, responseId: string | undefined): LanguageModelV4StreamPart {
    this.#flush();
    const reason = this.#facts.incompleteReason;
    const unified: LanguageModelV4FinishReason['unified'] =
      reason === undefined || reason === 'unknown'
        ? this.#hasFunctionCall
          ? 'tool-calls'
          : this.#hasRefusal
            ? 'content-filter'
            : reason === undefined
              ? 'stop'
              : 'other'
        : reason === 'max_output_tokens'
          ? 'length'
          : reason === 'content_filter'
            ? 'content-filter'
            : this.#hasFunctionCall
              ? 'tool-calls'
              : 'other';
    const id = this.#facts.id ?? responseId;
    return {
      type: 'finish',
      finishReason: { unified, raw: reason },
      usage: usageOf(usage, this.#facts.rawUsage),
      providerMetadata: metadata({
        ...(id === undefined ? {} : { responseId: id }),
        ...(this.#facts.serviceTier === undefined ? {} : { serviceTier: this.#facts.serviceTier }),
        ...(this.#facts.reasoningContext === undefined ? {} : { reasoningContext: this.#facts.reasoningContext }),
        ...(this.#facts.promptCacheDiagnostics === undefined ? {} : { promptCacheDiagnostics: this.#facts.promptCacheDiagnostics }),
      }),
    };
  }

  /** The `finish` part after an error part: finish reason `error`, the usage known so far. */
  failedFinish(): LanguageModelV4StreamPart {
    this.#flush();
    return { type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage: usageOf(undefined, undefined), providerMetadata: metadata(this.#facts.id === undefined ? {} : { responseId: this.#facts.id }) };
  }
}

