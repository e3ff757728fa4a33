import type { ClientTelemetry } from '../telemetry/client-telemetry.js';
import type { ModelInfo } from './model-info.js';

/** Reasoning effort sent as `reasoning.effort`. */
export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/**
 * Reasoning summary mode sent as `reasoning.summary`. `"none"` omits the field (the model
 * still reasons, the stream carries no summary).
 */
export type ReasoningSummary = 'auto' | 'concise' | 'detailed' | 'none';

/** Output verbosity sent as `text.verbosity` (only for models that support it). */
export type Verbosity = 'low' | 'medium' | 'high';

/**
 * Turn metadata: a JSON object sent verbatim as `x-codex-turn-metadata` (HTTP header, or the
 * `client_metadata` entry of the same name on the WebSocket). It must carry the turn's id and
 * must not change during the turn.
 */
export interface TurnMetadata {
  /** Identifier of the turn; equal on every request of the turn. */
  readonly turn_id: string;
  /** Any further JSON-serialisable fields (workspace, sandbox, …). */
  readonly [key: string]: unknown;
}

/**
 * Everything that may change from one turn to the next, passed **explicitly** to every
 * per-turn call (`stream`, `prewarm`, compaction, memory-trace summarisation). The client never
 * stores it: nothing per-turn is read from the session-scoped `ModelClient`.
 */
export interface TurnContext {
  /** The model of this turn, with the capabilities that decide which fields are sent. */
  readonly model: ModelInfo;
  /**
   * Reasoning effort. `null` sends `reasoning` without `effort` (the server default). Ignored
   * for models without reasoning support.
   */
  readonly reasoningEffort: ReasoningEffort | null;
  /** Reasoning summary mode; `"none"` omits `reasoning.summary`. Ignored without reasoning support. */
  readonly reasoningSummary: ReasoningSummary;
  /**
   * Verbosity for this turn. `null` omits `text.verbosity`; `undefined` uses the session
   * default (`ModelClient` option `verbosity`), if any. Ignored when the model does not support
   * verbosity.
   */
  readonly verbosity?: Verbosity | null;
  /**
   * Whether web search may be used this turn; sent per request as `x-oai-web-search-eligible`
   * (`"true"`/`"false"`). `undefined` sends nothing.
   */
  readonly webSearchEligible?: boolean;
  /** Turn metadata (with `turn_id`), sent on every request of the turn. */
  readonly turnMetadata: TurnMetadata;
  /**
   * Service tier sent as `service_tier` (for example `"priority"` or `"flex"`). `undefined`
   * omits it.
   */
  readonly serviceTier?: string;
  /**
   * Where the client reports this turn's requests, events, connects, continuation decisions,
   * fallbacks and token usage. Pass `noopClientTelemetry` to report nothing.
   */
  readonly telemetry: ClientTelemetry;
}
