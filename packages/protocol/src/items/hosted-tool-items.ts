// Items of the tools the server runs itself (web search, file search, image generation, code
// interpreter, tool search) and of the computer-use tool. They go back unchanged as input.
import type { ItemStatus } from './message-items.js';

/** A web search with its queries and (with `include: ["web_search_call.action.sources"]`) sources. */
export interface WebSearchSearchAction {
  readonly type: 'search';
  readonly query?: string;
  readonly queries?: string[];
  readonly sources?: WebSearchSource[];
}

/** A source the web search consulted. */
export interface WebSearchSource {
  readonly type: 'url';
  readonly url: string;
}

/** The search opened a page. */
export interface WebSearchOpenPageAction {
  readonly type: 'open_page';
  readonly url?: string | null;
}

/** The search looked for `pattern` in the page at `url`. */
export interface WebSearchFindInPageAction {
  readonly type: 'find_in_page';
  readonly pattern: string;
  readonly url: string;
}

/** What a web search call did. */
export type WebSearchAction = WebSearchSearchAction | WebSearchOpenPageAction | WebSearchFindInPageAction;

/** A call of the built-in web search tool. */
export interface WebSearchCallItem {
  readonly type: 'web_search_call';
  readonly id: string;
  readonly status: 'in_progress' | 'searching' | 'completed' | 'failed' | 'incomplete';
  readonly action: WebSearchAction;
}

/** One result of a file search (with `include: ["file_search_call.results"]`). */
export interface FileSearchResult {
  readonly file_id?: string;
  readonly filename?: string;
  /** Relevance between 0 and 1. */
  readonly score?: number;
  readonly text?: string;
  readonly attributes?: Record<string, string | number | boolean> | null;
}

/** A call of the built-in file search tool. */
export interface FileSearchCallItem {
  readonly type: 'file_search_call';
  readonly id: string;
  readonly queries: string[];
  readonly status: 'in_progress' | 'searching' | 'completed' | 'incomplete' | 'failed';
  readonly results?: FileSearchResult[] | null;
}

/** Why an image generation failed. */
export interface ImageGenerationError {
  readonly type: string;
  readonly code: string | null;
  readonly message: string;
  readonly param: string | null;
  readonly moderation_details?: {
    readonly categories: string[];
    readonly moderation_stage: 'input' | 'output' | 'unknown';
  };
}

/** Token usage of an SVG generation. */
export interface SvgGenerationUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly reasoning_tokens: number;
  readonly total_tokens: number;
  readonly model: string;
}

/** A call of the built-in image generation tool; `result` is the base64 image. */
export interface ImageGenerationCallItem {
  readonly type: 'image_generation_call';
  readonly id: string;
  readonly result: string | null;
  readonly status: 'in_progress' | 'completed' | 'generating' | 'failed';
  readonly action?: 'generate' | 'edit' | 'auto' | null;
  readonly background?: 'transparent' | 'opaque' | 'auto' | null;
  readonly output_format?: 'png' | 'webp' | 'jpeg' | 'gif' | 'svg' | null;
  readonly quality?: 'low' | 'medium' | 'high' | 'xhigh' | 'max' | 'auto' | null;
  /** `WIDTHxHEIGHT`, e.g. `1024x1024`. */
  readonly size?: (string & {}) | '1024x1024' | '1024x1536' | '1536x1024' | null;
  readonly revised_prompt?: string | null;
  readonly error?: ImageGenerationError;
  readonly svg_usage?: SvgGenerationUsage;
}

/** Log output of the code interpreter. */
export interface CodeInterpreterLogs {
  readonly type: 'logs';
  readonly logs: string;
}

/** An image the code interpreter produced. */
export interface CodeInterpreterImage {
  readonly type: 'image';
  readonly url: string;
}

