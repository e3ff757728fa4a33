import { ErrorCode, ModelwireError } from '@modelwire/errors';

/** Options shared by the connection errors. */
export interface ConnectionErrorOptions {
  /** The underlying failure (a socket error, an undici or ws error). */
  cause?: unknown;
}

/**
 * The TCP/TLS connection could not be established (refused, reset, DNS failure, TLS failure).
 * Retryable: nothing was sent, so repeating the request is safe.
 */
export class ConnectError extends ModelwireError {
  constructor(message: string, options: ConnectionErrorOptions = {}) {
    super(ErrorCode.ConnectFailed, message, { cause: options.cause, retryable: true });
  }
}

/**
 * Connecting (TCP, TLS and, for WebSockets, the upgrade handshake) took longer than allowed.
 * Retryable: a connect timeout counts as one failed attempt.
 */
export class ConnectTimeoutError extends ModelwireError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param options.target What was being connected to, for the message: scheme, host and path
   *   and the transport (`"http://host/v1/responses over HTTP"`); never a query or credentials.
   */
  constructor(timeoutMs: number, options: ConnectionErrorOptions & { target?: string } = {}) {
    super(ErrorCode.ConnectTimeout, `connect${options.target === undefined ? '' : ` to ${options.target}`} timed out after ${timeoutMs} ms`, { cause: options.cause, retryable: true });
    this.timeoutMs = timeoutMs;
  }

  protected override details(): Record<string, unknown> {
    return { timeoutMs: this.timeoutMs };
  }
}

/**
 * Where an idle timeout struck: waiting for response headers (`headers`); waiting for the next
 * server-sent event of a body, comments and blank lines not counting (`body`); waiting for the
 * next Responses event of a known type, whatever else arrived (`progress`, the client's stream
 * idle timeout). Without a phase: a total deadline (a unary call, a frame read).
 */
export type IdlePhase = 'headers' | 'body' | 'progress';

const IDLE_MESSAGES: Record<IdlePhase | 'none', (ms: number) => string> = {
  headers: (ms) => `no data for ${ms} ms while waiting for response headers`,
  body: (ms) => `no event for ${ms} ms`,
  progress: (ms) => `no response event for ${ms} ms`,
  none: (ms) => `no data for ${ms} ms`,
};

/**
 * Nothing arrived for longer than the idle timeout (see {@link IdlePhase} for what counts).
 * Retryable (an idle stream is a transient failure; the layer above decides whether output
 * already began).
 */
export class IdleTimeoutError extends ModelwireError {
  /** The idle limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options: ConnectionErrorOptions & { phase?: IdlePhase } = {}) {
    super(ErrorCode.IdleTimeout, IDLE_MESSAGES[options.phase ?? 'none'](timeoutMs), {
      cause: options.cause,
      retryable: true,
    });
    this.timeoutMs = timeoutMs;
  }

  protected override details(): Record<string, unknown> {
    return { timeoutMs: this.timeoutMs };
  }
}

/**
 * The WebSocket peer did not answer a ping within the pong timeout: the socket is half-open
 * (the network path died without a FIN). The socket is terminated and never reused.
 * Retryable on a new connection.
 */
export class PongTimeoutError extends ModelwireError {
  /** The pong timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(ErrorCode.PongTimeout, `no pong within ${timeoutMs} ms; the connection is considered dead`, { retryable: true });
    this.timeoutMs = timeoutMs;
  }

  protected override details(): Record<string, unknown> {
    return { timeoutMs: this.timeoutMs };
  }
}
