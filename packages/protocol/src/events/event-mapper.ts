import type { KnownStreamEventType, StreamEventOf } from '../schemas/stream-events.js';
import type { ResponseEvent } from './response-event.js';

/** Maps one decoded stream event of type `K` to the one {@link ResponseEvent} the caller sees. Pure. */
export type EventMapper<K extends KnownStreamEventType> = (event: StreamEventOf<K>) => ResponseEvent;

/**
 * A group of one-to-one mappings, by JSON `type`. Each group (content, built-in tools, …) is
 * one table in its own file; `mapStreamEvent` looks the event's type up in their union.
 */
export type EventMapperTable = { readonly [K in KnownStreamEventType]?: EventMapper<K> };
