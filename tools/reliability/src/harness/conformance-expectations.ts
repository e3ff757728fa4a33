// What each recorded response must produce, read from the recording itself (its raw JSON, not
// through the protocol package), and the checks the conformance tier applies to what a client
// or a session reported. The recordings' own quirks are listed here by name, and a test proves
// each list matches the recordings, so a list can neither hide a problem nor go stale.
import type { ResponseEvent, ResponseUsage } from '@modelwire/protocol';
import type { RecordedResponse } from './conformance-recordings.ts';

/**
 * Responses edited by hand so that some text deltas no longer add up to the final text: the
 * deltas are a few words, the done event and the item carry the whole text. For these the tier
 * checks that the deltas and the done text arrive exactly as recorded, not that they agree.
 */
export const TRIMMED_DELTA_RECORDINGS: ReadonlyMap<string, string> = new Map([
  ['openai/openai-phase.1#1', 'the text deltas of output items 0 and 2 stop after a few words (a prefix of the text)'],
  ['openai/openai-shell-container.1#1', 'the text deltas of output item 2 are four words ("The command ran successfully."), not a prefix of the text'],
]);

/**
 * Lines that are deliberately not JSON, by response, as 0-based line numbers of that response.
 * What the client does with such a line: `decodeEvent` reports `invalid_json`, and the request
 * fails with the retryable `decode_failed` error at that line (nothing after it is read).
 */
export const INVALID_JSON_LINES: ReadonlyMap<string, readonly number[]> = new Map([['openai/parallel-tool-call-wrapper.1#1', [0, 5]]]);

/** Recordings that end in an API error, with the typed error the caller must get. */
export const ERROR_RECORDINGS: ReadonlyMap<string, { readonly code: string; readonly serverCode: string }> = new Map([
  ['openai/openai-error.1#1', { code: 'quota_exceeded', serverCode: 'insufficient_quota' }],
]);

type Json = Readonly<Record<string, unknown>>;

/** What one recorded response holds, read from its raw lines. */
export interface RecordedOutcome {
  readonly name: string;
  readonly kind: 'completed' | 'failed' | 'undecodable';
  /** `response.id` of its `response.created`. */
  readonly createdId: string | undefined;
  /** `response.id` of its `response.completed` (the id a result carries). */
  readonly completedId: string | undefined;
  /** Token usage of its `response.completed`, as a client reports it. */
  readonly usage: ResponseUsage | undefined;
  /** The `response.output_item.done` items, in `output_index` order, as recorded (encrypted content included). */
  readonly items: readonly Json[];
  /** `response.completed.output`, as recorded. */
  readonly completedOutput: readonly Json[] | undefined;
  /** The streamed pieces (text, summaries, tool input, shell commands) by location. */
  readonly pieces: ReadonlyMap<string, Piece>;
  /** How many lines of each JSON `type` it holds. */
  readonly typeCounts: ReadonlyMap<string, number>;
}

/** The deltas of one streamed piece, joined, and its final text when a done event carried one. */
export interface Piece {
  deltas: string;
  /** Whether at least one delta arrived. */
  sawDelta: boolean;
  done: string | undefined;
}

function pieceOf(pieces: Map<string, Piece>, key: string): Piece {
  let piece = pieces.get(key);
  if (piece === undefined) {
    piece = { deltas: '', sawDelta: false, done: undefined };
    pieces.set(key, piece);
  }
  return piece;
}

function addDelta(pieces: Map<string, Piece>, key: string, delta: string): void {
  const piece = pieceOf(pieces, key);
  piece.deltas += delta;
  piece.sawDelta = true;
}

function setDone(pieces: Map<string, Piece>, key: string, text: string): void {
  pieceOf(pieces, key).done = text;
}

/** Tool input pieces by the wire type that streams them (`.delta` / `.done` suffixes dropped) and the field of the done event. */
const RAW_TOOL_INPUT: ReadonlyMap<string, { readonly kind: string; readonly doneField: string }> = new Map([
  ['response.function_call_arguments', { kind: 'function', doneField: 'arguments' }],
  ['response.custom_tool_call_input', { kind: 'custom', doneField: 'input' }],
  ['response.mcp_call_arguments', { kind: 'mcp', doneField: 'arguments' }],
  ['response.code_interpreter_call_code', { kind: 'code_interpreter', doneField: 'code' }],
  ['response.apply_patch_call_operation_diff', { kind: 'apply_patch', doneField: 'diff' }],
]);

/**
 * Pieces are keyed by position (`output_index` and the part's index), never by item id: one
 * recording gives every event of an item a new id.
 */
