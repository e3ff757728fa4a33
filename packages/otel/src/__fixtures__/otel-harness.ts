import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Attributes, Meter, Tracer } from '@opentelemetry/api';

/** A metric reader collected on demand. */
class ManualMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** A tracer and a meter backed by in-memory exporters, plus helpers to query what they hold. */
export class OtelHarness {
  readonly spanExporter = new InMemorySpanExporter();
  readonly tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: this.spanExporter })] });
  readonly reader = new ManualMetricReader();
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });
  readonly tracer: Tracer = this.tracerProvider.getTracer('modelwire-otel-test');
  readonly meter: Meter = this.meterProvider.getMeter('modelwire-otel-test');

  spans(): ReadableSpan[] {
    return this.spanExporter.getFinishedSpans();
  }

  spansNamed(name: string | RegExp): ReadableSpan[] {
    return this.spans().filter((span) => (typeof name === 'string' ? span.name === name : name.test(span.name)));
  }

  async metrics(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }

  /** Data points of one metric whose attributes include `match`. */
  async points(name: string, match: Attributes = {}): Promise<DataPoint<unknown>[]> {
    const metric = (await this.metrics()).find((candidate) => candidate.descriptor.name === name);
    if (metric === undefined) return [];
    const points = metric.dataPoints as DataPoint<unknown>[];
    return points.filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value));
  }

  /** Sum of a counter's matching points. */
  async sum(name: string, match: Attributes = {}): Promise<number> {
    return (await this.points(name, match)).reduce((total, point) => total + (point.value as number), 0);
  }

  /** Number of recordings of a histogram's matching points. */
  async count(name: string, match: Attributes = {}): Promise<number> {
    return (await this.points(name, match)).reduce((total, point) => total + (point.value as { count: number }).count, 0);
  }

  /** Every exported datum (spans, span events, metric points) as one JSON string, for secret scans. */
  async everything(): Promise<string> {
    const spans = this.spans().map((span) => ({ name: span.name, attributes: span.attributes, status: span.status, events: span.events }));
    const metrics = (await this.metrics()).map((metric) => ({ descriptor: metric.descriptor, points: metric.dataPoints }));
    return JSON.stringify({ spans, metrics });
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}

/** A manual wall clock in milliseconds. */
export class ManualClock {
  constructor(public nowMs = 1_700_000_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** The parent span id of a span, or undefined for a root. */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Span start/end in milliseconds since the epoch. */
export function millis(time: readonly [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}
