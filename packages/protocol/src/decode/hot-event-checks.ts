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

/** `response.output_text.delta`: type, sequence_number?, item_id, output_index, content_index, delta, obfuscation?. */
export const isOutputTextDelta: FastValidator = (value) =>
  isRecord(value) &&
  value['type'] === 'response.output_text.delta' &&
  isOptionalFiniteNumber(value['sequence_number']) &&
  typeof value['item_id'] === 'string' &&
  isFiniteNumber(value['output_index']) &&
  isFiniteNumber(value['content_index']) &&
  typeof value['delta'] === 'string' &&
  isOptionalString(value['obfuscation']);

/** `response.reasoning_summary_text.delta`: type, sequence_number?, item_id, output_index, summary_index, delta, obfuscation?. */
export const isReasoningSummaryTextDelta: FastValidator = (value) =>
  isRecord(value) &&
  value['type'] === 'response.reasoning_summary_text.delta' &&
  isOptionalFiniteNumber(value['sequence_number']) &&
  typeof value['item_id'] === 'string' &&
  isFiniteNumber(value['output_index']) &&
  isFiniteNumber(value['summary_index']) &&
  typeof value['delta'] === 'string' &&
  isOptionalString(value['obfuscation']);

/** `response.function_call_arguments.delta`: type, sequence_number?, item_id, output_index, delta, obfuscation?. */
export const isFunctionCallArgumentsDelta: FastValidator = (value) =>
  isRecord(value) &&
  value['type'] === 'response.function_call_arguments.delta' &&
  isOptionalFiniteNumber(value['sequence_number']) &&
  typeof value['item_id'] === 'string' &&
  isFiniteNumber(value['output_index']) &&
  typeof value['delta'] === 'string' &&
  isOptionalString(value['obfuscation']);