function recordPiece(pieces: Map<string, Piece>, event: Json): void {
  const type = String(event['type']);
  const at = `${String(event['output_index'])}`;
  const text = (field: string): string => String(event[field] ?? '');
  switch (type) {
    case 'response.output_text.delta':
      return addDelta(pieces, `text:${at}:${String(event['content_index'])}`, text('delta'));
    case 'response.output_text.done':
      return setDone(pieces, `text:${at}:${String(event['content_index'])}`, text('text'));
    case 'response.refusal.delta':
      return addDelta(pieces, `refusal:${at}:${String(event['content_index'])}`, text('delta'));
    case 'response.refusal.done':
      return setDone(pieces, `refusal:${at}:${String(event['content_index'])}`, text('refusal'));
    case 'response.reasoning_summary_text.delta':
      return addDelta(pieces, `summary:${at}:${String(event['summary_index'])}`, text('delta'));
    case 'response.reasoning_summary_text.done':
      return setDone(pieces, `summary:${at}:${String(event['summary_index'])}`, text('text'));
    case 'response.reasoning_text.delta':
      return addDelta(pieces, `reasoning:${at}:${String(event['content_index'])}`, text('delta'));
    case 'response.reasoning_text.done':
      return setDone(pieces, `reasoning:${at}:${String(event['content_index'])}`, text('text'));
    case 'response.shell_call_command.added':
    case 'response.shell_call_command.delta':
      return addDelta(pieces, `shell:${at}:${String(event['command_index'])}`, text(type.endsWith('.added') ? 'command' : 'delta'));
    case 'response.shell_call_command.done':
      return setDone(pieces, `shell:${at}:${String(event['command_index'])}`, text('command'));
    default: {
      const stem = type.replace(/\.(delta|done)$/, '');
      const input = RAW_TOOL_INPUT.get(stem);
      if (input === undefined) return;
      const key = `input:${input.kind}:${at}`;
      if (type.endsWith('.delta')) addDelta(pieces, key, text('delta'));
      else setDone(pieces, key, text(input.doneField));
    }
  }
}

/** The same pieces, rebuilt from the events a client reported. */
export function piecesOfEvents(events: readonly ResponseEvent[]): Map<string, Piece> {
  const pieces = new Map<string, Piece>();
  for (const event of events) {
    switch (event.type) {
      case 'output_text_delta':
        addDelta(pieces, `text:${event.outputIndex}:${event.contentIndex}`, event.delta);
        break;
      case 'output_text_done':
        setDone(pieces, `text:${event.outputIndex}:${event.contentIndex}`, event.text);
        break;
      case 'refusal_delta':
        addDelta(pieces, `refusal:${event.outputIndex}:${event.contentIndex}`, event.delta);
        break;
      case 'refusal_done':
        setDone(pieces, `refusal:${event.outputIndex}:${event.contentIndex}`, event.refusal);
        break;
      case 'reasoning_summary_delta':
        addDelta(pieces, `summary:${event.outputIndex}:${event.summaryIndex}`, event.delta);
        break;
      case 'reasoning_summary_done':
        setDone(pieces, `summary:${event.outputIndex}:${event.summaryIndex}`, event.text);
        break;
      case 'reasoning_content_delta':
        addDelta(pieces, `reasoning:${event.outputIndex}:${event.contentIndex}`, event.delta);
        break;
      case 'reasoning_content_done':
        setDone(pieces, `reasoning:${event.outputIndex}:${event.contentIndex}`, event.text);
        break;
      case 'shell_command_added':
        addDelta(pieces, `shell:${event.outputIndex}:${event.commandIndex}`, event.command);
        break;
      case 'shell_command_delta':
        addDelta(pieces, `shell:${event.outputIndex}:${event.commandIndex}`, event.delta);
        break;
      case 'shell_command_done':
        setDone(pieces, `shell:${event.outputIndex}:${event.commandIndex}`, event.command);
        break;
      case 'tool_call_input_delta':
        addDelta(pieces, `input:${event.toolKind}:${event.outputIndex}`, event.delta);
        break;
      case 'tool_call_input_done':
        setDone(pieces, `input:${event.toolKind}:${event.outputIndex}`, event.input);
        break;
      default:
        break;
    }
  }
  return pieces;
}

function usageOf(usage: unknown): ResponseUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const raw = usage as { input_tokens: number; output_tokens: number; total_tokens: number; input_tokens_details?: { cached_tokens?: number }; output_tokens_details?: { reasoning_tokens?: number } };
  return {
    inputTokens: raw.input_tokens,
    cachedInputTokens: raw.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: raw.output_tokens,
    reasoningOutputTokens: raw.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: raw.total_tokens,
  };
}

/** Reads what a recorded response holds. */
export function recordedOutcome(response: RecordedResponse): RecordedOutcome {
  const pieces = new Map<string, Piece>();
  const typeCounts = new Map<string, number>();
  const items: { readonly index: number; readonly item: Json }[] = [];
  let createdId: string | undefined;
  let completed: Json | undefined;
  let failed = false;
  let undecodable = false;
  for (const line of response.lines) {
    const event = line.event;
    if (event === undefined) {
      undecodable = true;
      continue;
    }
    const type = String(event['type']);
    typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1);
    recordPiece(pieces, event);
    const snapshot = event['response'] as Json | undefined;
    if (type === 'response.created') createdId = snapshot?.['id'] as string | undefined;
    if (type === 'response.completed') completed = snapshot;
    if (type === 'error' || type === 'response.failed' || type === 'response.incomplete') failed = true;
    if (type === 'response.output_item.done') items.push({ index: Number(event['output_index']), item: event['item'] as Json });
  }
  return {
    name: response.name,
    kind: undecodable ? 'undecodable' : failed ? 'failed' : 'completed',
    createdId,
    completedId: completed?.['id'] as string | undefined,
    usage: usageOf(completed?.['usage']),
    items: items.sort((a, b) => a.index - b.index).map((entry) => entry.item),
    completedOutput: completed?.['output'] as readonly Json[] | undefined,
    pieces,
    typeCounts,
  };
}

