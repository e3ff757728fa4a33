/**
 * Checks a Responses create request (HTTP body or WebSocket `response.create`) the way the API
 * does, and answers a rejection in the API's error shape: the first problem found, with the
 * parameter path (`input[2].role`, `tools[0].name`) and the API's error code. Used by both the
 * HTTP routes and the WebSocket session, so the two transports accept and refuse the same
 * requests.
 *
 * The fields and item shapes follow the official `openai` package's types
 * (`ResponseCreateParamsBase`, `ResponsesClientEvent.ResponseCreate`, `ResponseInputItem`,
 * `Tool`); the messages and codes follow errors observed from the service. Rules whose real
 * behaviour is uncertain are listed in the README and not enforced.
 */
import { isRecord, type JsonObject, type ResponsesRequestBody } from './request-body.js';

/** The `error` object of an API error body (`{"error": {message, type, param, code}}`). */
export interface ApiError {
  readonly message: string;
  /** `invalid_request_error` for every validation problem. */
  readonly type: string;
  /** The offending parameter's path, or `null` when the problem is not about one parameter. */
  readonly param: string | null;
  /** A stable code (`invalid_value`, `missing_required_parameter`, …), or `null`. */
  readonly code: string | null;
}

/** A refused request: the HTTP status (WebSocket error frames carry it as `status`) and the error. */
export interface RequestRejection {
  readonly status: number;
  readonly error: ApiError;
}

/** Top-level fields of `POST /v1/responses` (`ResponseCreateParamsBase` of openai 7.57.0). */
const HTTP_FIELDS: ReadonlySet<string> = new Set([
  'access_programs', 'background', 'context_management', 'conversation', 'image', 'include', 'input',
  'instructions', 'max_output_tokens', 'max_tool_calls', 'metadata', 'model', 'moderation',
  'parallel_tool_calls', 'previous_response_id', 'prompt', 'prompt_cache_key', 'prompt_cache_options',
  'prompt_cache_retention', 'reasoning', 'safety_identifier', 'service_tier', 'store', 'stream',
  'stream_options', 'temperature', 'text', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'truncation', 'user',
]);

/**
 * Fields only a WebSocket `response.create` has: `type`, `generate` and `stream_id` (openai
 * 7.57.0 `ResponsesClientEvent.ResponseCreate`) and `client_metadata` (the per-request values
 * HTTP sends as headers; a Codex backend convention the SDK type does not list).
 */
const WEBSOCKET_FIELDS: ReadonlySet<string> = new Set(['type', 'generate', 'stream_id', 'client_metadata']);

/** `ResponseInputItem` members' `type` values (openai 7.57.0). */
const INPUT_ITEM_TYPES = [
  'message', 'file_search_call', 'computer_call', 'computer_call_output', 'web_search_call', 'function_call',
  'function_call_output', 'tool_search_call', 'tool_search_output', 'additional_tools', 'configuration_update',
  'reasoning', 'compaction', 'image_generation_call', 'code_interpreter_call', 'local_shell_call',
  'local_shell_call_output', 'shell_call', 'shell_call_output', 'apply_patch_call', 'apply_patch_call_output',
  'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response', 'mcp_call', 'custom_tool_call_output',
  'custom_tool_call', 'compaction_trigger', 'item_reference', 'program', 'program_output',
] as const;

/** `Tool` members' `type` values (openai 7.57.0). */
const TOOL_TYPES = [
  'function', 'file_search', 'computer', 'computer_use_preview', 'web_search', 'web_search_2025_08_26', 'mcp',
  'code_interpreter', 'programmatic_tool_calling', 'image_generation', 'local_shell', 'shell', 'custom',
  'namespace', 'tool_search', 'web_search_preview', 'web_search_preview_2025_03_11', 'apply_patch',
] as const;

/** `ResponseIncludable` (openai 7.57.0). */
const INCLUDABLE = [
  'file_search_call.results', 'web_search_call.results', 'web_search_call.action.sources',
  'message.input_image.image_url', 'computer_call_output.output.image_url', 'code_interpreter_call.outputs',
  'reasoning.encrypted_content', 'message.output_text.logprobs',
] as const;

