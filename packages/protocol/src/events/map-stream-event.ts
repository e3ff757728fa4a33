import { classifyErrorEvent, classifyFailedResponse, classifyIncompleteResponse, type ClassifyOptions } from '../errors/classify-error.js';
import { StringTable } from '../decode/string-table.js';
import { rateLimitSnapshotFromEvent } from '../rate-limits/rate-limit-snapshot.js';
import { errorHeadersOf, type ErrorEvent } from '../schemas/error-payload.js';
import type { ResponseItem } from '../items/response-item.js';
import { UNKNOWN_EVENT_TYPE, type StreamEvent } from '../schemas/stream-events.js';
import type { TokenUsage } from '../schemas/token-usage.js';
import { rateLimitsFromHeaders, responseEventsFromHeaders } from './header-events.js';
import type { EventMapper } from './event-mapper.js';
import { BUILT_IN_TOOL_EVENT_MAPPERS } from './map-built-in-tool-events.js';
import { HotDeltaKind, lastAcceptedDelta } from '../decode/hot-event-checks.js';
import {
  CONTENT_EVENT_MAPPERS,
  mapFunctionCallArgumentsDelta,
  mapOutputTextDelta,
  mapReasoningSummaryTextDelta,
  outputTextDeltaEvent,
  reasoningContentDeltaEvent,
  reasoningSummaryDeltaEvent,
  toolCallInputDeltaEvent,
} from './map-content-events.js';
import type { ResponseEvent, ResponseUsage } from './response-event.js';


/** The `originalType` `decodeEvent` gives a `[DONE]` payload. */
const DONE_MARKER = '[DONE]';

/** Converts wire token usage into {@link ResponseUsage}. */
export function toResponseUsage(usage: TokenUsage): ResponseUsage {
  return {
    inputTokens: usage.input_tokens,
    cachedInputTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.output_tokens,
    reasoningOutputTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: usage.total_tokens,
  };
}

/**
 * The one-to-one mappings of every group, by JSON `type` (content and reasoning; built-in
 * tools, shell and audio). Lifecycle, error and header events are mapped by `mapStreamEvent`
 * itself: they need options, produce several events or none.
 */
const ONE_TO_ONE = new StringTable<EventMapper<never>>([...Object.entries(CONTENT_EVENT_MAPPERS), ...Object.entries(BUILT_IN_TOOL_EVENT_MAPPERS)]);

/**
 * Maps one decoded stream event to what the client reports: usually one {@link ResponseEvent},
 * several for a `response.metadata` / `codex.response.metadata` event (one per header it
 * carries) and for an `error` carrying rate-limit headers (see `errorEvents`), none (an empty,
 * array) for `response.in_progress` and the other events with nothing to report
 * (`STREAM_EVENT_COVERAGE` lists every type). An event of a type this version does not know
 * becomes an `unknown` event carrying its type and payload. Pure: no state, no I/O; terminal
 * failures come back as `failed` events carrying their classification. `options` feed
 * classification (request id, headers, clock).
 */
export function mapStreamEvent(event: StreamEvent, options?: ClassifyOptions): readonly ResponseEvent[] {
  // The hot delta the decoder just accepted: built from what its check read (see
  // `lastAcceptedDelta`), without reading its fields or comparing its type again.
  const accepted = lastAcceptedDelta;
  if (event === accepted.event) {
    accepted.event = undefined;
    switch (accepted.kind) {
      case HotDeltaKind.OutputText:
        return [outputTextDeltaEvent(accepted.itemId, accepted.outputIndex, accepted.index, accepted.delta)];
      case HotDeltaKind.ReasoningSummaryText:
        return [reasoningSummaryDeltaEvent(accepted.itemId, accepted.outputIndex, accepted.index, accepted.delta)];
      case HotDeltaKind.FunctionCallArguments:
        return [toolCallInputDeltaEvent('function', accepted.itemId, accepted.outputIndex, accepted.delta)];
      case HotDeltaKind.ReasoningText:
        return [reasoningContentDeltaEvent(accepted.itemId, accepted.outputIndex, accepted.index, accepted.delta)];
      case HotDeltaKind.CodeInterpreterCode:
        return [toolCallInputDeltaEvent('code_interpreter', accepted.itemId, accepted.outputIndex, accepted.delta)];
    }
  }
  // The three hottest deltas by direct (inlinable) calls, before the table's indirect one.
  const type = event.type;
  if (type === 'response.output_text.delta') return [mapOutputTextDelta(event)];
  if (type === 'response.reasoning_summary_text.delta') return [mapReasoningSummaryTextDelta(event)];
  if (type === 'response.function_call_arguments.delta') return [mapFunctionCallArgumentsDelta(event)];
  const oneToOne = ONE_TO_ONE.get(type);
  if (oneToOne !== undefined) return [oneToOne(event as never)];
  switch (event.type) {
    // Output items: the event schema checked the fields of the item types it validates; the
    // rest (and any item of a type without a schema) is the server's, typed as the closed
    // `ResponseItem` union as documented there (`unknownItemOf` reads types not modelled).
    case 'response.output_item.added':
      return [{ type: 'output_item_added', outputIndex: event.output_index, item: event.item as ResponseItem }];
    case 'response.output_item.done':
      return [{ type: 'output_item_done', outputIndex: event.output_index, item: event.item as ResponseItem }];
    case 'response.created':
      return [{ type: 'created', responseId: event.response.id }];
    case 'response.queued':
      return [{ type: 'queued', responseId: event.response.id }];
    case 'response.completed': {
      const usage = event.response.usage;
      return [{ type: 'completed', responseId: event.response.id, usage: usage ? toResponseUsage(usage) : undefined }];
    }
    case 'response.failed':
      return [{ type: 'failed', error: classifyFailedResponse(event, options) }];
    case 'response.incomplete':
      return [{ type: 'failed', error: classifyIncompleteResponse(event, options) }];
    case 'error':
      return errorEvents(event, options);
    case 'codex.rate_limits': {
      const snapshot = rateLimitSnapshotFromEvent(event);
      return snapshot === undefined ? [] : [{ type: 'rate_limits', snapshot }];
    }
    case 'response.metadata':
    case 'codex.response.metadata':
      return responseEventsFromHeaders(event.headers);
    case UNKNOWN_EVENT_TYPE:
      // A stray `data: [DONE]` (decoded as an unknown event) is the end-of-stream marker of
      // other APIs, not an event.
      return event.originalType === DONE_MARKER ? [] : [{ type: 'unknown', originalType: event.originalType, payload: event.payload }];
    default:
      // A fresh array, not a shared frozen one: callers iterate the result with `for…of`, and a
      // frozen array among the plain ones sends V8's iteration down its slow path for every
      // event (measured: about 20 ns per event on the decode bench).
      return [];
  }
}

/**
 * An `error` event's report: its `failed` event, preceded by a `rate_limits` event when the
 * headers the error carries (top level or `error.headers`) hold a rate-limit snapshot, as a
 * usage-limit `429` does: the caller sees the account's state before the error that ends the
 * request.
 */
function errorEvents(event: ErrorEvent, options: ClassifyOptions | undefined): readonly ResponseEvent[] {
  const failed: ResponseEvent = { type: 'failed', error: classifyErrorEvent(event, options) };
  const headers = errorHeadersOf(event);
  const rateLimits = headers === undefined ? undefined : rateLimitsFromHeaders(headers);
  return rateLimits === undefined ? [failed] : [rateLimits, failed];
}
