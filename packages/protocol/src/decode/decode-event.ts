import { redactText } from '@modelwire/errors';
import type { z } from 'zod';
import { CodeInterpreterCallCodeDeltaEventSchema } from '../schemas/built-in-tool-events.js';
import {
  FunctionCallArgumentsDeltaEventSchema,
  OutputTextDeltaEventSchema,
  ReasoningSummaryTextDeltaEventSchema,
  ReasoningTextDeltaEventSchema,
  STREAM_EVENT_SCHEMAS,
  UNKNOWN_EVENT_TYPE,
  type KnownStreamEvent,
  type StreamEvent,
  type UnknownStreamEvent,
} from '../schemas/stream-events.js';
import { KNOWN_CONTENT_TYPES, VALIDATED_ITEM_TYPES, UnknownContentFallbackSchema, UnknownItemFallbackSchema } from '../schemas/response-item.js';
import { compileValidator, registerFastValidator, type FastValidator } from './compile-validator.js';
import { StringTable } from './string-table.js';
import {
  acceptsHotDelta,
  isCodeInterpreterCodeDelta,
  isFunctionCallArgumentsDelta,
  isOutputTextDelta,
  isReasoningSummaryTextDelta,
  isReasoningTextDelta,
} from './hot-event-checks.js';

/** Why a payload could not be decoded. */
export type DecodeFailureReason =
  /** The text is not JSON. */
  | 'invalid_json'
  /** Valid JSON, but not an event object, no string `type`, or a known type with the wrong fields. */
  | 'wrong_shape'
  /** The text is longer than `maxPayloadChars`. */
  | 'too_large';

/** A payload that could not be decoded, as data. */
export interface DecodeFailure {
  /** Why decoding failed. */
  readonly reason: DecodeFailureReason;
  /** A short human-readable explanation (for example the first schema issue). */
  readonly message: string;
  /** The event's JSON `type`, when it had one. */
  readonly eventType?: string;
  /** The first {@link DecodeOptions.previewChars} characters of the payload (redacted), for logs. */
  readonly payload: string;
  /** Length of the whole payload in characters (of its JSON text for non-string input). */
  readonly payloadLength: number;
}

/** The outcome of {@link decodeEvent}: never an exception. */
export type DecodeResult = { readonly ok: true; readonly event: StreamEvent } | { readonly ok: false; readonly error: DecodeFailure };

/** Options of {@link decodeEvent}. */
export interface DecodeOptions {
  /** Text payloads longer than this (in UTF-16 characters) are refused as `too_large`. Default 16 MiB worth of characters. */
  readonly maxPayloadChars?: number;
  /** How much of a failed payload to keep in {@link DecodeFailure.payload}. Default 512 characters. */
  readonly previewChars?: number;
}

/** Default {@link DecodeOptions.maxPayloadChars}: 16 Mi characters. */
export const DEFAULT_MAX_PAYLOAD_CHARS = 16 * 1024 * 1024;
/** Default {@link DecodeOptions.previewChars}. */
export const DEFAULT_PREVIEW_CHARS = 512;

interface EventDecoder {
  readonly schema: z.ZodType;
  /** Present when the schema compiles to a plain check (the hot delta events). */
  readonly fast: FastValidator | undefined;
}

