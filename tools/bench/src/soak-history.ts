// History checks of the soak: no lost, duplicated or dangling item in a session's committed
// history, and every completed turn's items present in it, in order.
import type { ResponseItem } from '@modelwire/client';

/** Counts of what a history check found. */
export interface HistoryFindings {
  /** Items duplicated: a repeated item id, tool call or tool output. */
  duplicated: number;
  /** Items lost: user inputs missing, tool calls without output, completed-turn items missing. */
  lost: number;
  /** One line per finding (the first few are reported). */
  details: string[];
}

/**
 * Checks one session's history against the inputs it submitted (in order) and the items its
 * completed turns reported.
 */
export function checkHistory(history: readonly ResponseItem[], inputs: readonly string[], completedTurnItems: readonly (readonly ResponseItem[])[]): HistoryFindings {
  const findings: HistoryFindings = { duplicated: 0, lost: 0, details: [] };
  const note = (kind: 'duplicated' | 'lost', detail: string): void => {
    findings[kind] += 1;
    if (findings.details.length < 5) findings.details.push(detail);
  };
  const users = history.filter((item) => item.type === 'message' && item.role === 'user').map(textOf);
  if (users.length > inputs.length) note('duplicated', `${users.length} user messages for ${inputs.length} inputs`);
  for (const [index, input] of inputs.entries()) if (users[index] !== input) note('lost', `user input ${index} is ${JSON.stringify(users[index])}, expected ${JSON.stringify(input)}`);
  const ids = new Set<string>();
  const calls = new Set<string>();
  const outputs = new Set<string>();
  for (const item of history) {
    const id = 'id' in item ? item.id : undefined;
    if (typeof id === 'string') {
      if (ids.has(id)) note('duplicated', `item ${id} twice`);
      ids.add(id);
    }
    const callId = 'call_id' in item ? item.call_id : undefined;
    if (typeof callId !== 'string') continue;
    if (item.type === 'function_call') {
      if (calls.has(callId)) note('duplicated', `tool call ${callId} twice`);
      calls.add(callId);
    } else if (item.type === 'function_call_output') {
      if (outputs.has(callId)) note('duplicated', `tool output ${callId} twice`);
      if (!calls.has(callId)) note('lost', `tool output ${callId} without its call`);
      outputs.add(callId);
    }
  }
  for (const callId of calls) if (!outputs.has(callId)) note('lost', `tool call ${callId} without output`);
  const serialised = history.map((item) => JSON.stringify(item));
  for (const items of completedTurnItems) {
    const first = items[0];
    const start = first === undefined ? -1 : serialised.indexOf(JSON.stringify(first));
    const matches = start >= 0 && items.every((item, offset) => serialised[start + offset] === JSON.stringify(item));
    if (!matches) note('lost', `a completed turn's ${items.length} items are not in the history`);
  }
  return findings;
}

function textOf(item: ResponseItem): string {
  if (item.type !== 'message') return '';
  if (typeof item.content === 'string') return item.content;
  return item.content.map((part) => ('text' in part ? part.text : '')).join('');
}
