import type { ResponseItem, TurnContext } from '@modelwire/client';
import type { ResponseUsage } from '@modelwire/protocol';
import type {
  EventMessagePayload,
  RolloutRecord,
  SessionMetaPayload,
  StoredTokenUsage,
  TurnContextPayload,
} from '../store/rollout-record.js';

/** The current time as a record timestamp. */
export type RecordClock = () => Date;

/** Builds the records a session writes, all stamped by one clock. */
export class RecordFactory {
  readonly #clock: RecordClock;

  constructor(clock: RecordClock = () => new Date()) {
    this.#clock = clock;
  }

  /** The current time, ISO 8601 (UTC). */
  timestamp(): string {
    return this.#clock().toISOString();
  }

  sessionMeta(payload: SessionMetaPayload): RolloutRecord {
    return { timestamp: this.timestamp(), type: 'session_meta', payload };
  }

  turnContext(payload: TurnContextPayload): RolloutRecord {
    return { timestamp: this.timestamp(), type: 'turn_context', payload };
  }

  items(items: readonly ResponseItem[]): RolloutRecord[] {
    const timestamp = this.timestamp();
    return items.map((payload) => ({ timestamp, type: 'response_item', payload }));
  }

  compacted(window: readonly ResponseItem[]): RolloutRecord {
    return { timestamp: this.timestamp(), type: 'compacted', payload: { message: '', replacement_history: window } };
  }

  event(payload: EventMessagePayload): RolloutRecord {
    return { timestamp: this.timestamp(), type: 'event_msg', payload };
  }
}

/** The stored form of a turn's context (no telemetry handle). */
export function turnContextPayload(context: TurnContext, turnId: string): TurnContextPayload {
  return {
    turn_id: turnId,
    model: context.model.slug,
    effort: context.reasoningEffort,
    summary: context.reasoningSummary,
    verbosity: context.verbosity ?? null,
    ...(context.serviceTier === undefined ? {} : { service_tier: context.serviceTier }),
    ...(context.webSearchEligible === undefined ? {} : { web_search_eligible: context.webSearchEligible }),
    metadata: context.turnMetadata,
  };
}

/** Usage in the stored field names. */
export function storedUsage(usage: ResponseUsage): StoredTokenUsage {
  return {
    input_tokens: usage.inputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
    reasoning_output_tokens: usage.reasoningOutputTokens,
    total_tokens: usage.totalTokens,
  };
}

/** Usage read back from a record; `null` when it is not a usage. */
export function usageOfStored(value: unknown): ResponseUsage | null {
  if (typeof value !== 'object' || value === null) return null;
  const stored = value as Partial<Record<keyof StoredTokenUsage, unknown>>;
  const numbers = [stored.input_tokens, stored.cached_input_tokens, stored.output_tokens, stored.reasoning_output_tokens, stored.total_tokens];
  if (!numbers.every((entry) => typeof entry === 'number')) return null;
  const [inputTokens, cachedInputTokens, outputTokens, reasoningOutputTokens, totalTokens] = numbers as number[];
  return { inputTokens: inputTokens ?? 0, cachedInputTokens: cachedInputTokens ?? 0, outputTokens: outputTokens ?? 0, reasoningOutputTokens: reasoningOutputTokens ?? 0, totalTokens: totalTokens ?? 0 };
}