const ROLES = ['user', 'assistant', 'system', 'developer'] as const;
/** Content parts of `user`/`system`/`developer` messages (`ResponseInputContent`). */
const INPUT_CONTENT_TYPES = ['input_text', 'input_image', 'input_file'] as const;
/** Content parts of `assistant` messages (`ResponseOutputMessage.content`): the service refuses input parts there. */
const OUTPUT_CONTENT_TYPES = ['output_text', 'refusal'] as const;
const TOOL_CHOICE_OPTIONS = ['none', 'auto', 'required'] as const;

/** Function and custom tool names: the API's pattern and length limit. */
export const TOOL_NAME_PATTERN = '^[a-zA-Z0-9_-]+$';
export const TOOL_NAME_MAX_LENGTH = 64;
const TOOL_NAME = new RegExp(TOOL_NAME_PATTERN);
/** WebSocket lane names (`stream_id`). */
const STREAM_ID = /^[A-Za-z0-9_.-]{1,256}$/;

/**
 * Fields each item type must carry, with their JSON type (`string`, `array`, or `string|array`
 * for outputs that may be text or content parts): the members' required properties in openai
 * 7.57.0 that the service is known to check. `function_call_output.call_id` is optional there.
 */
const REQUIRED_ITEM_FIELDS: Readonly<Record<string, readonly (readonly [string, 'string' | 'array' | 'string|array'])[]>> = {
  function_call: [['call_id', 'string'], ['name', 'string'], ['arguments', 'string']],
  function_call_output: [['output', 'string|array']],
  custom_tool_call: [['call_id', 'string'], ['name', 'string'], ['input', 'string']],
  custom_tool_call_output: [['call_id', 'string'], ['output', 'string|array']],
  reasoning: [['summary', 'array']],
  compaction: [['encrypted_content', 'string']],
  item_reference: [['id', 'string']],
  web_search_call: [['id', 'string']],
  shell_call: [['call_id', 'string']],
  shell_call_output: [['call_id', 'string'], ['output', 'array']],
  apply_patch_call: [['call_id', 'string']],
  apply_patch_call_output: [['call_id', 'string']],
};

/**
 * Every field the message and function-call items may carry (the union of the members' fields
 * in openai 7.57.0: `EasyInputMessage`, `ResponseInputItem.Message`, `ResponseOutputMessage`,
 * `ResponseFunctionToolCall`, `ResponseInputItem.FunctionCallOutput`). The service refuses any
 * other field of an item with `unknown_parameter`; other item types are not checked for it.
 */
const ITEM_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  message: new Set(['type', 'role', 'content', 'status', 'id', 'phase']),
  function_call: new Set(['type', 'id', 'call_id', 'name', 'arguments', 'status', 'async', 'caller', 'namespace']),
  function_call_output: new Set(['type', 'id', 'call_id', 'output', 'status', 'caller', 'name', 'namespace']),
};

function checkItemFields(item: JsonObject, type: string, path: string): void {
  const allowed = ITEM_FIELDS[type];
  if (allowed === undefined) return;
  for (const key of Object.keys(item)) {
    if (!allowed.has(key)) refuse(`${path}.${key}`, 'unknown_parameter', `Unknown parameter: '${path}.${key}'.`);
  }
}

/** Thrown inside the checks; caught by {@link validateResponsesRequest}. */
class Refusal extends Error {
  constructor(readonly rejection: RequestRejection) {
    super(rejection.error.message);
  }
}

