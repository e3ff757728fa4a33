/**
 * Every stable error code of Modelwire, in one table.
 *
 * Codes are part of the public API: compare on `error.code`, never on the message. A code is
 * never renamed or reused; new ones are added here, in the lowest layer, so that every
 * package (and every consumer) sees the same set.
 */
export const ErrorCode = {
  // --- transport: bytes and sockets ---
  /** The server answered with a non-success HTTP status (also a refused WebSocket upgrade). */
  HttpStatus: 'http_status',
  /** The TCP/TLS connection could not be established. */
  ConnectFailed: 'connect_failed',
  /** Connecting (TCP, TLS and the HTTP or WebSocket handshake) took longer than allowed. */
  ConnectTimeout: 'connect_timeout',
  /** No byte (HTTP) or frame (WebSocket) arrived within the idle timeout. */
  IdleTimeout: 'idle_timeout',
  /** The WebSocket peer did not answer a ping within the pong timeout (a half-open socket). */
  PongTimeout: 'pong_timeout',
  /** The connection closed before the exchange was complete. */
  ConnectionClosed: 'connection_closed',
  /** The caller aborted the operation through its `AbortSignal`. */
  Aborted: 'aborted',
  /** One event, frame or body exceeded its configured size bound. */
  PayloadTooLarge: 'payload_too_large',
  /** Credentials would have been sent in plaintext to a host that is not loopback. */
  InsecureTransport: 'insecure_transport',
  /** A header name or value was not valid (for example it contained CR or LF). */
  InvalidHeader: 'invalid_header',
  /** The peer broke the framing rules (a binary WebSocket frame, a redirect, invalid UTF-8). */
  ProtocolViolation: 'protocol_violation',
  /** A stream ended in the middle of an event or without its terminal event. */
  StreamIncomplete: 'stream_incomplete',
  /** The object was closed; no new operation can start on it. */
  Closed: 'closed',
  /** The HTTP proxy refused to open a tunnel (`CONNECT`) or to forward the request. */
  ProxyRefused: 'proxy_refused',
  /**
   * The server answered with a redirect (3xx). Redirects are never followed, so credentials
   * never travel to another location; not retryable (the same request would be redirected again).
   */
  RedirectRefused: 'redirect_refused',
  /**
   * A request found no answer within its deadline (connecting, waiting for the response to
   * start, and the retries in between). Not retryable.
   */
  DeadlineExceeded: 'deadline_exceeded',

  // --- protocol: the Responses API's own failures ---
  /** A payload could not be decoded (invalid JSON, wrong shape). */
  DecodeFailed: 'decode_failed',
  /** The input does not fit the model's context window. */
  ContextWindowExceeded: 'context_window_exceeded',
  /** The account has no quota left (`insufficient_quota`). */
  QuotaExceeded: 'quota_exceeded',
  /** The plan does not include this usage (`usage_not_included`). */
  UsageNotIncluded: 'usage_not_included',
  /** A usage limit was reached; carries the reset time and rate limits when known. */
  UsageLimitReached: 'usage_limit_reached',
  /** The request was rejected as invalid (400-class, not retryable). */
  InvalidRequest: 'invalid_request',
  /** The credentials were refused (401/403). */
  Unauthorized: 'unauthorized',
  /** `previous_response_id` is unknown to this connection. */
  PreviousResponseNotFound: 'previous_response_not_found',
  /** The WebSocket reached its age limit (`websocket_connection_limit_reached`). */
  ConnectionLimitReached: 'connection_limit_reached',
  /** The server is overloaded; retry later. */
  ServerOverloaded: 'server_overloaded',
  /** A transient failure that a retry may fix (rate limit, 5xx, `server_error`). */
  Retryable: 'retryable',
  /** The response ended with `response.failed` for a reason not listed above. */
  ResponseFailed: 'response_failed',
  /** The response ended with `response.incomplete` (truncated output). */
  ResponseIncomplete: 'response_incomplete',

  // --- client and session ---
  /** A request was made while the turn already had one in flight. */
  Busy: 'busy',
  /** Invalid arguments passed by the caller. */
  InvalidArgument: 'invalid_argument',
  /** A one-shot object was used twice (a response stream iterated a second time). */
  AlreadyConsumed: 'already_consumed',
  /** A request needs credentials but the auth provider returned none. */
  MissingCredentials: 'missing_credentials',
  /**
   * A compaction answered, but not with a usable history window: no output, no `compaction`
   * item, more than one, or one without `encrypted_content`. The history is left as it was.
   */
  CompactionFailed: 'compaction_failed',

  // --- turn loop ---
  /**
   * A turn reached its bound of tool rounds (`maxToolRounds`): the model asked for tools once
   * more, the calls were answered without being run, and the turn ended.
   */
  ToolRoundLimit: 'tool_round_limit',

  // --- session store (journal, resume, fork) ---
  /**
   * Another writer changed or holds the stored session (a second worker resumed it, or another
   * process has its journal open): nothing of the failed write was stored.
   */
  SessionConflict: 'session_conflict',
  /** No stored session has this id or path. */
  SessionNotFound: 'session_not_found',
  /** A stored session cannot be read: a record before its end is not valid. */
  JournalCorrupt: 'journal_corrupt',
  /** Writing or syncing the session's journal failed; the session commits nothing more. */
  JournalWriteFailed: 'journal_write_failed',
} as const;

/** A stable Modelwire error code (the values of {@link ErrorCode}). */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
