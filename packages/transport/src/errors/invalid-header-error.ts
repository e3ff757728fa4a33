import { ErrorCode, ModelwireError } from '@modelwire/errors';

/**
 * A request header name or value was not valid: the value contained CR, LF or NUL (header
 * injection), or the name was not an HTTP token. The value is never quoted in the message
 * (it may be a credential). Not retryable.
 */
export class InvalidHeaderError extends ModelwireError {
  /** The offending header's name (truncated to 64 characters). */
  readonly headerName: string;

  constructor(headerName: string, problem: string) {
    const name = headerName.length > 64 ? `${headerName.slice(0, 64)}…` : headerName;
    super(ErrorCode.InvalidHeader, `invalid header ${JSON.stringify(name)}: ${problem}`, { retryable: false });
    this.headerName = name;
  }

  protected override details(): Record<string, unknown> {
    return { headerName: this.headerName };
  }
}
