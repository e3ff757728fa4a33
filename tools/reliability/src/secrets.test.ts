// Secrets: a session with a distinctive API key goes through every fault of the matrix with
// OpenTelemetry (in-memory exporters) and a telemetry logger enabled. Every error (String,
// JSON, toJSON, inspect, causes), every session event, every exported span, span event, metric
// point and log record is captured; the key must appear in none. Credentials to a non-loopback
// plaintext host are refused before any socket is opened.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Fault, FaultMatch } from '@modelwire/testing';
import { createSession, type SessionEvent } from '@modelwire/core-session';
import { createSessionTelemetry, type TelemetryLogRecord } from '@modelwire/otel';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MATRIX_MODEL, startLoopbackSession, type TransportChoice } from './harness/loopback-session.ts';
import { activeResources, leakedResources } from './harness/open-handles.ts';
import { textsContaining, visibleTexts } from './harness/secret-scan.ts';
import { shellTool } from './harness/shell-tool.ts';
import { runTurn } from './harness/turn-outcome.ts';

/** Distinctive, and matching no built-in secret pattern: only a real leak can surface it. */
const API_KEY = 'mwkey-reliability-7c4e1a9d3b52f0e8';
/** A second credential, sent as an extra auth header (like `ChatGPT-Account-ID`). */
const ACCOUNT_ID = 'acct-reliability-91d0c3e7f2a6';

class ManualMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One fault scenario: where it applies and how to inject it. */
interface Scenario {
  readonly name: string;
  readonly transports: readonly TransportChoice[];
  readonly fault?: Fault;
  readonly match?: FaultMatch;
  readonly input?: string;
  readonly abortOn?: SessionEvent['type'];
  readonly server?: { tokenDelayMs?: number; answerChars?: number };
}

const ERROR_CODES = [
  'previous_response_not_found',
  'websocket_connection_limit_reached',
  'websocket_stream_limit_reached',
  'rate_limit_exceeded',
  'server_error',
  'server_is_overloaded',
  'slow_down',
  'context_length_exceeded',
  'insufficient_quota',
  'usage_not_included',
  'invalid_prompt',
  'invalid_encrypted_content',
  'invalid_api_key',
];

const BOTH = ['websocket', 'http'] as const;

const SCENARIOS: Scenario[] = [
  { name: 'upgrade 401', transports: ['websocket'], fault: { kind: 'refuse-upgrade', status: 401 } },
  { name: 'token refused until refreshed', transports: BOTH, fault: { kind: 'unauthorized-until-token-changes' }, match: { on: 'request' } },
  { name: 'upgrade 426', transports: ['websocket'], fault: { kind: 'refuse-upgrade', status: 426 } },
  { name: 'upgrade 429', transports: ['websocket'], fault: { kind: 'refuse-upgrade', status: 429, headers: { 'retry-after': '0' } } },
  { name: 'upgrade 500', transports: ['websocket'], fault: { kind: 'refuse-upgrade', status: 500 } },
  { name: 'http 401', transports: ['http'], fault: { kind: 'http-status', status: 401 } },
  { name: 'http 429', transports: ['http'], fault: { kind: 'http-status', status: 429, headers: { 'retry-after-ms': '10' } } },
  { name: 'http 500', transports: ['http'], fault: { kind: 'http-status', status: 500 } },
  { name: 'connect timeout', transports: ['websocket'], fault: { kind: 'delay-handshake', ms: 2_000 } },
  { name: 'reset before the first event', transports: BOTH, fault: { kind: 'close', afterEvents: 0 } },
  { name: 'reset mid-stream', transports: BOTH, fault: { kind: 'close', afterEvents: 6 } },
  { name: 'close 1011 mid-stream', transports: ['websocket'], fault: { kind: 'close', afterEvents: 6, code: 1011, reason: 'internal' } },
  { name: 'close 1009 before the first event', transports: ['websocket'], fault: { kind: 'close', afterEvents: 0, code: 1009 } },
  { name: 'close 1009 mid-stream', transports: ['websocket'], fault: { kind: 'close', afterEvents: 6, code: 1009 } },
  { name: 'idle stall', transports: BOTH, fault: { kind: 'stall', afterEvents: 4 } },
  { name: 'malformed JSON', transports: BOTH, fault: { kind: 'malformed-json', afterEvents: 4 } },
  { name: 'binary frame', transports: ['websocket'], fault: { kind: 'binary-frame', afterEvents: 4 } },
  { name: 'oversized frame', transports: ['websocket'], fault: { kind: 'oversized-frame', afterEvents: 4 } },
  { name: 'incomplete', transports: BOTH, fault: { kind: 'incomplete', afterEvents: 4 } },
  { name: 'incomplete (content_filter)', transports: BOTH, fault: { kind: 'incomplete', afterEvents: 4, reason: 'content_filter' } },
  { name: 'failed', transports: BOTH, fault: { kind: 'failed', afterEvents: 4 } },
  { name: 'end without terminal event', transports: BOTH, fault: { kind: 'end-without-terminal', afterEvents: 4 } },
  { name: 'half-open from the handshake', transports: ['websocket'], fault: { kind: 'half-open' } },
  { name: 'half-open mid-stream', transports: ['websocket'], fault: { kind: 'half-open', afterEvents: 4 }, match: { on: 'websocket' } },
  { name: 'abort during streaming', transports: BOTH, abortOn: 'text_delta', server: { tokenDelayMs: 5, answerChars: 200 } },
  { name: 'abort during a tool call', transports: BOTH, abortOn: 'tool_call_started', input: 'run: ls' },
  ...ERROR_CODES.flatMap((code): Scenario[] =>
    (['nested', 'flat'] as const).map((shape) => ({ name: `error ${code} (${shape})`, transports: BOTH, fault: { kind: 'error', code, shape, afterEvents: 3 } })),
  ),
];

