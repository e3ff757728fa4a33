/**
 * Compaction on the loopback server: compaction v2 (a responses request whose effective input
 * ends with `compaction_trigger`, streamed like any response) and the legacy
 * `POST /responses/compact`, with the broken answers of a `compaction-result` fault.
 */
import type { CompactionResultKind } from './faults.js';
import { isRecord, type JsonObject } from './request-body.js';
import type { PlannedEvent, ResponsePlan } from './response-plan.js';

/** Whether a request's effective input asks for a compaction (its last item is `compaction_trigger`). */
export function endsWithCompactionTrigger(input: readonly unknown[]): boolean {
  const last = input[input.length - 1];
  return isRecord(last) && last['type'] === 'compaction_trigger';
}

/** The user messages of a history (what a compacted window keeps beside its compaction item). */
function userMessages(input: readonly unknown[]): JsonObject[] {
  return input.filter((item): item is JsonObject => isRecord(item) && (item['type'] === 'message' || item['type'] === undefined) && item['role'] === 'user');
}

/**
 * The `compaction` item summarising `history` (deterministic: the opaque content encodes the
 * history's start, so equal histories compact alike).
 */
function compactionItem(id: string, history: readonly unknown[]): JsonObject {
  return { id, type: 'compaction', encrypted_content: `enc_${Buffer.from(JSON.stringify(history)).toString('base64').slice(0, 64)}` };
}

/** The output items of a compaction of `history`, as the fault (if any) breaks them. */
function compactionOutput(history: readonly unknown[], newId: (prefix: string) => string, broken: CompactionResultKind | undefined, legacy: boolean): JsonObject[] {
  const kept = legacy ? userMessages(history) : [];
  const item = compactionItem(newId('cmp'), history);
  switch (broken) {
    case undefined:
      return [...kept, item];
    case 'empty':
      return [];
    case 'no-compaction-item':
      return legacy ? kept : [{ id: newId('msg'), type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Here is a summary instead.', annotations: [] }] }];
    case 'malformed-item': {
      const { encrypted_content: _dropped, ...malformed } = item;
      return [...kept, malformed];
    }
    case 'two-compaction-items':
      return [...kept, item, compactionItem(newId('cmp'), [...history, 'again'])];
  }
}

/** The body of a legacy `POST /responses/compact` answer: `{output: [...user messages, compaction item]}`. */
export function legacyCompactionAnswer(history: readonly unknown[], newId: (prefix: string) => string, broken: CompactionResultKind | undefined): JsonObject {
  return { output: compactionOutput(history, newId, broken, true) };
}

/** Inputs of {@link planCompactionResponse}. */
export interface CompactionPlanInput {
  readonly responseId: string;
  readonly model: string;
  /** The effective input, ending with `compaction_trigger`. */
  readonly input: readonly unknown[];
  /** Bytes of the full effective context, for `input_tokens`. */
  readonly contextBytes: number;
  /** Bytes of it served from the continuation cache, for `cached_tokens`. */
  readonly cachedBytes: number;
  readonly createdAt: number;
  readonly newId: (prefix: string) => string;
  /** How a `compaction-result` fault breaks the output. */
  readonly broken: CompactionResultKind | undefined;
}

/**
 * The events of a compaction v2 response: `created`, `in_progress`, then per output item
 * `output_item.added` (a compaction item already carries `encrypted_content` there, as the API
 * sends it), `response.compaction.compacting` for a compaction item, `output_item.done`, and
 * `completed` with the output and usage.
 */
export function planCompactionResponse(plan: CompactionPlanInput): ResponsePlan {
  const history = plan.input.slice(0, -1);
  const output = compactionOutput(history, plan.newId, plan.broken, false);
  const snapshot: JsonObject = {
    id: plan.responseId,
    object: 'response',
    created_at: plan.createdAt,
    status: 'in_progress',
    model: plan.model,
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
  };
  const events: PlannedEvent[] = [];
  const push = (event: JsonObject): void => {
    events.push({ event: { ...event, sequence_number: events.length }, paced: false });
  };
  push({ type: 'response.created', response: snapshot });
  push({ type: 'response.in_progress', response: snapshot });
  output.forEach((item, outputIndex) => {
    const isCompaction = item['type'] === 'compaction';
    const added = isCompaction && typeof item['encrypted_content'] === 'string' ? { ...item, encrypted_content: `${String(item['encrypted_content']).slice(0, 16)}_pending` } : item;
    push({ type: 'response.output_item.added', output_index: outputIndex, item: added });
    if (isCompaction) push({ type: 'response.compaction.compacting', item_id: item['id'], output_index: outputIndex });
    push({ type: 'response.output_item.done', output_index: outputIndex, item });
  });
  const tokens = (bytes: number): number => Math.ceil(bytes / 4);
  const outputTokens = tokens(Buffer.byteLength(JSON.stringify(output)));
  const usage = {
    input_tokens: tokens(plan.contextBytes),
    input_tokens_details: { cached_tokens: Math.min(tokens(plan.cachedBytes), tokens(plan.contextBytes)) },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: tokens(plan.contextBytes) + outputTokens,
  };
  push({ type: 'response.completed', response: { ...snapshot, status: 'completed', output, usage } });
  return { responseId: plan.responseId, events, output, snapshot };
}
