import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * The peer broke the framing rules: a binary WebSocket frame, an unexpected handshake. Not
 * retryable by default (the same peer would do it again).
 */
export class ProtocolViolationError extends ModelwireError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(ErrorCode.ProtocolViolation, message, { cause: options.cause, retryable: options.retryable ?? false });
  }
}
