import { z } from 'zod';
import { ResponseSteerAcceptedEventSchema, ResponseSteerFailedEventSchema, ResponseSteerPendingEventSchema } from './steering.js';
import { BUILT_IN_TOOL_EVENT_SCHEMAS } from './built-in-tool-events.js';
import { ErrorEventSchema } from './error-payload.js';
import { ResponseItemSchema } from './response-item.js';
import { ResponseSnapshotSchema } from './response-snapshot.js';
import { itemPieceEvent, sequenceNumber, textFields, toolInputEvent } from './stream-event-shapes.js';
import { CodexRateLimitsEventSchema, CodexResponseMetadataEventSchema, ResponseMetadataEventSchema, WebSocketTimingEventSchema } from './websocket-server-events.js';

// Every Responses stream event the client interprets, keyed by its JSON `type`: here the
// lifecycle, item, text, reasoning and tool-input events; the built-in tool, shell and audio
// events are in `built-in-tool-events.ts`. All objects are loose (new fields survive).

function lifecycleEvent<T extends string>(type: T) {
  return z.looseObject({ type: z.literal(type), sequence_number: sequenceNumber, response: ResponseSnapshotSchema });
}

/** `response.created`: the first event of a response. */
export const ResponseCreatedEventSchema = lifecycleEvent('response.created');
/** `response.in_progress`. */
export const ResponseInProgressEventSchema = lifecycleEvent('response.in_progress');
/** `response.queued`. */
export const ResponseQueuedEventSchema = lifecycleEvent('response.queued');
/** `response.completed`: the only success terminal; carries `response.id`, `usage`, `output`. */
export const ResponseCompletedEventSchema = lifecycleEvent('response.completed');
/** `response.incomplete`: terminal, output truncated (`response.incomplete_details.reason`). */
export const ResponseIncompleteEventSchema = lifecycleEvent('response.incomplete');
/** `response.failed`: terminal failure (`response.error {code, message}`). */
export const ResponseFailedEventSchema = lifecycleEvent('response.failed');

function outputItemEvent<T extends string>(type: T) {
  return z.looseObject({ type: z.literal(type), sequence_number: sequenceNumber, output_index: z.number(), item: ResponseItemSchema });
}
/** `response.output_item.added`: an item started (fields may still be partial). */
export const OutputItemAddedEventSchema = outputItemEvent('response.output_item.added');
/** `response.output_item.done`: the final form of an item. */
export const OutputItemDoneEventSchema = outputItemEvent('response.output_item.done');

const partField = { part: z.looseObject({ type: z.string() }) };

function contentPartEvent<T extends string>(type: T) {
  return itemPieceEvent(type, { content_index: z.number(), ...partField });
}
/** `response.content_part.added`. */
export const ContentPartAddedEventSchema = contentPartEvent('response.content_part.added');
/** `response.content_part.done`. */
export const ContentPartDoneEventSchema = contentPartEvent('response.content_part.done');

function contentTextEvent<T extends string, K extends string>(type: T, key: K) {
  return itemPieceEvent(type, { content_index: z.number(), ...textFields(key) });
}
/** `response.output_text.delta`: a piece of assistant text (`delta`). */
export const OutputTextDeltaEventSchema = contentTextEvent('response.output_text.delta', 'delta');
/** `response.output_text.done`: the whole text of a content part (`text`). */
export const OutputTextDoneEventSchema = contentTextEvent('response.output_text.done', 'text');
/** `response.refusal.delta`. */
export const RefusalDeltaEventSchema = contentTextEvent('response.refusal.delta', 'delta');
/** `response.refusal.done`. */
export const RefusalDoneEventSchema = contentTextEvent('response.refusal.done', 'refusal');
/**
 * `response.output_text.annotation.added`: a citation or file path attached to a text part
 * (`annotation_index` counts the part's annotations). Only the annotation's `type` is checked:
 * compatible servers send fewer fields (xAI's `url_citation` has only `url`).
 */
export const OutputTextAnnotationAddedEventSchema = itemPieceEvent('response.output_text.annotation.added', {
  content_index: z.number(),
  annotation_index: z.number(),
  annotation: z.looseObject({ type: z.string() }).nullable(),
});
/** `response.reasoning_text.delta`: a piece of raw reasoning text. */
export const ReasoningTextDeltaEventSchema = contentTextEvent('response.reasoning_text.delta', 'delta');
/** `response.reasoning_text.done`. */
export const ReasoningTextDoneEventSchema = contentTextEvent('response.reasoning_text.done', 'text');

function summaryPartEvent<T extends string>(type: T) {
  return itemPieceEvent(type, { summary_index: z.number(), ...partField });
}
/** `response.reasoning_summary_part.added`: a new reasoning summary section starts. */
export const ReasoningSummaryPartAddedEventSchema = summaryPartEvent('response.reasoning_summary_part.added');
/** `response.reasoning_summary_part.done`. */
export const ReasoningSummaryPartDoneEventSchema = summaryPartEvent('response.reasoning_summary_part.done');

function summaryTextEvent<T extends string, K extends string>(type: T, key: K) {
  return itemPieceEvent(type, { summary_index: z.number(), ...textFields(key) });
}
/** `response.reasoning_summary_text.delta`: a piece of a reasoning summary. */
export const ReasoningSummaryTextDeltaEventSchema = summaryTextEvent('response.reasoning_summary_text.delta', 'delta');
/** `response.reasoning_summary_text.done`. */
export const ReasoningSummaryTextDoneEventSchema = summaryTextEvent('response.reasoning_summary_text.done', 'text');

