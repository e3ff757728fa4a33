import { InvalidArgumentError, type SessionSource, type TransportFallbackRecord, type TransportKind } from '@modelwire/client';
import { context, createNoopMeter, INVALID_SPAN_CONTEXT, metrics, trace, type Attributes, type Context, type Meter, type MeterProvider, type Span, type Tracer } from '@opentelemetry/api';
import { Attr, EventName, MetricName } from './attribute-names.js';
import { AttributeSanitizer, DEFAULT_MAX_ATTRIBUTE_LENGTH } from './attribute-sanitizer.js';
import { createInstruments, type Instruments } from './instruments.js';
import { Severity, type TelemetryLogger } from './telemetry-logger.js';
import { TurnTelemetry } from './turn-telemetry.js';

/** Instrumentation scope name of the tracer and meter taken from the global API. */
export const INSTRUMENTATION_NAME = '@modelwire/otel';
/** Instrumentation scope version. */
export const INSTRUMENTATION_VERSION = '0.0.0';

/** Distinct event kinds kept as metric attribute values; later new kinds count as `"other"`. */
const MAX_EVENT_KINDS = 256;

/** Options of {@link createSessionTelemetry}: session-scoped values, stable for the session. */
export interface SessionTelemetryOptions {
  /**
   * Tracer for turn, request and connect spans. Default: `trace.getTracer("@modelwire/otel")`
   * from the global API (a no-op until an SDK registers a tracer provider; the global tracer
   * is a proxy, so registering later works).
   */
  readonly tracer?: Tracer;
  /**
   * Meter for the metrics. Default: `metrics.getMeter("@modelwire/otel")` from the global API,
   * taken again by the next turn when the global meter provider has changed since (the API's
   * global meter is no proxy): a meter provider registered after the session telemetry was
   * created records from the next `forTurn` on.
   */
  readonly meter?: Meter;
  /** Where notable facts are logged (fallback, retries, failed requests). Default: none. */
  readonly logger?: TelemetryLogger;
  /** The conversation id (`gen_ai.conversation.id` on spans; never a metric attribute). */
  readonly conversationId: string;
  /** Who runs the session (`modelwire.session.source`, and `modelwire.session.subagent`). */
  readonly sessionSource: SessionSource;
  /** The `originator` the client sends (`modelwire.originator`). */
  readonly originator: string;
  /**
   * Record prompt and output text passed to `recordPrompt`/`recordCompletion` as
   * `gen_ai.input.messages`/`gen_ai.output.messages`. Default `false`: no text is recorded.
   * Even when enabled the text is redacted and length-capped.
   */
  readonly recordPrompts?: boolean;
  /** The provider host (`server.address`), e.g. `"api.openai.com"`. Default: not recorded. */
  readonly serverAddress?: string;
  /** The provider port (`server.port`). Default: not recorded. */
  readonly serverPort?: number;
  /** `gen_ai.provider.name`. Default `"openai"`. */
  readonly providerName?: string;
  /** Longest string attribute value, in UTF-16 code units; longer values are cut. Default 1024. */
  readonly maxAttributeLength?: number;
  /**
   * Literal secrets (the API key, a session token) scrubbed from every exported string in
   * addition to the built-in `Bearer …`/`sk-…` patterns. Values shorter than 4 characters are
   * ignored (they would match too much). Default none.
   */
  readonly secrets?: readonly string[];
  /**
   * Wall clock in milliseconds since the epoch (may be fractional), used for span start and end
   * times. Default `performance.timeOrigin + performance.now()`.
   */
  readonly clock?: () => number;
}

/** What a turn's telemetry is tied to. */
export interface TurnTelemetryOptions {
  /** The turn's model slug (`gen_ai.request.model`). */
  readonly model: string;
  /** The turn id (`modelwire.turn.id`), e.g. the `turn_id` of the turn metadata. */
  readonly turnId: string;
  /** Parent of the turn span. Default: the active context. */
  readonly parentContext?: Context;
  /** Extra turn span attributes (redacted and capped like the rest). */
  readonly attributes?: Attributes;
}

