import type { ResponseItem } from '@modelwire/client';

/**
 * One record of a session's journal (a rollout), in the line format that rollout readers (and
 * `summarizeMemoryTraces`) understand: `{timestamp, type, payload}`.
 *
 * - `session_meta`: the first record; who the session is and its default settings.
 * - `turn_context`: opens a turn; the turn's model settings. Turns are counted by these.
 * - `response_item`: one committed history item (user input, model output, tool output).
 * - `compacted`: the history was replaced by `payload.replacement_history`.
 * - `event_msg`: something that happened (usage of a response, a turn's end, a resume); never
 *   part of the history.
 *
 * Readers must ignore record types they do not know.
 */
export type RolloutRecord = SessionMetaRecord | TurnContextRecord | ResponseItemRecord | CompactedRecord | EventMessageRecord;

/** Fields of every record. */
interface RecordBase {
  /** When the record was written, ISO 8601 (UTC). */
  readonly timestamp: string;
}

/** The first record of a journal. */
export interface SessionMetaRecord extends RecordBase {
  readonly type: 'session_meta';
  readonly payload: SessionMetaPayload;
}

/** Who the session is and the defaults it was created with. */
export interface SessionMetaPayload {
  /** The session id: the conversation id (`session_id` header, `prompt_cache_key`). */
  readonly id: string;
  /** When the session was created, ISO 8601. */
  readonly timestamp: string;
  /** Always `"modelwire"`. */
  readonly originator: string;
  /** Who runs the session (`SessionSource.kind`: `exec`, `cli`, `subagent`, …). */
  readonly source: string;
  /** The sub-agent label, for `source: "subagent"`. */
  readonly subagent?: string;
  /** System instructions of every request. */
  readonly instructions: string;
  /** The session's default settings (restored by `resumeSession`). */
  readonly settings: StoredSessionSettings;
  /** Set on a fork: the id of the session it was forked from. */
  readonly forked_from_id?: string;
  /** Set on a fork: how many turns of the source it kept. */
  readonly forked_at_turn?: number;
}

/**
 * The session defaults as stored. No credential, URL or header is ever stored: the provider and
 * auth are passed again when a session is resumed.
 */
export interface StoredSessionSettings {
  /** The default model: slug and capabilities, as `ModelInfo`. */
  readonly model: Readonly<Record<string, unknown>>;
  readonly reasoning_effort: string | null;
  readonly reasoning_summary: string;
  readonly verbosity: string | null;
  readonly web_search_eligible?: boolean;
  readonly service_tier?: string;
  readonly turn_metadata: Readonly<Record<string, unknown>>;
  readonly parallel_tool_calls: boolean;
  /** The structured-output schema of final messages; `null` for free text. */
  readonly output_schema: Readonly<Record<string, unknown>> | null;
}

/** Opens a turn. */
export interface TurnContextRecord extends RecordBase {
  readonly type: 'turn_context';
  readonly payload: TurnContextPayload;
}

/** The model settings of one turn (the `TurnContext` without its telemetry). */
export interface TurnContextPayload {
  readonly turn_id: string;
  /** Model slug. */
  readonly model: string;
  readonly effort: string | null;
  readonly summary: string;
  readonly verbosity: string | null;
  readonly service_tier?: string;
  readonly web_search_eligible?: boolean;
  /** The turn metadata sent with its requests (includes `turn_id`). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One committed history item. */
export interface ResponseItemRecord extends RecordBase {
  readonly type: 'response_item';
  readonly payload: ResponseItem;
}

/** The history was replaced (compaction). */
export interface CompactedRecord extends RecordBase {
  readonly type: 'compacted';
  readonly payload: {
    /** A summary text; empty for a server-side compaction (its window is opaque). */
    readonly message: string;
    /** The new history, item for item. */
    readonly replacement_history: readonly ResponseItem[];
  };
}

/** Something that happened; not part of the history. */
export interface EventMessageRecord extends RecordBase {
  readonly type: 'event_msg';
  readonly payload: EventMessagePayload;
}

/** Token counts of one response, in the API's field names. */
export interface StoredTokenUsage {
  readonly input_tokens: number;
  readonly cached_input_tokens: number;
  readonly output_tokens: number;
  readonly reasoning_output_tokens: number;
  readonly total_tokens: number;
}

/** What an `event_msg` record says, by `type`. Unknown types are ignored by readers. */
export type EventMessagePayload =
  /** Usage of the response whose output was committed with it (restores automatic compaction). */
  | { readonly type: 'token_count'; readonly turn_id: string; readonly info: { readonly last_token_usage: StoredTokenUsage } }
  /** A turn ended normally. */
  | { readonly type: 'task_complete'; readonly turn_id: string; readonly last_agent_message: string | null }
  /** A turn ended with an error (`reason` is the error code; no message is stored). */
  | { readonly type: 'turn_aborted'; readonly turn_id: string; readonly reason: string }
  /** The session was resumed: what the reader repaired. */
  | {
      readonly type: 'session_resumed';
      /** Bytes or records dropped from a torn end (a crash during a write); `null` when none. */
      readonly torn_tail: { readonly dropped_bytes: number; readonly dropped_records: number } | null;
      /** Tool calls that had no output and got the interrupted output. */
      readonly interrupted_call_ids: readonly string[];
    };
