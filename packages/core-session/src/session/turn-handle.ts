import type { SessionEvent } from '../events/session-event.js';
import type { EventChannel } from '../events/event-channel.js';
import type { TurnResult } from '../turn/turn-result.js';

/**
 * One submitted turn: iterate it for its {@link SessionEvent}s, await `result` for its outcome.
 *
 * The turn runs whether or not anyone iterates (events are buffered until read; iterate at most
 * once; `break` stops reading, not the turn). The last event is `turn_completed` or
 * `turn_failed`; the iteration itself never throws. `result` resolves with the
 * {@link TurnResult} or rejects with the same error `turn_failed` carries.
 */
export class TurnHandle implements AsyncIterable<SessionEvent> {
  /** The turn's id (`turn_id` of its metadata), known before it starts. */
  readonly turnId: string;
  /** Resolves when the turn completed; rejects with its typed error otherwise. */
  readonly result: Promise<TurnResult>;
  readonly #channel: EventChannel<SessionEvent>;

  /** @internal Created by `Session.submit`. */
  constructor(turnId: string, channel: EventChannel<SessionEvent>, result: Promise<TurnResult>) {
    this.turnId = turnId;
    this.#channel = channel;
    this.result = result;
    // An unobserved failure must not crash the process; callers still see the rejection.
    result.catch(() => undefined);
  }

  /**
   * The turn's events, in order.
   * @throws AlreadyConsumedError when the events were iterated before.
   */
  [Symbol.asyncIterator](): AsyncIterator<SessionEvent> {
    return this.#channel[Symbol.asyncIterator]();
  }
}