/** @internal Session state shared by its turns. */
export interface SessionShared {
  readonly tracer: Tracer;
  /** The session's instruments when the turn began (a turn keeps the ones it began with). */
  readonly instruments: Instruments;
  readonly sanitizer: AttributeSanitizer;
  readonly logger: TelemetryLogger | undefined;
  readonly clock: () => number;
  readonly recordPrompts: boolean;
  /** Span attributes common to turn and request spans. */
  readonly spanAttributes: Attributes;
  /** Metric attributes common to every request metric (low cardinality). */
  readonly metricAttributes: Attributes;
  /**
   * Whether metrics are recorded: `false` when the meter is the API's no-op meter (no SDK),
   * so that reports skip even building metric attributes.
   */
  readonly metricsEnabled: boolean;
  /** One shared non-recording span, used for every request and connect of a turn whose tracer is the no-op one. */
  readonly noopSpan: Span;
  /** Cached `{transport, kind}` attribute objects for the per-event counter. */
  eventAttributes(transport: TransportKind, kind: string): Attributes;
  /** Reports the session-wide fallback; returns `false` when it was already reported. */
  reportFallback(record: TransportFallbackRecord): boolean;
  /** Called by a turn when it ends. */
  turnEnded(turn: TurnTelemetry): void;
  /** Logs a record when a logger is configured. */
  log(severity: keyof typeof Severity, eventName: string, body: string, attributes: Attributes): void;
}

/**
 * Session-level telemetry (session lifetime): holds the tracer, the metric instruments and the
 * once-per-session fallback flag, and hands out cheap per-turn handles with {@link forTurn}.
 * Close it at the end of the session to end any turn span still open.
 */
export class SessionTelemetry implements Disposable, AsyncDisposable {
  /** Replaced (never changed) when the global meter provider changes: running turns keep theirs. */
  #shared: SessionShared;
  /** The global meter provider the instruments came from; `undefined` when a meter was passed. */
  #globalMeterProvider: MeterProvider | undefined;
  readonly #openTurns = new Set<TurnTelemetry>();
  #fallbackReported = false;
  #closed = false;

