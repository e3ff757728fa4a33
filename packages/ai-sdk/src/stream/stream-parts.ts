import type { JSONObject, LanguageModelV4FinishReason, LanguageModelV4StreamPart, LanguageModelV4Usage, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { RawResponseEvent, ResponseEvent, ResponseItem, ResponseUsage } from '@modelwire/client';
import { WEBSOCKET_ONLY_EVENT_TYPES, type AttemptObserver } from '@modelwire/fetch';
import type { CallArguments } from '../prompt/call-arguments.js';

/** Where the parts of one call go. */
export interface PartSink {
  /** Queues one part for the AI SDK. */
  enqueue(part: LanguageModelV4StreamPart): void;
  /** Resolves when the AI SDK wants more parts (backpressure). */
  ready(): Promise<void>;
}

/** What the server said about the response: from `response.created`, `.completed`, `.incomplete`. */
interface ResponseFacts {
  id?: string | undefined;
  modelId?: string | undefined;
  timestamp?: Date;
  serviceTier?: string | undefined;
  rawUsage?: JSONObject;
  incompleteReason?: string;
}

type Fields = Readonly<Record<string, unknown>>;
const fieldsOf = (value: unknown): Fields => (typeof value === 'object' && value !== null ? (value as Fields) : {});
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The provider metadata key of every part and result. */
export const PROVIDER_METADATA_KEY = 'modelwire';

const metadata = (fields: Readonly<Record<string, JSONObject[string]>>): SharedV4ProviderMetadata => ({ [PROVIDER_METADATA_KEY]: fields });

/** Token usage as the AI SDK reports it: input with its cached part, output with its reasoning part, and the server's own object. */
export function usageOf(usage: ResponseUsage | undefined, raw: JSONObject | undefined): LanguageModelV4Usage {
  if (usage === undefined) {
    return { inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: undefined, text: undefined, reasoning: undefined }, ...(raw === undefined ? {} : { raw }) };
  }
  return {
    inputTokens: { total: usage.inputTokens, noCache: usage.inputTokens - usage.cachedInputTokens, cacheRead: usage.cachedInputTokens, cacheWrite: undefined },
    outputTokens: { total: usage.outputTokens, text: usage.outputTokens - usage.reasoningOutputTokens, reasoning: usage.reasoningOutputTokens },
    ...(raw === undefined ? {} : { raw }),
  };
}

/** `response.usage` of a raw event in the client's shape (for `response.incomplete`, which the client reports as a failure). */
function usageFromRaw(raw: JSONObject | undefined): ResponseUsage | undefined {
  if (raw === undefined) return undefined;
  const input = raw['input_tokens'];
  const output = raw['output_tokens'];
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  const cached = fieldsOf(raw['input_tokens_details'])['cached_tokens'];
  const reasoning = fieldsOf(raw['output_tokens_details'])['reasoning_tokens'];
  return { inputTokens: input, outputTokens: output, cachedInputTokens: typeof cached === 'number' ? cached : 0, reasoningOutputTokens: typeof reasoning === 'number' ? reasoning : 0, totalTokens: input + output };
}

/**
 * Maps the events of one call, over one or more attempts, to the AI SDK's stream parts:
 *
 * - `response.created` → `response-metadata` (id, model, timestamp);
 * - text → `text-start` / `text-delta` / `text-end`, one block per content part (id: the
 *   item id, `:n` for the part n > 0), `providerMetadata.modelwire.itemId` on start and end;
 * - reasoning → `reasoning-start` / `-delta` / `-end`, one block per summary part, with the
 *   item id and the encrypted content (`reasoningEncryptedContent`, final on `reasoning-end`)
 *   so that the next step sends the item back;
 * - function calls → `tool-input-start` / `-delta` / `-end`, then `tool-call` (the server's
 *   arguments text as input, the item id in `providerMetadata`);
 * - a web search the server ran (when the caller declared it) → a provider-executed
 *   `tool-call` (the server's item in `providerMetadata`, sent back as it was) and its
 *   `tool-result`;
 * - the end → `finish` with the usage and the finish reason (see {@link finish}).
 *
 * As an `AttemptObserver` it tells the retry loop whether the AI SDK saw output (a failure
 * before that is retried unseen), and keeps the failure event a retry may still absorb.
 */
