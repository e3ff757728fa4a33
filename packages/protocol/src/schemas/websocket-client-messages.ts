import { z } from 'zod';
import { ResponseRequestFieldsSchema } from './create-response-request.js';

/** A WebSocket lane name: 1–256 characters of `A-Za-z0-9_.-`. */
export const StreamIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/);

/**
 * The client's `response.create` message on the WebSocket: the HTTP body fields (without
 * `stream`/`background`) plus `type`.
 *
 * - `previous_response_id` continues from the connection's cached latest response, sending only
 *   the new items in `input`.
 * - `client_metadata` carries the per-turn values that HTTP sends as headers.
 * - `generate: false` is a warm-up: the server prepares state and returns a response id to
 *   chain from, without generating.
 * - `stream_id` names a lane (optional).
 */
export const ResponseCreateMessageSchema = ResponseRequestFieldsSchema.extend({
  type: z.literal('response.create'),
  client_metadata: z.record(z.string(), z.string()).optional(),
  generate: z.boolean().optional(),
  stream_id: StreamIdSchema.optional(),
  /** Not supported in WebSocket mode: `background: true` is rejected (send it over HTTP). */
  background: z.literal(false, { error: 'background is not supported in WebSocket mode' }).nullish(),
});
/** The client's `response.create` WebSocket message. */
export type ResponseCreateMessage = z.infer<typeof ResponseCreateMessageSchema>;

/** Every message a client sends over the Responses WebSocket (currently only `response.create`). */
export const WebSocketClientMessageSchema = z.discriminatedUnion('type', [ResponseCreateMessageSchema]);
/** A client WebSocket message. */
export type WebSocketClientMessage = z.infer<typeof WebSocketClientMessageSchema>;
