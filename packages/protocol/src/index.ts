// Public API of @modelwire/protocol: the Responses wire format (no I/O).

// Header and metadata names
export { ClientMetadataKey, HeaderName, OPENAI_BETA_RESPONSES_WEBSOCKETS, SubagentLabel } from './headers/header-names.js';

// Items: the static types (closed unions, discriminated by `type`) …
export type {
  ContainerFileCitationAnnotation,
  FileCitationAnnotation,
  FileDetail,
  FilePathAnnotation,
  ImageDetail,
  InputContent,
  InputFileContent,
  InputImageContent,
  InputTextContent,
  OutputMessageContent,
  OutputTextAnnotation,
  OutputTextContent,
  PromptCacheBreakpoint,
  RefusalContent,
  TokenLogprob,
  ToolOutputContent,
  ToolOutputFileContent,
  ToolOutputImageContent,
  ToolOutputTextContent,
  TopLogprob,
  UrlCitationAnnotation,
} from './items/content-parts.js';
export type { EasyInputMessage, InputMessage, ItemStatus, MessageItem, MessagePhase, MessageRole, OutputMessageItem } from './items/message-items.js';
export type {
  CustomToolCallItem,
  CustomToolCallOutputItem,
  DirectToolCaller,
  FunctionCallItem,
  FunctionCallOutputItem,
  ProgramToolCaller,
  ToolCaller,
} from './items/function-items.js';
export type {
  ApplyPatchCallItem,
  ApplyPatchCallOutputItem,
  ApplyPatchCreateFile,
  ApplyPatchDeleteFile,
  ApplyPatchOperation,
  ApplyPatchUpdateFile,
  ContainerReference,
  LocalShellCallItem,
  LocalShellCallOutputItem,
  LocalShellEnvironment,
  LocalShellExecAction,
  LocalShellSkill,
  ShellCallAction,
  ShellCallItem,
  ShellCallOutputItem,
  ShellCommandOutput,
  ShellExitOutcome,
  ShellTimeoutOutcome,
} from './items/shell-items.js';
export type {
  CodeInterpreterCallItem,
  CodeInterpreterImage,
  CodeInterpreterLogs,
  ComputerAction,
  ComputerCallItem,
  ComputerCallOutputItem,
  ComputerClickAction,
  ComputerDoubleClickAction,
  ComputerDragAction,
  ComputerKeypressAction,
  ComputerMoveAction,
  ComputerSafetyCheck,
  ComputerScreenshot,
  ComputerScreenshotAction,
  ComputerScrollAction,
  ComputerTypeAction,
  ComputerWaitAction,
  FileSearchCallItem,
  FileSearchResult,
  ImageGenerationCallItem,
  ImageGenerationError,
  MouseButton,
  ScreenPoint,
  SvgGenerationUsage,
  ToolSearchCallItem,
  WebSearchAction,
  WebSearchCallItem,
  WebSearchFindInPageAction,
  WebSearchOpenPageAction,
  WebSearchSearchAction,
  WebSearchSource,
} from './items/hosted-tool-items.js';
export type {
  McpApprovalRequestItem,
  McpApprovalResponseItem,
  McpCallError,
  McpCallItem,
  McpHttpError,
  McpListToolsItem,
  McpProtocolError,
  McpToolDescription,
  McpToolExecutionError,
} from './items/mcp-items.js';
export type {
  CompactionItem,
  CompactionTriggerItem,
  ConfigurationUpdateItem,
  ItemReference,
  ItemReferenceItem,
  JsonSchemaOutputFormat,
  ProgramItem,
  ProgramOutputItem,
  ReasoningEffortLevel,
  ReasoningItem,
  ReasoningSummaryText,
  ReasoningText,
  TextOutputFormat,
} from './items/context-items.js';
export {
  RESPONSE_ITEM_TYPES,
  asResponseItem,
  isResponseItemType,
  unknownItemOf,
  withItemType,
  type ResponseInput,
  type ResponseInputItem,
  type ResponseItem,
  type ResponseItemType,
  type UnknownResponseItem,
} from './items/response-item.js';
// … and their runtime checks (loose zod schemas: unknown fields and item types pass through)
export {
  ApplyPatchCallItemSchema,
  ApplyPatchCallOutputItemSchema,
  CompactionItemSchema,
  CompactionTriggerItemSchema,
  CustomToolCallItemSchema,
  CustomToolCallOutputItemSchema,
  EasyInputMessageSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  ITEM_SCHEMAS,
  InputFileContentSchema,
  InputImageContentSchema,
  InputTextContentSchema,
  ItemReferenceItemSchema,
  LocalShellCallItemSchema,
  LocalShellCallOutputItemSchema,
  LocalShellExecActionSchema,
  McpApprovalResponseItemSchema,
  MessageContentSchema,
  MessageItemSchema,
  MessageRoleSchema,
  OutputTextContentSchema,
  ReasoningItemSchema,
  ReasoningSummaryPartSchema,
  RefusalContentSchema,
  ResponseInputItemSchema,
  ResponseItemSchema,
  ShellCallItemSchema,
  ShellCallOutputItemSchema,
  TypelessItemReferenceSchema,
  UnknownContentSchema,
  UnknownItemSchema,
  VALIDATED_ITEM_TYPES,
  ValidatedItemSchema,
  WebSearchCallItemSchema,
} from './schemas/response-item.js';

