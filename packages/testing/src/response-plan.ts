/**
 * Turns a model's decision (or a script) into the exact event sequence of one response, with
 * sequence numbers, item ids, response snapshots and token usage.
 */
import type { ModelOutput } from './default-model.js';
import { isRecord, type JsonObject } from './request-body.js';
import type { RecordedTranscript } from './server-options.js';
import { parseLine } from './transcript-replay.js';

/** One event of a planned response; `paced` events (deltas) wait the token delay first. */
export interface PlannedEvent {
  readonly event: JsonObject;
  readonly paced: boolean;
}

/** Everything the server needs to send one response and to remember it for continuation. */
export interface ResponsePlan {
  readonly responseId: string;
  readonly events: readonly PlannedEvent[];
  /** The output items of the completed response (what continuation appends). */
  readonly output: readonly JsonObject[];
  /** The response object without output/usage, for terminal events injected by faults. */
  readonly snapshot: JsonObject;
  /** Set when the response replays a recording: sent instead of `events`, byte for byte. */
  readonly transcript?: RecordedTranscript;
}

/** Inputs of {@link planModelResponse}. */
export interface PlanInput {
  readonly responseId: string;
  readonly model: string;
  readonly outputs: readonly ModelOutput[];
  /** Characters per text/arguments delta. */
  readonly deltaChars: number;
  /** Bytes of the full effective context (instructions, tools, input) for `input_tokens`. */
  readonly contextBytes: number;
  /** Bytes of that context served from the continuation cache, for `cached_tokens`. */
  readonly cachedBytes: number;
  /** Seconds since the epoch, for `created_at`. */
  readonly createdAt: number;
  /**
   * Whether `response.completed.output` carries each reasoning item with a new
   * `encrypted_content` (the live API re-encrypts reasoning after `output_item.done`). The
   * continuation cache keeps the streamed items. Default `false`.
   */
  readonly reencryptReasoning?: boolean;
}

const tokens = (bytes: number): number => Math.ceil(bytes / 4);

function chunks(text: string, size: number): string[] {
  const result: string[] = [];
  const characters = Array.from(text);
  for (let index = 0; index < characters.length; index += size) result.push(characters.slice(index, index + size).join(''));
  return result;
}

class EventList {
  readonly events: PlannedEvent[] = [];
  push(event: JsonObject, paced = false): void {
    this.events.push({ event: { ...event, sequence_number: this.events.length }, paced });
  }
}

