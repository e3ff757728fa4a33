import { z } from 'zod';
import { itemPieceEvent, itemStatusEvent, sequenceNumber, textFields, toolInputEvent } from './stream-event-shapes.js';

// Stream events of the API's built-in tools (web search, file search, code interpreter, image
// generation, MCP, shell, apply_patch), server-side compaction and audio output. Field sets from
// the official `openai` package's types (7.57) and the recorded streams; written here.

// Progress of a built-in tool call: `item_id` and `output_index` only.
/** `response.web_search_call.in_progress`. */
export const WebSearchCallInProgressEventSchema = itemStatusEvent('response.web_search_call.in_progress');
/** `response.web_search_call.searching`. */
export const WebSearchCallSearchingEventSchema = itemStatusEvent('response.web_search_call.searching');
/** `response.web_search_call.completed`. */
export const WebSearchCallCompletedEventSchema = itemStatusEvent('response.web_search_call.completed');
/** `response.file_search_call.in_progress`. */
export const FileSearchCallInProgressEventSchema = itemStatusEvent('response.file_search_call.in_progress');
/** `response.file_search_call.searching`. */
export const FileSearchCallSearchingEventSchema = itemStatusEvent('response.file_search_call.searching');
/** `response.file_search_call.completed`. */
export const FileSearchCallCompletedEventSchema = itemStatusEvent('response.file_search_call.completed');
/** `response.code_interpreter_call.in_progress`. */
export const CodeInterpreterCallInProgressEventSchema = itemStatusEvent('response.code_interpreter_call.in_progress');
/** `response.code_interpreter_call.interpreting`: the code is running. */
export const CodeInterpreterCallInterpretingEventSchema = itemStatusEvent('response.code_interpreter_call.interpreting');
/** `response.code_interpreter_call.completed`. */
export const CodeInterpreterCallCompletedEventSchema = itemStatusEvent('response.code_interpreter_call.completed');
/** `response.image_generation_call.in_progress`. */
export const ImageGenerationCallInProgressEventSchema = itemStatusEvent('response.image_generation_call.in_progress');
/** `response.image_generation_call.generating`. */
export const ImageGenerationCallGeneratingEventSchema = itemStatusEvent('response.image_generation_call.generating');
/** `response.image_generation_call.completed`. */
export const ImageGenerationCallCompletedEventSchema = itemStatusEvent('response.image_generation_call.completed');
/** `response.mcp_call.in_progress`. */
export const McpCallInProgressEventSchema = itemStatusEvent('response.mcp_call.in_progress');
/** `response.mcp_call.completed`. */
export const McpCallCompletedEventSchema = itemStatusEvent('response.mcp_call.completed');
/** `response.mcp_call.failed`. */
export const McpCallFailedEventSchema = itemStatusEvent('response.mcp_call.failed');
/** `response.mcp_list_tools.in_progress`: the server is listing an MCP server's tools. */
export const McpListToolsInProgressEventSchema = itemStatusEvent('response.mcp_list_tools.in_progress');
/** `response.mcp_list_tools.completed`. */
export const McpListToolsCompletedEventSchema = itemStatusEvent('response.mcp_list_tools.completed');
/** `response.mcp_list_tools.failed`. */
export const McpListToolsFailedEventSchema = itemStatusEvent('response.mcp_list_tools.failed');
/** `response.compaction.compacting`: server-side compaction is producing a `compaction` item. */
export const CompactionCompactingEventSchema = itemStatusEvent('response.compaction.compacting');

// Inputs of built-in tool calls, streamed like function-call arguments.
/** `response.code_interpreter_call_code.delta`: a piece of the code the interpreter will run. */
export const CodeInterpreterCallCodeDeltaEventSchema = toolInputEvent('response.code_interpreter_call_code.delta', 'delta');
/** `response.code_interpreter_call_code.done`: the whole code. */
export const CodeInterpreterCallCodeDoneEventSchema = toolInputEvent('response.code_interpreter_call_code.done', 'code');
/** `response.mcp_call_arguments.delta`: a piece of an MCP call's JSON arguments. */
export const McpCallArgumentsDeltaEventSchema = toolInputEvent('response.mcp_call_arguments.delta', 'delta');
/** `response.mcp_call_arguments.done`: the whole arguments string. */
export const McpCallArgumentsDoneEventSchema = toolInputEvent('response.mcp_call_arguments.done', 'arguments');
/**
 * `response.apply_patch_call_operation_diff.delta`: a piece of an `apply_patch_call`'s diff. Sent
 * by the API (recorded), not in the `openai` package's 7.57 union.
 */
export const ApplyPatchCallOperationDiffDeltaEventSchema = toolInputEvent('response.apply_patch_call_operation_diff.delta', 'delta');
/** `response.apply_patch_call_operation_diff.done`: the whole diff. */
export const ApplyPatchCallOperationDiffDoneEventSchema = toolInputEvent('response.apply_patch_call_operation_diff.done', 'diff');

/** `response.image_generation_call.partial_image`: a preview of the image being generated (base64). */
export const ImageGenerationCallPartialImageEventSchema = itemPieceEvent('response.image_generation_call.partial_image', {
  /** The preview, base64 in `output_format`. */
  partial_image_b64: z.string(),
  /** 0-based number of the preview. */
  partial_image_index: z.number(),
  background: z.string().optional(),
  output_format: z.string().optional(),
  quality: z.string().optional(),
  size: z.string().optional(),
});

