import type { ShellCommandOutput } from '../items/shell-items.js';
import type { EventMapperTable } from './event-mapper.js';
import { toolCallInputDeltaEvent } from './map-content-events.js';
import type { HostedToolKind, HostedToolStatus, ResponseEvent } from './response-event.js';

// Built-in (server-side) tools, server-side compaction, shell commands and audio output.

/** The mapper of a built-in tool's progress event (they all carry `item_id` and `output_index` only). */
function progress(tool: HostedToolKind, status: HostedToolStatus): (event: { readonly item_id: string; readonly output_index: number }) => ResponseEvent {
  return (event) => ({ type: 'hosted_tool_progress', tool, status, itemId: event.item_id, outputIndex: event.output_index });
}

/** The built-in tool, shell and audio events, one-to-one. */
export const BUILT_IN_TOOL_EVENT_MAPPERS = {
  'response.web_search_call.in_progress': progress('web_search', 'in_progress'),
  'response.web_search_call.searching': progress('web_search', 'searching'),
  'response.web_search_call.completed': progress('web_search', 'completed'),
  'response.file_search_call.in_progress': progress('file_search', 'in_progress'),
  'response.file_search_call.searching': progress('file_search', 'searching'),
  'response.file_search_call.completed': progress('file_search', 'completed'),
  'response.code_interpreter_call.in_progress': progress('code_interpreter', 'in_progress'),
  'response.code_interpreter_call.interpreting': progress('code_interpreter', 'interpreting'),
  'response.code_interpreter_call.completed': progress('code_interpreter', 'completed'),
  'response.image_generation_call.in_progress': progress('image_generation', 'in_progress'),
  'response.image_generation_call.generating': progress('image_generation', 'generating'),
  'response.image_generation_call.completed': progress('image_generation', 'completed'),
  'response.mcp_call.in_progress': progress('mcp_call', 'in_progress'),
  'response.mcp_call.completed': progress('mcp_call', 'completed'),
  'response.mcp_call.failed': progress('mcp_call', 'failed'),
  'response.mcp_list_tools.in_progress': progress('mcp_list_tools', 'in_progress'),
  'response.mcp_list_tools.completed': progress('mcp_list_tools', 'completed'),
  'response.mcp_list_tools.failed': progress('mcp_list_tools', 'failed'),
  'response.compaction.compacting': progress('compaction', 'compacting'),
  'response.code_interpreter_call_code.delta': (event) => toolCallInputDeltaEvent('code_interpreter', event.item_id, event.output_index, event.delta),
  'response.code_interpreter_call_code.done': (event) => ({ type: 'tool_call_input_done', toolKind: 'code_interpreter', itemId: event.item_id, outputIndex: event.output_index, input: event.code }),
  'response.mcp_call_arguments.delta': (event) => ({ type: 'tool_call_input_delta', toolKind: 'mcp', itemId: event.item_id, outputIndex: event.output_index, delta: event.delta }),
  'response.mcp_call_arguments.done': (event) => ({ type: 'tool_call_input_done', toolKind: 'mcp', itemId: event.item_id, outputIndex: event.output_index, input: event.arguments }),
  'response.apply_patch_call_operation_diff.delta': (event) => ({ type: 'tool_call_input_delta', toolKind: 'apply_patch', itemId: event.item_id, outputIndex: event.output_index, delta: event.delta }),
  'response.apply_patch_call_operation_diff.done': (event) => ({ type: 'tool_call_input_done', toolKind: 'apply_patch', itemId: event.item_id, outputIndex: event.output_index, input: event.diff }),
  'response.image_generation_call.partial_image': (event) => ({
    type: 'image_generation_partial_image',
    itemId: event.item_id,
    outputIndex: event.output_index,
    partialImageIndex: event.partial_image_index,
    imageBase64: event.partial_image_b64,
    ...(event.output_format === undefined ? {} : { outputFormat: event.output_format }),
    ...(event.size === undefined ? {} : { size: event.size }),
    ...(event.quality === undefined ? {} : { quality: event.quality }),
    ...(event.background === undefined ? {} : { background: event.background }),
  }),
  'response.shell_call_command.added': (event) => ({ type: 'shell_command_added', outputIndex: event.output_index, commandIndex: event.command_index, command: event.command }),
  'response.shell_call_command.delta': (event) => ({ type: 'shell_command_delta', outputIndex: event.output_index, commandIndex: event.command_index, delta: event.delta }),
  'response.shell_call_command.done': (event) => ({ type: 'shell_command_done', outputIndex: event.output_index, commandIndex: event.command_index, command: event.command }),
  'response.shell_call_output_content.delta': (event) => ({
    type: 'shell_output_delta',
    itemId: event.item_id,
    outputIndex: event.output_index,
    commandIndex: event.command_index,
    stdout: event.delta.stdout ?? '',
    stderr: event.delta.stderr ?? '',
  }),
  'response.shell_call_output_content.done': (event) => ({
    type: 'shell_output_done',
    itemId: event.item_id,
    outputIndex: event.output_index,
    commandIndex: event.command_index,
    output: event.output as unknown as readonly ShellCommandOutput[],
  }),
  'response.audio.delta': (event) => ({ type: 'audio_delta', delta: event.delta }),
  'response.audio.done': () => ({ type: 'audio_done' }),
  'response.audio.transcript.delta': (event) => ({ type: 'audio_transcript_delta', delta: event.delta }),
  'response.audio.transcript.done': () => ({ type: 'audio_transcript_done' }),
} as const satisfies EventMapperTable;
