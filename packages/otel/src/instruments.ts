import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { MetricName } from './attribute-names.js';

/** Bucket boundaries for durations in seconds (GenAI semantic conventions advice). */
const DURATION_BUCKETS_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** Bucket boundaries for token counts (GenAI semantic conventions advice). */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** Every metric instrument of a session, created once per `createSessionTelemetry`. */
export interface Instruments {
  readonly operationDuration: Histogram;
  readonly tokenUsage: Histogram;
  readonly requests: Counter;
  readonly requestDuration: Histogram;
  readonly requestRetries: Counter;
  readonly streamRetries: Counter;
  readonly websocketConnectDuration: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly streamEvents: Counter;
  readonly tokens: Counter;
  readonly continuationDecisions: Counter;
  readonly fallbackToHttp: Counter;
  readonly framesDropped: Counter;
  readonly outputReconciled: Counter;
}

/** Creates the instruments on `meter` (instrument creation is cheap and idempotent in the SDK). */
export function createInstruments(meter: Meter): Instruments {
  const seconds = (name: string, description: string): Histogram =>
    meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS } });
  return {
    operationDuration: seconds(MetricName.operationDuration, 'GenAI operation duration (one logical request, all attempts).'),
    tokenUsage: meter.createHistogram(MetricName.tokenUsage, {
      description: 'Tokens used per completed response, by gen_ai.token.type (input, output).',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    requests: meter.createCounter(MetricName.requests, { description: 'Requests ended, by transport, status and outcome.', unit: '{request}' }),
    requestDuration: seconds(MetricName.requestDuration, 'Request duration from its start to its end (all attempts and the whole stream).'),
    requestRetries: meter.createCounter(MetricName.requestRetries, { description: 'Request-phase retries (before the first event).', unit: '{retry}' }),
    streamRetries: meter.createCounter(MetricName.streamRetries, { description: 'Re-streams after a stream-phase failure (reported by the turn loop).', unit: '{retry}' }),
    websocketConnectDuration: seconds(MetricName.websocketConnectDuration, 'Time to open a WebSocket (handshake), successful or not.'),
    timeToFirstChunk: seconds(MetricName.timeToFirstChunk, 'Time from sending the request (each attempt that got through) to its first stream event.'),
    streamEvents: meter.createCounter(MetricName.streamEvents, { description: 'Stream events received, by transport and event kind.', unit: '{event}' }),
    tokens: meter.createCounter(MetricName.tokens, { description: 'Tokens used, by modelwire.token.type (input, cached_input, output, reasoning_output).', unit: '{token}' }),
    continuationDecisions: meter.createCounter(MetricName.continuationDecisions, { description: 'Continuation decisions, by mode (incremental, full) and reason.', unit: '{request}' }),
    fallbackToHttp: meter.createCounter(MetricName.fallbackToHttp, { description: 'Session-wide switches from the WebSocket to HTTP (at most one per session).', unit: '{fallback}' }),
    framesDropped: meter.createCounter(MetricName.framesDropped, { description: 'WebSocket frames delivered to no request (stale, unknown, unsolicited), by reason and event kind.', unit: '{frame}' }),
    outputReconciled: meter.createCounter(MetricName.outputReconciled, { description: 'Output items only response.completed.output listed (never streamed), added to the result.', unit: '{item}' }),
  };
}