function refuse(param: string | null, code: string | null, message: string, status = 400): never {
  throw new Refusal({ status, error: { message, type: 'invalid_request_error', param, code } });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function quoteList(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

const missing = (param: string): never => refuse(param, 'missing_required_parameter', `Missing required parameter: '${param}'.`);

const wrongType = (param: string, expected: string, value: unknown): never =>
  refuse(param, 'invalid_type', `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`);

function oneOf(param: string, value: unknown, supported: readonly string[]): void {
  if (typeof value !== 'string') wrongType(param, 'one of ' + quoteList(supported), value);
  if (!supported.includes(value as string)) {
    refuse(param, 'invalid_value', `Invalid value: '${String(value)}'. Supported values are: ${quoteList(supported)}.`);
  }
}

function optional(body: JsonObject, key: string, check: (value: unknown) => boolean, expected: string, nullable = true): void {
  const value = body[key];
  if (value === undefined || (nullable && value === null)) return;
  if (!check(value)) wrongType(key, expected, value);
}

const isString = (value: unknown): boolean => typeof value === 'string';
const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
const isNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
const isInteger = (value: unknown): boolean => Number.isInteger(value);

function range(body: JsonObject, key: string, minimum: number, maximum: number | undefined, integer: boolean): void {
  const value = body[key];
  if (value === undefined || value === null) return;
  if (!(integer ? isInteger(value) : isNumber(value))) wrongType(key, integer ? 'an integer' : 'a decimal', value);
  const number = value as number;
  const kind = integer ? 'integer' : 'decimal';
  if (number < minimum) {
    refuse(key, `${kind}_below_min_value`, `Invalid '${key}': ${kind} below minimum value. Expected a value >= ${minimum}, but got ${number} instead.`);
  }
  if (maximum !== undefined && number > maximum) {
    refuse(key, `${kind}_above_max_value`, `Invalid '${key}': ${kind} above maximum value. Expected a value <= ${maximum}, but got ${number} instead.`);
  }
}

function stringWithin(param: string, value: unknown, maximum: number): void {
  if (typeof value !== 'string') wrongType(param, 'a string', value);
  const length = (value as string).length;
  if (length > maximum) {
    refuse(param, 'string_above_max_length', `Invalid '${param}': string too long. Expected a string with maximum length ${maximum}, but got a string with length ${length} instead.`);
  }
}

function checkContentParts(parts: readonly unknown[], path: string, allowed: readonly string[]): void {
  parts.forEach((part, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(part)) wrongType(at, 'an object', part);
    const record = part as JsonObject;
    if (record['type'] === undefined) missing(`${at}.type`);
    if (!allowed.includes(String(record['type']))) {
      refuse(at, 'invalid_value', `Invalid value: '${String(record['type'])}'. Supported values are: ${quoteList(allowed)}.`);
    }
    const textField = record['type'] === 'refusal' ? 'refusal' : record['type'] === 'input_text' || record['type'] === 'output_text' ? 'text' : undefined;
    if (textField !== undefined) {
      if (record[textField] === undefined) missing(`${at}.${textField}`);
      if (typeof record[textField] !== 'string') wrongType(`${at}.${textField}`, 'a string', record[textField]);
    }
  });
}

function checkMessage(item: JsonObject, path: string): void {
  checkItemFields(item, 'message', path);
  if (item['role'] === undefined) missing(`${path}.role`);
  oneOf(`${path}.role`, item['role'], ROLES);
  const content = item['content'];
  if (content === undefined) missing(`${path}.content`);
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) wrongType(`${path}.content`, 'one of a string or an array of content parts', content);
  checkContentParts(content as unknown[], `${path}.content`, item['role'] === 'assistant' ? OUTPUT_CONTENT_TYPES : INPUT_CONTENT_TYPES);
}

function checkItem(item: unknown, path: string): void {
  if (!isRecord(item)) wrongType(path, 'an object', item);
  const record = item as JsonObject;
  const type = record['type'];
  if (type === undefined || type === null) {
    // Easy input messages and item references may leave `type` out.
    if (record['role'] === undefined && record['content'] === undefined && record['id'] !== undefined) return checkRequired(record, 'item_reference', path);
    return checkMessage(record, path);
  }
  oneOf(`${path}.type`, type, INPUT_ITEM_TYPES);
  if (type === 'message') return checkMessage(record, path);
  checkItemFields(record, type as string, path);
  checkRequired(record, type as string, path);
}

