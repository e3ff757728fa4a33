import type { ResponseItem } from '@modelwire/client';

/**
 * Checks a committed history for lost and duplicated items. Returns the problems found, one
 * sentence each; an empty list means the history is sound.
 *
 * - every `user` message of `userInputs` appears exactly once, in order;
 * - no item id, tool call id or tool output call id appears twice;
 * - every tool output follows its call, and (unless `allowOpenCalls`) every call has its output;
 * - no `message` is empty (a partial, cut message would have no text).
 */
export function historyProblems(history: readonly ResponseItem[], userInputs: readonly string[], options: { allowOpenCalls?: boolean } = {}): string[] {
  const problems: string[] = [];
  const users = history.filter((item) => item.type === 'message' && item.role === 'user').map(messageText);
  if (JSON.stringify(users) !== JSON.stringify(userInputs)) problems.push(`user messages ${JSON.stringify(users)} instead of ${JSON.stringify(userInputs)}`);
  const ids = new Set<string>();
  const calls = new Set<string>();
  const outputs = new Set<string>();
  for (const [index, item] of history.entries()) {
    const id = 'id' in item ? item.id : undefined;
    if (typeof id === 'string') {
      if (ids.has(id)) problems.push(`item id ${id} appears twice (index ${index})`);
      ids.add(id);
    }
    const callId = 'call_id' in item ? item.call_id : undefined;
    if (typeof callId === 'string' && isToolCall(item.type)) {
      if (calls.has(callId)) problems.push(`tool call ${callId} committed twice`);
      calls.add(callId);
    }
    if (typeof callId === 'string' && isToolOutput(item.type)) {
      if (!calls.has(callId)) problems.push(`tool output ${callId} without a preceding call`);
      if (outputs.has(callId)) problems.push(`tool output ${callId} committed twice`);
      outputs.add(callId);
    }
    if (item.type === 'message' && item.role === 'assistant' && messageText(item).length === 0) problems.push(`empty assistant message at index ${index}`);
  }
  if (options.allowOpenCalls !== true) {
    for (const callId of calls) if (!outputs.has(callId)) problems.push(`tool call ${callId} has no output`);
  }
  return problems;
}

function isToolCall(type: string): boolean {
  return type === 'function_call' || type === 'custom_tool_call' || type === 'local_shell_call';
}

function isToolOutput(type: string): boolean {
  return type === 'function_call_output' || type === 'custom_tool_call_output';
}

/** The concatenated text parts of a message item. */
export function messageText(item: ResponseItem): string {
  if (item.type !== 'message') return '';
  if (typeof item.content === 'string') return item.content;
  return item.content.map((part) => ('text' in part ? part.text : '')).join('');
}