// Request bodies
export {
  ContextManagementSchema,
  CreateResponseRequestSchema,
  FunctionToolSchema,
  ReasoningConfigSchema,
  RequestMetadataSchema,
  ResponseRequestFieldsSchema,
  TextConfigSchema,
  TextFormatSchema,
  ToolDefinitionSchema,
  type CreateResponseRequest,
  type ReasoningConfig,
  type ResponseRequestFields,
  type TextConfig,
  type ToolDefinition,
} from './schemas/create-response-request.js';
export { TokenUsageSchema, type TokenUsage } from './schemas/token-usage.js';
export { ResponseSnapshotSchema, type ResponseSnapshot } from './schemas/response-snapshot.js';

// Stream events
export {
  ContentPartAddedEventSchema,
  ContentPartDoneEventSchema,
  CustomToolCallInputDeltaEventSchema,
  CustomToolCallInputDoneEventSchema,
  FunctionCallArgumentsDeltaEventSchema,
  FunctionCallArgumentsDoneEventSchema,
  OutputItemAddedEventSchema,
  OutputItemDoneEventSchema,
  OutputTextAnnotationAddedEventSchema,
  OutputTextDeltaEventSchema,
  OutputTextDoneEventSchema,
  ReasoningSummaryPartAddedEventSchema,
  ReasoningSummaryPartDoneEventSchema,
  ReasoningSummaryTextDeltaEventSchema,
  ReasoningSummaryTextDoneEventSchema,
  ReasoningTextDeltaEventSchema,
  ReasoningTextDoneEventSchema,
  RefusalDeltaEventSchema,
  RefusalDoneEventSchema,
  ResponseCompletedEventSchema,
  ResponseCreatedEventSchema,
  ResponseFailedEventSchema,
  ResponseIncompleteEventSchema,
  ResponseInProgressEventSchema,
  ResponseQueuedEventSchema,
  STREAM_EVENT_SCHEMAS,
  UNKNOWN_EVENT_TYPE,
  type KnownStreamEvent,
  type KnownStreamEventType,
  type OutputItemDoneEvent,
  type OutputTextDeltaEvent,
  type ResponseCompletedEvent,
  type ResponseFailedEvent,
  type ResponseIncompleteEvent,
  type StreamEvent,
  type StreamEventOf,
  type UnknownStreamEvent,
} from './schemas/stream-events.js';
export {
  ErrorDetailsSchema,
  ErrorEventSchema,
  HttpErrorBodySchema,
  errorDetailsOf,
  errorHeadersOf,
  errorStatusOf,
  type ErrorDetails,
  type ErrorEvent,
  type HttpErrorBody,
} from './schemas/error-payload.js';