/**
 * Servers that echo the key in their error messages (the OpenAI API echoes a masked key; a
 * gateway may echo it whole). The client scrubs the credentials it sent from every error it
 * builds from such messages.
 */
const ECHOES: Scenario[] = [
  { name: 'http 401 echoing the key', transports: ['http'], fault: { kind: 'http-status', status: 401, body: JSON.stringify({ error: { type: 'invalid_request_error', code: 'invalid_api_key', message: `Incorrect API key provided: ${API_KEY}.`, param: null } }) } },
  { name: 'error event echoing the key', transports: BOTH, fault: { kind: 'error', code: 'invalid_api_key', shape: 'nested', afterEvents: 3, message: `Incorrect API key provided: ${API_KEY}.` } },
  { name: 'failed response echoing the key', transports: BOTH, fault: { kind: 'failed', code: 'invalid_prompt', afterEvents: 3, message: `Your key ${API_KEY} may not do this.` } },
];

/** Everything a session exposed, for the scan. */
interface Capture {
  readonly texts: string[];
  readonly logRecords: TelemetryLogRecord[];
  /** Requests and handshakes that carried the extra credential header (the scan is meaningful). */
  accountHeaderSent?: number;
}

type Exporters = { spans: InMemorySpanExporter; reader: ManualMetricReader; tracerProvider: TracerProvider; meterProvider: MeterProvider };

/** In-memory span and metric exporters behind fresh providers. */
function createExporters(): Exporters {
  const spans = new InMemorySpanExporter();
  const reader = new ManualMetricReader();
  return {
    spans,
    reader,
    tracerProvider: new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
    meterProvider: new MeterProvider({ readers: [reader] }),
  };
}

async function runScenario(
  scenario: Scenario,
  transport: TransportChoice,
  capture: Capture,
  exporters: Exporters,
  telemetrySecrets: readonly string[] = [],
): Promise<void> {
  const telemetry = createSessionTelemetry({
    tracer: exporters.tracerProvider.getTracer('reliability'),
    meter: exporters.meterProvider.getMeter('reliability'),
    logger: { emit: (record) => capture.logRecords.push(record) },
    conversationId: 'conv-secrets',
    sessionSource: { kind: 'cli' },
    originator: 'modelwire',
    serverAddress: '127.0.0.1',
    secrets: telemetrySecrets,
  });
  let token = API_KEY;
  const loop = await startLoopbackSession({
    transport,
    ...(scenario.server === undefined ? {} : { server: scenario.server }),
    provider: { streamMaxRetries: 2, requestMaxRetries: 2 },
    auth: {
      getToken: () => token,
      getHeaders: () => ({ 'ChatGPT-Account-ID': ACCOUNT_ID }),
      // The refreshed token is the same key with a suffix: still a secret, still scanned for.
      refresh: async () => {
        token = `${API_KEY}-refreshed`;
        return true;
      },
    },
    telemetry: (scope) => telemetry.forTurn({ model: scope.model, turnId: scope.turnId }),
    session: {
      tools: [shellTool([], scenario.abortOn === 'tool_call_started' ? (_command, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('stopped'), { once: true })) : undefined)],
    },
  });
  const session = loop.session;
  try {
    if (scenario.fault !== undefined) loop.server.faults.next(scenario.fault, scenario.match ?? {});
    const controller = new AbortController();
    for (const input of [scenario.input ?? 'hello', 'run: pwd', 'after the fault']) {
      const handle = session.submit(input, { signal: controller.signal });
      const outcome = await runTurn(handle, (event) => {
        if (event.type === scenario.abortOn) controller.abort(new Error(`caller gave up (${API_KEY.length} chars)`));
      });
      for (const event of outcome.events) capture.texts.push(...visibleTexts(event));
      if (outcome.error !== undefined) capture.texts.push(...visibleTexts(outcome.error));
      await handle.result.catch((error: unknown) => capture.texts.push(...visibleTexts(error)));
      if (controller.signal.aborted) break;
    }
    capture.texts.push(...visibleTexts(session.history));
    const recorded = [...loop.server.recording.handshakes, ...loop.server.recording.requests];
    capture.accountHeaderSent = (capture.accountHeaderSent ?? 0) + recorded.filter((entry) => entry.headers['chatgpt-account-id'] === ACCOUNT_ID).length;
  } finally {
    await loop.close();
    telemetry.close();
  }
}

