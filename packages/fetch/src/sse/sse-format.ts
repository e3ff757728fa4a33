import type { RawResponseEvent } from '@modelwire/client';

/**
 * One Responses stream event as the API writes it on an HTTP/SSE stream: an `event:` line with
 * the type, one `data:` line with the JSON (which repeats `type`), and a blank line. JSON text
 * never holds a raw line break, so one `data:` line always suffices.
 */
export function formatSseEvent(event: RawResponseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Event types only the WebSocket mode sends (connection extras: rate limits, per-request
 * headers, timing). An HTTP/SSE stream of the API never carries them (their content travels in
 * HTTP headers there), so a stream rewritten as SSE leaves them out.
 */
export const WEBSOCKET_ONLY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'codex.rate_limits',
  'response.metadata',
  'codex.response.metadata',
  'responsesapi.websocket_timing',
]);

/**
 * Events that open a response (`response.created`, then `response.queued` / `response.in_progress`).
 * They carry no output, so a request the adapter sends again after a failure that came before
 * any output only repeats them: the SSE stream keeps the first of each.
 */
export const RESPONSE_START_EVENT_TYPES: ReadonlySet<string> = new Set(['response.created', 'response.queued', 'response.in_progress']);

/** Terminal events that end a response with a failure (`response.incomplete` is an answer, not a failure). */
export const FAILURE_EVENT_TYPES: ReadonlySet<string> = new Set(['error', 'response.failed']);

/** Terminal events that end a response with an answer, complete or truncated. */
export const ANSWER_EVENT_TYPES: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete']);
