// Public API of @modelwire/client.

// Session and turn
export {
  CLIENT_VERSION,
  DEFAULT_HEALTH_CHECK_AFTER_IDLE_MS,
  DEFAULT_MAX_CONNECTION_AGE_MS,
  DEFAULT_ORIGINATOR,
  ModelClient,
  SUBAGENT_HEADER,
  type ModelClientOptions,
} from './client/model-client.js';
export { ModelClientSession, type CompactedHistory, type CompactOptions, type RawResponseEvent, type StreamOptions, type TurnOptions } from './turn/model-client-session.js';
export { DEFAULT_LANE_LIMITS, type LaneLimits } from './ws/responses-connection.js';
export { AUTO_LANE_PREFIX } from './ws/session-socket.js';
export {
  NETWORK_WAIT_FIRST_MS,
  NETWORK_WAIT_MAX_MS,
  RequestBudget,
  isConnectionFailure,
  type RequestBudgetLimits,
  type RequestFailure,
  type RequestWait,
  type RetryPhase,
  type RetryPlan,
  type Sleep,
} from './turn/request-budget.js';
export { ResponseStream, type CompletedResponse } from './turn/response-stream.js';
export {
  SteerHandle,
  steerItems,
  type PrecedingResponse,
  type SteerAccepted,
  type SteerAcknowledgement,
  type SteerCommit,
  type SteerCommitted,
  type SteerFailed,
  type SteerFinal,
  type SteerOutcome,
  type SteerPending,
  type SteerState,
  type SteerUnavailable,
  type SteerUnavailableReason,
  type SteerUnknown,
  type SteerUnknownReason,
} from './steering/steer-handle.js';
export { STEER_GRACE_MS } from './steering/request-steering.js';
export type { MemoryTraceInput, MemoryTraceSummary } from './unary/summarize-memory-traces.js';
export { COMPACT_TIMEOUT_IDLE_MULTIPLE } from './unary/compact-conversation-history.js';
export { COMPACTION_TRIGGER, DEFAULT_RETAINED_MESSAGE_TOKENS, buildCompactedWindow, compactionItemOf } from './compaction/compaction-window.js';
export { CompactionFailedError, type CompactionFailureReason, type CompactionMethod } from './compaction/compaction-failed-error.js';
/** The events a `ResponseStream` yields (defined by `@modelwire/protocol`). */
export type { HostedToolKind, HostedToolStatus, ResponseEvent, ResponseEventOf, ResponseEventType, ResponseUsage, ToolInputKind } from '@modelwire/protocol';
/** Steering input and the server's steering answers (defined by `@modelwire/protocol`). */
export { STEER_ERROR_CODES, type SteerErrorCode, type SteerInput, type SteerMessage, type SteerRequiredInput } from '@modelwire/protocol';

// Values passed in
export { staticTokenAuth, type AuthProvider } from './types/auth-provider.js';
export type { ModelInfo } from './types/model-info.js';
export type { HostedToolType, OutputSchema, Prompt, ToolChoice, ToolSpec } from './types/prompt.js';
export type {
  ContextManagementEntry,
  JsonObjectOutputFormat,
  ModerationOptions,
  PromptCacheOptions,
  PromptTemplateReference,
  ReasoningOptions,
  RequestOptions,
  ResponseIncludable,
  ServiceTier,
  TextOptions,
} from './types/request-options.js';

// Items (defined by `@modelwire/protocol`): one closed union discriminated by `type`
export { RESPONSE_ITEM_TYPES, asResponseItem, isResponseItemType, unknownItemOf, withItemType } from '@modelwire/protocol';
export type {
  ApplyPatchCallItem,
  ApplyPatchCallOutputItem,
  CodeInterpreterCallItem,
  CompactionItem,
  CompactionTriggerItem,
  ComputerCallItem,
  ComputerCallOutputItem,
  ConfigurationUpdateItem,
  CustomToolCallItem,
  CustomToolCallOutputItem,
  EasyInputMessage,
  FileSearchCallItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  ImageGenerationCallItem,
  InputContent,
  InputFileContent,
  InputImageContent,
  InputMessage,
  InputTextContent,
  ItemReference,
  ItemReferenceItem,
  JsonSchemaOutputFormat,
  LocalShellCallItem,
  LocalShellCallOutputItem,
  McpApprovalRequestItem,
  McpApprovalResponseItem,
  McpCallItem,
  McpListToolsItem,
  MessageItem,
  MessagePhase,
  MessageRole,
  OutputMessageContent,
  OutputMessageItem,
  OutputTextContent,
  ProgramItem,
  ProgramOutputItem,
  ReasoningEffortLevel,
  ReasoningItem,
  RefusalContent,
  ResponseInput,
  ResponseInputItem,
  ResponseItem,
  ResponseItemType,
  ShellCallItem,
  ShellCallOutputItem,
  TextOutputFormat,
  ToolOutputContent,
  ToolOutputFileContent,
  ToolOutputImageContent,
  ToolOutputTextContent,
  ToolSearchCallItem,
  UnknownResponseItem,
  WebSearchCallItem,
} from '@modelwire/protocol';
export { modelInfoFor, registerModel, turnContextFor, type TurnContextDefaults } from './types/known-models.js';
export {
  DEFAULT_REQUEST_DEADLINE_MS,
  DEFAULT_REQUEST_MAX_RETRIES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  DEFAULT_STREAM_MAX_RETRIES,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS,
  resolveProvider,
  type Provider,
  type ResolvedProvider,
} from './types/provider.js';
export {
  ProviderPresetError,
  providerFromPreset,
  providerPresets,
  type ProviderPreset,
  type ProviderPresetId,
  type ProviderPresetOptions,
} from './presets/provider-presets.js';
export { networkPolicyFor } from './client/network-for-provider.js';
export { subagentHeaderValue, type SessionSource, type SubagentLabel } from './types/session-source.js';
export type { ReasoningEffort, ReasoningSummary, TurnContext, TurnMetadata, Verbosity } from './types/turn-context.js';

