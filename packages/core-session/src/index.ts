// Public API of @modelwire/core-session: sessions, the turn loop, compaction and memory traces.

// Session
export { createSession } from './session/create-session.js';
export { Session, type SubagentOptions } from './session/session.js';
export { TurnHandle } from './session/turn-handle.js';
export type { SessionSteer, SessionSteerOutcome } from './session/turn-steering.js';
export type { CreateSessionOptions, SessionCallOptions, SessionClientOptions, SubmitOptions } from './session/session-options.js';
export { userInputItems } from './session/user-input.js';
export { forkSession, resumeSession, type ForkSessionOptions, type ResumeSessionOptions } from './session/resume-session.js';
export type { ResumeReport } from './session/resume-report.js';

// Session stores (journal, resume, fork)
export type { AppendOptions, OpenedSession, SessionLog, SessionStore, StoreCallOptions, StoredSession, TornTail } from './store/session-store.js';
export type {
  CompactedRecord,
  EventMessagePayload,
  EventMessageRecord,
  ResponseItemRecord,
  RolloutRecord,
  SessionMetaPayload,
  SessionMetaRecord,
  StoredSessionSettings,
  StoredTokenUsage,
  TurnContextPayload,
  TurnContextRecord,
} from './store/rollout-record.js';
export { JournalCorruptError, JournalWriteError, SessionConflictError, SessionNotFoundError } from './store/store-errors.js';
export { assertSessionId } from './store/session-id.js';
export { JsonlSessionStore, type JsonlSessionStoreOptions } from './store/jsonl/jsonl-session-store.js';
export type { FsyncPolicy } from './store/jsonl/jsonl-session-log.js';
export { nodeJournalFileSystem, type JournalFile, type JournalFileSystem } from './store/jsonl/journal-file.js';
export { decodeJournal, encodeRecords, type DecodedJournal } from './store/jsonl/journal-lines.js';
export { SessionJournal, type SessionJournalOptions } from './journal/session-journal.js';
export { RecordFactory, type RecordClock } from './journal/journal-records.js';
export { INTERRUPTED_TOOL_OUTPUT, interruptedOutputs, recordsBeforeTurn, replayRecords, type ReplayedSession } from './journal/replay-journal.js';

// Services
export { SessionServices, type SessionServicesValues } from './services/session-services.js';
export {
  endTurnTelemetry,
  noopTurnTelemetry,
  type TurnTelemetryFactory,
  type TurnTelemetryHandle,
  type TurnTelemetryScope,
} from './services/turn-telemetry-factory.js';
export { ConversationHistory } from './history/conversation-history.js';

// Events and results
export type { CompactionTrigger, SessionEvent, SessionEventType, ToolCallKind } from './events/session-event.js';
export { addUsage, lastAssistantText, ZERO_USAGE, type TurnResult } from './turn/turn-result.js';

// Errors: every class a session user can meet, importable from here (the client's, re-exported
// as the same classes, and the session's own)
export { TurnInterruptedError } from './errors/turn-interrupted-error.js';
export { ToolRoundLimitError } from './errors/tool-round-limit-error.js';
export {
  AbortError,
  AlreadyConsumedError,
  BusyError,
  ClosedError,
  CompactionFailedError,
  ConnectError,
  ConnectionClosedError,
  ConnectionLimitReachedError,
  ConnectTimeoutError,
  ContextWindowExceededError,
  DeadlineExceededError,
  ErrorCode,
  HttpStatusError,
  IdleTimeoutError,
  IncompleteEventError,
  InsecureTransportError,
  InvalidArgumentError,
  InvalidHeaderError,
  InvalidRequestError,
  MissingCredentialsError,
  ModelwireError,
  PayloadTooLargeError,
  PongTimeoutError,
  PreviousResponseNotFoundError,
  ProtocolViolationError,
  ProviderPresetError,
  ProxyRefusedError,
  QuotaExceededError,
  RedirectRefusedError,
  ResponseError,
  RetryableResponseError,
  ServerOverloadedError,
  StreamIncompleteError,
  UnauthorizedError,
  UsageLimitReachedError,
  UsageNotIncludedError,
  type CompactionFailureReason,
  type CompactionMethod,
  type InvalidArgumentIssue,
  type ProtocolViolationKind,
} from '@modelwire/client';

// Turns
export { buildTurnContext } from './turn/build-turn-context.js';
export { mergeTurnSettings, type TurnOverrides, type TurnSettings } from './turn/turn-settings.js';
export { MAX_STREAM_RETRY_DELAY_MS } from './turn/stream-with-retries.js';
export { ABORTED_TOOL_OUTPUT } from './turn/run-tool-calls.js';
export { unrunToolOutput } from './turn/run-turn.js';
export { DEFAULT_MAX_TOOL_ROUNDS } from './turn/turn-loop-config.js';

// Tools
export { ToolRegistry } from './tools/tool-registry.js';
export { LOCAL_SHELL_TOOL_NAME, MAX_TOOL_NAME_LENGTH, TOOL_NAME_PATTERN } from './tools/validate-tool-definition.js';
export {
  functionTool,
  type CustomToolDefinition,
  type FunctionToolDefinition,
  type FunctionToolOptions,
  type JsonSchemaObject,
  type LocalShellAction,
  type LocalShellToolDefinition,
  type ToolArguments,
  type ToolCallContext,
  type ToolDefinition,
} from './tools/tool-definition.js';
export type {
  StandardJsonSchemaConverter,
  StandardSchema,
  StandardSchemaIssue,
  StandardSchemaOutput,
  StandardSchemaProps,
  StandardSchemaResult,
} from './tools/standard-schema.js';
export type { ToolCallOutcome, ToolOutput, ToolOutputContent, ToolOutputFile, ToolOutputImage, ToolOutputText, ToolResult } from './tools/tool-output.js';
export { toolCallsOf, toolOutputItem, type ToolCall } from './tools/tool-call.js';
export { DEFAULT_TOOL_TIMEOUT_MS, runToolCall, type RunToolCallOptions } from './tools/run-tool-call.js';

// Compaction
export { MAX_COMPACTION_STREAM_RETRIES, compactHistory, type CompactHistoryRequest, type CompactionResult } from './compaction/compact-history.js';
export type { RetryingReport } from './turn/stream-with-retries.js';
export {
  DEFAULT_AUTO_COMPACT_FRACTION,
  resolveAutoCompaction,
  shouldAutoCompact,
  type AutoCompactionOptions,
  type ResolvedAutoCompaction,
} from './compaction/auto-compaction.js';

// Memory traces
export { readMemoryTraces, type ReadMemoryTracesOptions } from './memory/read-memory-traces.js';
export { parseTraceText } from './memory/parse-trace-text.js';
export { TRACE_MESSAGE_ROLES, traceItemOf, traceItemsOf } from './memory/trace-items.js';
