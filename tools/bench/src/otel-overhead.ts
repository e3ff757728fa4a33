// Benchmark: the cost of @modelwire/otel on the client's decode-to-event path. Every event is
// decoded and mapped (what the client does per event); the telemetry contenders also report it
// through `onStreamEvent` as the client does (the client's clock read, record and guarded report), plus the per-request
// reports (connect, continuation decision, attempt, token usage) at each response boundary.
//
//   node tools/bench/src/otel-overhead.ts [--quick] [--events N] [--rounds N]
//
// Contenders, measured interleaved in the same run:
//   - no telemetry at all: decode + map, no reports (the anchor);
//   - the client's default: every report made, to `noopClientTelemetry` (what the client costs
//     when no telemetry is configured: the clock read and the record per event are the client's);
//   - @modelwire/otel attached, no OpenTelemetry SDK registered (global no-op API).
//     Target: ≤ 1.05× no telemetry;
//   - @modelwire/otel attached with an SDK: tracer and meter providers with in-memory exporters
//     (reported, no target).
// Paired rounds (as protocol-decode.ts): every round runs the three contenders without an SDK
// once over the same events, back to back, in alternating order, after untimed warm-up rounds;
// each figure is the median of the per-round ratios (600 short rounds of 5 000 events by
// default), printed with a 95 % confidence interval of that median and the interquartile range
// of the rounds. The SDK contender is timed against the anchor in a pass of its own (a third of
// the rounds): its garbage, collected while the next contender runs, would otherwise be charged
// to its neighbour in the round. The overhead measured is a few nanoseconds per event on top of about
// 1.5 µs of decoding, so a ratio of two medians over a few long rounds (the earlier method)
// swung by ±10 % with the machine's load; the ratio within one round does not.
// Imports the built packages: run `nx run-many -t build` first (vitest resolves source).
import { noopClientTelemetry, safeTelemetry, type ClientTelemetry } from '@modelwire/client';
import { decodeEvent, mapStreamEvent } from '@modelwire/protocol';
import { systemClock } from '@modelwire/transport';
import { createSessionTelemetry, type SessionTelemetry } from '@modelwire/otel';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { measurePairedRounds, median, printComparison, type Measurement, type RoundRatios } from './shared/measure.ts';
import { generateResponsesStream } from './shared/responses-stream.ts';
import { numberArgument } from './shared/cli.ts';

/** Options of {@link runOtelOverheadBench}. */
export interface OtelOverheadBenchOptions {
  /** Events in the generated stream, decoded once per round (about 250 per response). Default 5 000. */
  events?: number;
  /** Timed paired rounds. Default 600. */
  rounds?: number;
  /** Untimed warm-up rounds. Default 20. */
  warmupRounds?: number;
}

/** What {@link runOtelOverheadBench} measured. */
export interface OtelOverheadBenchResult {
  eventCount: number;
  responseCount: number;
  measurements: Measurement[];
  /** Median of the per-round ratios: with telemetry but no SDK / without telemetry. */
  noSdkRatio: number;
  /** First and third quartile of those per-round ratios. */
  noSdkRatioQuartiles: { p25: number; p75: number };
  /** A 95 % confidence interval of {@link noSdkRatio} (see `RoundRatios.ci95`). */
  noSdkRatioCi95: { low: number; high: number };
  /** The fastest round with telemetry but no SDK / the fastest without (for reference). */
  noSdkMinRatio: number;
  /** Median of the per-round ratios: the client's reports to `noopClientTelemetry` / without telemetry. */
  clientNoopRatio: number;
  /** Median of the per-round ratios: with telemetry but no SDK / the client's reports to `noopClientTelemetry` (what otel itself adds). */
  noSdkOverClientNoopRatio: number;
  /** Median of the per-round ratios: with an SDK and in-memory exporters / without telemetry. */
  sdkRatio: number;
  /** Spans the SDK contender exported in its last round (a sanity check). */
  spansExported: number;
  /**
   * The reports alone (event kinds decoded beforehand), in nanoseconds per event, by contender
   * (`CLIENT_NOOP`, `TELEMETRY_NO_SDK`, `TELEMETRY_WITH_SDK`), next to decode + map alone
   * (`NO_TELEMETRY`): isolates the per-event cost from the decoding noise.
   */
  reportNsPerEvent: Record<string, number>;
  /** The measurements of the reports alone. */
  reportMeasurements: Measurement[];
}

