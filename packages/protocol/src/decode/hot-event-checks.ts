import type { FastValidator } from './compile-validator.js';

// Hand-written checks for the delta events that make up most of a stream (assistant text,
// reasoning summaries, function-call arguments, raw reasoning text, interpreter code). Each
// reads its fields by name, once, into locals, so V8 loads each field with one inline cache of
// its own (the generic compiled check reads fields by computed key, which costs more than the
// JSON parse of a small event allows). Each is exactly its schema's check (see
// stream-events.ts; property-tested against zod with the others).
//
// The values read are kept in `lastAcceptedDelta` for `mapStreamEvent`: a client maps the event
// it just decoded, and mapping it from what the check already read saves reading every field a
// second time (providers send these deltas with several key orders, six for assistant text in
// the recordings, so each read is a megamorphic load) and comparing the type string again.

type Fields = Readonly<Record<string, unknown>>;

/** Which hot delta `lastAcceptedDelta` holds (what `mapStreamEvent` builds from it). */
export const HotDeltaKind = {
  /** `response.output_text.delta`: `index` is `content_index`. */
  OutputText: 1,
  /** `response.reasoning_summary_text.delta`: `index` is `summary_index`. */
  ReasoningSummaryText: 2,
  /** `response.function_call_arguments.delta`: no `index`. */
  FunctionCallArguments: 3,
  /** `response.reasoning_text.delta`: `index` is `content_index`. */
  ReasoningText: 4,
  /** `response.code_interpreter_call_code.delta`: no `index`. */
  CodeInterpreterCode: 5,
} as const;
export type HotDeltaKind = (typeof HotDeltaKind)[keyof typeof HotDeltaKind];

/**
 * The fields of the hot delta the decoder accepted last (one slot, overwritten by the next
 * accepted delta). `event` is the accepted object itself: `mapStreamEvent` uses the slot only
 * for that very object, and empties it when it does, so any other event (or the same one mapped
 * again) is mapped from its own fields.
 */
class AcceptedDelta {
  event: object | undefined = undefined;
  kind: HotDeltaKind = HotDeltaKind.OutputText;
  itemId = '';
  outputIndex = 0;
  /** `content_index` or `summary_index` (0 for the kinds without one). */
  index = 0;
  delta = '';
}

