import { isKnownEventType } from '@modelwire/protocol';

/**
 * What the router reads of one WebSocket frame before deciding whose it is: one `JSON.parse`,
 * a few property reads and one lookup of what its type means ({@link TypeFlags}), never an
 * exception. The parsed value travels on to `decodeEvent` (which accepts parsed values), so a
 * frame is parsed once.
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

/** Lifecycle terminals that carry a `response` object (not `error`). */
const LIFECYCLE_TERMINAL_TYPES: ReadonlySet<string> = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/**
 * What a frame's `type` means to the router and the reader, as bits: one lookup per frame
 * instead of one set lookup per question.
 */
export const TypeFlags = {
  /** A type the API is known to send (`isKnownEventType`): its frames are progress. */
  Known: 1,
  /** Ends a response ({@link TERMINAL_TYPES}). */
  Terminal: 2,
  /** A terminal carrying a `response` object (`response.completed`/`failed`/`incomplete`). */
  LifecycleTerminal: 4,
  /** `response.output_item.*`: names an item of the response. */
  OutputItem: 8,
  /** May reach a request before its `response.created` ({@link BEFORE_CREATED_TYPES}). */
  BeforeCreated: 16,
  /** An answer to `response.steer` ({@link STEER_ANSWER_TYPES}). */
  SteerAnswer: 32,
} as const;

/** Flags of the known types seen so far (bounded: only known types are kept). */
const knownTypeFlags = new Map<string, number>();

function computeTypeFlags(type: string): number {
  let flags = 0;
  if (isKnownEventType(type)) flags |= TypeFlags.Known;
  if (TERMINAL_TYPES.has(type)) flags |= TypeFlags.Terminal;
  if (LIFECYCLE_TERMINAL_TYPES.has(type)) flags |= TypeFlags.LifecycleTerminal;
  if (type.startsWith('response.output_item.')) flags |= TypeFlags.OutputItem;
  if (BEFORE_CREATED_TYPES.has(type)) flags |= TypeFlags.BeforeCreated;
  if (STEER_ANSWER_TYPES.has(type)) flags |= TypeFlags.SteerAnswer;
  return flags;
}

/**
 * The last type looked up and its flags: a response's deltas come one after another, and
 * comparing a type with the previous frame's costs less than hashing it for the table.
 */
let lastType = '';
let lastFlags = computeTypeFlags('');

/** The {@link TypeFlags} of a frame type. */
export function typeFlagsOf(type: string): number {
  if (type === lastType) return lastFlags;
  let flags = knownTypeFlags.get(type);
  if (flags === undefined) {
    flags = computeTypeFlags(type);
    // A type nobody knows is computed each time: a flood of invented types must not grow the table.
    if ((flags & TypeFlags.Known) !== 0) knownTypeFlags.set(type, flags);
  }
  lastType = type;
  lastFlags = flags;
  return flags;
}

/** The routing keys of one frame. */
export interface FrameEnvelope {
  /** The frame's text as received. */
  readonly text: string;
  /** The parsed frame; `undefined` when the text is not a JSON object. */
  readonly value: Record<string, unknown> | undefined;
  /** The event `type`; `undefined` when missing or not a string. */
  readonly type: string | undefined;
  /** What the type means ({@link TypeFlags}); `0` without a type. */
  readonly flags: number;
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
    return { text, value: undefined, type: undefined, flags: 0, lane: '', responseId: undefined, itemId: undefined, sequenceNumber: undefined };
  }
  const value = parsed as Record<string, unknown>;
  const rawType = value['type'];
  const type = typeof rawType === 'string' ? rawType : undefined;
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
  return { text, value, type, flags: type === undefined ? 0 : typeFlagsOf(type), lane: typeof streamId === 'string' ? streamId : '', responseId, itemId, sequenceNumber };
}
