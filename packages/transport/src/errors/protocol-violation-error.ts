import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * Which rule the peer broke:
 * - `binary_frame`: a binary WebSocket frame (the Responses WebSocket mode sends text only);
 * - `invalid_frame`: a WebSocket frame the protocol forbids (bad UTF-8, reserved bits, bad
 *   opcode, a control frame that is too long, …);
 * - `non_json_frame`: a WebSocket text frame that is not a JSON object;
 * - `upgrade`: the answer to a WebSocket upgrade said 101 but failed its validation (wrong
 *   `Sec-WebSocket-Accept`, `Upgrade` header, an extension or subprotocol nobody asked for);
 * - `http_parser`: the HTTP response could not be parsed after the request was written (a bad
 *   chunk size, an oversized header block, an invalid status line);
 * - `content_type`: a successful answer to a streaming request that is not `text/event-stream`;
 * - `other`: anything else (an event sequence the client cannot interpret unambiguously).
 */
export type ProtocolViolationKind = 'binary_frame' | 'invalid_frame' | 'non_json_frame' | 'upgrade' | 'http_parser' | 'content_type' | 'other';

/** Options of {@link ProtocolViolationError}. */
export interface ProtocolViolationErrorOptions {
  readonly cause?: unknown;
  /** Default `false`: the same peer would most likely do it again. */
  readonly retryable?: boolean;
  /** Which rule was broken. Default `'other'`. */
  readonly violation?: ProtocolViolationKind;
}

/**
 * The peer broke the framing rules: a binary WebSocket frame, an unexpected handshake, an
 * unparseable HTTP response, a stream of the wrong content type. Not retryable by default (the
 * same peer would do it again). `violation` says which rule was broken.
 */
export class ProtocolViolationError extends ModelwireError {
  /** Which rule the peer broke. */
  readonly violation: ProtocolViolationKind;

  constructor(message: string, options: ProtocolViolationErrorOptions = {}) {
    super(ErrorCode.ProtocolViolation, message, { cause: options.cause, retryable: options.retryable ?? false });
    this.violation = options.violation ?? 'other';
  }

  protected override details(): Record<string, unknown> {
    return { violation: this.violation };
  }
}