export class StreamParts implements AttemptObserver {
  readonly #sink: PartSink;
  readonly #callArguments: CallArguments;
  readonly #providerToolNames: ReadonlyMap<string, string>;
  readonly #includeRaw: boolean;
  #onStart: (() => void) | null;
  readonly #facts: ResponseFacts = {};
  #producedOutput = false;
  #started = false;
  #failure: RawResponseEvent | null = null;
  #toolCalls = false;
  /** Open text and reasoning blocks by block id, with the item they belong to. */
  readonly #open = new Map<string, { readonly kind: 'text' | 'reasoning'; readonly itemId: string }>();
  /** Text blocks that got text, by block id (a content part streamed without deltas is sent whole on `output_item_done`). */
  readonly #texted = new Set<string>();
  /** Function calls whose input started, by item id. */
  readonly #calls = new Map<string, string>();

  constructor(sink: PartSink, options: { readonly callArguments: CallArguments; readonly providerToolNames: ReadonlyMap<string, string>; readonly includeRaw: boolean; readonly onStart: () => void }) {
    this.#sink = sink;
    this.#callArguments = options.callArguments;
    this.#providerToolNames = options.providerToolNames;
    this.#includeRaw = options.includeRaw;
    this.#onStart = options.onStart;
  }

  /** Whether the response started (`response.created`): the AI SDK has the stream. */
  get started(): boolean {
    return this.#started;
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
  }

  offer(event: RawResponseEvent): void {
    if (this.#includeRaw) this.#sink.enqueue({ type: 'raw', rawValue: event });
    const type = event.type;
    if (type === 'error' || type === 'response.failed') {
      this.#failure = event;
      return;
    }
    // Connection extras (rate limits, timing) say nothing of the response; anything else after a
    // failure means the client went on (a retry, a resend): that failure is moot.
    if (WEBSOCKET_ONLY_EVENT_TYPES.has(type)) return;
    this.#failure = null;
    const response = fieldsOf(event['response']);
    if (type === 'response.created' || type === 'response.in_progress') {
      this.#facts.id = stringOf(response['id']) ?? this.#facts.id;
      this.#facts.modelId = stringOf(response['model']) ?? this.#facts.modelId;
      const created = response['created_at'];
      if (typeof created === 'number') this.#facts.timestamp = new Date(created * 1000);
    }
    if (type === 'response.completed' || type === 'response.incomplete') {
      const usage = response['usage'];
      if (typeof usage === 'object' && usage !== null) this.#facts.rawUsage = usage as JSONObject;
      this.#facts.id = stringOf(response['id']) ?? this.#facts.id;
      this.#facts.serviceTier = stringOf(response['service_tier']) ?? this.#facts.serviceTier;
      this.#facts.modelId = stringOf(response['model']) ?? this.#facts.modelId;
    }
    if (type === 'response.incomplete') this.#facts.incompleteReason = stringOf(fieldsOf(response['incomplete_details'])['reason']) ?? 'unknown';
  }

  event(event: ResponseEvent): Promise<void> {
    this.#map(event);
    return this.#sink.ready();
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const onStart = this.#onStart;
    this.#onStart = null;
    onStart?.();
  }

  #emit(part: LanguageModelV4StreamPart): void {
    this.#start();
    this.#sink.enqueue(part);
  }

