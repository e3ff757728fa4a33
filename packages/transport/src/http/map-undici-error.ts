import { toAbortError } from '../abort/abort-helpers.js';
import { ClosedError, ErrorCode, ModelwireError } from '@modelwire/errors';
import { ConnectionClosedError } from '../errors/connection-closed-error.js';
import { ConnectError, ConnectTimeoutError, IdleTimeoutError } from '../errors/connection-errors.js';
import { ProtocolViolationError } from '../errors/protocol-violation-error.js';
import { ProxyRefusedError } from '../errors/proxy-refused-error.js';

/** Socket error codes that mean "the connection could not be made" (nothing was sent). */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EADDRNOTAVAIL', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']);

/** TLS failures of the handshake (nothing of the request was sent either). */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|UNABLE_TO_)/;

/**
 * undici's parser failures: the request was written and the answer could not be read (a bad
 * chunk size, a header block over the limit, a status line that is not HTTP).
 */
function isParserError(name: string, code: unknown): boolean {
  return name === 'HTTPParserError' || code === 'UND_ERR_HEADERS_OVERFLOW' || (typeof code === 'string' && code.startsWith('HPE_'));
}

/** Context for {@link mapUndiciError}. */
export interface UndiciErrorContext {
  /** The connect timeout in force, in milliseconds (for the message). */
  connectTimeoutMs: number;
  /** The idle timeout in force, in milliseconds, or `null`. */
  idleTimeoutMs: number | null;
  /** `host:port` of the proxy the request went through, if any (never its credentials). */
  proxy?: string | null;
  /** The request's URL (for naming the tunnel target, and the target of a failed connect: scheme, host and path, never the query). */
  target?: URL;
}

/** undici's messages when a proxy answers `CONNECT` with a non-200 status, or a forwarded request with 407. */
const PROXY_REFUSED = /^Proxy (?:response|Authentication Required) \((\d{3})\)/;

/**
 * Maps whatever undici or the socket threw to a Modelwire error. Modelwire errors pass
 * through unchanged (they are what we abort or destroy with); the original error is kept as
 * `cause`.
 */
export function mapUndiciError(error: unknown, context: UndiciErrorContext): ModelwireError {
  if (ModelwireError.isInstance(error)) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const name = error instanceof Error ? error.name : '';
  const refused = error instanceof Error ? PROXY_REFUSED.exec(error.message) : null;
  if (refused?.[1] !== undefined && context.proxy != null) {
    const target = context.target === undefined ? '(unknown)' : `${context.target.hostname}:${context.target.port || (context.target.protocol === 'https:' ? '443' : '80')}`;
    return new ProxyRefusedError({ status: Number(refused[1]), proxy: context.proxy, target, cause: error });
  }
  const via = context.proxy == null ? '' : ` through proxy ${context.proxy}`;
  // Scheme, host and path only: a query may carry a secret, and `origin` never holds credentials.
  const url = context.target === undefined ? undefined : `${context.target.origin}${context.target.pathname}`;
  const where = url === undefined ? '' : ` to ${url} over HTTP`;
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'UND_ERR_ABORT' || code === 'ABORT_ERR') return toAbortError(error);
  if (isParserError(name, code)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new ProtocolViolationError(`the HTTP response${url === undefined ? '' : ` of POST ${url}`} could not be parsed: ${detail}`, { cause: error, violation: 'http_parser' });
  }
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new ConnectTimeoutError(context.connectTimeoutMs, { cause: error, ...(url === undefined ? {} : { target: `${url} over HTTP${via}` }) });
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new IdleTimeoutError(context.idleTimeoutMs ?? 0, { cause: error });
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
      return new ModelwireError(ErrorCode.InvalidArgument, `invalid request: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
      return new ClosedError('the HTTP client');
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new ConnectionClosedError({ cause: error });
    default:
      break;
  }
  const causeCode = typeof error === 'object' && error !== null ? ((error as { cause?: { code?: unknown } }).cause?.code ?? code) : code;
  if (typeof causeCode === 'string' && (CONNECT_CODES.has(causeCode) || TLS_CODE.test(causeCode))) return new ConnectError(`could not connect${where}${via} (${causeCode})`, { cause: error });
  // Anything else broke the exchange after the connection was made: "nothing was sent" cannot be claimed.
  return new ConnectionClosedError({ cause: error, ...(typeof code === 'string' ? { reason: code } : {}) });
}
