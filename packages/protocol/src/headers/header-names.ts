/**
 * Every HTTP header name Modelwire reads or writes, in lower case (HTTP header names are
 * case-insensitive; Node and undici hand them over in lower case).
 *
 * Request headers go out on the HTTP path; the session-scoped ones also go into the
 * WebSocket handshake. Per-turn values (turn metadata, sticky-routing token) travel per
 * request: as headers over HTTP, and in `client_metadata` over the WebSocket (see
 * {@link ClientMetadataKey}).
 */
export const HeaderName = {
  /** `Authorization: Bearer …`. Never logged. */
  Authorization: 'authorization',
  /** `Accept: text/event-stream` on streamed HTTP requests. */
  Accept: 'accept',
  /** `Content-Type: application/json` on request bodies. */
  ContentType: 'content-type',
  /** `Content-Encoding: zstd` when the request body is compressed. */
  ContentEncoding: 'content-encoding',
  /** Client identification string. */
  UserAgent: 'user-agent',
  /** `OpenAI-Beta`; on the WebSocket handshake its value is {@link OPENAI_BETA_RESPONSES_WEBSOCKETS}. */
  OpenAiBeta: 'openai-beta',
  /** The conversation id (session-scoped; request and handshake). */
  SessionId: 'session_id',
  /** Name of the originating application (session-scoped). */
  Originator: 'originator',
  /** Sticky-routing token: captured from a response, replayed on later requests of the same turn. */
  CodexTurnState: 'x-codex-turn-state',
  /** JSON string with at least a `turn_id`; equal within a turn (HTTP header; WS `client_metadata`). */
  CodexTurnMetadata: 'x-codex-turn-metadata',
  /** Comma-joined enabled beta feature keys, computed once per session; omitted when empty. */
  CodexBetaFeatures: 'x-codex-beta-features',
  /** `true` on the WebSocket handshake to receive `responsesapi.websocket_timing` events. */
  IncludeTimingMetrics: 'x-responsesapi-include-timing-metrics',
  /** Sub-agent label (`review`, `compact`, `collab_spawn`, `memory_consolidation`, or custom). */
  OpenAiSubagent: 'x-openai-subagent',
  /** Server-assigned id of a request; copied into errors. */
  RequestId: 'x-request-id',
  /** Opaque version tag of the server's model list. */
  ModelsEtag: 'x-models-etag',
  /** The model the server actually used (may differ from the requested slug). */
  OpenAiModel: 'openai-model',
  /** Whether the server already counted reasoning in the returned context (`true`/`false`). */
  ReasoningIncluded: 'x-reasoning-included',
  /** Used share of the primary rate-limit window, in percent (0–100, may be fractional). */
  CodexPrimaryUsedPercent: 'x-codex-primary-used-percent',
  /** Length of the primary rate-limit window, in minutes. */
  CodexPrimaryWindowMinutes: 'x-codex-primary-window-minutes',
  /** When the primary window resets, in Unix epoch seconds. */
  CodexPrimaryResetAt: 'x-codex-primary-reset-at',
  /** Used share of the secondary rate-limit window, in percent. */
  CodexSecondaryUsedPercent: 'x-codex-secondary-used-percent',
  /** Length of the secondary rate-limit window, in minutes. */
  CodexSecondaryWindowMinutes: 'x-codex-secondary-window-minutes',
  /** When the secondary window resets, in Unix epoch seconds. */
  CodexSecondaryResetAt: 'x-codex-secondary-reset-at',
  /** Whether the account has credits (`true`/`false`). */
  CodexCreditsHasCredits: 'x-codex-credits-has-credits',
  /** Whether the account's credits are unlimited (`true`/`false`). */
  CodexCreditsUnlimited: 'x-codex-credits-unlimited',
  /** Remaining credit balance, as the server formats it (for example `"12.50"`). */
  CodexCreditsBalance: 'x-codex-credits-balance',
  /** Retry delay in milliseconds (preferred over `retry-after`). */
  RetryAfterMs: 'retry-after-ms',
  /** Retry delay in seconds (or an HTTP date). */
  RetryAfter: 'retry-after',
  /** `true`/`false`: the server's explicit opinion on whether to retry. */
  ShouldRetry: 'x-should-retry',
} as const;

/** A header name from {@link HeaderName}. */
export type HeaderName = (typeof HeaderName)[keyof typeof HeaderName];

/** The `OpenAI-Beta` value that enables Responses WebSocket mode on the handshake. */
export const OPENAI_BETA_RESPONSES_WEBSOCKETS = 'responses_websockets=2026-02-06';

/**
 * Keys of `client_metadata` in a WebSocket `response.create`. On the WebSocket path the
 * per-turn values that HTTP sends as headers travel here instead, so that the socket can be
 * opened (pre-connected) before the turn exists.
 */
export const ClientMetadataKey = {
  /** Same value as the `x-codex-turn-metadata` header. */
  TurnMetadata: 'x-codex-turn-metadata',
  /** Same value as the `x-codex-turn-state` header (absent on a turn's first request). */
  TurnState: 'x-codex-turn-state',
} as const;

/** A key from {@link ClientMetadataKey}. */
export type ClientMetadataKey = (typeof ClientMetadataKey)[keyof typeof ClientMetadataKey];

/** Well-known `x-openai-subagent` values; any other label is allowed too. */
export const SubagentLabel = {
  /** A code-review sub-agent. */
  Review: 'review',
  /** The compaction call. */
  Compact: 'compact',
  /** A spawned collaborator agent. */
  CollabSpawn: 'collab_spawn',
  /** Memory consolidation (trace summarisation). */
  MemoryConsolidation: 'memory_consolidation',
} as const;

/** A sub-agent label: one of {@link SubagentLabel} or a custom string. */
export type SubagentLabel = (typeof SubagentLabel)[keyof typeof SubagentLabel] | (string & {});