function checkRequired(item: JsonObject, type: string, path: string): void {
  for (const [field, kind] of REQUIRED_ITEM_FIELDS[type] ?? []) {
    const value = item[field];
    if (value === undefined || value === null) missing(`${path}.${field}`);
    const ok = kind === 'string' ? typeof value === 'string' : kind === 'array' ? Array.isArray(value) : typeof value === 'string' || Array.isArray(value);
    if (!ok) wrongType(`${path}.${field}`, kind === 'string' ? 'a string' : kind === 'array' ? 'an array' : 'one of a string or an array', value);
    if (field === 'output' && Array.isArray(value) && type !== 'shell_call_output') checkContentParts(value, `${path}.output`, INPUT_CONTENT_TYPES);
  }
}

function checkTool(tool: unknown, path: string): void {
  if (!isRecord(tool)) wrongType(path, 'an object', tool);
  const record = tool as JsonObject;
  if (record['type'] === undefined) missing(`${path}.type`);
  oneOf(`${path}.type`, record['type'], TOOL_TYPES);
  if (record['type'] !== 'function' && record['type'] !== 'custom') return;
  const name = record['name'];
  if (name === undefined || name === null) missing(`${path}.name`);
  stringWithin(`${path}.name`, name, TOOL_NAME_MAX_LENGTH);
  if (!TOOL_NAME.test(name as string)) {
    refuse(`${path}.name`, 'invalid_value', `Invalid '${path}.name': string does not match pattern. Expected a string that matches the pattern '${TOOL_NAME_PATTERN}'.`);
  }
  if (record['type'] === 'function') {
    const parameters = record['parameters'];
    if (parameters !== undefined && parameters !== null && !isRecord(parameters)) wrongType(`${path}.parameters`, 'an object', parameters);
    if (record['strict'] !== undefined && record['strict'] !== null && typeof record['strict'] !== 'boolean') wrongType(`${path}.strict`, 'a boolean', record['strict']);
  }
}

function checkMetadata(metadata: unknown): void {
  if (metadata === undefined || metadata === null) return;
  if (!isRecord(metadata)) wrongType('metadata', 'an object', metadata);
  const entries = Object.entries(metadata as JsonObject);
  if (entries.length > 16) {
    refuse('metadata', 'object_above_max_properties', `Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with ${entries.length} properties instead.`);
  }
  for (const [key, value] of entries) {
    if (key.length > 64) {
      refuse('metadata', 'invalid_value', `Invalid 'metadata': key too long. Expected keys of at most 64 characters, but got a key with length ${key.length} instead.`);
    }
    stringWithin(`metadata.${key}`, value, 512);
  }
}

function checkModelAndInput(body: JsonObject): void {
  if ((body['model'] === undefined || body['model'] === null) && (body['prompt'] === undefined || body['prompt'] === null)) missing('model');
  optional(body, 'model', isString, 'a string');
  const input = body['input'];
  if (input !== undefined && input !== null && typeof input !== 'string') {
    if (!Array.isArray(input)) wrongType('input', 'one of a string or an array of input items', input);
    const items = input as unknown[];
    items.forEach((item, index) => checkItem(item, `input[${index}]`));
    items.forEach((item, index) => {
      if (index < items.length - 1 && isRecord(item) && item['type'] === 'compaction_trigger') {
        refuse(`input[${index}]`, 'invalid_value', "The 'compaction_trigger' item must be the final input item.");
      }
    });
  }
}

