import { z } from 'zod';
import { InputFileContentSchema, InputImageContentSchema, InputTextContentSchema } from './response-item.js';

// Steering a running response over the Responses WebSocket: the client's `response.steer`
// message and the server's three answers. Shapes follow the official `openai` package's types
// (`ResponseSteerEvent`, `ResponseSteerAcceptedEvent`, `ResponseSteerPendingEvent`,
// `ResponseSteerFailedEvent`).

/** A content part of a steering message: `input_text`, `input_image` or `input_file`. */
export const SteerContentPartSchema = z.discriminatedUnion('type', [InputTextContentSchema, InputImageContentSchema, InputFileContentSchema], {
  error: 'must be an input_text, input_image or input_file part',
});

/**
 * One steering message: a `user` message with only `type` (optional, always `message`), `role`
 * and `content` (a string, or a non-empty array of input parts). The API rejects other roles,
 * other fields, tool outputs and other item types with `invalid_input`.
 */
export const SteerMessageSchema = z.strictObject({
  type: z.literal('message', { error: 'must be "message"' }).optional(),
  role: z.literal('user', { error: 'must be "user": steering accepts only user messages' }),
  content: z.union([z.string().min(1, 'must not be empty'), z.array(SteerContentPartSchema).min(1, 'must not be empty')], {
    error: 'must be a non-empty string or a non-empty array of input_text, input_image or input_file parts',
  }),
});
/** One steering message. */
export type SteerMessage = z.infer<typeof SteerMessageSchema>;

/** The input of `response.steer`: a non-empty string, or a non-empty array of user messages. */
export const SteerInputSchema = z.union([z.string().min(1, 'must not be empty'), z.array(SteerMessageSchema).min(1, 'must not be empty')], {
  error: 'must be a non-empty string or a non-empty array of user messages',
});
/** The input of `response.steer`. */
export type SteerInput = z.infer<typeof SteerInputSchema>;

/** The client's `response.steer` message: `type`, `previous_response_id` and `input`, nothing else (never `stream_id`). */
export const ResponseSteerMessageSchema = z.strictObject({
  type: z.literal('response.steer'),
  previous_response_id: z.string().min(1),
  input: SteerInputSchema,
});
/** The client's `response.steer` message. */
export type ResponseSteerMessage = z.infer<typeof ResponseSteerMessageSchema>;

/** Known codes of `response.steer.failed` (an open set: other strings may come). */
export const STEER_ERROR_CODES = [
  'response_not_found',
  'invalid_input',
  'steering_not_supported',
  'too_many_pending_steers',
  'response_already_completed',
  'response_not_active',
  'successor_creation_failed',
] as const;
/** A `response.steer.failed` code: one of {@link STEER_ERROR_CODES}, or another string. */
export type SteerErrorCode = (typeof STEER_ERROR_CODES)[number] | (string & {});

/**
 * One stub of `response.steer.pending`: the identifying fields of a client-owned tool result or
 * approval the response waits for (`call_id`, or `approval_request_id` for an MCP approval).
 */
export const SteerRequiredInputSchema = z.union([
  z.looseObject({ type: z.literal('function_call_output'), call_id: z.string(), name: z.string() }),
  z.looseObject({ type: z.literal('tool_search_output'), call_id: z.string(), execution: z.literal('client') }),
  z.looseObject({ type: z.enum(['custom_tool_call_output', 'computer_call_output', 'shell_call_output', 'apply_patch_call_output']), call_id: z.string() }),
  z.looseObject({ type: z.literal('mcp_approval_response'), approval_request_id: z.string() }),
  // Stubs of kinds added later: still handed to the caller.
  z.looseObject({ type: z.string() }),
]);
/** One stub of `response.steer.pending`. */
export type SteerRequiredInput = z.infer<typeof SteerRequiredInputSchema>;

const laneAndSequence = {
  sequence_number: z.number().optional(),
  /** The lane of the steered response, when its `response.create` named one. */
  stream_id: z.string().optional(),
};

/** `response.steer.accepted`: the server owns the input (not yet applied). */
export const ResponseSteerAcceptedEventSchema = z.looseObject({
  type: z.literal('response.steer.accepted'),
  ...laneAndSequence,
  steer: z.looseObject({ id: z.string(), previous_response_id: z.string() }),
});

/** `response.steer.pending`: after `response.completed`, the input waits for client-owned tool output or approvals. */
export const ResponseSteerPendingEventSchema = z.looseObject({
  type: z.literal('response.steer.pending'),
  ...laneAndSequence,
  reason: z.string(),
  required_input: z.array(SteerRequiredInputSchema),
  steer: z.looseObject({ id: z.string(), previous_response_id: z.string() }),
});

/** `response.steer.failed`: the input is handed back uncommitted (`steer.id` only when one was allocated). */
export const ResponseSteerFailedEventSchema = z.looseObject({
  type: z.literal('response.steer.failed'),
  ...laneAndSequence,
  error: z.looseObject({ code: z.string(), message: z.string(), type: z.string().optional() }),
  steer: z.looseObject({ id: z.string().nullish(), previous_response_id: z.string(), input: z.unknown() }),
});
