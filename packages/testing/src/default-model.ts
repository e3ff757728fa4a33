/**
 * The deterministic default model: it reads the effective input of a request (after
 * continuation) and decides what to answer, as a list of output items to stream.
 */
import { functionOutputText, isRecord, messageText, type JsonObject, type ResponsesRequestBody } from './request-body.js';

/** One output item the model decided to produce. */
export type ModelOutput =
  | { readonly kind: 'reasoning'; readonly summary: string | undefined; readonly encrypted: boolean }
  | { readonly kind: 'message'; readonly text: string }
  | { readonly kind: 'function_call'; readonly name: string; readonly arguments: string; readonly callId: string };

/** Tunables of the default model. */
export interface DefaultModelOptions {
  /**
   * Exact length (UTF-16 code units) of every plain answer; the answer is padded with
   * deterministic filler words or cut. Default: the natural sentence.
   */
  readonly answerChars?: number | undefined;
}

const TOOL_REQUEST = /^\s*(?:run|exec|execute|shell|call)(?:\s+(\d+)\s+times)?\s*:\s*(.+?)\s*$/im;
/** Upper bound of `run N times:` (a tool loop longer than this is a typo, not a test). */
const MAX_REPEATS = 1000;
const PREFERRED_TOOLS = ['shell', 'exec', 'run', 'exec_command', 'shell_command', 'local_shell', 'container.exec', 'bash'];
const FILLER = 'the loopback model keeps talking so that the answer reaches the requested size and stays the same on every run';

function functionTools(tools: readonly unknown[] | undefined): JsonObject[] {
  return (tools ?? []).filter(
    (tool): tool is JsonObject => isRecord(tool) && tool['type'] === 'function' && typeof tool['name'] === 'string',
  );
}

function pickTool(tools: readonly JsonObject[]): JsonObject | undefined {
  for (const preferred of PREFERRED_TOOLS) {
    const tool = tools.find((candidate) => candidate['name'] === preferred);
    if (tool) return tool;
  }
  return tools.find((tool) => /shell|exec|run|command|bash/i.test(String(tool['name']))) ?? tools[0];
}

/** Builds the JSON arguments for a command, shaped after the tool's declared parameters. */
function argumentsFor(tool: JsonObject, command: string): string {
  const parameters = tool['parameters'];
  const properties = isRecord(parameters) && isRecord(parameters['properties']) ? parameters['properties'] : {};
  const names = Object.keys(properties);
  const commandSchema = properties['command'];
  if (isRecord(commandSchema) && commandSchema['type'] === 'array') {
    return JSON.stringify({ command: ['bash', '-lc', command] });
  }
  if ('command' in properties) return JSON.stringify({ command });
  if ('cmd' in properties) return JSON.stringify({ cmd: command });
  const first = names[0];
  return JSON.stringify({ [first ?? 'command']: command });
}

function sized(text: string, answerChars: number | undefined): string {
  if (answerChars === undefined) return text;
  let result = text;
  while (result.length < answerChars) result += ` ${FILLER}`;
  return result.slice(0, Math.max(0, answerChars));
}

/** Small deterministic hash, used for call ids. */
export function stableHash(text: string): string {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Decides the answer to a request whose full (effective) input is `input`:
 * - the last user message says `run N times: <command>`, a function tool is declared, and
 *   fewer than N tool outputs follow that message → another call of the tool (a tool loop of
 *   N calls and one final message, N + 1 requests);
 * - the last relevant item is a `function_call_output` → a message quoting that output;
 * - the last user message says `run: <command>` (or `exec:` …) and a function tool is
 *   declared → a `function_call` of the shell-like tool (else the first function tool);
 * - otherwise → a message answering the last user message.
 * A reasoning item with a summary comes first when the request has `reasoning`.
 */
export function decideDefaultOutput(
  body: ResponsesRequestBody,
  input: readonly unknown[],
  options: DefaultModelOptions,
): ModelOutput[] {
  const outputs: ModelOutput[] = [];
  const reasoning = body.reasoning;
  let lastRelevant: JsonObject | undefined;
  let lastUser: JsonObject | undefined;
  /** Tool outputs after the last user message. */
  let toolOutputs = 0;
  for (let index = input.length - 1; index >= 0 && lastUser === undefined; index -= 1) {
    const item = input[index];
    if (!isRecord(item)) continue;
    const isUser = (item['type'] === 'message' || item['type'] === undefined) && item['role'] === 'user';
    const isToolOutput = item['type'] === 'function_call_output' || item['type'] === 'custom_tool_call_output';
    if (isUser || isToolOutput) lastRelevant ??= item;
    if (isToolOutput) toolOutputs += 1;
    if (isUser) lastUser = item;
  }
  const userText = lastRelevant && lastRelevant['role'] === 'user' ? messageText(lastRelevant) : '';
  const toolRequest = lastUser === undefined ? null : TOOL_REQUEST.exec(messageText(lastUser));
  const repeats = Math.min(Number(toolRequest?.[1] ?? 1), MAX_REPEATS);
  const tool = toolRequest ? pickTool(functionTools(body.tools)) : undefined;
  if (isRecord(reasoning)) {
    const wantsSummary = reasoning['summary'] !== undefined && reasoning['summary'] !== 'none';
    const topic = lastRelevant === undefined ? 'the conversation' : userText ? `"${userText.slice(0, 60)}"` : 'the tool output';
    outputs.push({
      kind: 'reasoning',
      summary: wantsSummary ? `**Considering the request**\n\nLooking at ${topic} and deciding what to do next.` : undefined,
      encrypted: (body.include ?? []).includes('reasoning.encrypted_content'),
    });
  }
  if (toolRequest && tool && lastRelevant !== lastUser && toolOutputs < repeats) {
    outputs.push(callOf(tool, toolRequest[2] ?? '', input.length));
    return outputs;
  }
  if (lastRelevant && lastRelevant['role'] !== 'user') {
    const callId = String(lastRelevant['call_id'] ?? '');
    const call = input.find(
      (item): item is JsonObject => isRecord(item) && item['call_id'] === callId && item['type'] !== lastRelevant['type'],
    );
    const name = call ? String(call['name'] ?? 'the tool') : 'the tool';
    const output = functionOutputText(lastRelevant);
    outputs.push({ kind: 'message', text: sized(`${name} returned:\n${output}\nDone.`, options.answerChars) });
    return outputs;
  }
  if (toolRequest && tool) {
    outputs.push(callOf(tool, toolRequest[2] ?? '', input.length));
    return outputs;
  }
  const answer = userText ? `You said: ${userText}` : 'Hello from the loopback model.';
  outputs.push({ kind: 'message', text: sized(answer, options.answerChars) });
  return outputs;
}

/** A call of `tool` running `command`; the call id is unique per position in the conversation. */
function callOf(tool: JsonObject, command: string, inputLength: number): ModelOutput {
  const name = String(tool['name']);
  return { kind: 'function_call', name, arguments: argumentsFor(tool, command), callId: `call_${stableHash(`${inputLength}:${name}:${command}`)}` };
}