function isRecordWithTypeOutside(types: ReadonlySet<string>): FastValidator {
  const known = new StringTable([...types].map((type) => [type, true] as const));
  return (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string' && !known.has((value as { type: string }).type);
}
// The two refinements in the item schemas, as plain checks (compared with zod by property tests).
registerFastValidator(UnknownItemFallbackSchema, isRecordWithTypeOutside(VALIDATED_ITEM_TYPES));
registerFastValidator(UnknownContentFallbackSchema, isRecordWithTypeOutside(KNOWN_CONTENT_TYPES));
// The hot deltas, checked field by name (compared with zod by the same property tests).
registerFastValidator(OutputTextDeltaEventSchema, isOutputTextDelta);
registerFastValidator(ReasoningSummaryTextDeltaEventSchema, isReasoningSummaryTextDelta);
registerFastValidator(FunctionCallArgumentsDeltaEventSchema, isFunctionCallArgumentsDelta);
registerFastValidator(ReasoningTextDeltaEventSchema, isReasoningTextDelta);
registerFastValidator(CodeInterpreterCallCodeDeltaEventSchema, isCodeInterpreterCodeDelta);

// Dispatch on `type` through one table lookup (no hashing of the fresh type string); every
// event gets its compiled check.
const DECODERS = new StringTable<EventDecoder>(
  Object.entries(STREAM_EVENT_SCHEMAS).map(([type, schema]) => [type, { schema: schema as z.ZodType, fast: compileValidator(schema as z.ZodType) }]),
);

function previewOf(payload: unknown, previewChars: number): { payload: string; payloadLength: number } {
  let text: string;
  if (typeof payload === 'string') {
    text = payload;
  } else {
    try {
      text = JSON.stringify(payload) ?? String(payload);
    } catch {
      text = Object.prototype.toString.call(payload);
    }
  }
  return { payload: redactText(text.slice(0, previewChars)), payloadLength: text.length };
}

function failure(reason: DecodeFailureReason, message: string, payload: unknown, options: DecodeOptions | undefined, eventType?: string): DecodeResult {
  return {
    ok: false,
    error: {
      reason,
      message,
      ...(eventType !== undefined ? { eventType } : {}),
      ...previewOf(payload, options?.previewChars ?? DEFAULT_PREVIEW_CHARS),
    },
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match its schema';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

/**
 * Decodes one stream event (SSE `data`, or a WebSocket text frame) and validates it. Never
 * throws: every outcome is a {@link DecodeResult}.
 *
 * - `input` is JSON text (a string) or an already-parsed value.
 * - Known event types are validated against their schema and returned typed, without a copy:
 *   the hot deltas by hand-written checks, every other type by the plain check its
 *   schema compiles to (see `compileValidator`); zod itself runs only when a check rejects, to
 *   name the field that is wrong.
 * - Unknown event types are returned as an {@link UnknownStreamEvent} (as is the stray
 *   `[DONE]` some servers send, with `originalType: "[DONE]"`).
 * - Invalid JSON, a wrong shape or an oversized text payload give `ok: false` with a truncated,
 *   redacted copy of the payload.
 */
export function decodeEvent(input: unknown, options?: DecodeOptions): DecodeResult {
  let value: unknown = input;
  if (typeof input === 'string') {
    const limit = options?.maxPayloadChars ?? DEFAULT_MAX_PAYLOAD_CHARS;
    if (input.length > limit) return failure('too_large', `payload of ${input.length} characters exceeds the limit of ${limit}`, input, options);
    try {
      value = JSON.parse(input);
    } catch (error) {
      if (input.trim() === '[DONE]') return { ok: true, event: { type: UNKNOWN_EVENT_TYPE, originalType: '[DONE]', payload: {} } };
      return failure('invalid_json', error instanceof Error ? error.message : 'invalid JSON', input, options);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('wrong_shape', `expected an event object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, value, options);
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return failure('wrong_shape', 'the event has no string "type"', value, options);
  if (acceptsHotDelta(type, value as Readonly<Record<string, unknown>>)) return { ok: true, event: value as KnownStreamEvent };
  const decoder = DECODERS.get(type);
  if (decoder === undefined) {
    const unknown: UnknownStreamEvent = { type: UNKNOWN_EVENT_TYPE, originalType: type, payload: value as Record<string, unknown> };
    return { ok: true, event: unknown };
  }
  // The compiled check accepts without a copy; a rejection (or no compiled check) goes through
  // zod, which gives the issue to report.
  if (decoder.fast?.(value) === true) return { ok: true, event: value as KnownStreamEvent };
  const parsed = decoder.schema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data as KnownStreamEvent };
  return failure('wrong_shape', `${type}: ${describeIssue(parsed.error)}`, value, options, type);
}
