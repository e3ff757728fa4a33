import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * A stream ended in the middle of an event: the bytes of a started SSE event arrived but the
 * blank line that dispatches it never did. The partial event is discarded (WHATWG rules) and
 * reported with this error instead of being silently dropped. Retryable (the connection was
 * cut; the layer above knows whether output already began).
 */
export class IncompleteEventError extends ModelwireError {
  /** How many complete events were delivered before the cut. */
  readonly eventsDelivered: number;

  constructor(eventsDelivered: number, options: { cause?: unknown } = {}) {
    super(ErrorCode.StreamIncomplete, `stream ended in the middle of an event after ${eventsDelivered} complete events`, {
      cause: options.cause,
      retryable: true,
    });
    this.eventsDelivered = eventsDelivered;
  }

  protected override details(): Record<string, unknown> {
    return { eventsDelivered: this.eventsDelivered };
  }
}
