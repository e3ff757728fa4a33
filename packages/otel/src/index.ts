export { Attr, EventName, MetricName, SpanName, operationNameOf } from './attribute-names.js';
export { AttributeSanitizer, DEFAULT_MAX_ATTRIBUTE_LENGTH } from './attribute-sanitizer.js';
export {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  SessionTelemetry,
  createSessionTelemetry,
  type SessionTelemetryOptions,
  type TurnTelemetryOptions,
} from './session-telemetry.js';
export { Severity, type TelemetryLogRecord, type TelemetryLogger } from './telemetry-logger.js';
export { TurnTelemetry, type TurnEndOptions } from './turn-telemetry.js';
export type { SpanOutcome } from './request-span.js';

// Errors: what creating telemetry can throw, and the base every Modelwire error shares
export { ErrorCode, InvalidArgumentError, ModelwireError, type InvalidArgumentIssue } from '@modelwire/client';
