import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * Credentials would have been sent in plaintext (`http:` or `ws:`) to a host that is not
 * loopback. Nothing was sent. Not retryable; pass `allowInsecure: true` to opt out knowingly.
 */
export class InsecureTransportError extends ModelwireError {
  /** The URL's scheme, e.g. `'http:'`. */
  readonly protocol: string;
  /** The host name the credentials would have gone to. */
  readonly host: string;

  /**
   * @param reason why a `localhost` name did not count as loopback (it resolved elsewhere, or
   *   a proxy would resolve it); omitted for other hosts.
   */
  constructor(protocol: string, host: string, reason?: string) {
    const why = reason === undefined ? '' : ` (${reason})`;
    super(ErrorCode.InsecureTransport, `refusing to send credentials over ${protocol} to non-loopback host ${host}${why}; use https:/wss:, or set allowInsecure: true on the provider (ModelClient) or the HttpClient/connectWebSocket options`, {
      retryable: false,
    });
    this.protocol = protocol;
    this.host = host;
  }

  protected override details(): Record<string, unknown> {
    return { protocol: this.protocol, host: this.host };
  }
}
