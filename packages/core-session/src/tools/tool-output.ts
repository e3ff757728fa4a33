// What a tool handler returns and how it becomes the output the model sees: text, or a list of
// content parts (text, image, file) as the API accepts for `function_call_output.output` and
// `custom_tool_call_output.output`.

/** A text part of a tool output. */
export interface ToolOutputText {
  readonly type: 'input_text';
  /** The text. */
  readonly text: string;
}

/** An image part of a tool output: `image_url` (an https URL or a `data:` URL) or an uploaded `file_id`. */
export interface ToolOutputImage {
  readonly type: 'input_image';
  /** A fully qualified URL, or a base64 `data:image/...;base64,` URL. */
  readonly image_url?: string;
  /** The id of an uploaded file. */
  readonly file_id?: string;
  /** How closely the model looks at the image. The API's default is `auto`. */
  readonly detail?: 'low' | 'high' | 'auto' | 'original';
}

/** A file part of a tool output: inline `file_data` (base64), a `file_url` or an uploaded `file_id`. */
export interface ToolOutputFile {
  readonly type: 'input_file';
  /** The file's content, base64-encoded (a `data:` URL with the media type, as the API expects). */
  readonly file_data?: string;
  /** The id of an uploaded file. */
  readonly file_id?: string;
  /** A URL of the file. */
  readonly file_url?: string;
  /** The file name shown to the model (needed with `file_data`). */
  readonly filename?: string;
}

/** One content part of a tool output. */
export type ToolOutputContent = ToolOutputText | ToolOutputImage | ToolOutputFile;

/** What the model sees from a tool call: text, or content parts (an empty list counts as `""`). */
export type ToolOutput = string | readonly ToolOutputContent[];

/**
 * What a handler returns: the output (text or content parts), optionally marked as a failure
 * (`success: false`, reported in `tool_call_finished`; the model sees the output either way).
 * Any other value is sent as its JSON text.
 */
export type ToolResult = ToolOutput | { readonly output: ToolOutput; readonly success?: boolean };

/** What one tool call produced for the model. */
export interface ToolCallOutcome {
  /** What the model sees: text, or content parts. */
  readonly output: ToolOutput;
  /** `false` for handler errors, timeouts, invalid input, invalid results and unknown tools. */
  readonly success: boolean;
}

const CONTENT_TYPES = new Set(['input_text', 'input_image', 'input_file']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = (part: Record<string, unknown>, key: string): boolean => part[key] === undefined || typeof part[key] === 'string';

/** What is wrong with one content part, or `undefined` when it is valid. */
function contentProblem(part: unknown): string | undefined {
  if (!isRecord(part) || typeof part['type'] !== 'string' || !CONTENT_TYPES.has(part['type'])) return 'must be a content part of type input_text, input_image or input_file';
  switch (part['type']) {
    case 'input_text':
      return typeof part['text'] === 'string' ? undefined : 'an input_text part needs a string text';
    case 'input_image':
      if (!optionalString(part, 'image_url') || !optionalString(part, 'file_id')) return 'image_url and file_id must be strings';
      if (part['image_url'] === undefined && part['file_id'] === undefined) return 'an input_image part needs image_url or file_id';
      if (part['detail'] !== undefined && !['low', 'high', 'auto', 'original'].includes(part['detail'] as string)) return 'detail must be "low", "high", "auto" or "original"';
      return undefined;
    default:
      if (!['file_data', 'file_id', 'file_url', 'filename'].every((key) => optionalString(part, key))) return 'file_data, file_id, file_url and filename must be strings';
      if (part['file_data'] === undefined && part['file_id'] === undefined && part['file_url'] === undefined) return 'an input_file part needs file_data, file_id or file_url';
      return undefined;
  }
}

/** Whether `value` is meant as content parts: an array of objects that each carry a string `type`. */
function looksLikeContent(value: readonly unknown[]): boolean {
  return value.length > 0 && value.every((part) => isRecord(part) && typeof part['type'] === 'string');
}

/**
 * Reads what a handler returned. `name` is the tool's name (for messages).
 * - a string, or an array of content parts → that output;
 * - `{ output, success? }` → the output with its success flag;
 * - an empty array → `""`;
 * - content parts with a problem → a failure output naming the part (the model sees it);
 * - anything else → its JSON text (as before content outputs existed).
 */
export function toolOutcomeOf(result: unknown, name: string): ToolCallOutcome {
  if (isRecord(result) && (typeof result['output'] === 'string' || Array.isArray(result['output']))) {
    const outcome = toolOutcomeOf(result['output'], name);
    return outcome.success && result['success'] === false ? { output: outcome.output, success: false } : outcome;
  }
  if (typeof result === 'string') return { output: result, success: true };
  if (Array.isArray(result)) {
    if (result.length === 0) return { output: '', success: true };
    if (looksLikeContent(result)) {
      for (const [index, part] of result.entries()) {
        const problem = contentProblem(part);
        if (problem !== undefined) return { output: `tool ${JSON.stringify(name)} returned an invalid output: output[${index}]: ${problem}`, success: false };
      }
      return { output: result as readonly ToolOutputContent[], success: true };
    }
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(result);
  } catch {
    text = undefined;
  }
  return { output: text ?? String(result), success: true };
}

/**
 * The output as plain text (for events and logs): text parts as they are, an image as
 * `[image]`, a file as `[file <name>]`, joined by newlines.
 */
export function toolOutputText(output: ToolOutput): string {
  if (typeof output === 'string') return output;
  return output
    .map((part) => {
      if (part.type === 'input_text') return part.text;
      if (part.type === 'input_image') return '[image]';
      return part.filename === undefined ? '[file]' : `[file ${part.filename}]`;
    })
    .join('\n');
}