describe('secrets', () => {
  const consoleCalls: unknown[][] = [];
  beforeEach(() => {
    consoleCalls.length = 0;
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleCalls.push(args);
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('the API key appears in no error, session event, span, metric, log record or console line through every fault', async () => {
    const baseline = activeResources();
    const exporters = createExporters();
    const { spans, reader } = exporters;
    const capture: Capture = { texts: [], logRecords: [] };
    let runs = 0;
    for (const scenario of SCENARIOS) {
      for (const transport of scenario.transports) {
        await runScenario(scenario, transport, capture, exporters);
        runs += 1;
      }
    }
    const finished = spans.getFinishedSpans();
    const exported = JSON.stringify(
      finished.map((span) => ({ name: span.name, attributes: span.attributes, status: span.status, events: span.events, links: span.links, resource: span.resource.attributes })),
    );
    const { resourceMetrics } = await reader.collect();
    const metrics = JSON.stringify(resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => ({ descriptor: metric.descriptor, points: metric.dataPoints }))));
    const texts = [...capture.texts, exported, metrics, ...capture.logRecords.flatMap((record) => visibleTexts(record)), ...consoleCalls.flatMap((call) => visibleTexts(call))];

    // The scan sees real material: failures, spans with errors, metric points and log records.
    expect(runs).toBeGreaterThanOrEqual(70);
    expect(finished.length).toBeGreaterThan(100);
    expect(finished.some((span) => span.status.code === 2)).toBe(true);
    expect(capture.texts.some((text) => text.includes('turn_failed'))).toBe(true);
    expect(metrics.length).toBeGreaterThan(1_000);

    expect(textsContaining(texts, API_KEY)).toEqual([]);
    expect(capture.accountHeaderSent).toBeGreaterThan(50);
    expect(textsContaining(texts, ACCOUNT_ID)).toEqual([]);
    // The key's distinctive middle part, in case something cut or masked only its ends.
    expect(textsContaining(texts, API_KEY.slice(6, 24))).toEqual([]);
    await exporters.tracerProvider.shutdown();
    await exporters.meterProvider.shutdown();
    expect(await leakedResources(baseline)).toEqual([]);
  }, 120_000);

  async function scanEchoes(telemetrySecrets: readonly string[]): Promise<void> {
    const baseline = activeResources();
    const exporters = createExporters();
    const { spans } = exporters;
    const capture: Capture = { texts: [], logRecords: [] };
    for (const scenario of ECHOES) for (const transport of scenario.transports) await runScenario(scenario, transport, capture, exporters, telemetrySecrets);
    const finished = spans.getFinishedSpans();
    const exported = JSON.stringify(finished.map((span) => ({ name: span.name, attributes: span.attributes, status: span.status, events: span.events })));
    // The echoed message did reach the telemetry (redacted), so the scan looks at the right place.
    expect(exported).toContain('Incorrect API key provided');
    expect(capture.logRecords.length).toBeGreaterThan(0);
    // Errors (every rendering and cause), session events and history, spans and log records.
    expect(textsContaining([exported, ...capture.texts, ...capture.logRecords.flatMap((record) => visibleTexts(record))], API_KEY)).toEqual([]);
    await exporters.tracerProvider.shutdown();
    await exporters.meterProvider.shutdown();
    expect(await leakedResources(baseline)).toEqual([]);
  }

  it('a server that echoes the key in its messages: no error, event, span or log record carries it', async () => {
    await scanEchoes([]);
  }, 60_000);

  it('the same with the key also given to the telemetry as a secret', async () => {
    await scanEchoes([API_KEY, `${API_KEY}-refreshed`]);
  }, 60_000);
});

describe('credentials to a non-loopback plaintext host', () => {
  for (const transport of BOTH) {
    it(`${transport}: are refused with insecure_transport before any socket is opened`, async () => {
      const sockets: unknown[] = [];
      const onSocket = (message: unknown): void => {
        sockets.push(message);
      };
      diagnosticsChannel.subscribe('net.client.socket', onSocket);
      const baseline = activeResources();
      try {
        const session = createSession({
          provider: { baseUrl: 'http://example.invalid/v1', supportsWebSockets: transport === 'websocket', requestMaxRetries: 0, streamMaxRetries: 0 },
          auth: { getToken: () => API_KEY },
          model: MATRIX_MODEL,
          instructions: 'You are a test agent.',
        });
        const outcome = await runTurn(session.submit('hello'));
        await session.close();
        expect(outcome.status).toBe('failed');
        expect(outcome.error).toMatchObject({ code: 'insecure_transport' });
        expect(textsContaining([...visibleTexts(outcome.error), ...outcome.events.flatMap((event) => visibleTexts(event))], API_KEY)).toEqual([]);
        expect(sockets).toEqual([]);
      } finally {
        diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
      }
      expect(await leakedResources(baseline)).toEqual([]);
    });
  }
});
