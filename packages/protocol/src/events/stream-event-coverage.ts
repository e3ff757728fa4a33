import type { KnownStreamEventType } from '../schemas/stream-events.js';
import type { ResponseEventType } from './response-event.js';

/**
 * What becomes of one stream event type: the {@link ResponseEventType}s `mapStreamEvent` can
 * produce for it (with a note where `ResponseStream` does something more with them), or why it
 * is deliberately internal (nothing reaches the caller).
 */
export type StreamEventHandling =
  | { readonly events: readonly ResponseEventType[]; readonly note?: string }
  | { readonly internal: string };

const THROWN = 'a terminal failure: ResponseStream iteration and result reject with the typed ResponseError';

/**
 * Every stream event type this version knows, with what the caller sees of it: one table for
 * the whole wire, read by the tests (every member of the official `openai` package's
 * `ResponseStreamEvent` union must be listed, and every event listed must map as it says) and
 * by the README's event table. Types not listed here reach the caller as `unknown` events.
 */
export const STREAM_EVENT_COVERAGE = {
  // Lifecycle
  'response.created': { events: ['created'] },
  'response.queued': { events: ['queued'] },
  'response.in_progress': { internal: 'repeats the snapshot of response.created; only its status differs' },
  'response.completed': { events: ['completed'], note: 'ResponseStream.result resolves with the output, usage and id' },
  'response.incomplete': { events: ['failed'], note: `${THROWN}; on the WebSocket, reason steered is not a failure: the request follows the successor` },
  'response.failed': { events: ['failed'], note: THROWN },
  error: { events: ['failed'], note: THROWN },
  // Items and content
  'response.output_item.added': { events: ['output_item_added'] },
  'response.output_item.done': { events: ['output_item_done'] },
  'response.content_part.added': { events: ['content_part_added'] },
  'response.content_part.done': { events: ['content_part_done'] },
  'response.output_text.delta': { events: ['output_text_delta'] },
  'response.output_text.done': { events: ['output_text_done'] },
  'response.output_text.annotation.added': { events: ['output_text_annotation_added'] },
  'response.refusal.delta': { events: ['refusal_delta'] },
  'response.refusal.done': { events: ['refusal_done'] },
  // Reasoning
  'response.reasoning_summary_part.added': { events: ['reasoning_summary_part_added'] },
  'response.reasoning_summary_part.done': { events: ['reasoning_summary_part_done'] },
  'response.reasoning_summary_text.delta': { events: ['reasoning_summary_delta'] },
  'response.reasoning_summary_text.done': { events: ['reasoning_summary_done'] },
  'response.reasoning_text.delta': { events: ['reasoning_content_delta'] },
  'response.reasoning_text.done': { events: ['reasoning_content_done'] },
  // Tool input
  'response.function_call_arguments.delta': { events: ['tool_call_input_delta'], note: "toolKind 'function'" },
  'response.function_call_arguments.done': { events: ['tool_call_input_done'], note: "toolKind 'function'" },
  'response.custom_tool_call_input.delta': { events: ['tool_call_input_delta'], note: "toolKind 'custom'" },
  'response.custom_tool_call_input.done': { events: ['tool_call_input_done'], note: "toolKind 'custom'" },
  'response.mcp_call_arguments.delta': { events: ['tool_call_input_delta'], note: "toolKind 'mcp'" },
  'response.mcp_call_arguments.done': { events: ['tool_call_input_done'], note: "toolKind 'mcp'" },
  'response.code_interpreter_call_code.delta': { events: ['tool_call_input_delta'], note: "toolKind 'code_interpreter'" },
  'response.code_interpreter_call_code.done': { events: ['tool_call_input_done'], note: "toolKind 'code_interpreter'" },
  'response.apply_patch_call_operation_diff.delta': { events: ['tool_call_input_delta'], note: "toolKind 'apply_patch' (sent by the API, not in the openai 7.57 union)" },
  'response.apply_patch_call_operation_diff.done': { events: ['tool_call_input_done'], note: "toolKind 'apply_patch' (sent by the API, not in the openai 7.57 union)" },
  // Built-in tools
  'response.web_search_call.in_progress': { events: ['hosted_tool_progress'], note: "web_search, in_progress" },
  'response.web_search_call.searching': { events: ['hosted_tool_progress'], note: 'web_search, searching' },
  'response.web_search_call.completed': { events: ['hosted_tool_progress'], note: 'web_search, completed' },
  'response.file_search_call.in_progress': { events: ['hosted_tool_progress'], note: 'file_search, in_progress' },
  'response.file_search_call.searching': { events: ['hosted_tool_progress'], note: 'file_search, searching' },
  'response.file_search_call.completed': { events: ['hosted_tool_progress'], note: 'file_search, completed' },
  'response.code_interpreter_call.in_progress': { events: ['hosted_tool_progress'], note: 'code_interpreter, in_progress' },
  'response.code_interpreter_call.interpreting': { events: ['hosted_tool_progress'], note: 'code_interpreter, interpreting' },
  'response.code_interpreter_call.completed': { events: ['hosted_tool_progress'], note: 'code_interpreter, completed' },
  'response.image_generation_call.in_progress': { events: ['hosted_tool_progress'], note: 'image_generation, in_progress' },
  'response.image_generation_call.generating': { events: ['hosted_tool_progress'], note: 'image_generation, generating' },
  'response.image_generation_call.partial_image': { events: ['image_generation_partial_image'] },
  'response.image_generation_call.completed': { events: ['hosted_tool_progress'], note: 'image_generation, completed' },
  'response.mcp_call.in_progress': { events: ['hosted_tool_progress'], note: 'mcp_call, in_progress' },
  'response.mcp_call.completed': { events: ['hosted_tool_progress'], note: 'mcp_call, completed' },
  'response.mcp_call.failed': { events: ['hosted_tool_progress'], note: 'mcp_call, failed' },
  'response.mcp_list_tools.in_progress': { events: ['hosted_tool_progress'], note: 'mcp_list_tools, in_progress' },
  'response.mcp_list_tools.completed': { events: ['hosted_tool_progress'], note: 'mcp_list_tools, completed' },
  'response.mcp_list_tools.failed': { events: ['hosted_tool_progress'], note: 'mcp_list_tools, failed' },
  'response.compaction.compacting': { events: ['hosted_tool_progress'], note: 'compaction, compacting' },
  // Shell
  'response.shell_call_command.added': { events: ['shell_command_added'] },
  'response.shell_call_command.delta': { events: ['shell_command_delta'] },
  'response.shell_call_command.done': { events: ['shell_command_done'] },
  'response.shell_call_output_content.delta': { events: ['shell_output_delta'] },
  'response.shell_call_output_content.done': { events: ['shell_output_done'] },
  // Audio
  'response.audio.delta': { events: ['audio_delta'] },
  'response.audio.done': { events: ['audio_done'] },
  'response.audio.transcript.delta': { events: ['audio_transcript_delta'] },
  'response.audio.transcript.done': { events: ['audio_transcript_done'] },
  // WebSocket and Codex backend extras (not in the official union)
  'response.metadata': { events: ['turn_state', 'server_model', 'models_etag', 'reasoning_included', 'rate_limits'], note: 'one event per header it carries' },
  'codex.response.metadata': { events: ['turn_state', 'server_model', 'models_etag', 'reasoning_included', 'rate_limits'], note: 'the newer name of response.metadata; one event per header it carries' },
  'codex.rate_limits': { events: ['rate_limits'] },
  'responsesapi.websocket_timing': { internal: 'server timing figures asked for by a handshake header; telemetry sees them (onStreamEvent), callers do not' },
  // Steering (WebSocket; in the official ResponsesServerEvent union, not in ResponseStreamEvent)
  'response.steer.accepted': { internal: 'settles the SteerHandle of ResponseStream.steer (accepted); onRawEvent sees it' },
  'response.steer.pending': { internal: 'settles the SteerHandle of ResponseStream.steer (pending, with the required input stubs); onRawEvent sees it' },
  'response.steer.failed': { internal: 'settles the SteerHandle of ResponseStream.steer (failed, input handed back); onRawEvent sees it' },
} as const satisfies { readonly [K in KnownStreamEventType]: StreamEventHandling };
