// A deterministic model for the crash test: the same input always gets the same response, with
// the same ids, so the commits of an interrupted run can be compared item for item with an
// uninterrupted one. `run: <command>` gets a reasoning item and a `shell` call; a tool output
// gets a reasoning item and a message quoting it; anything else a message.
import type { ModelRequest, ScriptedResponse } from '@modelwire/testing';

function hash(text: string): string {
  let value = 2166136261;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 16777619);
  }
  return (value >>> 0).toString(16).padStart(8, '0');
}

function lastText(input: readonly unknown[]): { kind: 'user' | 'output' | 'none'; text: string } {
  for (let index = input.length - 1; index >= 0; index -= 1) {
    const item = input[index] as Record<string, unknown>;
    if (item['type'] === 'function_call_output') return { kind: 'output', text: String(item['output']) };
    if (item['role'] === 'user') {
      const content = item['content'] as { text?: string }[] | string;
      return { kind: 'user', text: typeof content === 'string' ? content : content.map((part) => part.text ?? '').join('') };
    }
  }
  return { kind: 'none', text: '' };
}

function chunks(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let index = 0; index < text.length; index += size) parts.push(text.slice(index, index + size));
  return parts;
}

/** The scripted model (pass as `model` to `startResponsesServer`). */
export function crashModel(request: ModelRequest): ScriptedResponse {
  const key = hash(JSON.stringify(request.input));
  const id = `resp_${key}`;
  const last = lastText(request.input);
  const command = last.kind === 'user' ? /^run:\s*(.+)$/.exec(last.text)?.[1] : undefined;
  const reasoning = { id: `rs_${key}`, type: 'reasoning', summary: [{ type: 'summary_text', text: `Thinking about ${last.text.slice(0, 40)}` }], encrypted_content: `enc_${key}` };
  const answer =
    command !== undefined
      ? { id: `fc_${key}`, type: 'function_call', status: 'completed', call_id: `call_${key}`, name: 'shell', arguments: JSON.stringify({ command }) }
      : { id: `msg_${key}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: last.kind === 'output' ? `The tool said: ${last.text}. Done.` : `You said: ${last.text}`, annotations: [] }] };
  const events: Record<string, unknown>[] = [{ type: 'response.created', response: { id, object: 'response', status: 'in_progress', output: [] } }];
  [reasoning, answer].forEach((item, index) => {
    events.push({ type: 'response.output_item.added', output_index: index, item: { ...item, ...(item.type === 'message' ? { content: [] } : {}) } });
    if (item.type === 'message') {
      const text = (item as { content: { text: string }[] }).content[0]?.text ?? '';
      for (const delta of chunks(text, 3)) events.push({ type: 'response.output_text.delta', item_id: item.id, output_index: index, content_index: 0, delta });
    } else if (item.type === 'function_call') {
      for (const delta of chunks(String((item as { arguments: string }).arguments), 3)) events.push({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: index, delta });
    }
    events.push({ type: 'response.output_item.done', output_index: index, item });
  });
  const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 120 };
  events.push({ type: 'response.completed', response: { id, object: 'response', status: 'completed', output: [reasoning, answer], usage } });
  return { events };
}

/** The tool's deterministic answer. */
export function toolAnswer(command: string): string {
  return `ran ${command} (${hash(command)})`;
}