export const NO_TELEMETRY = 'no telemetry';
export const CLIENT_NOOP = 'client reports to noopClientTelemetry';
export const TELEMETRY_NO_SDK = 'otel, no SDK registered';
export const TELEMETRY_WITH_SDK = 'otel, SDK + in-memory exporters';

class ManualMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Runs the benchmark and returns its measurements (prints nothing). */
export async function runOtelOverheadBench(options: OtelOverheadBenchOptions = {}): Promise<OtelOverheadBenchResult> {
  const texts = generateResponsesStream(options.events ?? 5_000).map((event) => JSON.stringify(event));
  let sink = 0;

  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })] });
  const reader = new ManualMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const sessionOptions = { conversationId: 'conv-bench', sessionSource: { kind: 'cli' }, originator: 'modelwire-bench', serverAddress: 'api.example.test' } as const;
  const noSdk = createSessionTelemetry(sessionOptions);
  const withSdk = createSessionTelemetry({ ...sessionOptions, tracer: tracerProvider.getTracer('bench'), meter: meterProvider.getMeter('bench') });

  let responses = 0;
  const decodeOnly = (): void => {
    let count = 0;
    for (const text of texts) {
      const decoded = decodeEvent(text);
      if (!decoded.ok) continue;
      for (const event of mapStreamEvent(decoded.event)) {
        if (event.type === 'completed') count += 1;
        sink ^= event.type.length;
      }
    }
    responses = count;
  };

  /** The reports the client makes when a response starts; `first` on a new connection. */
  const reportRequestStart = (telemetry: ClientTelemetry, first: boolean): void => {
    telemetry.onWebSocketConnect({ durationMs: first ? 12 : 0, reused: !first, error: null });
    telemetry.onContinuationDecision(first ? { mode: 'full', reason: 'no_previous_response', sentItems: 1, totalItems: 1 } : { mode: 'incremental', sentItems: 1, totalItems: 9 });
    telemetry.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt: 1, status: null, durationMs: 1, error: null, willRetry: false });
  };

  // The turn begins and ends in `inTurn`, outside the functions that loop over the events, as
  // in the client (its turn loop is not its decode loop). Ended inside the loop's function, the
  // turn's `end()` was a property load that the optimised loop, compiled while `turn` was
  // undefined for the contender without telemetry (their closures share one feedback vector),
  // had no feedback for: every round of the contenders with a turn deoptimised the whole loop
  // there (`--trace-deopt`: "insufficient type feedback for generic named access", about a
  // millisecond each, plus its recompilation on a background thread, counted in process CPU),
  // a cost of the bench's code charged to otel.
  const inTurn = (session: SessionTelemetry | null, run: (telemetry: ClientTelemetry) => void) => (): void => {
    const turn = session?.forTurn({ model: 'gpt-5.1-codex', turnId: 'turn-bench' });
    run(safeTelemetry(turn ?? noopClientTelemetry));
    turn?.end();
  };

  /** The client's per-event and per-request reports, as `request-run.ts` makes them, over one round's events. */
  const streamWithReports = (telemetry: ClientTelemetry): void => {
    // As the client does: read once per request whether per-event reports are wanted.
    const perEvent = telemetry.wantsStreamEvents !== false;
    let lastEventAt = perEvent ? systemClock.now() : 0;
    let first = true;
    for (const text of texts) {
      const decoded = decodeEvent(text);
      if (!decoded.ok) continue;
      if (decoded.event.type === 'response.created') {
        reportRequestStart(telemetry, first);
        first = false;
      }
      if (perEvent) {
        const now = systemClock.now();
        telemetry.onStreamEvent({ transport: 'websocket', kind: decoded.event.type, durationMs: now - lastEventAt });
        lastEventAt = now;
      }
      for (const event of mapStreamEvent(decoded.event)) {
        if (event.type === 'completed' && event.usage !== undefined) telemetry.onTokenUsage({ ...event.usage, model: 'gpt-5.1-codex', responseId: event.responseId });
        sink ^= event.type.length;
      }
    }
  };
  const withTelemetry = (session: SessionTelemetry | null): (() => void) => inTurn(session, streamWithReports);

  /** The same reports over event kinds decoded beforehand: the reporting cost alone. */
  const kinds = texts.map((text) => {
    const decoded = decodeEvent(text);
    return decoded.ok ? decoded.event.type : 'unknown';
  });
  const usage = { inputTokens: 12_000, cachedInputTokens: 9_000, outputTokens: 500, reasoningOutputTokens: 150, totalTokens: 12_500 };
  const reportsAlone = (telemetry: ClientTelemetry): void => {
    const perEvent = telemetry.wantsStreamEvents !== false;
    let lastEventAt = perEvent ? systemClock.now() : 0;
    let first = true;
    for (const kind of kinds) {
      if (kind === 'response.created') {
        reportRequestStart(telemetry, first);
        first = false;
      }
      if (perEvent) {
        const now = systemClock.now();
        telemetry.onStreamEvent({ transport: 'websocket', kind, durationMs: now - lastEventAt });
        lastEventAt = now;
      }
      if (kind === 'response.completed') telemetry.onTokenUsage({ ...usage, model: 'gpt-5.1-codex', responseId: 'resp_bench' });
    }
  };
  const reportsOnly = (session: SessionTelemetry | null): (() => void) => inTurn(session, reportsAlone);

  /** Empties the span exporter before each round, so that it holds one round's spans. */
  const resettingSpans = (run: () => void) => (): void => {
    spanExporter.reset();
    run();
  };

  // Many short rounds rather than fewer long ones (the same total work): the contenders of a
  // round are closer in time, so the median's confidence interval is narrower (measured on a
  // loaded machine: 1.019–1.065 with 600 rounds of 5 000 events, 0.988–1.066 with 150 of 20 000).
  const rounds = options.rounds ?? 600;
  const warmupRounds = options.warmupRounds ?? 20;
  // The contenders without an SDK allocate alike; the SDK contender leaves far more garbage (its
  // spans), which background GC threads collect while the next contender runs, and that CPU
  // time counts for that contender. In one round of all four, alternating order put the no-SDK
  // contender next to the SDK one in every round, and never the anchor: the no-SDK ratio paid
  // part of the SDK's garbage. So the SDK contender is timed in a pass of its own.
  const noSdkPass = measurePairedRounds(
    [
      { name: NO_TELEMETRY, run: decodeOnly },
      { name: CLIENT_NOOP, run: withTelemetry(null) },
      { name: TELEMETRY_NO_SDK, run: withTelemetry(noSdk) },
    ],
    NO_TELEMETRY,
    rounds,
    warmupRounds,
  );
  const sdkPass = measurePairedRounds(
    [
      { name: NO_TELEMETRY, run: decodeOnly },
      { name: TELEMETRY_WITH_SDK, run: resettingSpans(withTelemetry(withSdk)) },
    ],
    NO_TELEMETRY,
    Math.max(1, Math.round(rounds / 3)),
    Math.min(warmupRounds, 5),
  );
  const measurements = [...noSdkPass.measurements, ...sdkPass.measurements.filter((m) => m.name === TELEMETRY_WITH_SDK)];
  const ratios = [...noSdkPass.ratios, ...sdkPass.ratios];
  // The exporter is emptied before each run of the SDK contender: it holds its last round's spans.
  const spansExported = spanExporter.getFinishedSpans().length;
  // The SDK contender in the middle: in alternating order it precedes each of the others in
  // every other round, so its garbage falls on both alike.
  const reportPass = measurePairedRounds(
    [
      { name: CLIENT_NOOP, run: reportsOnly(null) },
      { name: TELEMETRY_WITH_SDK, run: resettingSpans(reportsOnly(withSdk)) },
      { name: TELEMETRY_NO_SDK, run: reportsOnly(noSdk) },
    ],
    CLIENT_NOOP,
    rounds,
    warmupRounds,
  );
  const reportMeasurements = [CLIENT_NOOP, TELEMETRY_NO_SDK, TELEMETRY_WITH_SDK].map((name) => reportPass.measurements.find((m) => m.name === name)!);
  noSdk.close();
  withSdk.close();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  if (sink === 0.5) console.log('unreachable'); // keeps `sink` observable
  const medianOf = (name: string): number => measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
  const minOf = (name: string): number => measurements.find((m) => m.name === name)?.minMs ?? Number.NaN;
  const ratioOf = (name: string): RoundRatios => ratios.find((entry) => entry.name === name)!;
  const roundsOf = (name: string): number[] => measurements.find((m) => m.name === name)?.roundsMs ?? [];
  const clientNoopRounds = roundsOf(CLIENT_NOOP);
  const overClientNoop = roundsOf(TELEMETRY_NO_SDK).flatMap((ms, round) => (clientNoopRounds[round]! > 0 ? [ms / clientNoopRounds[round]!] : []));
  const nsPerEvent = (milliseconds: number): number => (milliseconds * 1e6) / texts.length;
  const reportNsPerEvent: Record<string, number> = { [NO_TELEMETRY]: nsPerEvent(medianOf(NO_TELEMETRY)) };
  for (const m of reportMeasurements) reportNsPerEvent[m.name] = nsPerEvent(m.medianMs);
  return {
    reportNsPerEvent,
    reportMeasurements,
    eventCount: texts.length,
    responseCount: responses,
    measurements,
    noSdkRatio: ratioOf(TELEMETRY_NO_SDK).median,
    noSdkRatioQuartiles: { p25: ratioOf(TELEMETRY_NO_SDK).p25, p75: ratioOf(TELEMETRY_NO_SDK).p75 },
    noSdkRatioCi95: ratioOf(TELEMETRY_NO_SDK).ci95,
    noSdkMinRatio: minOf(TELEMETRY_NO_SDK) / minOf(NO_TELEMETRY),
    clientNoopRatio: ratioOf(CLIENT_NOOP).median,
    noSdkOverClientNoopRatio: median(overClientNoop),
    sdkRatio: ratioOf(TELEMETRY_WITH_SDK).median,
    spansExported,
  };
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const events = numberArgument(args, '--events') ?? (quick ? 10_000 : undefined);
  const rounds = numberArgument(args, '--rounds') ?? (quick ? 40 : undefined);
  const result = await runOtelOverheadBench({
    ...(events !== undefined ? { events } : {}),
    ...(rounds !== undefined ? { rounds } : {}),
    ...(quick ? { warmupRounds: 5 } : {}),
  });
  printComparison(
    `otel overhead: ${result.eventCount.toLocaleString('en-US')} events (${result.responseCount} responses) per round, decode + map + report (node ${process.version})`,
    result.measurements,
    NO_TELEMETRY,
    { count: result.eventCount, unit: 'events' },
  );
  printComparison('the reports alone (event kinds decoded beforehand)', result.reportMeasurements, CLIENT_NOOP, { count: result.eventCount, unit: 'events' });
  const ns = (name: string): string => `${(result.reportNsPerEvent[name] ?? Number.NaN).toFixed(0)} ns`;
  console.log(`\n  per event: decode + map ${ns(NO_TELEMETRY)}; reports to noopClientTelemetry ${ns(CLIENT_NOOP)}; otel without SDK ${ns(TELEMETRY_NO_SDK)}; otel with SDK ${ns(TELEMETRY_WITH_SDK)}`);
  const { p25, p75 } = result.noSdkRatioQuartiles;
  const { low, high } = result.noSdkRatioCi95;
  console.log(
    `\n  otel without SDK / no telemetry, median of per-round ratios: ${result.noSdkRatio.toFixed(3)}× (95 % interval of the median ${low.toFixed(3)}–${high.toFixed(3)}; quartiles ${p25.toFixed(3)}–${p75.toFixed(3)}; fastest rounds ${result.noSdkMinRatio.toFixed(3)}×; target ≤ 1.05×)`,
  );
  console.log(`  client reports to noopClientTelemetry / no telemetry: ${result.clientNoopRatio.toFixed(3)}× (the client's own share)`);
  console.log(`  otel without SDK / client reports to noopClientTelemetry: ${result.noSdkOverClientNoopRatio.toFixed(3)}× (what otel adds)`);
  console.log(`  otel with SDK (in-memory exporters) / none: ${result.sdkRatio.toFixed(3)}× (reported; ${result.spansExported} spans exported in the last round)`);
}

if (import.meta.main) await main();
