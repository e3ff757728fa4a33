import { StringTable } from '../decode/string-table.js';
import { STREAM_EVENT_SCHEMAS } from '../schemas/stream-events.js';

/**
 * Stream event types the API sends that this package passes through without a schema of its
 * own (they decode as `UnknownStreamEvent`): the `keepalive` the API sends while a model works
 * without output. Every other type the API is known to send has its schema in
 * `STREAM_EVENT_SCHEMAS`.
 */
const UNTYPED_KNOWN_EVENT_TYPES: readonly string[] = ['keepalive'];

/** Every known type in one table: a lookup per frame on the hot path, without hashing the frame's fresh type string. */
const KNOWN_EVENT_TYPES = new StringTable([...Object.keys(STREAM_EVENT_SCHEMAS), ...UNTYPED_KNOWN_EVENT_TYPES].map((type) => [type, true] as const));

/**
 * Whether `type` is the JSON `type` of a stream event the API is known to send: one this
 * package types (`STREAM_EVENT_SCHEMAS`) or one it passes through untyped (`keepalive`). The client counts exactly these as progress on a stream: an
 * event of a type nobody knows proves nothing about the response, so a stream of such noise
 * cannot keep a request alive past its idle timeout.
 */
export function isKnownEventType(type: string): boolean {
  return KNOWN_EVENT_TYPES.has(type);
}
