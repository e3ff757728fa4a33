import type { Attributes } from '@opentelemetry/api';

/** Severity numbers of the OpenTelemetry log data model used here. */
export const Severity = {
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
} as const;

/**
 * One log record. Shaped like the `LogRecord` of `@opentelemetry/api-logs`, so a logger from
 * that package can be passed as {@link TelemetryLogger} as it is.
 */
export interface TelemetryLogRecord {
  /** Event name, e.g. `"modelwire.transport_fallback"`. */
  readonly eventName: string;
  /** Severity number (5 debug, 9 info, 13 warn, 17 error). */
  readonly severityNumber: number;
  /** Severity text (`"DEBUG"`, `"INFO"`, `"WARN"`, `"ERROR"`). */
  readonly severityText: string;
  /** A short human-readable line; never carries a secret or prompt text. */
  readonly body: string;
  /** Redacted, length-capped attributes. */
  readonly attributes: Attributes;
}

/**
 * Where notable session facts are logged (fallback to HTTP, retries, failed requests). Any
 * object with an `emit` method works, including an `@opentelemetry/api-logs` `Logger`.
 */
export interface TelemetryLogger {
  emit(record: TelemetryLogRecord): void;
}
