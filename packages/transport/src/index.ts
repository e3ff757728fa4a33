// The public API of @modelwire/transport. Every export is listed by name.

// Errors (the base, the code table and redaction come from @modelwire/errors and are
// re-exported so that a user of this package imports every error from one place)
export {
  AlreadyConsumedError,
  BusyError,
  ClosedError,
  ErrorCode,
  InvalidArgumentError,
  MissingCredentialsError,
  ModelwireError,
  REDACTED,
  isSecretHeaderName,
  redactError,
  redactHeaders,
  redactText,
  type HeaderRecord,
  type InvalidArgumentIssue,
  type ModelwireErrorOptions,
} from '@modelwire/errors';
export { HttpStatusError, MAX_ERROR_BODY_BYTES, type HttpStatusErrorOptions } from './errors/http-status-error.js';
export { ConnectError, ConnectTimeoutError, IdleTimeoutError, PongTimeoutError, type ConnectionErrorOptions, type IdlePhase } from './errors/connection-errors.js';
export { ConnectionClosedError, closeKindOf, type CloseKind, type ConnectionClosedErrorOptions } from './errors/connection-closed-error.js';
export { AbortError } from './errors/abort-error.js';
export { PayloadTooLargeError } from './errors/payload-too-large-error.js';
export { InsecureTransportError } from './errors/insecure-transport-error.js';
export { InvalidHeaderError } from './errors/invalid-header-error.js';
export { ProtocolViolationError, type ProtocolViolationErrorOptions, type ProtocolViolationKind } from './errors/protocol-violation-error.js';
export { RedirectRefusedError, type RedirectRefusedErrorOptions } from './errors/redirect-refused-error.js';
export { DeadlineExceededError, type DeadlineExceededErrorOptions } from './errors/deadline-exceeded-error.js';
export { IncompleteEventError } from './errors/incomplete-event-error.js';
export { ProxyRefusedError, type ProxyRefusedErrorOptions } from './errors/proxy-refused-error.js';

// Security
export {
  assertSecureTransport,
  carriesCredentials,
  isLocalhostName,
  isLoopbackAddress,
  isLoopbackHost,
  resolvePlaintextTarget,
  systemHostResolver,
  validateHeaders,
  type HostResolver,
  type PlaintextTargetOptions,
  type RequestHeaders,
} from './security/transport-security.js';

// Abort, retry and time helpers
export { combineSignals, delay, isAbortError, throwIfAborted, toAbortError, type CombinedSignal } from './abort/abort-helpers.js';
export { computeBackoffMs, DEFAULT_BACKOFF, type BackoffOptions } from './retry/backoff.js';
export { DEFAULT_RETRY_AFTER_MAX_MS, parseRetryAfterMs, parseShouldRetry, type RetryAfterOptions } from './retry/retry-after.js';
export { getHeader, type HeaderSource } from './retry/header-lookup.js';
export { systemClock, type Clock } from './time/clock.js';

// Server-sent events
export { DEFAULT_MAX_EVENT_SIZE, SseDecoder, type SseDecoderOptions, type SseEvent } from './sse/sse-decoder.js';
export { decodeSseStream, type DecodeSseStreamOptions } from './sse/decode-sse-stream.js';
export type { SseEventListener } from './http/sse-response.js';

// Network policy: proxies and trusted certificates, one for both transports
export { NetworkPolicy, type Environment, type NetworkPolicyOptions, type ProxyEndpoint, type ProxyRoute } from './network/network-policy.js';
export { openTunnel, type OpenTunnelOptions } from './network/open-tunnel.js';
export { probeTcp, probeTls, probeTunnel, systemLookup, type HostLookup, type ProbeOptions, type TlsProbeResult } from './network/connection-probes.js';
export type { CertificateInput } from './network/trusted-certificates.js';

// HTTP
export {
  HttpClient,
  type HttpClientOptions,
  type HttpJsonResponse,
  type HttpStreamResponse,
  type PostJsonOptions,
  type PostOptions,
  type PostStreamOptions,
} from './http/http-client.js';
export { compressZstd, type RequestCompression } from './http/request-compression.js';

// WebSocket
export { connectWebSocket, type ConnectWebSocketOptions, type WebSocketFactory, type WebSocketImplementation } from './ws/connect-websocket.js';
export {
  WebSocketConnection,
  type FrameListener,
  type PingOptions,
  type ReceiveOptions,
  type SendOptions,
  type WebSocketConnectionSettings,
  type WebSocketState,
} from './ws/websocket-connection.js';
