import type { SessionEvent, TurnHandle } from '@modelwire/core-session';

/** What one turn did, as seen by its caller. */
export interface TurnOutcome {
  /** Every event of the turn, in order. */
  readonly events: readonly SessionEvent[];
  /** `completed` or `failed` (the last event). */
  readonly status: 'completed' | 'failed';
  /** The final assistant text of a completed turn. */
  readonly finalMessage: string | null;
  /** The error of a failed turn. */
  readonly error: Error | undefined;
  /** `retrying` events (stream retries spent by the turn loop). */
  readonly retries: number;
  /** The reason of the `transport_fallback` event, when the turn switched the session to HTTP. */
  readonly fallback: string | undefined;
}

/**
 * Reads every event of a turn (handing each to `onEvent` as it arrives) and waits for its
 * outcome; never throws.
 */
export async function runTurn(handle: TurnHandle, onEvent?: (event: SessionEvent, seen: readonly SessionEvent[]) => void): Promise<TurnOutcome> {
  const events: SessionEvent[] = [];
  for await (const event of handle) {
    events.push(event);
    onEvent?.(event, events);
  }
  let finalMessage: string | null = null;
  let error: Error | undefined;
  try {
    finalMessage = (await handle.result).finalMessage;
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
  }
  const last = events.at(-1);
  const fallbackEvent = events.find((event) => event.type === 'transport_fallback');
  return {
    events,
    status: last?.type === 'turn_completed' ? 'completed' : 'failed',
    finalMessage,
    error,
    retries: events.filter((event) => event.type === 'retrying').length,
    fallback: fallbackEvent?.type === 'transport_fallback' ? fallbackEvent.reason : undefined,
  };
}
