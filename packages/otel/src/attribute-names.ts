/**
 * Attribute names used on spans, span events and metrics. `gen_ai.*`, `server.*`, `http.*` and
 * `error.type` follow the OpenTelemetry semantic conventions (GenAI client spans and
 * metrics); `modelwire.*` names are this project's own, for facts the conventions do not cover
 * (transport, continuation, connection reuse, attempts). The package README lists them all.
 */
export const Attr = {
  // OpenTelemetry semantic conventions.
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseId: 'gen_ai.response.id',
  conversationId: 'gen_ai.conversation.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cachedInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  requestStream: 'gen_ai.request.stream',
  openaiApiType: 'openai.api.type',
  tokenType: 'gen_ai.token.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  httpStatusCode: 'http.response.status_code',
  errorType: 'error.type',
  // Project-specific.
  sessionSource: 'modelwire.session.source',
  subagent: 'modelwire.session.subagent',
  originator: 'modelwire.originator',
  turnId: 'modelwire.turn.id',
  turnRequests: 'modelwire.turn.requests',
  endpoint: 'modelwire.endpoint',
  transport: 'modelwire.transport',
  attempt: 'modelwire.request.attempt',
  outcome: 'modelwire.request.outcome',
  connectionReused: 'modelwire.connection.reused',
  continuationMode: 'modelwire.continuation.mode',
  continuationReason: 'modelwire.continuation.reason',
  continuationSentItems: 'modelwire.continuation.sent_items',
  continuationTotalItems: 'modelwire.continuation.total_items',
  errorCode: 'modelwire.error.code',
  errorMessage: 'modelwire.error.message',
  willRetry: 'modelwire.retry.will_retry',
  retryDelayMs: 'modelwire.retry.delay_ms',
  eventKind: 'modelwire.event.kind',
  dropReason: 'modelwire.frame.drop_reason',
  reconciledItems: 'modelwire.output.reconciled_items',
  stickyTokenProblem: 'modelwire.sticky_token.problem',
  stickyTokenLength: 'modelwire.sticky_token.length',
  streamEvents: 'modelwire.stream.events',
  tokenKind: 'modelwire.token.type',
  fallbackFrom: 'from',
  fallbackTo: 'to',
  fallbackReason: 'reason',
  /** `true` on a switch made from a remembered outcome (the session started on HTTP; absent otherwise). */
  fallbackRemembered: 'remembered',
} as const;

/** Span names. Request spans follow the GenAI convention `{operation} {model}` instead. */
export const SpanName = {
  turn: 'modelwire.turn',
  websocketConnect: 'modelwire.websocket.connect',
} as const;

/** Span event names. */
export const EventName = {
  retry: 'modelwire.retry',
  streamRetry: 'modelwire.stream_retry',
  fallback: 'modelwire.transport_fallback',
  resendFull: 'modelwire.continuation.resend_full',
  firstEvent: 'modelwire.first_event',
  frameDropped: 'modelwire.frame_dropped',
  outputReconciled: 'modelwire.output_reconciled',
  stickyTokenIgnored: 'modelwire.sticky_token_ignored',
  /** Log records only: a request ended in failure. */
  requestFailed: 'modelwire.request.failed',
} as const;

/** Metric instrument names. */
export const MetricName = {
  operationDuration: 'gen_ai.client.operation.duration',
  tokenUsage: 'gen_ai.client.token.usage',
  requests: 'modelwire.client.requests',
  requestDuration: 'modelwire.client.request.duration',
  requestRetries: 'modelwire.client.request.retries',
  streamRetries: 'modelwire.client.stream.retries',
  websocketConnectDuration: 'modelwire.client.websocket.connect.duration',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  streamEvents: 'modelwire.client.stream.events',
  tokens: 'modelwire.client.tokens',
  continuationDecisions: 'modelwire.client.continuation.decisions',
  fallbackToHttp: 'transport.fallback_to_http',
  framesDropped: 'modelwire.client.websocket.frames_dropped',
  outputReconciled: 'modelwire.client.output.reconciled',
} as const;

/** The `gen_ai.operation.name` of each endpoint the client calls; others use the endpoint itself. */
export function operationNameOf(endpoint: string): string {
  switch (endpoint) {
    case 'responses':
      return 'chat';
    case 'responses/compact':
      return 'compact';
    case 'memories/trace_summarize':
      return 'summarize_memory_traces';
    default:
      return endpoint;
  }
}
