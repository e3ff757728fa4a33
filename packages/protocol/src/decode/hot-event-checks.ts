import type { FastValidator } from './compile-validator.js';

// Hand-written checks for the three delta events that make up most of a stream (assistant text,
// reasoning summaries, function-call arguments). Each reads its fields by name, so V8 sees one
// or two object shapes per check and the loads stay cheap; the generic compiled check reads
// fields by computed key, which costs more than the JSON parse of a small event allows. Each is
// exactly its schema's check (see stream-events.ts; property-tested against zod with the others).

type Fields = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

function isOptionalFiniteNumber(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

// The field checks of each delta, for a value already known to be a record of that `type`.
function hasOutputTextDeltaFields(value: Fields): boolean {
  return (
    isOptionalFiniteNumber(value['sequence_number']) &&
    typeof value['item_id'] === 'string' &&
    isFiniteNumber(value['output_index']) &&
    isFiniteNumber(value['content_index']) &&
    typeof value['delta'] === 'string' &&
    isOptionalString(value['obfuscation'])
  );
}

function hasReasoningSummaryTextDeltaFields(value: Fields): boolean {
  return (
    isOptionalFiniteNumber(value['sequence_number']) &&
    typeof value['item_id'] === 'string' &&
    isFiniteNumber(value['output_index']) &&
    isFiniteNumber(value['summary_index']) &&
    typeof value['delta'] === 'string' &&
    isOptionalString(value['obfuscation'])
  );
}

function hasFunctionCallArgumentsDeltaFields(value: Fields): boolean {
  return (
    isOptionalFiniteNumber(value['sequence_number']) &&
    typeof value['item_id'] === 'string' &&
    isFiniteNumber(value['output_index']) &&
    typeof value['delta'] === 'string' &&
    isOptionalString(value['obfuscation'])
  );
}

/** `response.output_text.delta`: type, sequence_number?, item_id, output_index, content_index, delta, obfuscation?. */
export const isOutputTextDelta: FastValidator = (value) => isRecord(value) && value['type'] === 'response.output_text.delta' && hasOutputTextDeltaFields(value);

/** `response.reasoning_summary_text.delta`: type, sequence_number?, item_id, output_index, summary_index, delta, obfuscation?. */
export const isReasoningSummaryTextDelta: FastValidator = (value) =>
  isRecord(value) && value['type'] === 'response.reasoning_summary_text.delta' && hasReasoningSummaryTextDeltaFields(value);

/** `response.function_call_arguments.delta`: type, sequence_number?, item_id, output_index, delta, obfuscation?. */
export const isFunctionCallArgumentsDelta: FastValidator = (value) =>
  isRecord(value) && value['type'] === 'response.function_call_arguments.delta' && hasFunctionCallArgumentsDeltaFields(value);

/**
 * Whether `value`, a record whose `type` is the string `type`, is one of the three hottest
 * deltas and passes its check. The decoder calls it before its table: a direct call of a known
 * function is inlined, where the table's per-type check is an indirect call V8 cannot inline,
 * and the type is compared once, after its length (one compare of a fresh string is a builtin
 * call; a length is a load). `false` means "not accepted here": the event then goes through its
 * table entry as usual.
 */
export function acceptsHotDelta(type: string, value: Fields): boolean {
  switch (type.length) {
    case 26:
      return type === 'response.output_text.delta' && hasOutputTextDeltaFields(value);
    case 37:
      return type === 'response.reasoning_summary_text.delta' && hasReasoningSummaryTextDeltaFields(value);
    case 38:
      return type === 'response.function_call_arguments.delta' && hasFunctionCallArgumentsDeltaFields(value);
    default:
      return false;
  }
}
