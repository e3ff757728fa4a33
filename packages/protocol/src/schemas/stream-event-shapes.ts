import { z } from 'zod';

// Building blocks of the stream event schemas. Every object is loose (new fields survive) and
// uses only what `compileValidator` turns into a plain check (strings, numbers, literals,
// optional, nullable, loose objects, arrays): decoding a delta must stay a handful of `typeof`s.

/**
 * `sequence_number`: optional because the WebSocket extras and some compatible servers omit it;
 * the Responses events of the OpenAI API always carry it (0 for `response.created`, +1 per event).
 */
export const sequenceNumber = z.number().optional();

/** An event that locates a piece of an output item (`item_id`, `output_index`) plus `fields`. */
export function itemPieceEvent<T extends string, S extends z.ZodRawShape>(type: T, fields: S) {
  return z.looseObject({ type: z.literal(type), sequence_number: sequenceNumber, item_id: z.string(), output_index: z.number(), ...fields });
}

/** A text field named `key`, plus the `obfuscation` padding that delta events may carry. */
export function textFields<K extends string>(key: K) {
  return {
    ...({ [key]: z.string() } as Record<K, z.ZodString>),
    /** Random padding against length side channels; ignore. */
    obfuscation: z.string().optional(),
  };
}

/** An event about a whole output item (`item_id`, `output_index`), no payload: a built-in tool's progress. */
export function itemStatusEvent<T extends string>(type: T) {
  return itemPieceEvent(type, {});
}

/** A piece of a tool call's input: `delta` on `.delta` events, the whole input under `key` on `.done` events. */
export function toolInputEvent<T extends string, K extends string>(type: T, key: K) {
  return itemPieceEvent(type, textFields(key));
}