// WebSocket
export {
  ResponseCreateMessageSchema,
  StreamIdSchema,
  WebSocketClientMessageSchema,
  type ResponseCreateMessage,
  type WebSocketClientMessage,
} from './schemas/websocket-client-messages.js';
export {
  CodexCreditsSchema,
  CodexRateLimitsEventSchema,
  CodexRateLimitWindowSchema,
  CodexResponseMetadataEventSchema,
  ResponseMetadataEventSchema,
  WebSocketTimingEventSchema,
} from './schemas/websocket-server-events.js';
export {
  ResponseSteerAcceptedEventSchema,
  ResponseSteerFailedEventSchema,
  ResponseSteerMessageSchema,
  ResponseSteerPendingEventSchema,
  STEER_ERROR_CODES,
  SteerContentPartSchema,
  SteerInputSchema,
  SteerMessageSchema,
  SteerRequiredInputSchema,
  type ResponseSteerMessage,
  type SteerErrorCode,
  type SteerInput,
  type SteerMessage,
  type SteerRequiredInput,
} from './schemas/steering.js';

// Unary endpoints
export {
  CompactRequestSchema,
  CompactResponseSchema,
  MemoryTraceSchema,
  TraceSummarizeRequestSchema,
  TraceSummarizeResponseSchema,
  TraceSummarySchema,
  type CompactRequest,
  type CompactResponse,
  type MemoryTrace,
  type TraceSummarizeRequest,
  type TraceSummarizeResponse,
} from './schemas/unary-bodies.js';

// Rate limits and headers
export { readHeader, type HeaderSource } from './headers/read-header.js';
export {
  rateLimitSnapshotFromEvent,
  rateLimitSnapshotFromHeaders,
  type CodexRateLimitsEventLike,
  type RateLimitCredits,
  type RateLimitSnapshot,
  type RateLimitWindow,
} from './rate-limits/rate-limit-snapshot.js';

// Decoding
export {
  DEFAULT_MAX_PAYLOAD_CHARS,
  DEFAULT_PREVIEW_CHARS,
  decodeEvent,
  type DecodeFailure,
  type DecodeFailureReason,
  type DecodeOptions,
  type DecodeResult,
} from './decode/decode-event.js';

// Client-facing events
export type {
  HostedToolKind,
  HostedToolStatus,
  ResponseEvent,
  ResponseEventOf,
  ResponseEventType,
  ResponseUsage,
  ToolInputKind,
} from './events/response-event.js';
export { mapStreamEvent, toResponseUsage } from './events/map-stream-event.js';
export { isKnownEventType } from './events/known-event-types.js';
export { STREAM_EVENT_COVERAGE, type StreamEventHandling } from './events/stream-event-coverage.js';
export {
  modelsEtagFromHeaders,
  rateLimitsFromHeaders,
  reasoningIncludedFromHeaders,
  responseEventsFromHeaders,
  serverModelFromHeaders,
  turnStateFromHeaders,
  upgradeResponseEventsFromHeaders,
} from './events/header-events.js';

// Error classification and errors
export type {
  ConnectionLimitReached,
  ContextWindowExceeded,
  ErrorClassification,
  ErrorClassificationBase,
  ErrorKind,
  ErrorSource,
  InvalidRequest,
  PreviousResponseNotFound,
  QuotaExceeded,
  RetryableFailure,
  ServerOverloaded,
  StreamIncomplete,
  Unauthorized,
  UsageLimitReached,
  UsageNotIncluded,
} from './errors/error-classification.js';
export {
  classifyErrorEvent,
  classifyFailedResponse,
  classifyHttpError,
  classifyIncompleteResponse,
  classifyStreamEnd,
  type ClassifyOptions,
  type HttpErrorInput,
} from './errors/classify-error.js';
export { parseRetryDelayFromHeaders, parseRetryDelayFromMessage } from './errors/retry-delay-hint.js';
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
  errorCodeOf,
  errorFromClassification,
} from './errors/response-error.js';