/** `response.function_call_arguments.delta`: a piece of a function call's JSON arguments. */
export const FunctionCallArgumentsDeltaEventSchema = toolInputEvent('response.function_call_arguments.delta', 'delta');
/** `response.function_call_arguments.done`: the whole arguments string. */
export const FunctionCallArgumentsDoneEventSchema = toolInputEvent('response.function_call_arguments.done', 'arguments');
/** `response.custom_tool_call_input.delta`: a piece of a custom tool call's input. */
export const CustomToolCallInputDeltaEventSchema = toolInputEvent('response.custom_tool_call_input.delta', 'delta');
/** `response.custom_tool_call_input.done`: the whole input. */
export const CustomToolCallInputDoneEventSchema = toolInputEvent('response.custom_tool_call_input.done', 'input');

/**
 * The schema of every known stream event, by JSON `type`. Event types not listed here are
 * decoded as an {@link UnknownStreamEvent}.
 */
export const STREAM_EVENT_SCHEMAS = {
  'response.created': ResponseCreatedEventSchema,
  'response.in_progress': ResponseInProgressEventSchema,
  'response.queued': ResponseQueuedEventSchema,
  'response.completed': ResponseCompletedEventSchema,
  'response.incomplete': ResponseIncompleteEventSchema,
  'response.failed': ResponseFailedEventSchema,
  error: ErrorEventSchema,
  'response.output_item.added': OutputItemAddedEventSchema,
  'response.output_item.done': OutputItemDoneEventSchema,
  'response.content_part.added': ContentPartAddedEventSchema,
  'response.content_part.done': ContentPartDoneEventSchema,
  'response.output_text.delta': OutputTextDeltaEventSchema,
  'response.output_text.done': OutputTextDoneEventSchema,
  'response.refusal.delta': RefusalDeltaEventSchema,
  'response.refusal.done': RefusalDoneEventSchema,
  'response.output_text.annotation.added': OutputTextAnnotationAddedEventSchema,
  'response.reasoning_text.delta': ReasoningTextDeltaEventSchema,
  'response.reasoning_text.done': ReasoningTextDoneEventSchema,
  'response.reasoning_summary_part.added': ReasoningSummaryPartAddedEventSchema,
  'response.reasoning_summary_part.done': ReasoningSummaryPartDoneEventSchema,
  'response.reasoning_summary_text.delta': ReasoningSummaryTextDeltaEventSchema,
  'response.reasoning_summary_text.done': ReasoningSummaryTextDoneEventSchema,
  'response.function_call_arguments.delta': FunctionCallArgumentsDeltaEventSchema,
  'response.function_call_arguments.done': FunctionCallArgumentsDoneEventSchema,
  'response.custom_tool_call_input.delta': CustomToolCallInputDeltaEventSchema,
  'response.custom_tool_call_input.done': CustomToolCallInputDoneEventSchema,
  'response.metadata': ResponseMetadataEventSchema,
  'codex.response.metadata': CodexResponseMetadataEventSchema,
  'codex.rate_limits': CodexRateLimitsEventSchema,
  'responsesapi.websocket_timing': WebSocketTimingEventSchema,
  'response.steer.accepted': ResponseSteerAcceptedEventSchema,
  'response.steer.pending': ResponseSteerPendingEventSchema,
  'response.steer.failed': ResponseSteerFailedEventSchema,
  ...BUILT_IN_TOOL_EVENT_SCHEMAS,
} as const;

/** The JSON `type` of every known stream event. */
export type KnownStreamEventType = keyof typeof STREAM_EVENT_SCHEMAS;

/** A known stream event, narrowed by `type`. */
export type KnownStreamEvent = { [K in KnownStreamEventType]: z.infer<(typeof STREAM_EVENT_SCHEMAS)[K]> }[KnownStreamEventType];

/** The known stream event with the given `type`. */
export type StreamEventOf<K extends KnownStreamEventType> = z.infer<(typeof STREAM_EVENT_SCHEMAS)[K]>;

/** The `type` Modelwire gives to an event whose JSON `type` it does not know. */
export const UNKNOWN_EVENT_TYPE = 'unknown';

/**
 * An event of a type this package does not know (a future event, a provider's own). It is passed through, never an error: `originalType` is the JSON `type`,
 * `payload` the decoded object, unchanged.
 */
export interface UnknownStreamEvent {
  /** Always {@link UNKNOWN_EVENT_TYPE}. */
  readonly type: typeof UNKNOWN_EVENT_TYPE;
  /** The event's JSON `type` as the server sent it. */
  readonly originalType: string;
  /** The decoded JSON object, not copied. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Any decoded stream event: a known one (validated) or an unknown one (passed through). */
export type StreamEvent = KnownStreamEvent | UnknownStreamEvent;

/** A `response.output_text.delta` event. */
export type OutputTextDeltaEvent = StreamEventOf<'response.output_text.delta'>;
/** A `response.completed` event. */
export type ResponseCompletedEvent = StreamEventOf<'response.completed'>;
/** A `response.failed` event. */
export type ResponseFailedEvent = StreamEventOf<'response.failed'>;
/** A `response.incomplete` event. */
export type ResponseIncompleteEvent = StreamEventOf<'response.incomplete'>;
/** A `response.output_item.done` event. */
export type OutputItemDoneEvent = StreamEventOf<'response.output_item.done'>;