/** Builds the events of a response from the model's output decision. */
export function planModelResponse(input: PlanInput): ResponsePlan {
  const snapshot: JsonObject = {
    id: input.responseId,
    object: 'response',
    created_at: input.createdAt,
    status: 'in_progress',
    model: input.model,
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
  };
  const list = new EventList();
  list.push({ type: 'response.created', response: snapshot });
  list.push({ type: 'response.in_progress', response: snapshot });
  const output: JsonObject[] = [];
  let outputBytes = 0;
  let reasoningBytes = 0;
  const suffix = input.responseId.replace(/^resp_/, '');
  for (const [outputIndex, decided] of input.outputs.entries()) {
    const base = { output_index: outputIndex };
    if (decided.kind === 'reasoning') {
      const id = `rs_${suffix}_${outputIndex}`;
      list.push({ type: 'response.output_item.added', ...base, item: { id, type: 'reasoning', summary: [] } });
      const summary = decided.summary === undefined ? [] : [{ type: 'summary_text', text: decided.summary }];
      if (decided.summary !== undefined) {
        const where = { item_id: id, ...base, summary_index: 0 };
        list.push({ type: 'response.reasoning_summary_part.added', ...where, part: { type: 'summary_text', text: '' } });
        for (const delta of chunks(decided.summary, input.deltaChars)) {
          list.push({ type: 'response.reasoning_summary_text.delta', ...where, delta }, true);
        }
        list.push({ type: 'response.reasoning_summary_text.done', ...where, text: decided.summary });
        list.push({ type: 'response.reasoning_summary_part.done', ...where, part: summary[0] });
        reasoningBytes += Buffer.byteLength(decided.summary);
      }
      const item: JsonObject = { id, type: 'reasoning', summary };
      if (decided.encrypted) item['encrypted_content'] = `enc_${Buffer.from(`${input.responseId}:${outputIndex}`).toString('base64')}`;
      list.push({ type: 'response.output_item.done', ...base, item });
      output.push(item);
    } else if (decided.kind === 'message') {
      const id = `msg_${suffix}_${outputIndex}`;
      const where = { item_id: id, ...base, content_index: 0 };
      list.push({
        type: 'response.output_item.added',
        ...base,
        item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] },
      });
      list.push({ type: 'response.content_part.added', ...where, part: { type: 'output_text', text: '', annotations: [] } });
      for (const delta of chunks(decided.text, input.deltaChars)) {
        list.push({ type: 'response.output_text.delta', ...where, delta, logprobs: [] }, true);
      }
      const part = { type: 'output_text', text: decided.text, annotations: [] };
      list.push({ type: 'response.output_text.done', ...where, text: decided.text, logprobs: [] });
      list.push({ type: 'response.content_part.done', ...where, part });
      const item = { id, type: 'message', role: 'assistant', status: 'completed', content: [part] };
      list.push({ type: 'response.output_item.done', ...base, item });
      output.push(item);
      outputBytes += Buffer.byteLength(decided.text);
    } else {
      const id = `fc_${suffix}_${outputIndex}`;
      const added = { id, type: 'function_call', status: 'in_progress', call_id: decided.callId, name: decided.name, arguments: '' };
      list.push({ type: 'response.output_item.added', ...base, item: added });
      for (const delta of chunks(decided.arguments, input.deltaChars)) {
        list.push({ type: 'response.function_call_arguments.delta', item_id: id, ...base, delta }, true);
      }
      list.push({ type: 'response.function_call_arguments.done', item_id: id, ...base, arguments: decided.arguments });
      const item = { ...added, status: 'completed', arguments: decided.arguments };
      list.push({ type: 'response.output_item.done', ...base, item });
      output.push(item);
      outputBytes += Buffer.byteLength(decided.arguments) + Buffer.byteLength(decided.name);
    }
  }
  const usage = {
    input_tokens: tokens(input.contextBytes),
    input_tokens_details: { cached_tokens: Math.min(tokens(input.cachedBytes), tokens(input.contextBytes)) },
    output_tokens: tokens(outputBytes) + tokens(reasoningBytes),
    output_tokens_details: { reasoning_tokens: tokens(reasoningBytes) },
    total_tokens: tokens(input.contextBytes) + tokens(outputBytes) + tokens(reasoningBytes),
  };
  const completedOutput = input.reencryptReasoning === true ? output.map(reencrypted) : output;
  list.push({ type: 'response.completed', response: { ...snapshot, status: 'completed', output: completedOutput, usage } });
  return { responseId: input.responseId, events: list.events, output, snapshot };
}

/** A reasoning item with its `encrypted_content` encrypted again (other items as they are). */
function reencrypted(item: JsonObject): JsonObject {
  const content = item['encrypted_content'];
  if (item['type'] !== 'reasoning' || typeof content !== 'string') return item;
  return { ...item, encrypted_content: `enc_${Buffer.from(`${content}:completed`).toString('base64')}` };
}

/**
 * Wraps scripted events. They are sent as given; a missing `sequence_number` is filled in. The
 * response id and output (for continuation) are read from the `response` objects they carry.
 */
export function planScriptedResponse(events: readonly JsonObject[], fallbackId: string): ResponsePlan {
  let responseId: string | undefined;
  let output: JsonObject[] = [];
  let snapshot: JsonObject = { id: fallbackId, object: 'response', status: 'in_progress', output: [], usage: null };
  const planned = events.map((event, index): PlannedEvent => {
    const response = event['response'];
    if (isRecord(response)) {
      if (typeof response['id'] === 'string') responseId ??= response['id'];
      if (event['type'] === 'response.created') snapshot = response;
      if (event['type'] === 'response.completed' && Array.isArray(response['output'])) {
        output = response['output'].filter(isRecord);
      }
    }
    const type = String(event['type'] ?? '');
    const withSequence = 'sequence_number' in event ? event : { ...event, sequence_number: index };
    return { event: withSequence, paced: type.endsWith('.delta') };
  });
  return { responseId: responseId ?? fallbackId, events: planned, output, snapshot };
}

/**
 * Wraps a recorded transcript: its lines are sent as they are; the JSON ones give the response
 * id, output and snapshot (for continuation and the non-streamed answer).
 */
export function planTranscript(transcript: RecordedTranscript, fallbackId: string): ResponsePlan {
  const parsed: JsonObject[] = [];
  for (const line of transcript.transcript) {
    const event = parseLine(line);
    if (event !== undefined) parsed.push(event);
  }
  return { ...planScriptedResponse(parsed, fallbackId), transcript };
}
