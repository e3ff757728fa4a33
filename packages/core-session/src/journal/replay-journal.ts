import type { ResponseItem } from '@modelwire/client';
import type { ResponseUsage } from '@modelwire/protocol';
import type { RolloutRecord, SessionMetaPayload } from '../store/rollout-record.js';
import { JournalCorruptError } from '../store/store-errors.js';
import { toolCallsOf, toolOutputItem } from '../tools/tool-call.js';
import { usageOfStored } from './journal-records.js';

/** The output an interrupted tool call gets when a session is resumed or forked. */
export const INTERRUPTED_TOOL_OUTPUT = 'interrupted: the session stopped before the tool finished; its outcome is unknown';

/** A session rebuilt from its records. */
export interface ReplayedSession {
  /** The `session_meta` payload. */
  readonly meta: SessionMetaPayload;
  /** The committed history, compactions applied. */
  readonly history: ResponseItem[];
  /** Usage of the last response since the last compaction (drives automatic compaction); `null` when none. */
  readonly lastUsage: ResponseUsage | null;
  /** Turns started (`turn_context` records). */
  readonly turns: number;
}

function isItem(value: unknown): value is ResponseItem {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Rebuilds a session from its records: `response_item` records append to the history, a
 * `compacted` record replaces it, `token_count` events give the last usage, `turn_context`
 * records count turns. Unknown record and event types are skipped.
 *
 * @throws JournalCorruptError when the first record is not a `session_meta` or an item is not an
 *   object with a string `type`.
 */
export function replayRecords(records: readonly RolloutRecord[], location: string): ReplayedSession {
  const [first] = records;
  if (first?.type !== 'session_meta' || typeof first.payload.id !== 'string') throw new JournalCorruptError(location, 1, 'is not a session_meta record with an id');
  let history: ResponseItem[] = [];
  let lastUsage: ResponseUsage | null = null;
  let turns = 0;
  records.forEach((record, index) => {
    switch (record.type) {
      case 'response_item':
        if (!isItem(record.payload)) throw new JournalCorruptError(location, index + 1, 'is a response_item without a string `type`');
        history.push(record.payload);
        return;
      case 'compacted': {
        const window: unknown = record.payload.replacement_history;
        if (!Array.isArray(window) || !window.every(isItem)) throw new JournalCorruptError(location, index + 1, 'is a compacted record without a replacement history');
        history = [...window];
        lastUsage = null;
        return;
      }
      case 'turn_context':
        turns += 1;
        return;
      case 'event_msg':
        if (record.payload.type === 'token_count') lastUsage = usageOfStored(record.payload.info?.last_token_usage) ?? lastUsage;
        return;
      default:
        return;
    }
  });
  return { meta: first.payload, history, lastUsage, turns };
}

/**
 * The records before turn `atTurn` (0-based: `atTurn` turns are kept, the rest dropped),
 * without the `session_meta` record.
 */
export function recordsBeforeTurn(records: readonly RolloutRecord[], atTurn: number): RolloutRecord[] {
  const kept: RolloutRecord[] = [];
  let turns = 0;
  for (const record of records.slice(1)) {
    if (record.type === 'turn_context') {
      if (turns === atTurn) break;
      turns += 1;
    }
    kept.push(record);
  }
  return kept;
}

/**
 * The outputs that pair the history's unanswered tool calls (a crash while the tool ran, or
 * between the call's commit and its output's), in call order: each gets
 * {@link INTERRUPTED_TOOL_OUTPUT}, so the history is a valid model input again.
 */
export function interruptedOutputs(history: readonly ResponseItem[]): ResponseItem[] {
  const answered = new Set<string>();
  for (const item of history) {
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') answered.add(String(item['call_id']));
  }
  return toolCallsOf(history)
    .filter((call) => !answered.has(call.callId))
    .map((call) => toolOutputItem(call, INTERRUPTED_TOOL_OUTPUT));
}
