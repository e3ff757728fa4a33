import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * What a WebSocket close code means, by name (RFC 6455 §7.4.1 and the IANA registry).
 * `'socket_ended'` is used when an HTTP body or a socket ended without any close code.
 */
export type CloseKind =
  | 'normal'
  | 'going_away'
  | 'protocol_error'
  | 'unsupported_data'
  | 'no_status'
  | 'abnormal'
  | 'invalid_payload'
  | 'policy_violation'
  | 'message_too_big'
  | 'missing_extension'
  | 'server_error'
  | 'service_restart'
  | 'try_again_later'
  | 'bad_gateway'
  | 'tls_failure'
  | 'application'
  | 'socket_ended'
  | 'unknown';

const KIND_BY_CODE: Readonly<Record<number, CloseKind>> = {
  1000: 'normal',
  1001: 'going_away',
  1002: 'protocol_error',
  1003: 'unsupported_data',
  1005: 'no_status',
  1006: 'abnormal',
  1007: 'invalid_payload',
  1008: 'policy_violation',
  1009: 'message_too_big',
  1010: 'missing_extension',
  1011: 'server_error',
  1012: 'service_restart',
  1013: 'try_again_later',
  1014: 'bad_gateway',
  1015: 'tls_failure',
};

/**
 * Kinds after which a new connection may well succeed: the peer went away, restarted, failed
 * transiently, the connection broke, or the peer used a code this layer cannot interpret
 * (4000–4999 application codes, unregistered codes). Not retryable: protocol and policy violations and
 * `message_too_big` (the same message would be refused again; the layer above may switch
 * transport instead).
 */
const RETRYABLE_KINDS: ReadonlySet<CloseKind> = new Set<CloseKind>([
  'normal',
  'going_away',
  'no_status',
  'abnormal',
  'server_error',
  'service_restart',
  'try_again_later',
  'bad_gateway',
  'socket_ended',
  'application',
  'unknown',
]);

/** Maps a WebSocket close code to its {@link CloseKind}. 4000–4999 are `'application'`. */
export function closeKindOf(code: number | undefined): CloseKind {
  if (code === undefined) return 'socket_ended';
  const known = KIND_BY_CODE[code];
  if (known !== undefined) return known;
  if (code >= 4000 && code <= 4999) return 'application';
  return 'unknown';
}

/** Options of {@link ConnectionClosedError}. */
export interface ConnectionClosedErrorOptions {
  /** The WebSocket close code; `undefined` when the connection ended without one (an HTTP body cut, a TCP reset). */
  closeCode?: number;
  /** The close reason sent by the peer (UTF-8, at most 123 bytes on the wire). Empty when none. */
  reason?: string;
  /** Overrides the retryability derived from the close code. */
  retryable?: boolean;
  /** The underlying failure. */
  cause?: unknown;
}

/**
 * The connection closed while the exchange was not complete. Close codes are mapped to a
 * {@link CloseKind} (1000 `normal`, 1006 `abnormal`, 1009 `message_too_big`, 1011
 * `server_error`, …) so callers can branch on `closeKind` rather than on numbers.
 *
 * Retryable unless the code says the same request would be refused again (protocol or policy
 * violation, unsupported or invalid data, message too big).
 */
export class ConnectionClosedError extends ModelwireError {
  /** The WebSocket close code, or `undefined` when none was received. */
  readonly closeCode: number | undefined;
  /** The meaning of {@link closeCode}. */
  readonly closeKind: CloseKind;
  /** The close reason, redacted; empty when none. */
  readonly reason: string;

  constructor(options: ConnectionClosedErrorOptions = {}) {
    const closeKind = closeKindOf(options.closeCode);
    const codeText = options.closeCode === undefined ? '' : ` with code ${options.closeCode} (${closeKind})`;
    const reasonText = options.reason ? `: ${options.reason}` : '';
    super(ErrorCode.ConnectionClosed, `connection closed${codeText}${reasonText}`, {
      cause: options.cause,
      retryable: options.retryable ?? RETRYABLE_KINDS.has(closeKind),
    });
    this.closeCode = options.closeCode;
    this.closeKind = closeKind;
    this.reason = options.reason ?? '';
  }

  protected override details(): Record<string, unknown> {
    return { closeCode: this.closeCode, closeKind: this.closeKind, reason: this.reason };
  }
}
