import type {
  AuthProvider,
  ModelClientOptions,
  ModelInfo,
  OutputSchema,
  Provider,
  ReasoningEffort,
  ReasoningSummary,
  RequestOptions,
  ResponseItem,
  SessionSource,
  Verbosity,
} from '@modelwire/client';
import type { BackoffOptions } from '@modelwire/transport';
import type { AutoCompactionOptions } from '../compaction/auto-compaction.js';
import type { TurnTelemetryFactory } from '../services/turn-telemetry-factory.js';
import type { SessionStore } from '../store/session-store.js';
import type { ToolDefinition } from '../tools/tool-definition.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { TurnOverrides } from '../turn/turn-settings.js';

/**
 * Client options a session passes through unchanged (transport switches and testing seams).
 * The session sets `provider`, `auth`, `conversationId` and `sessionSource` itself.
 */
export type SessionClientOptions = Omit<ModelClientOptions, 'provider' | 'auth' | 'conversationId' | 'sessionSource'>;

/** Options of `createSession`: explicit session-scoped values plus the default turn settings. */
export interface CreateSessionOptions {
  /** The Responses provider (base URL, WebSocket support, retry budgets, timeouts). */
  readonly provider: Provider;
  /** Bearer tokens for every request and handshake. */
  readonly auth: AuthProvider | 'none';
  /** The conversation id (`session_id` header, `prompt_cache_key`). Default: a random UUID. */
  readonly conversationId?: string;
  /** Who runs the session (a sub-agent sends `x-openai-subagent`). Default `{ kind: 'exec' }`. */
  readonly sessionSource?: SessionSource;
  /** Further client options (WebSocket switch, compression, connectors, clock, …). */
  readonly client?: SessionClientOptions;
  /**
   * Open the WebSocket at once, before the first turn. Default `true`. A failed pre-connect is
   * not an error: the first turn connects itself without spending a retry.
   */
  readonly preconnect?: boolean;
  /**
   * Also send a warm-up (`generate: false`) with the instructions, tools and initial history
   * before the first turn, so the first real request sends only the user input. Default
   * `false`. A failed warm-up is ignored (the first turn then sends a full request).
   */
  readonly prewarm?: boolean;

  /** The default model of every turn. */
  readonly model: ModelInfo;
  /** Default reasoning effort; `null` leaves it to the server. Default `null`. */
  readonly reasoningEffort?: ReasoningEffort | null;
  /** Default reasoning summary mode. Default `"auto"`. */
  readonly reasoningSummary?: ReasoningSummary;
  /** Default verbosity; `null` sends none. Default `null`. */
  readonly verbosity?: Verbosity | null;
  /** Default web-search eligibility; `undefined` sends nothing. */
  readonly webSearchEligible?: boolean;
  /** Default service tier; `undefined` sends none. */
  readonly serviceTier?: string;
  /** Extra JSON fields of every turn's metadata, next to its generated `turn_id`. Default none. */
  readonly turnMetadata?: Readonly<Record<string, unknown>>;

  /** System instructions sent on every request. */
  readonly instructions: string;
  /** The tools (definitions with handlers) or a prepared registry. Default none. */
  readonly tools?: readonly ToolDefinition[] | ToolRegistry;
  /** Whether the model may call several tools per response (they then run side by side). Default `false`. */
  readonly parallelToolCalls?: boolean;
  /** Structured output of final messages; `null`/`undefined` for free text. */
  readonly outputSchema?: OutputSchema | null;
  /**
   * Further request body fields sent with every model request of the session
   * (`max_output_tokens`, `temperature`, `metadata`, `store`, …; see `RequestOptions` of
   * `@modelwire/client`). Checked at the first request: an invalid value fails that turn with an
   * `InvalidArgumentError` naming `prompt.options.<field>`. Default none.
   */
  readonly requestOptions?: RequestOptions;
  /** Default limit of one tool call, in milliseconds. Default 600 000 (10 minutes). */
  readonly toolTimeoutMs?: number;
  /**
   * Most rounds of tool calls in one turn (a round: one response's tool calls, run and
   * answered). When the model asks for tools once more after the last round, those calls are
   * not run: each gets an output saying so, committed with the response that made them, and
   * the turn fails with `ToolRoundLimitError` (`tool_round_limit`). Everything committed stays,
   * and the history is valid for the next turn (every call has its output). A non-negative
   * integer, or `Infinity` for no bound; `0` runs no tool at all. Default 256 (a model that
   * calls a tool on every response otherwise loops until the caller gives up).
   */
  readonly maxToolRounds?: number;
  /** The committed history to start from. Default empty. (To continue a journaled session, use `resumeSession`.) */
  readonly history?: readonly ResponseItem[];
  /**
   * Journals the session: every history commit is appended to a log of this store before it
   * enters the history (see `SessionStore`; `JsonlSessionStore` writes one JSONL file per
   * session). The session id is the `conversationId`. Default: no journal.
   */
  readonly store?: SessionStore;

  /** Per-turn telemetry (for example `@modelwire/otel`'s `forTurn`). Default none. */
  readonly telemetry?: TurnTelemetryFactory;
  /** Automatic compaction. Default: on at 90 % of the model's context window. */
  readonly autoCompaction?: AutoCompactionOptions;
  /**
   * Backoff between stream retries when the server gave no delay hint. Default 200 ms doubling
   * to 10 s, ±10 % jitter (randomness from `client.random` when given).
   */
  readonly retryBackoff?: BackoffOptions;
}

/** Options of one `submit`: per-turn overrides of the session's defaults, and an abort signal. */
export interface SubmitOptions extends TurnOverrides {
  /** Aborts this turn (queued or running); it then fails with `TurnInterruptedError` (`signal`). */
  readonly signal?: AbortSignal;
}

/** Options of `compact` and `summarizeMemoryTraces`: an abort signal and per-call settings. */
export interface SessionCallOptions extends TurnOverrides {
  /** Aborts the call. */
  readonly signal?: AbortSignal;
}