/** A call of the built-in code interpreter tool. */
export interface CodeInterpreterCallItem {
  readonly type: 'code_interpreter_call';
  readonly id: string;
  readonly container_id: string;
  readonly code: string | null;
  readonly outputs: (CodeInterpreterLogs | CodeInterpreterImage)[] | null;
  readonly status: 'in_progress' | 'completed' | 'incomplete' | 'interpreting' | 'failed';
}

/** A call of the tool-search tool; `arguments` are the search arguments as the model wrote them. */
export interface ToolSearchCallItem {
  readonly type: 'tool_search_call';
  readonly arguments: unknown;
  readonly id?: string | null;
  readonly call_id?: string | null;
  /** Who runs the search: the server, or the caller (answering with a `tool_search_output`). */
  readonly execution?: 'server' | 'client';
  readonly status?: ItemStatus | null;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** Mouse button of a click. */
export type MouseButton = 'left' | 'right' | 'wheel' | 'back' | 'forward';

/** A point on the screen, in pixels. */
export interface ScreenPoint {
  readonly x: number;
  readonly y: number;
}

/** Click at a point; `keys` are held down during the click. */
export interface ComputerClickAction extends ScreenPoint {
  readonly type: 'click';
  readonly button: MouseButton;
  readonly keys?: string[] | null;
}

/** Double-click at a point. */
export interface ComputerDoubleClickAction extends ScreenPoint {
  readonly type: 'double_click';
  readonly keys: string[] | null;
}

/** Drag along a path of points. */
export interface ComputerDragAction {
  readonly type: 'drag';
  readonly path: ScreenPoint[];
  readonly keys?: string[] | null;
}

/** Press a key combination. */
export interface ComputerKeypressAction {
  readonly type: 'keypress';
  readonly keys: string[];
}

/** Move the pointer. */
export interface ComputerMoveAction extends ScreenPoint {
  readonly type: 'move';
  readonly keys?: string[] | null;
}

/** Take a screenshot. */
export interface ComputerScreenshotAction {
  readonly type: 'screenshot';
}

/** Scroll by (`scroll_x`, `scroll_y`) pixels at a point. */
export interface ComputerScrollAction extends ScreenPoint {
  readonly type: 'scroll';
  readonly scroll_x: number;
  readonly scroll_y: number;
  readonly keys?: string[] | null;
}

/** Type text. */
export interface ComputerTypeAction {
  readonly type: 'type';
  readonly text: string;
}

/** Wait a moment. */
export interface ComputerWaitAction {
  readonly type: 'wait';
}

/** One action of the computer-use tool. */
export type ComputerAction =
  | ComputerClickAction
  | ComputerDoubleClickAction
  | ComputerDragAction
  | ComputerKeypressAction
  | ComputerMoveAction
  | ComputerScreenshotAction
  | ComputerScrollAction
  | ComputerTypeAction
  | ComputerWaitAction;

/** A safety check raised on a computer call (to acknowledge in the output). */
export interface ComputerSafetyCheck {
  readonly id: string;
  readonly code?: string | null;
  readonly message?: string | null;
}

/** A call of the computer-use tool: one `action` or a batch in `actions`. */
export interface ComputerCallItem {
  readonly type: 'computer_call';
  readonly id: string;
  readonly call_id: string;
  readonly status: ItemStatus;
  readonly pending_safety_checks: ComputerSafetyCheck[];
  readonly action?: ComputerAction;
  readonly actions?: ComputerAction[];
}

/** A screenshot answering a computer call: an image URL or an uploaded file id. */
export interface ComputerScreenshot {
  readonly type: 'computer_screenshot';
  readonly image_url?: string;
  readonly file_id?: string;
}

/** The result of a computer call. */
export interface ComputerCallOutputItem {
  readonly type: 'computer_call_output';
  readonly call_id: string;
  readonly output: ComputerScreenshot;
  readonly id?: string | null;
  readonly acknowledged_safety_checks?: ComputerSafetyCheck[] | null;
  readonly status?: ItemStatus | null;
}