/**
 * The problems with the pieces a client reported, compared with the recording: every recorded
 * piece arrives whole (same deltas, same done text) and, where deltas were streamed, they add
 * up to the done text (except in the trimmed recordings). Empty when all is well.
 */
export function pieceProblems(recorded: RecordedOutcome, reported: ReadonlyMap<string, Piece>): string[] {
  const problems: string[] = [];
  const trimmed = TRIMMED_DELTA_RECORDINGS.has(recorded.name);
  for (const [key, piece] of recorded.pieces) {
    const seen = reported.get(key);
    if (seen === undefined) {
      problems.push(`${key}: nothing reported`);
      continue;
    }
    if (seen.deltas !== piece.deltas) problems.push(`${key}: deltas differ from the recording`);
    if (seen.done !== piece.done) problems.push(`${key}: done text differs from the recording`);
    if (trimmed || !seen.sawDelta || seen.done === undefined) continue;
    if (seen.deltas !== seen.done) problems.push(`${key}: deltas do not add up to the done text (${seen.deltas.length} vs ${seen.done.length} characters)`);
  }
  for (const key of reported.keys()) if (!recorded.pieces.has(key)) problems.push(`${key}: reported but not recorded`);
  return problems;
}

/**
 * The events a caller of `ResponseStream` must see for a recorded response, in order, as the
 * protocol package maps its lines: up to and including `completed`; for a failure, up to the
 * failure (which is thrown, not yielded). `undefined` for a response with an undecodable line.
 */
export function expectedEvents(response: RecordedResponse, decode: (line: RecordedResponse['lines'][number]) => readonly ResponseEvent[] | undefined): ResponseEvent[] | undefined {
  const events: ResponseEvent[] = [];
  for (const line of response.lines) {
    const mapped = decode(line);
    if (mapped === undefined) return undefined;
    for (const event of mapped) {
      if (event.type === 'failed') return events;
      events.push(event);
      if (event.type === 'completed') return events;
    }
  }
  return events;
}

/** Events the loopback server's HTTP response headers add (not part of a recording). */
export const HEADER_EVENT_TYPES: ReadonlySet<string> = new Set(['rate_limits', 'server_model', 'models_etag', 'turn_state', 'reasoning_included']);

/** Built-in tool progress types (each becomes one `hosted_tool_progress` session event). */
const HOSTED_PROGRESS = /^response\.(web_search_call|file_search_call|code_interpreter_call|image_generation_call|mcp_call|mcp_list_tools)\.(in_progress|searching|interpreting|generating|completed|failed)$|^response\.compaction\.compacting$/;

/** What a core-session turn must forward as session events for some recorded responses, read from their raw lines. */
export interface ForwardedExpectation {
  /** Text deltas, joined in order. */
  text: string;
  /** Reasoning summary deltas, joined. */
  summary: string;
  /** Raw reasoning text deltas, joined. */
  reasoning: string;
  /** Refusal deltas, joined. */
  refusal: string;
  /** Tool input deltas of every kind, joined. */
  toolInput: string;
  hostedProgress: number;
  partialImages: number;
  annotations: number;
}

/**
 * Reads what a session must forward for `responses` (in order): everything up to the first line
 * that is not JSON, where the turn fails.
 */
export function forwardedExpectation(responses: readonly RecordedResponse[]): ForwardedExpectation {
  const expected: ForwardedExpectation = { text: '', summary: '', reasoning: '', refusal: '', toolInput: '', hostedProgress: 0, partialImages: 0, annotations: 0 };
  for (const response of responses) {
    for (const { event } of response.lines) {
      if (event === undefined) return expected;
      const type = String(event['type']);
      const delta = typeof event['delta'] === 'string' ? event['delta'] : '';
      if (type === 'response.output_text.delta') expected.text += delta;
      else if (type === 'response.reasoning_summary_text.delta') expected.summary += delta;
      else if (type === 'response.reasoning_text.delta') expected.reasoning += delta;
      else if (type === 'response.refusal.delta') expected.refusal += delta;
      else if (type.endsWith('.delta') && RAW_TOOL_INPUT.has(type.replace(/\.delta$/, ''))) expected.toolInput += delta;
      else if (HOSTED_PROGRESS.test(type)) expected.hostedProgress += 1;
      else if (type === 'response.image_generation_call.partial_image') expected.partialImages += 1;
      else if (type === 'response.output_text.annotation.added' && event['annotation'] !== null) expected.annotations += 1;
    }
  }
  return expected;
}
