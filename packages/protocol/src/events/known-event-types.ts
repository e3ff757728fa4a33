import { STREAM_EVENT_SCHEMAS } from '../schemas/stream-events.js';

/**
 * Stream event types the API sends that this package passes through without a schema of its
 * own (they decode as `UnknownStreamEvent`): the `keepalive` the API sends while a model works
 * without output, hosted-tool progress, audio, annotations, the shell and patch tool streams,
 * and the WebSocket extras. Taken from the official `ResponseStreamEvent` union and from
 * recorded API streams.
 */
const UNTYPED_KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'keepalive',
  'response.audio.delta',
  'response.audio.done',
  'response.audio.transcript.delta',
  'response.audio.transcript.done',
  'response.code_interpreter_call.completed',
  'response.code_interpreter_call.in_progress',
  'response.code_interpreter_call.interpreting',
  'response.code_interpreter_call_code.delta',
  'response.code_interpreter_call_code.done',
  'response.compaction.compacting',
  'response.file_search_call.completed',
  'response.file_search_call.in_progress',
  'response.file_search_call.searching',
  'response.image_generation_call.completed',
  'response.image_generation_call.generating',
  'response.image_generation_call.in_progress',
  'response.image_generation_call.partial_image',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'response.mcp_call.in_progress',
  'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done',
  'response.mcp_list_tools.completed',
  'response.mcp_list_tools.failed',
  'response.mcp_list_tools.in_progress',
  'response.output_text.annotation.added',
  'response.shell_call_command.added',
  'response.shell_call_command.delta',
  'response.shell_call_command.done',
  'response.shell_call_output_content.delta',
  'response.shell_call_output_content.done',
  'response.apply_patch_call_operation_diff.delta',
  'response.apply_patch_call_operation_diff.done',
  'response.web_search_call.completed',
  'response.web_search_call.in_progress',
  'response.web_search_call.searching',
  'codex.response.metadata',
]);

/**
 * Whether `type` is the JSON `type` of a stream event the API is known to send: one this
 * package types (`STREAM_EVENT_SCHEMAS`) or one it passes through untyped (`keepalive`,
 * hosted-tool progress, audio …). The client counts exactly these as progress on a stream: an
 * event of a type nobody knows proves nothing about the response, so a stream of such noise
 * cannot keep a request alive past its idle timeout.
 */
export function isKnownEventType(type: string): boolean {
  return Object.hasOwn(STREAM_EVENT_SCHEMAS, type) || UNTYPED_KNOWN_EVENT_TYPES.has(type);
}