/** See {@link AcceptedDelta}. Read and emptied by `mapStreamEvent` only. */
export const lastAcceptedDelta = new AcceptedDelta();

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isOptionalFiniteNumber(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function remember(event: Fields, kind: HotDeltaKind, itemId: string, outputIndex: number, index: number, delta: string): true {
  const slot = lastAcceptedDelta;
  slot.event = event;
  slot.kind = kind;
  slot.itemId = itemId;
  slot.outputIndex = outputIndex;
  slot.index = index;
  slot.delta = delta;
  return true;
}

// The field checks of each delta, for a value already known to be a record of that `type`;
// each remembers what it read when it accepts. One function per type: a shared one would
// share its inline caches between the types' key orders.

/** `response.output_text.delta`: sequence_number?, item_id, output_index, content_index, delta, obfuscation?. */
function acceptOutputTextDelta(value: Fields): boolean {
  const itemId = value['item_id'];
  const outputIndex = value['output_index'];
  const contentIndex = value['content_index'];
  const delta = value['delta'];
  if (typeof itemId !== 'string' || !isFiniteNumber(outputIndex) || !isFiniteNumber(contentIndex) || typeof delta !== 'string') return false;
  if (!isOptionalFiniteNumber(value['sequence_number']) || !isOptionalString(value['obfuscation'])) return false;
  return remember(value, HotDeltaKind.OutputText, itemId, outputIndex, contentIndex, delta);
}

/** `response.reasoning_summary_text.delta`: sequence_number?, item_id, output_index, summary_index, delta, obfuscation?. */
function acceptReasoningSummaryTextDelta(value: Fields): boolean {
  const itemId = value['item_id'];
  const outputIndex = value['output_index'];
  const summaryIndex = value['summary_index'];
  const delta = value['delta'];
  if (typeof itemId !== 'string' || !isFiniteNumber(outputIndex) || !isFiniteNumber(summaryIndex) || typeof delta !== 'string') return false;
  if (!isOptionalFiniteNumber(value['sequence_number']) || !isOptionalString(value['obfuscation'])) return false;
  return remember(value, HotDeltaKind.ReasoningSummaryText, itemId, outputIndex, summaryIndex, delta);
}

/** `response.function_call_arguments.delta`: sequence_number?, item_id, output_index, delta, obfuscation?. */
function acceptFunctionCallArgumentsDelta(value: Fields): boolean {
  const itemId = value['item_id'];
  const outputIndex = value['output_index'];
  const delta = value['delta'];
  if (typeof itemId !== 'string' || !isFiniteNumber(outputIndex) || typeof delta !== 'string') return false;
  if (!isOptionalFiniteNumber(value['sequence_number']) || !isOptionalString(value['obfuscation'])) return false;
  return remember(value, HotDeltaKind.FunctionCallArguments, itemId, outputIndex, 0, delta);
}

/** `response.reasoning_text.delta`: sequence_number?, item_id, output_index, content_index, delta, obfuscation?. */
function acceptReasoningTextDelta(value: Fields): boolean {
  const itemId = value['item_id'];
  const outputIndex = value['output_index'];
  const contentIndex = value['content_index'];
  const delta = value['delta'];
  if (typeof itemId !== 'string' || !isFiniteNumber(outputIndex) || !isFiniteNumber(contentIndex) || typeof delta !== 'string') return false;
  if (!isOptionalFiniteNumber(value['sequence_number']) || !isOptionalString(value['obfuscation'])) return false;
  return remember(value, HotDeltaKind.ReasoningText, itemId, outputIndex, contentIndex, delta);
}

/** `response.code_interpreter_call_code.delta`: sequence_number?, item_id, output_index, delta, obfuscation?. */
function acceptCodeInterpreterCodeDelta(value: Fields): boolean {
  const itemId = value['item_id'];
  const outputIndex = value['output_index'];
  const delta = value['delta'];
  if (typeof itemId !== 'string' || !isFiniteNumber(outputIndex) || typeof delta !== 'string') return false;
  if (!isOptionalFiniteNumber(value['sequence_number']) || !isOptionalString(value['obfuscation'])) return false;
  return remember(value, HotDeltaKind.CodeInterpreterCode, itemId, outputIndex, 0, delta);
}

/** `response.output_text.delta`, as a schema check (registered for its schema in the decoder's table). */
export const isOutputTextDelta: FastValidator = (value) => isRecord(value) && value['type'] === 'response.output_text.delta' && acceptOutputTextDelta(value);

/** `response.reasoning_summary_text.delta`, as a schema check. */
export const isReasoningSummaryTextDelta: FastValidator = (value) =>
  isRecord(value) && value['type'] === 'response.reasoning_summary_text.delta' && acceptReasoningSummaryTextDelta(value);

/** `response.function_call_arguments.delta`, as a schema check. */
export const isFunctionCallArgumentsDelta: FastValidator = (value) =>
  isRecord(value) && value['type'] === 'response.function_call_arguments.delta' && acceptFunctionCallArgumentsDelta(value);

/** `response.reasoning_text.delta`, as a schema check. */
export const isReasoningTextDelta: FastValidator = (value) => isRecord(value) && value['type'] === 'response.reasoning_text.delta' && acceptReasoningTextDelta(value);

/** `response.code_interpreter_call_code.delta`, as a schema check. */
export const isCodeInterpreterCodeDelta: FastValidator = (value) =>
  isRecord(value) && value['type'] === 'response.code_interpreter_call_code.delta' && acceptCodeInterpreterCodeDelta(value);

/**
 * Whether `value`, a record whose `type` is the string `type`, is one of the hot deltas and
 * passes its check (and then remembers it in {@link lastAcceptedDelta}). The decoder calls it
 * before its table: a direct call of a known function is inlined, where the table's per-type
 * check is an indirect call V8 cannot inline, and the type is compared once, after its length
 * (one compare of a fresh string is a builtin call; a length is a load). `false` means "not
 * accepted here": the event then goes through its table entry as usual.
 */
export function acceptsHotDelta(type: string, value: Fields): boolean {
  switch (type.length) {
    case 26:
      return type === 'response.output_text.delta' && acceptOutputTextDelta(value);
    case 37:
      return type === 'response.reasoning_summary_text.delta' && acceptReasoningSummaryTextDelta(value);
    case 38:
      return type === 'response.function_call_arguments.delta' && acceptFunctionCallArgumentsDelta(value);
    case 29:
      return type === 'response.reasoning_text.delta' && acceptReasoningTextDelta(value);
    case 41:
      return type === 'response.code_interpreter_call_code.delta' && acceptCodeInterpreterCodeDelta(value);
    default:
      return false;
  }
}
