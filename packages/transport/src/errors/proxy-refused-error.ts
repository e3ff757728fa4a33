import { ErrorCode, ModelwireError } from '@modelwire/errors';

/** Options of {@link ProxyRefusedError}. */
export interface ProxyRefusedErrorOptions {
  /** The proxy's status (403, 407, 502 …), or `null` when it answered with something that is not HTTP. */
  status: number | null;
  /** `host:port` of the proxy, never its credentials. */
  proxy: string;
  /** `host:port` the tunnel was asked for. */
  target: string;
  cause?: unknown;
}

/**
 * The HTTP proxy answered the tunnel request (`CONNECT host:port`) with something other than
 * 2xx: 407 (it wants credentials, or refused the ones given), 403 (its policy forbids the
 * target or the method), 5xx (it could not reach the target). Nothing reached the target.
 *
 * Retryable only for 5xx and non-HTTP answers: the proxy's policy does not change between
 * attempts. The message names the proxy's host and port, never the credentials of its URL.
 */
export class ProxyRefusedError extends ModelwireError {
  /** The proxy's status, or `null` when it did not answer with HTTP. */
  readonly status: number | null;
  /** `host:port` of the proxy. */
  readonly proxy: string;
  /** `host:port` of the target. */
  readonly target: string;

  constructor(options: ProxyRefusedErrorOptions) {
    const why =
      options.status === null
        ? 'did not answer with HTTP'
        : options.status === 407
          ? 'requires authentication or refused the credentials (407)'
          : `answered ${options.status}`;
    super(ErrorCode.ProxyRefused, `proxy ${options.proxy} refused the tunnel to ${options.target}: it ${why}`, {
      cause: options.cause,
      retryable: options.status === null || options.status >= 500,
    });
    this.status = options.status;
    this.proxy = options.proxy;
    this.target = options.target;
  }

  protected override details(): Record<string, unknown> {
    return { status: this.status, proxy: this.proxy, target: this.target };
  }
}
