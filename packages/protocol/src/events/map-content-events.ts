import type { OutputMessageContent, OutputTextAnnotation } from '../items/content-parts.js';
import type { ReasoningText } from '../items/context-items.js';
import type { EventMapper, EventMapperTable } from './event-mapper.js';
import type { ResponseEvent, ToolInputKind } from './response-event.js';

// Output content: message text, refusals, annotations, content parts, reasoning (summary and
// raw text) and the inputs of client-side tool calls. The wire objects the schemas checked (a
// part's or an annotation's `type`) are typed as the API documents them, as items are.

// The client events of the hot deltas, built from their fields: `mapStreamEvent` builds them
// from what the decoder's check read (see `lastAcceptedDelta`), the mappers below from the event.

/** An `output_text_delta`. */
export function outputTextDeltaEvent(itemId: string, outputIndex: number, contentIndex: number, delta: string): ResponseEvent {
  return { type: 'output_text_delta', itemId, outputIndex, contentIndex, delta };
}
/** A `reasoning_summary_delta`. */
export function reasoningSummaryDeltaEvent(itemId: string, outputIndex: number, summaryIndex: number, delta: string): ResponseEvent {
  return { type: 'reasoning_summary_delta', itemId, outputIndex, summaryIndex, delta };
}
/** A `reasoning_content_delta`. */
export function reasoningContentDeltaEvent(itemId: string, outputIndex: number, contentIndex: number, delta: string): ResponseEvent {
  return { type: 'reasoning_content_delta', itemId, outputIndex, contentIndex, delta };
}
/** A `tool_call_input_delta`. */
export function toolCallInputDeltaEvent(toolKind: ToolInputKind, itemId: string, outputIndex: number, delta: string): ResponseEvent {
  return { type: 'tool_call_input_delta', toolKind, itemId, outputIndex, delta };
}

/** `response.output_text.delta` → `output_text_delta`. */
export const mapOutputTextDelta: EventMapper<'response.output_text.delta'> = (event) => outputTextDeltaEvent(event.item_id, event.output_index, event.content_index, event.delta);
/** `response.reasoning_summary_text.delta` → `reasoning_summary_delta`. */
export const mapReasoningSummaryTextDelta: EventMapper<'response.reasoning_summary_text.delta'> = (event) =>
  reasoningSummaryDeltaEvent(event.item_id, event.output_index, event.summary_index, event.delta);
/** `response.function_call_arguments.delta` → `tool_call_input_delta` of a function. */
export const mapFunctionCallArgumentsDelta: EventMapper<'response.function_call_arguments.delta'> = (event) =>
  toolCallInputDeltaEvent('function', event.item_id, event.output_index, event.delta);

/** The content and reasoning events, one-to-one. */
export const CONTENT_EVENT_MAPPERS = {
  'response.content_part.added': (event) => ({
    type: 'content_part_added',
    itemId: event.item_id,
    outputIndex: event.output_index,
    contentIndex: event.content_index,
    part: event.part as unknown as OutputMessageContent | ReasoningText,
  }),
  'response.content_part.done': (event) => ({
    type: 'content_part_done',
    itemId: event.item_id,
    outputIndex: event.output_index,
    contentIndex: event.content_index,
    part: event.part as unknown as OutputMessageContent | ReasoningText,
  }),
  'response.output_text.delta': mapOutputTextDelta,
  'response.output_text.done': (event) => ({ type: 'output_text_done', itemId: event.item_id, outputIndex: event.output_index, contentIndex: event.content_index, text: event.text }),
  'response.output_text.annotation.added': (event) => ({
    type: 'output_text_annotation_added',
    itemId: event.item_id,
    outputIndex: event.output_index,
    contentIndex: event.content_index,
    annotationIndex: event.annotation_index,
    annotation: event.annotation as OutputTextAnnotation | null,
  }),
  'response.refusal.delta': (event) => ({ type: 'refusal_delta', itemId: event.item_id, outputIndex: event.output_index, contentIndex: event.content_index, delta: event.delta }),
  'response.refusal.done': (event) => ({ type: 'refusal_done', itemId: event.item_id, outputIndex: event.output_index, contentIndex: event.content_index, refusal: event.refusal }),
  'response.reasoning_summary_part.added': (event) => ({ type: 'reasoning_summary_part_added', itemId: event.item_id, outputIndex: event.output_index, summaryIndex: event.summary_index }),
  'response.reasoning_summary_part.done': (event) => ({
    type: 'reasoning_summary_part_done',
    itemId: event.item_id,
    outputIndex: event.output_index,
    summaryIndex: event.summary_index,
    text: typeof event.part['text'] === 'string' ? event.part['text'] : '',
  }),
  'response.reasoning_summary_text.delta': mapReasoningSummaryTextDelta,
  'response.reasoning_summary_text.done': (event) => ({ type: 'reasoning_summary_done', itemId: event.item_id, outputIndex: event.output_index, summaryIndex: event.summary_index, text: event.text }),
  'response.reasoning_text.delta': (event) => reasoningContentDeltaEvent(event.item_id, event.output_index, event.content_index, event.delta),
  'response.reasoning_text.done': (event) => ({ type: 'reasoning_content_done', itemId: event.item_id, outputIndex: event.output_index, contentIndex: event.content_index, text: event.text }),
  'response.function_call_arguments.delta': mapFunctionCallArgumentsDelta,
  'response.function_call_arguments.done': (event) => ({ type: 'tool_call_input_done', toolKind: 'function', itemId: event.item_id, outputIndex: event.output_index, input: event.arguments }),
  'response.custom_tool_call_input.delta': (event) => ({ type: 'tool_call_input_delta', toolKind: 'custom', itemId: event.item_id, outputIndex: event.output_index, delta: event.delta }),
  'response.custom_tool_call_input.done': (event) => ({ type: 'tool_call_input_done', toolKind: 'custom', itemId: event.item_id, outputIndex: event.output_index, input: event.input }),
} as const satisfies EventMapperTable;