function checkBody(body: JsonObject, transport: 'http' | 'websocket'): void {
  for (const key of Object.keys(body)) {
    if (!HTTP_FIELDS.has(key) && !(transport === 'websocket' && WEBSOCKET_FIELDS.has(key))) {
      refuse(key, 'unknown_parameter', `Unknown parameter: '${key}'.`);
    }
  }
  if (transport === 'websocket' && body['background'] === true) {
    refuse('background', 'unsupported_parameter', "Unsupported parameter: 'background' is not supported in WebSocket mode.");
  }
  checkModelAndInput(body);
  optional(body, 'instructions', isString, 'a string');
  optional(body, 'previous_response_id', isString, 'a string');
  optional(body, 'prompt_cache_key', isString, 'a string');
  optional(body, 'safety_identifier', isString, 'a string');
  for (const key of ['stream', 'store', 'background', 'parallel_tool_calls']) optional(body, key, isBoolean, 'a boolean');
  optional(body, 'reasoning', isRecord, 'an object');
  optional(body, 'text', isRecord, 'an object', false);
  range(body, 'temperature', 0, 2, false);
  range(body, 'top_p', 0, 1, false);
  range(body, 'max_output_tokens', 16, undefined, true);
  range(body, 'top_logprobs', 0, 20, true);
  range(body, 'max_tool_calls', 1, undefined, true);
  checkMetadata(body['metadata']);
  const include = body['include'];
  if (include !== undefined && include !== null) {
    if (!Array.isArray(include)) wrongType('include', 'an array', include);
    (include as unknown[]).forEach((value, index) => oneOf(`include[${index}]`, value, INCLUDABLE));
  }
  const tools = body['tools'];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) wrongType('tools', 'an array', tools);
    (tools as unknown[]).forEach((tool, index) => checkTool(tool, `tools[${index}]`));
  }
  const toolChoice = body['tool_choice'];
  if (typeof toolChoice === 'string') oneOf('tool_choice', toolChoice, TOOL_CHOICE_OPTIONS);
  else if (toolChoice !== undefined && !isRecord(toolChoice)) wrongType('tool_choice', 'one of a string or an object', toolChoice);
  if (transport === 'websocket') {
    optional(body, 'generate', isBoolean, 'a boolean', false);
    const streamId = body['stream_id'];
    if (streamId !== undefined && (typeof streamId !== 'string' || !STREAM_ID.test(streamId))) {
      refuse('stream_id', 'invalid_stream_id', 'Invalid stream_id: expected 1 to 256 characters of A-Z, a-z, 0-9, _, . or -.');
    }
    const metadata = body['client_metadata'];
    if (metadata !== undefined && (!isRecord(metadata) || Object.values(metadata).some((value) => typeof value !== 'string'))) {
      wrongType('client_metadata', 'an object of strings', metadata);
    }
  }
}

/** The outcome of {@link validateResponsesRequest}. */
export type ValidationResult =
  | { readonly ok: true; readonly body: ResponsesRequestBody }
  | { readonly ok: false; readonly rejection: RequestRejection };

/**
 * Checks a request as the API does. Returns the request normalised for the server's model (a
 * string `input` becomes one user message, easy messages get `type: "message"`, `null` fields
 * are dropped), or
 * the rejection to send. `transport` decides which top-level fields exist: a WebSocket
 * `response.create` also has `type`, `generate`, `stream_id` and `client_metadata`, and refuses
 * `background: true`.
 */
export function validateResponsesRequest(value: unknown, transport: 'http' | 'websocket'): ValidationResult {
  return validated(value, (body) => checkBody(body, transport));
}

/**
 * Checks a `POST /v1/responses/compact` body: `model` and the `input` items by the same rules
 * as a create request. Other fields are not checked (the SDK's `ResponseCompactParams` and the
 * fields Codex sends to that endpoint differ, and which ones the service refuses is unknown).
 */
export function validateCompactRequest(value: unknown): ValidationResult {
  return validated(value, checkModelAndInput);
}

function validated(value: unknown, check: (body: JsonObject) => void): ValidationResult {
  try {
    if (!isRecord(value)) refuse(null, 'invalid_type', `Invalid type for the request body: expected an object, but got ${describe(value)} instead.`);
    check(value as JsonObject);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, rejection: error.rejection };
    throw error;
  }
  const body = value as JsonObject;
  const input = body['input'];
  const items: unknown[] = typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : Array.isArray(input) ? input : [];
  const normalised = items.map((item) => (isRecord(item) && item['type'] === undefined && item['role'] !== undefined ? { ...item, type: 'message' } : item));
  // `null` means "not set" for every nullable field.
  const set = Object.fromEntries(Object.entries(body).filter(([, field]) => field !== null));
  return { ok: true, body: { ...set, input: normalised } as ResponsesRequestBody };
}
