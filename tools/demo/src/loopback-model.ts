// The demo's loopback "model": a small deterministic planner behind the loopback Responses
// server. For a prompt that asks to look at the repository it lists a directory, reads a README
// (or the first file) found in the listing, then answers from what the tools returned; any
// other prompt gets a direct answer. It also records every response's effective input and
// output so the summary can price a full resend of each request.
import type { JsonObject, ModelRequest, ScriptedModel, ScriptedResponse } from '@modelwire/testing';

type Item = Record<string, unknown>;

/** Effective input and output of every response the model produced, by response id. */
export type ResponseChain = Map<string, { input: readonly unknown[]; output: readonly unknown[] }>;

const isItem = (value: unknown): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);

function textOf(item: Item): string {
  const content = item['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isItem(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
}

function outputText(item: Item): string {
  const output = item['output'];
  return typeof output === 'string' ? output : Array.isArray(output) ? output.map((part) => (isItem(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('') : '';
}

const WANTS_TOOLS = /\b(look|list|files?|read|inside|repository|repo|directory|folder|show)\b/i;
const PATH_TOKEN = /(?:^|\s)((?:[\w.-]+\/)+[\w.-]*|packages|tools)(?=[\s,.?!]|$)/;

/** The first sentence of the first prose paragraph of a markdown text (no headings, tables, code). */
function firstProse(markdown: string): string {
  let inCode = false;
  const paragraph: string[] = [];
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('```')) inCode = !inCode;
    const prose = !inCode && line !== '' && !/^[#|>`<!-]/.test(line);
    if (prose) paragraph.push(line);
    else if (paragraph.length > 0) break;
  }
  const text = paragraph.join(' ').replace(/\*\*|`/g, '');
  return /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
}

/** What the planner decides: a tool call or a message. */
type Decision = { kind: 'call'; name: string; args: Item } | { kind: 'message'; text: string };

function decide(input: readonly unknown[]): Decision {
  const items = input.filter(isItem);
  let userIndex = -1;
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index]!;
    if ((item['type'] === 'message' || item['type'] === undefined) && item['role'] === 'user') {
      userIndex = index;
      break;
    }
  }
  const prompt = userIndex >= 0 ? textOf(items[userIndex]!) : '';
  const since = items.slice(userIndex + 1);
  const calls = since.filter((item) => item['type'] === 'function_call');
  const outputs = since.filter((item) => item['type'] === 'function_call_output');
  if (!WANTS_TOOLS.test(prompt)) {
    const earlier = items.slice(0, Math.max(userIndex, 0)).filter((item) => item['type'] === 'function_call_output').map(outputText);
    const readme = earlier.reverse().find((text) => text.trimStart().startsWith('#'));
    const gist = readme === undefined ? '' : firstProse(readme);
    return { kind: 'message', text: gist ? `In one sentence: ${gist}` : `You said: ${prompt}` };
  }
  const directory = (PATH_TOKEN.exec(prompt)?.[1] ?? '.').replace(/\/+$/, '') || '.';
  if (calls.length === 0) return { kind: 'call', name: 'list_files', args: { path: directory } };
  const listing = outputs[0] === undefined ? '' : outputText(outputs[0]);
  const files = listing.split('\n').filter((line) => line.startsWith('f ')).map((line) => line.slice(2).split(/\s{2,}/)[0]!);
  const folders = listing.split('\n').filter((line) => line.startsWith('d ')).map((line) => line.slice(2));
  if (calls.length === 1 && outputs.length === 1) {
    const chosen = files.find((name) => /^readme/i.test(name)) ?? files[0];
    if (chosen !== undefined) return { kind: 'call', name: 'read_file', args: { path: directory === '.' ? chosen : `${directory}/${chosen}` } };
  }
  const read = outputs[1] === undefined ? '' : outputText(outputs[1]);
  const readPath = calls[1] === undefined ? '' : String((JSON.parse(String(calls[1]['arguments'] ?? '{}')) as Item)['path'] ?? '');
  const heading = /^#\s+(.+)$/m.exec(read)?.[1]?.replace(/`/g, '');
  const lines = [
    `\`${directory}\` holds ${folders.length} folder${folders.length === 1 ? '' : 's'} (${folders.slice(0, 6).join(', ') || 'none'}) and ${files.length} file${files.length === 1 ? '' : 's'}.`,
  ];
  if (readPath !== '' && read !== '') {
    lines.push(`I read \`${readPath}\`${heading ? `, titled "${heading}"` : ''}.`);
    const gist = firstProse(read);
    if (gist) lines.push(`It says: ${gist}`);
  }
  return { kind: 'message', text: lines.join(' ') };
}

function chunks(text: string, size: number): string[] {
  const characters = Array.from(text);
  const result: string[] = [];
  for (let index = 0; index < characters.length; index += size) result.push(characters.slice(index, index + size).join(''));
  return result;
}

/** Options of {@link createLoopbackModel}. */
export interface LoopbackModelOptions {
  /** Characters per streamed delta. Default 4. */
  readonly deltaChars?: number;
  /** Where response inputs and outputs are recorded (for the bytes summary). */
  readonly chain: ResponseChain;
}

/** A scripted model for `startResponsesServer({ model })`. */
export function createLoopbackModel(options: LoopbackModelOptions): ScriptedModel {
  const deltaChars = options.deltaChars ?? 4;
  let counter = 0;
  return (request: ModelRequest): ScriptedResponse => {
    counter += 1;
    const id = `resp_demo_${counter.toString().padStart(4, '0')}`;
    const model = request.body.model ?? 'gpt-loopback';
    const decision = decide(request.input);
    const snapshot = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'in_progress', model, output: [], usage: null, error: null, incomplete_details: null };
    const events: JsonObject[] = [
      { type: 'response.created', response: snapshot },
      { type: 'response.in_progress', response: snapshot },
    ];
    let item: JsonObject;
    if (decision.kind === 'call') {
      const itemId = `fc_demo_${counter}`;
      const args = JSON.stringify(decision.args);
      const added = { id: itemId, type: 'function_call', status: 'in_progress', call_id: `call_demo_${counter}`, name: decision.name, arguments: '' };
      events.push({ type: 'response.output_item.added', output_index: 0, item: added });
      for (const delta of chunks(args, deltaChars)) events.push({ type: 'response.function_call_arguments.delta', item_id: itemId, output_index: 0, delta });
      events.push({ type: 'response.function_call_arguments.done', item_id: itemId, output_index: 0, arguments: args });
      item = { ...added, status: 'completed', arguments: args };
    } else {
      const itemId = `msg_demo_${counter}`;
      const where = { item_id: itemId, output_index: 0, content_index: 0 };
      events.push({ type: 'response.output_item.added', output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
      events.push({ type: 'response.content_part.added', ...where, part: { type: 'output_text', text: '', annotations: [] } });
      for (const delta of chunks(decision.text, deltaChars)) events.push({ type: 'response.output_text.delta', ...where, delta, logprobs: [] });
      const part = { type: 'output_text', text: decision.text, annotations: [] };
      events.push({ type: 'response.output_text.done', ...where, text: decision.text, logprobs: [] });
      events.push({ type: 'response.content_part.done', ...where, part });
      item = { id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [part] };
    }
    events.push({ type: 'response.output_item.done', output_index: 0, item });
    const inputTokens = Math.ceil(Buffer.byteLength(JSON.stringify([request.body.instructions ?? '', request.body.tools ?? [], request.input])) / 4);
    const outputTokens = Math.ceil(Buffer.byteLength(JSON.stringify(item)) / 4);
    const usage = { input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inputTokens + outputTokens };
    events.push({ type: 'response.completed', response: { ...snapshot, status: 'completed', output: [item], usage } });
    options.chain.set(id, { input: request.input, output: [item] });
    return { events };
  };
}
