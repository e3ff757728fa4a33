export { startResponsesServer, type ResponsesServer } from './responses-server.js';
export type {
  MetadataEventType,
  ModelRequest,
  RateLimitSnapshot,
  ResolvedOptions,
  ResponsesServerOptions,
  RecordedTranscript,
  ScriptedEvents,
  ScriptedModel,
  ScriptedResponse,
  TranscriptPacing,
  UpgradeHandshake,
} from './server-options.js';
export {
  FaultController,
  type BinaryFrameFault,
  type BrokenHttpFault,
  type CloseAfterTerminalFault,
  type CloseFault,
  type CompactionResultFault,
  type CompactionResultKind,
  type DelayHandshakeFault,
  type EndWithoutTerminalFault,
  type Endpoint,
  type ErrorEventFault,
  type FailedFault,
  type Fault,
  type FaultKind,
  type FaultMatch,
  type FaultRule,
  type FaultTarget,
  type HalfOpenFault,
  type HttpStatusFault,
  type IdleFloodFault,
  type IncompleteFault,
  type InjectedFrame,
  type InjectFault,
  type InvalidUpgradeFault,
  type LateTiming,
  type MalformedJsonFault,
  type NoiseFault,
  type NoiseKind,
  type OversizedFrameFault,
  type RefuseUpgradeFault,
  type StaleTailFault,
  type StallFault,
  type UnauthorizedUntilTokenChangesFault,
} from './faults.js';
export {
  Recording,
  type RecordedConnection,
  type RecordedEvent,
  type RecordedHandshake,
  type RecordedRequest,
  type RecordingCounters,
  type StickyViolation,
} from './recording.js';
export { ScriptQueue } from './server-core.js';
export { SteeringScript, type SteerHoldPoint, type SteeringOptions } from './steering.js';
export { LOOPBACK_PROVIDER_RULES, type ProviderRules } from './provider-rules.js';
export { RESPONSES_ERROR_CODES, type ErrorCodeInfo, type ErrorShape, type ErrorStatusField, type ResponsesErrorCode } from './error-payloads.js';
export type { JsonObject, ResponsesRequestBody } from './request-body.js';
export { activeResources, settledLeaks } from './open-handles.js';
export { startNetworkRelay, type NetworkRelay } from './network-relay.js';
export { Closables, type Closable } from './closables.js';
export { earlierConversation, incrementalRequests, requestBytes, responsesWireFigures, TOOL_LOOP_CALLS, TOOL_LOOP_INSTRUCTIONS, TOOL_LOOP_PROMPT, TOOL_LOOP_STEPS, TOOL_OUTPUT, type ResponsesWireFigures } from './sdk-tool-loop.js';
