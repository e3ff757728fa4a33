/**
 * Readers for request bodies and headers: the fields the server reads from a Responses request
 * (validated by `request-validation.ts`), message text, and credentials.
 */

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