// Shell (`shell_call`): commands stream by `output_index` and `command_index` (no `item_id`);
// their output, once run by a hosted container, by item.
function shellCommandEvent<T extends string, K extends string>(type: T, key: K) {
  return z.looseObject({ type: z.literal(type), sequence_number: sequenceNumber, output_index: z.number(), command_index: z.number(), ...textFields(key) });
}
/** `response.shell_call_command.added`: a command starts (`command`, usually empty). */
export const ShellCallCommandAddedEventSchema = shellCommandEvent('response.shell_call_command.added', 'command');
/** `response.shell_call_command.delta`: a piece of a command. */
export const ShellCallCommandDeltaEventSchema = shellCommandEvent('response.shell_call_command.delta', 'delta');
/** `response.shell_call_command.done`: the whole command. */
export const ShellCallCommandDoneEventSchema = shellCommandEvent('response.shell_call_command.done', 'command');
/** `response.shell_call_output_content.delta`: pieces of a command's stdout and stderr. */
export const ShellCallOutputContentDeltaEventSchema = itemPieceEvent('response.shell_call_output_content.delta', {
  command_index: z.number(),
  delta: z.looseObject({ stdout: z.string().optional(), stderr: z.string().optional() }),
});
/** `response.shell_call_output_content.done`: a command's whole output and how it ended. */
export const ShellCallOutputContentDoneEventSchema = itemPieceEvent('response.shell_call_output_content.done', {
  command_index: z.number(),
  output: z.array(z.looseObject({ stdout: z.string(), stderr: z.string(), outcome: z.looseObject({ type: z.string() }) })),
});

// Audio output: not tied to an item.
/** `response.audio.delta`: a piece of the audio answer, base64. */
export const AudioDeltaEventSchema = z.looseObject({ type: z.literal('response.audio.delta'), sequence_number: sequenceNumber, delta: z.string() });
/** `response.audio.done`. */
export const AudioDoneEventSchema = z.looseObject({ type: z.literal('response.audio.done'), sequence_number: sequenceNumber });
/** `response.audio.transcript.delta`: a piece of the audio's transcript. */
export const AudioTranscriptDeltaEventSchema = z.looseObject({ type: z.literal('response.audio.transcript.delta'), sequence_number: sequenceNumber, delta: z.string() });
/** `response.audio.transcript.done`. */
export const AudioTranscriptDoneEventSchema = z.looseObject({ type: z.literal('response.audio.transcript.done'), sequence_number: sequenceNumber });

/** The built-in tool, compaction and audio events, by JSON `type` (part of `STREAM_EVENT_SCHEMAS`). */
export const BUILT_IN_TOOL_EVENT_SCHEMAS = {
  'response.web_search_call.in_progress': WebSearchCallInProgressEventSchema,
  'response.web_search_call.searching': WebSearchCallSearchingEventSchema,
  'response.web_search_call.completed': WebSearchCallCompletedEventSchema,
  'response.file_search_call.in_progress': FileSearchCallInProgressEventSchema,
  'response.file_search_call.searching': FileSearchCallSearchingEventSchema,
  'response.file_search_call.completed': FileSearchCallCompletedEventSchema,
  'response.code_interpreter_call.in_progress': CodeInterpreterCallInProgressEventSchema,
  'response.code_interpreter_call.interpreting': CodeInterpreterCallInterpretingEventSchema,
  'response.code_interpreter_call.completed': CodeInterpreterCallCompletedEventSchema,
  'response.code_interpreter_call_code.delta': CodeInterpreterCallCodeDeltaEventSchema,
  'response.code_interpreter_call_code.done': CodeInterpreterCallCodeDoneEventSchema,
  'response.image_generation_call.in_progress': ImageGenerationCallInProgressEventSchema,
  'response.image_generation_call.generating': ImageGenerationCallGeneratingEventSchema,
  'response.image_generation_call.partial_image': ImageGenerationCallPartialImageEventSchema,
  'response.image_generation_call.completed': ImageGenerationCallCompletedEventSchema,
  'response.mcp_call.in_progress': McpCallInProgressEventSchema,
  'response.mcp_call_arguments.delta': McpCallArgumentsDeltaEventSchema,
  'response.mcp_call_arguments.done': McpCallArgumentsDoneEventSchema,
  'response.mcp_call.completed': McpCallCompletedEventSchema,
  'response.mcp_call.failed': McpCallFailedEventSchema,
  'response.mcp_list_tools.in_progress': McpListToolsInProgressEventSchema,
  'response.mcp_list_tools.completed': McpListToolsCompletedEventSchema,
  'response.mcp_list_tools.failed': McpListToolsFailedEventSchema,
  'response.shell_call_command.added': ShellCallCommandAddedEventSchema,
  'response.shell_call_command.delta': ShellCallCommandDeltaEventSchema,
  'response.shell_call_command.done': ShellCallCommandDoneEventSchema,
  'response.shell_call_output_content.delta': ShellCallOutputContentDeltaEventSchema,
  'response.shell_call_output_content.done': ShellCallOutputContentDoneEventSchema,
  'response.apply_patch_call_operation_diff.delta': ApplyPatchCallOperationDiffDeltaEventSchema,
  'response.apply_patch_call_operation_diff.done': ApplyPatchCallOperationDiffDoneEventSchema,
  'response.compaction.compacting': CompactionCompactingEventSchema,
  'response.audio.delta': AudioDeltaEventSchema,
  'response.audio.done': AudioDoneEventSchema,
  'response.audio.transcript.delta': AudioTranscriptDeltaEventSchema,
  'response.audio.transcript.done': AudioTranscriptDoneEventSchema,
} as const;
