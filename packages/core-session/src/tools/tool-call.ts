import type { InputContent, ResponseItem, ToolOutputContent as FunctionOutputContent } from '@modelwire/client';
import type { ToolCallKind } from '../events/session-event.js';
import type { ToolOutput } from './tool-output.js';
import { LOCAL_SHELL_TOOL_NAME } from './validate-tool-definition.js';

/** One tool call found in a response's output. */
export interface ToolCall {
  /** Which output item type carried the call. */
  readonly kind: ToolCallKind;
  /** The id the output must carry (`call_id`). */
  readonly callId: string;
  /** The tool name (`local_shell` for local shell calls). */
  readonly name: string;
  /** Raw input: JSON arguments, custom input text, or the shell action as JSON. */
  readonly input: string;
  /** The output item as committed. */
  readonly item: ResponseItem;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The `call_id` a tool call item answers to (a local shell call without one uses its `id`); `undefined` for other items. */
function callIdOf(item: ResponseItem): string | undefined {
  if (item.type === 'function_call' || item.type === 'custom_tool_call') return text(item['call_id']);
  if (item.type === 'local_shell_call') return text(item['call_id']) || text(item['id']);
  return undefined;
}

/**
 * The output items of one response with every tool call whose `call_id` an earlier call of the
 * same response already used left out (the first one stays). A call id names one call: a server
 * that repeats it must not get the call committed, run and answered twice (the API refuses a
 * history with two outputs for one call). Returns `items` itself when nothing repeats.
 */
export function withoutRepeatedCalls(items: readonly ResponseItem[]): readonly ResponseItem[] {
  const seen = new Set<string>();
  let repeated = false;
  const kept = items.filter((item) => {
    const callId = callIdOf(item);
    if (callId === undefined) return true;
    if (seen.has(callId)) {
      repeated = true;
      return false;
    }
    seen.add(callId);
    return true;
  });
  return repeated ? kept : items;
}

/**
 * The tool calls among output items, in order: `function_call`, `custom_tool_call` and
 * `local_shell_call` (hosted tools such as `web_search_call` run on the server and are not
 * returned). A local shell call without `call_id` uses its `id`.
 */
export function toolCallsOf(items: readonly ResponseItem[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const item of items) {
    if (item.type === 'function_call') {
      calls.push({ kind: 'function', callId: text(item['call_id']), name: text(item['name']), input: text(item['arguments']), item });
    } else if (item.type === 'custom_tool_call') {
      calls.push({ kind: 'custom', callId: text(item['call_id']), name: text(item['name']), input: text(item['input']), item });
    } else if (item.type === 'local_shell_call') {
      calls.push({ kind: 'local_shell', callId: callIdOf(item) ?? '', name: LOCAL_SHELL_TOOL_NAME, input: JSON.stringify(item['action'] ?? null), item });
    }
  }
  return calls;
}

/**
 * The output item answering `call` (the one place tool output items are built):
 * `custom_tool_call_output` for custom tools, `function_call_output` for function and local
 * shell calls. `output` is text or content parts (`input_text`, `input_image`, `input_file`),
 * both accepted by the API for either item; an empty part list is sent as `""`.
 */
export function toolOutputItem(call: ToolCall, output: ToolOutput): ResponseItem {
  const sent = typeof output === 'string' || output.length > 0 ? output : '';
  // The parts go out as the handler returned them (items are immutable values, hence the
  // casts from the read-only list). An image without `detail` means the API's default, `auto`,
  // also in a custom tool's output, where the item type lists `detail` as required.
  if (call.kind === 'custom') return { type: 'custom_tool_call_output', call_id: call.callId, output: sent as string | InputContent[] };
  return { type: 'function_call_output', call_id: call.callId, output: sent as string | FunctionOutputContent[] };
}