  #map(event: ResponseEvent): void {
    switch (event.type) {
      case 'created':
        this.#emit({ type: 'response-metadata', ...(this.#facts.id === undefined ? { id: event.responseId } : { id: this.#facts.id }), ...(this.#facts.modelId === undefined ? {} : { modelId: this.#facts.modelId }), ...(this.#facts.timestamp === undefined ? {} : { timestamp: this.#facts.timestamp }) });
        return;
      case 'output_item_added':
        this.#producedOutput = true;
        this.#itemAdded(event.item);
        return;
      case 'reasoning_summary_part_added':
        this.#producedOutput = true;
        this.#openReasoning(event.itemId, event.summaryIndex);
        return;
      case 'reasoning_summary_delta':
        this.#producedOutput = true;
        this.#emit({ type: 'reasoning-delta', id: this.#openReasoning(event.itemId, event.summaryIndex), delta: event.delta });
        return;
      case 'content_part_added':
        this.#producedOutput = true;
        if (event.part.type === 'output_text') this.#openText(event.itemId, event.contentIndex);
        return;
      case 'output_text_delta': {
        this.#producedOutput = true;
        const id = this.#openText(event.itemId, event.contentIndex);
        this.#texted.add(id);
        this.#emit({ type: 'text-delta', id, delta: event.delta });
        return;
      }
      case 'tool_call_input_delta': {
        this.#producedOutput = true;
        const callId = this.#calls.get(event.itemId);
        if (callId !== undefined) this.#emit({ type: 'tool-input-delta', id: callId, delta: event.delta });
        return;
      }
      case 'output_item_done':
        this.#producedOutput = true;
        this.#itemDone(event.item);
        return;
      default:
        return;
    }
  }

  #itemAdded(item: ResponseItem): void {
    const fields = fieldsOf(item);
    const itemId = stringOf(fields['id']);
    if (itemId === undefined) return;
    if (item.type === 'reasoning') this.#openReasoning(itemId, 0, stringOf(fields['encrypted_content']));
    if (item.type === 'function_call') this.#startCall(itemId, fields);
  }

  #startCall(itemId: string, fields: Fields): string {
    const known = this.#calls.get(itemId);
    if (known !== undefined) return known;
    const callId = stringOf(fields['call_id']) ?? itemId;
    this.#calls.set(itemId, callId);
    this.#emit({ type: 'tool-input-start', id: callId, toolName: stringOf(fields['name']) ?? '' });
    return callId;
  }

  #blockId(itemId: string, index: number): string {
    return index === 0 ? itemId : `${itemId}:${index}`;
  }

  #openText(itemId: string, contentIndex: number): string {
    const id = this.#blockId(itemId, contentIndex);
    if (!this.#open.has(id)) {
      this.#open.set(id, { kind: 'text', itemId });
      this.#emit({ type: 'text-start', id, providerMetadata: metadata({ itemId }) });
    }
    return id;
  }

  #openReasoning(itemId: string, summaryIndex: number, encrypted?: string): string {
    const id = this.#blockId(itemId, summaryIndex);
    if (this.#open.has(id)) return id;
    // A new summary part ends the previous one.
    for (const [openId, block] of this.#open) if (block.kind === 'reasoning' && block.itemId === itemId) this.#close(openId, metadata({ itemId }));
    this.#open.set(id, { kind: 'reasoning', itemId });
    this.#emit({ type: 'reasoning-start', id, providerMetadata: metadata({ itemId, reasoningEncryptedContent: encrypted ?? null }) });
    return id;
  }

  #close(id: string, providerMetadata: SharedV4ProviderMetadata): void {
    const block = this.#open.get(id);
    if (block === undefined) return;
    this.#open.delete(id);
    this.#texted.delete(id);
    this.#emit(block.kind === 'text' ? { type: 'text-end', id, providerMetadata } : { type: 'reasoning-end', id, providerMetadata });
  }

  #closeItem(itemId: string, providerMetadata: SharedV4ProviderMetadata): void {
    for (const [id, block] of [...this.#open]) if (block.itemId === itemId) this.#close(id, providerMetadata);
  }

  #itemDone(item: ResponseItem): void {
    const fields = fieldsOf(item);
    const itemId = stringOf(fields['id']) ?? '';
    switch (item.type) {
      case 'message': {
        const content = Array.isArray(fields['content']) ? (fields['content'] as unknown[]) : [];
        content.forEach((part, index) => {
          const partFields = fieldsOf(part);
          const text = partFields['type'] === 'output_text' ? stringOf(partFields['text']) : partFields['type'] === 'refusal' ? stringOf(partFields['refusal']) : undefined;
          if (text === undefined) return;
          const id = this.#openText(itemId, index);
          if (!this.#texted.has(id) && text.length > 0) this.#emit({ type: 'text-delta', id, delta: text });
        });
        this.#closeItem(itemId, metadata({ itemId }));
        return;
      }
      case 'reasoning': {
        const encrypted = stringOf(fields['encrypted_content']) ?? null;
        if (![...this.#open.values()].some((block) => block.itemId === itemId)) this.#openReasoning(itemId, 0, encrypted ?? undefined);
        this.#closeItem(itemId, metadata({ itemId, reasoningEncryptedContent: encrypted }));
        return;
      }
      case 'function_call': {
        const callId = this.#startCall(itemId, fields);
        const input = stringOf(fields['arguments']) ?? '{}';
        this.#callArguments.remember(callId, input);
        this.#toolCalls = true;
        this.#emit({ type: 'tool-input-end', id: callId });
        this.#emit({ type: 'tool-call', toolCallId: callId, toolName: stringOf(fields['name']) ?? '', input, providerMetadata: metadata({ itemId }) });
        return;
      }
      case 'web_search_call': {
        const toolName = this.#providerToolNames.get('web_search') ?? this.#providerToolNames.get('web_search_preview');
        if (toolName === undefined) return;
        const action = (fields['action'] ?? {}) as JSONObject;
        this.#emit({ type: 'tool-call', toolCallId: itemId, toolName, input: JSON.stringify(action), providerExecuted: true, providerMetadata: metadata({ itemId, item: fields as JSONObject }) });
        this.#emit({ type: 'tool-result', toolCallId: itemId, toolName, result: { status: stringOf(fields['status']) ?? 'completed', action } });
        return;
      }
      default:
        return;
    }
  }

  /**
   * The `finish` part of a response that ended with an answer: `tool-calls` when it called a
   * function, `length` / `content-filter` / `other` for `response.incomplete` (by its reason),
   * else `stop`; the usage; the response id and service tier in `providerMetadata.modelwire`.
   */
  finish(usage: ResponseUsage | undefined, responseId: string | undefined): LanguageModelV4StreamPart {
    for (const id of [...this.#open.keys()]) this.#close(id, metadata({ itemId: this.#open.get(id)?.itemId ?? '' }));
    const reason = this.#facts.incompleteReason;
    const finishReason: LanguageModelV4FinishReason =
      reason !== undefined
        ? { unified: reason === 'max_output_tokens' ? 'length' : reason === 'content_filter' ? 'content-filter' : 'other', raw: reason }
        : { unified: this.#toolCalls ? 'tool-calls' : 'stop', raw: undefined };
    const id = responseId ?? this.#facts.id;
    return {
      type: 'finish',
      finishReason,
      usage: usageOf(usage ?? usageFromRaw(this.#facts.rawUsage), this.#facts.rawUsage),
      providerMetadata: metadata({ ...(id === undefined ? {} : { responseId: id }), ...(this.#facts.serviceTier === undefined ? {} : { serviceTier: this.#facts.serviceTier }) }),
    };
  }

  /** The `finish` part after an error part: finish reason `error`, the usage known so far. */
  failedFinish(): LanguageModelV4StreamPart {
    for (const id of [...this.#open.keys()]) this.#close(id, metadata({ itemId: this.#open.get(id)?.itemId ?? '' }));
    return { type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage: usageOf(undefined, undefined), providerMetadata: metadata(this.#facts.id === undefined ? {} : { responseId: this.#facts.id }) };
  }
}