  /** @internal Use {@link createSessionTelemetry}. */
  constructor(options: SessionTelemetryOptions) {
    if (typeof options.conversationId !== 'string' || options.conversationId.length === 0) {
      throw new InvalidArgumentError({ path: 'conversationId', message: 'must be a non-empty string' });
    }
    const sanitizer = new AttributeSanitizer(options.maxAttributeLength ?? DEFAULT_MAX_ATTRIBUTE_LENGTH, options.secrets ?? []);
    const provider = sanitizer.text(options.providerName ?? 'openai');
    const metricAttributes: Attributes = { [Attr.providerName]: provider };
    const spanAttributes: Attributes = {
      [Attr.providerName]: provider,
      [Attr.conversationId]: sanitizer.text(options.conversationId),
      [Attr.sessionSource]: options.sessionSource.kind,
      [Attr.originator]: sanitizer.text(options.originator),
    };
    if (options.sessionSource.kind === 'subagent') spanAttributes[Attr.subagent] = sanitizer.text(options.sessionSource.label);
    if (options.serverAddress !== undefined) {
      const address = sanitizer.text(options.serverAddress);
      spanAttributes[Attr.serverAddress] = address;
      metricAttributes[Attr.serverAddress] = address;
    }
    if (options.serverPort !== undefined) {
      spanAttributes[Attr.serverPort] = options.serverPort;
      metricAttributes[Attr.serverPort] = options.serverPort;
    }
    const eventAttributeCache: Record<TransportKind, Map<string, Attributes>> = { http: new Map(), websocket: new Map() };
    const logger = options.logger;
    const globalMeterProvider = options.meter === undefined ? metrics.getMeterProvider() : undefined;
    this.#globalMeterProvider = globalMeterProvider;
    const instruments = createInstruments(options.meter ?? (globalMeterProvider as MeterProvider).getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION));
    this.#shared = {
      tracer: options.tracer ?? trace.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION),
      instruments,
      noopSpan: trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
      metricsEnabled: recordsMetrics(instruments),
      sanitizer,
      logger,
      clock: options.clock ?? wallClock(),
      recordPrompts: options.recordPrompts === true,
      spanAttributes: Object.freeze(spanAttributes),
      metricAttributes: Object.freeze(metricAttributes),
      eventAttributes(transport, kind) {
        const cache = eventAttributeCache[transport];
        const cached = cache.get(kind);
        if (cached !== undefined) return cached;
        const value = cache.size < MAX_EVENT_KINDS ? sanitizer.text(kind) : 'other';
        const attributes = Object.freeze({ [Attr.transport]: transport, [Attr.eventKind]: value });
        if (cache.size < MAX_EVENT_KINDS) cache.set(kind, attributes);
        return attributes;
      },
      reportFallback: (record) => {
        if (this.#fallbackReported) return false;
        this.#fallbackReported = true;
        const attributes = { [Attr.fallbackFrom]: record.from, [Attr.fallbackTo]: record.to, [Attr.fallbackReason]: record.reason, ...(record.remembered === true ? { [Attr.fallbackRemembered]: true } : {}) };
        this.#shared.instruments.fallbackToHttp.add(1, { ...metricAttributes, ...attributes });
        this.#shared.log('warn', EventName.fallback, `session switched from the WebSocket to HTTP (${record.reason})`, attributes);
        return true;
      },
      turnEnded: (turn) => {
        this.#openTurns.delete(turn);
      },
      log(severity, eventName, body, attributes) {
        if (logger === undefined) return;
        try {
          logger.emit({ eventName, severityNumber: Severity[severity], severityText: severity.toUpperCase(), body, attributes });
        } catch {
          // A failing logger never affects the session.
        }
      },
    };
  }

  /** Whether the session already reported its switch to HTTP. */
  get fallbackReported(): boolean {
    return this.#fallbackReported;
  }

  /**
   * Starts the turn span and returns the turn's `ClientTelemetry` (put it in the
   * `TurnContext`). Cheap: one span start and one small object. End it with `end()`.
   * A turn handle follows one request at a time, as the client runs them.
   */
  forTurn(options: TurnTelemetryOptions): TurnTelemetry {
    this.#followGlobalMeter();
    const turn = new TurnTelemetry(this.#shared, options, options.parentContext ?? context.active());
    if (!this.#closed) this.#openTurns.add(turn);
    else turn.end();
    return turn;
  }

  /**
   * Takes the instruments again from the global meter provider when it changed since they were
   * made (an SDK registered after this session telemetry was created): one comparison per turn.
   */
  #followGlobalMeter(): void {
    const previous = this.#globalMeterProvider;
    if (previous === undefined) return;
    const current = metrics.getMeterProvider();
    if (current === previous) return;
    this.#globalMeterProvider = current;
    const instruments = createInstruments(current.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION));
    this.#shared = { ...this.#shared, instruments, metricsEnabled: recordsMetrics(instruments) };
  }

  /** Ends every turn still open (their open requests end as `unknown`). Idempotent. */
  close(): void {
    this.#closed = true;
    for (const turn of [...this.#openTurns]) turn.end();
    this.#openTurns.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** Milliseconds since the epoch from the monotonic clock (the time origin is read once: its getter is slow). */
/** Whether instruments record: the API's no-op meter hands out one shared no-op instrument of each kind. */
function recordsMetrics(instruments: Instruments): boolean {
  return instruments.streamEvents !== createNoopMeter().createCounter(MetricName.streamEvents);
}

function wallClock(): () => number {
  const origin = performance.timeOrigin;
  return () => origin + performance.now();
}

/**
 * Creates the session-level telemetry. With no OpenTelemetry SDK registered (and no tracer or
 * meter passed) every span and instrument is the API's no-op and reports cost next to nothing.
 *
 * @throws InvalidArgumentError (exported here) for an empty `conversationId` or a
 *   `maxAttributeLength` below 16.
 */
export function createSessionTelemetry(options: SessionTelemetryOptions): SessionTelemetry {
  return new SessionTelemetry(options);
}
