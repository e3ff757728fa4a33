/**
 * What the router reads of one WebSocket frame before deciding whose it is: one `JSON.parse`
 * and a few property reads, never an exception. The parsed value travels on to
 * `decodeEvent` (which accepts parsed values), so a frame is parsed once.
 */

/** Frame types that end a response. */
export const TERMINAL_TYPES: ReadonlySet<string> = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

/**
 * Frame types a request may receive before its `response.created`: the error that refuses it
 * and the connection-level extras servers send ahead of a response. Anything else before
 * `response.created` (a delta, an item, a lifecycle event of another id) cannot be the new
 * response's, since a response's own events follow its `response.created`.
 */
export const BEFORE_CREATED_TYPES: ReadonlySet<string> = new Set([
  'error',
  // The API's heartbeat while a request waits or a model works: it names no response.
  'keepalive',
  'codex.rate_limits',
  'response.metadata',
  'codex.response.metadata',
  'responsesapi.websocket_timing',
]);

/** The server's answers to `response.steer` (they name the steered response inside `steer`, not as `response.id`). */
export const STEER_ANSWER_TYPES: ReadonlySet<string> = new Set(['response.steer.accepted', 'response.steer.pending', 'response.steer.failed']);

/** The routing keys of one frame. */
export interface FrameEnvelope {
  /** The frame's text as received. */
  readonly text: string;
  /** The parsed frame; `undefined` when the text is not a JSON object. */
  readonly value: Record<string, unknown> | undefined;
  /** The event `type`; `undefined` when missing or not a string. */
  readonly type: string | undefined;
  /** The lane: the `stream_id` the frame echoes, `''` (the default lane) without one. */
  readonly lane: string;
  /** `response.id` of a lifecycle event, or a top-level `response_id`; `undefined` when the frame names no response. */
  readonly responseId: string | undefined;
  /** `item_id`, or `item.id` of an item event; `undefined` when the frame names no item. */
  readonly itemId: string | undefined;
  /** `sequence_number` when it is a number. */
  readonly sequenceNumber: number | undefined;
}

/** Reads the routing keys of `text`. Never throws. */
export function readEnvelope(text: string): FrameEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { text, value: undefined, type: undefined, lane: '', responseId: undefined, itemId: undefined, sequenceNumber: undefined };
  }
  const value = parsed as Record<string, unknown>;
  const type = typeof value['type'] === 'string' ? value['type'] : undefined;
  const streamId = value['stream_id'];
  const response = value['response'];
  let responseId: string | undefined;
  if (typeof response === 'object' && response !== null && typeof (response as { id?: unknown }).id === 'string') responseId = (response as { id: string }).id;
  else if (typeof value['response_id'] === 'string') responseId = value['response_id'];
  let itemId: string | undefined;
  if (typeof value['item_id'] === 'string') itemId = value['item_id'];
  else {
    const item = value['item'];
    if (typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string') itemId = (item as { id: string }).id;
  }
  const sequenceNumber = typeof value['sequence_number'] === 'number' ? value['sequence_number'] : undefined;
  return { text, value, type, lane: typeof streamId === 'string' ? streamId : '', responseId, itemId, sequenceNumber };
}
