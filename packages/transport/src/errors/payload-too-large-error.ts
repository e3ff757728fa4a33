import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * One event, frame or body exceeded its size bound (an SSE event above the decoder's limit, a
 * WebSocket frame above `maxPayloadBytes`). Not retryable: the same payload would be too large
 * again.
 */
export class PayloadTooLargeError extends ModelwireError {
  /** The bound that was exceeded (bytes, or UTF-16 code units for decoded SSE text; see the thrower). */
  readonly limit: number;
  /** What was too large: `'sse_event'`, `'websocket_frame'`, `'body'`. */
  readonly subject: string;

  constructor(subject: string, limit: number, options: { cause?: unknown } = {}) {
    super(ErrorCode.PayloadTooLarge, `${subject.replace('_', ' ')} exceeds the limit of ${limit}`, { cause: options.cause, retryable: false });
    this.limit = limit;
    this.subject = subject;
  }

  protected override details(): Record<string, unknown> {
    return { limit: this.limit, subject: this.subject };
  }
}
