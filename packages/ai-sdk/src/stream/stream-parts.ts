import type { JSONObject, JSONValue, LanguageModelV4FinishReason, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { RawResponseEvent, ResponseEvent, ResponseUsage } from '@modelwire/client';
import { WEBSOCKET_ONLY_EVENT_TYPES, type AttemptObserver } from '@modelwire/fetch';
import type { CallArguments } from '../prompt/call-arguments.js';
import type { ProviderToolNames } from '../request/provider-tools.js';
import { fieldsOf, json, listOf, metadata, numberOf, stringOf, usageOf, type Fields } from './part-values.js';
import { ToolItemParts } from './tool-item-parts.js';
import { annotationSource, citationsOf } from './tool-item-values.js';

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
  #hasRefusal = false;
  readonly #toolItems: ToolItemParts;
  /** The item id streaming at each output index (text and reasoning deltas name their item by index first). */
  readonly #activeItems = new Map<number, string>();
  readonly #reasoning = new Map<string, OpenReasoning>();
  /** Messages that got a text delta, by item id (a message streamed without deltas is sent whole when it ends). */
  readonly #texted = new Set<string>();
  #annotations: Fields[] = [];
  /** URL and file citations, sent as sources at the end unless a search already gave its sources. */
  readonly #citations: Fields[] = [];
  #messagePhase: string | undefined;

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
    this.#toolItems = new ToolItemParts((part) => this.#emit(part), { callArguments: options.callArguments, tools: options.providerToolNames, approvalCalls: options.approvalCalls ?? new Map() });
    this.#includeRaw = options.includeRaw;
    this.#store = options.store ?? false;
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
    this.#toolItems.reset();
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
        if (!this.#toolItems.added(fieldsOf(event['item']), outputIndex)) this.#itemAdded(fieldsOf(event['item']), outputIndex);
        return;
      case 'response.output_item.done':
        if (!this.#toolItems.done(fieldsOf(event['item']), outputIndex)) this.#itemDone(fieldsOf(event['item']), outputIndex);
        return;
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
        this.#toolItems.delta(event);
        return;
    }
  }

  #itemAdded(item: Fields, outputIndex: number): void {
    const itemId = stringOf(item['id']) ?? '';
    switch (item['type']) {
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

  #itemDone(item: Fields, outputIndex: number): void {
    const itemId = stringOf(item['id']) ?? '';
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
      if ((annotation['type'] === 'url_citation' && this.#toolItems.webSearchSources) || (annotation['type'] === 'file_citation' && this.#toolItems.fileSearchResults)) continue;
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
        ? this.#toolItems.hasFunctionCall
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
            : this.#toolItems.hasFunctionCall
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

