// Public API of @modelwire/protocol: the Responses wire format (no I/O).

// Header and metadata names
export { ClientMetadataKey, HeaderName, OPENAI_BETA_RESPONSES_WEBSOCKETS, SubagentLabel } from './headers/header-names.js';

// Items
export {
  CompactionItemSchema,
  CompactionTriggerItemSchema,
  CustomToolCallItemSchema,
  CustomToolCallOutputItemSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  InputFileContentSchema,
  InputImageContentSchema,
  InputTextContentSchema,
  ItemReferenceItemSchema,
  KNOWN_ITEM_TYPES,
  KnownResponseItemSchema,
  LocalShellCallItemSchema,
  LocalShellExecActionSchema,
  MessageContentSchema,
  MessageItemSchema,
  OutputTextContentSchema,
  ReasoningItemSchema,
  ReasoningSummaryPartSchema,
  RefusalContentSchema,
  ResponseItemSchema,
  UnknownContentSchema,
  UnknownItemSchema,
  WebSearchCallItemSchema,
  type CompactionItem,
  type CompactionTriggerItem,
  type CustomToolCallItem,
  type CustomToolCallOutputItem,
  type FunctionCallItem,
  type FunctionCallOutputItem,
  type ItemReferenceItem,
  type KnownResponseItem,
  type LocalShellCallItem,
  type MessageContent,
  type MessageItem,
  type ReasoningItem,
  type ResponseItem,
  type UnknownItem,
  type WebSearchCallItem,
} from './schemas/response-item.js';

// Request bodies
export {
  ContextManagementSchema,
  CreateResponseRequestSchema,
  FunctionToolSchema,
  ReasoningConfigSchema,
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
  ResponseMetadataEventSchema,
  WebSocketTimingEventSchema,
} from './schemas/websocket-server-events.js';

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
