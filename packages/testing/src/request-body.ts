/**
 * Readers for request bodies: Responses requests are checked against the `@modelwire/protocol`
 * schemas (loose objects: unknown fields pass and are recorded unchanged); the server then reads
 * only the fields it needs.
 */

import { CreateResponseRequestSchema, ResponseCreateMessageSchema } from '@modelwire/protocol';

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** The fields of a Responses request (HTTP body or WebSocket `response.create`) the server reads. */
export interface ResponsesRequestBody extends JsonObject {
  readonly model?: string;
  readonly instructions?: string;
  readonly input?: unknown[];
  readonly tools?: unknown[];
  readonly reasoning?: JsonObject | null;
  readonly include?: string[];
  readonly previous_response_id?: string;
  readonly stream?: boolean;
  readonly generate?: boolean;
  readonly stream_id?: string;
  readonly client_metadata?: Record<string, string>;
}

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a body (HTTP) or a `response.create` frame (WebSocket) as a Responses request, or
 * returns the reason it cannot be one. A string `input` is accepted as one user message (as
 * the service does); the result is then checked against the `@modelwire/protocol` schema.
 */
export function readResponsesBody(value: unknown, transport: 'http' | 'websocket' = 'http'): ResponsesRequestBody | string {
  const lenient = readLenient(value);
  if (typeof lenient === 'string') return lenient;
  const schema = transport === 'http' ? CreateResponseRequestSchema : ResponseCreateMessageSchema;
  const parsed = schema.safeParse(lenient);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `Invalid request: ${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unknown problem'}.`;
  }
  return lenient;
}

function readLenient(value: unknown): ResponsesRequestBody | string {
  if (!isRecord(value)) return 'The request body must be a JSON object.';
  if (value['input'] !== undefined && !Array.isArray(value['input']) && typeof value['input'] !== 'string') {
    return 'input must be an array of items or a string.';
  }
  if (value['tools'] !== undefined && !Array.isArray(value['tools'])) return 'tools must be an array.';
  if (value['previous_response_id'] !== undefined && typeof value['previous_response_id'] !== 'string') {
    return 'previous_response_id must be a string.';
  }
  if (value['stream_id'] !== undefined && (typeof value['stream_id'] !== 'string' || !/^[A-Za-z0-9_.-]{1,256}$/.test(value['stream_id']))) {
    return 'stream_id must be 1-256 characters of A-Za-z0-9_.-';
  }
  if (typeof value['input'] === 'string') {
    return { ...value, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: value['input'] }] }] };
  }
  return value as ResponsesRequestBody;
}

/** The concatenated text of a message item's content (string or parts). */
export function messageText(item: JsonObject): string {
  const content = item['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .join('');
}

/** The output of a function_call_output item as text. */
export function functionOutputText(item: JsonObject): string {
  const output = item['output'];
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return messageText({ content: output });
  return JSON.stringify(output ?? '');
}

/** Reads one header value as a string (first value of a list). */
export function headerValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The bearer token of an `Authorization` header, if any. */
export function bearerToken(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const value = headerValue(headers, 'authorization');
  const match = value === undefined ? null : /^Bearer\s+(.+)$/i.exec(value);
  return match?.[1];
}