// Errors: every class a caller of this package can meet, importable from here
export {
  AbortError,
  AlreadyConsumedError,
  BusyError,
  ClosedError,
  ConnectError,
  ConnectTimeoutError,
  ConnectionClosedError,
  DeadlineExceededError,
  ErrorCode,
  HttpStatusError,
  IdleTimeoutError,
  IncompleteEventError,
  InsecureTransportError,
  InvalidArgumentError,
  InvalidHeaderError,
  MissingCredentialsError,
  ModelwireError,
  PayloadTooLargeError,
  PongTimeoutError,
  ProtocolViolationError,
  ProxyRefusedError,
  RedirectRefusedError,
  type InvalidArgumentIssue,
  type ProtocolViolationKind,
} from '@modelwire/transport';
export {
  ConnectionLimitReachedError,
  ContextWindowExceededError,
  InvalidRequestError,
  PreviousResponseNotFoundError,
  QuotaExceededError,
  ResponseError,
  RetryableResponseError,
  ServerOverloadedError,
  StreamIncompleteError,
  UnauthorizedError,
  UsageLimitReachedError,
  UsageNotIncludedError,
} from '@modelwire/protocol';

// What the process remembers about opening WebSockets (fast fallback for later sessions)
export {
  DEFAULT_WEBSOCKET_OUTCOME_MAX_ENTRIES,
  DEFAULT_WEBSOCKET_OUTCOME_TTL_MS,
  sharedWebSocketOutcomes,
  WebSocketOutcomeCache,
  type WebSocketOutcome,
  type WebSocketOutcomeCacheOptions,
} from './client/websocket-outcomes.js';

// Telemetry
export { noopClientTelemetry, safeTelemetry } from './telemetry/client-telemetry.js';
export type {
  ClientTelemetry,
  ContinuationDecisionRecord,
  FallbackReason,
  FrameDropReason,
  FrameDroppedRecord,
  FullRequestReason,
  OutputReconciledRecord,
  RequestAttemptRecord,
  RequestEndRecord,
  RequestOutcome,
  RequestStartRecord,
  StickyTokenIgnoredRecord,
  StreamEventRecord,
  StreamRetryRecord,
  TokenUsageRecord,
  TransportFallbackRecord,
  TransportKind,
  WebSocketConnectRecord,
} from './telemetry/client-telemetry.js';

export { MAX_STICKY_TOKEN_LENGTH, stickyTokenProblem, type StickyTokenProblem } from './turn/sticky-routing-token.js';

// The doctor: checks the network path to a provider (also the `modelwire-doctor` bin)
export { formatDoctorReport, type DoctorCheck, type DoctorCheckId, type DoctorReport, type DoctorStatus } from './doctor/doctor-report.js';
export { runDoctor, type DoctorOptions } from './doctor/run-doctor.js';
export { DOCTOR_HELP, DoctorUsageError, parseDoctorArguments, runDoctorCli, type DoctorOutput } from './doctor/doctor-cli.js';

// Wire seams (tests, instrumentation)
export type {
  WireEventListener,
  WireEventStream,
  WireHttp,
  WireJsonResponse,
  WirePostOptions,
  WireSocket,
  WireSocketConnectOptions,
  WireSocketConnector,
} from './wire/wire-types.js';
export { createTransportHttp } from './wire/transport-http.js';
export { createTransportWebSocketConnector, type WebSocketKeepAliveOptions } from './wire/transport-websocket.js';

// Building blocks (request fields and the continuation check)
export { ContinuationTracker, fingerprintRequestFields, type ContinuationDecision, type TrackedRequest } from './continuation/continuation-tracker.js';
export { CONTINUATION_IGNORED_FIELDS } from './continuation/item-fingerprint.js';
export { buildRequestFields, REQUEST_OPTION_NAMES, type RequestFields } from './request/request-fields.js';
export { ITEM_ID_PREFIXES, wireInput } from './request/wire-input.js';
