// Content parts: the pieces of a message and of a tool output. Written from the Responses wire
// format. Two families look alike but differ on the wire: parts of a message (and of a custom
// tool's output), where an image states its `detail`, and parts of a function call's output,
// where every optional field may also be `null`. Arrays are plain (mutable) arrays so that these
// types stay assignable to other SDKs' parameter types; treat items as immutable values anyway.

/** Asks the server to place an explicit prompt-cache breakpoint after this part. */
export interface PromptCacheBreakpoint {
  readonly mode: 'explicit';
  /** Minimum lifetime of the cached prefix. */
  readonly ttl?: '30m' | '12h';
}

/** How closely the model looks at an image; `original` keeps the full resolution. */
export type ImageDetail = 'low' | 'high' | 'auto' | 'original';

/** Level of detail for a file input. */
export type FileDetail = 'auto' | 'low' | 'high';

/** Text in a message (`input_text`). */
export interface InputTextContent {
  readonly type: 'input_text';
  readonly text: string;
  readonly prompt_cache_breakpoint?: PromptCacheBreakpoint;
}

/** An image in a message (`input_image`): a URL (or data URL) or an uploaded file id. */
export interface InputImageContent {
  readonly type: 'input_image';
  /** Required in a message (the API rejects a message image without it). */
  readonly detail: ImageDetail;
  readonly image_url?: string | null;
  readonly file_id?: string | null;
  readonly prompt_cache_breakpoint?: PromptCacheBreakpoint;
}

/** A file in a message (`input_file`): inline data (base64 data URL), a URL or an uploaded file id. */
export interface InputFileContent {
  readonly type: 'input_file';
  readonly detail?: FileDetail;
  readonly file_data?: string;
  readonly file_id?: string | null;
  readonly file_url?: string;
  readonly filename?: string;
  readonly prompt_cache_breakpoint?: PromptCacheBreakpoint;
}

/** One part of an input message, or of a custom tool call's output. */
export type InputContent = InputTextContent | InputImageContent | InputFileContent;

/** Text in a function call's output. */
export interface ToolOutputTextContent {
  readonly type: 'input_text';
  readonly text: string;
  readonly prompt_cache_breakpoint?: PromptCacheBreakpoint | null;
}

/** An image in a function call's output; `detail` is optional here. */
export interface ToolOutputImageContent {
  readonly type: 'input_image';
  readonly detail?: ImageDetail | null;
  readonly image_url?: string | null;
  readonly file_id?: string | null;
  readonly prompt_cache_breakpoint?: PromptCacheBreakpoint | null;
}

/** A file in a function call's output. */
export interface ToolOutputFileContent {
  readonly type: 'input_file';
  readonly detail?: FileDetail;
  readonly file_data?: string | null;
  readonly file_id?: string | null;
  readonly file_url?: string | null;
  readonly filename?: string | null;
  readonly prompt_cache_breakpoint?: PromptCacheBreakpoint | null;
}

/** One part of a function call's output (`function_call_output.output` as an array). */
export type ToolOutputContent = ToolOutputTextContent | ToolOutputImageContent | ToolOutputFileContent;

/** A citation of an uploaded file (file search). `index` is a character offset in the text. */
export interface FileCitationAnnotation {
  readonly type: 'file_citation';
  readonly file_id: string;
  readonly filename: string;
  readonly index: number;
}

/** A citation of a web page; the indexes delimit the cited span of the text (characters). */
export interface UrlCitationAnnotation {
  readonly type: 'url_citation';
  readonly url: string;
  readonly title: string;
  readonly start_index: number;
  readonly end_index: number;
}

/** A citation of a file in a code-interpreter container. */
export interface ContainerFileCitationAnnotation {
  readonly type: 'container_file_citation';
  readonly container_id: string;
  readonly file_id: string;
  readonly filename: string;
  readonly start_index: number;
  readonly end_index: number;
}

/** A path to a file the model produced. */
export interface FilePathAnnotation {
  readonly type: 'file_path';
  readonly file_id: string;
  readonly index: number;
}

/** An annotation of assistant text. */
export type OutputTextAnnotation = FileCitationAnnotation | UrlCitationAnnotation | ContainerFileCitationAnnotation | FilePathAnnotation;

/** One alternative token at a position (`top_logprobs`). */
export interface TopLogprob {
  readonly token: string;
  /** UTF-8 bytes of the token. */
  readonly bytes: number[];
  readonly logprob: number;
}

/** The log probability of one output token (`include: ["message.output_text.logprobs"]`). */
export interface TokenLogprob extends TopLogprob {
  readonly top_logprobs: TopLogprob[];
}

/** Assistant text (`output_text`). */
export interface OutputTextContent {
  readonly type: 'output_text';
  readonly text: string;
  readonly annotations: OutputTextAnnotation[];
  readonly logprobs?: TokenLogprob[];
}

/** An assistant refusal (`refusal`). */
export interface RefusalContent {
  readonly type: 'refusal';
  readonly refusal: string;
}

/** One part of an assistant (output) message. */
export type OutputMessageContent = OutputTextContent | RefusalContent;
