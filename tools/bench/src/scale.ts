// Benchmark: many agent sessions in one process over loopback. Every session is a full
// `@modelwire/core-session` session (its own ModelClient, pre-connected WebSocket, tool
// registry and history) and runs one turn of a tool loop: the model calls a tool on every
// request but the last, so a turn is `requestsPerTurn` requests on one socket, continued
// incrementally. All sessions run at once against one loopback Responses server.
//
//   node tools/bench/src/scale.ts [--quick] [--sessions N] [--requests N] [--json]
//
// Reported: errors (must be zero: failed turns, wrong request counts, sticky-routing
// violations), wall time of the concurrent turns, peak RSS, and heap and RSS per idle session
// (pre-connected, before the turn). The loopback server lives in the same process, so the
// per-session figures include the server's side of each socket. Imports the built packages.
import { startResponsesServer, type JsonObject, type ModelRequest, type ScriptedResponse } from '@modelwire/testing';
import { createSession, type Session } from '@modelwire/core-session';
import { numberArgument } from './shared/cli.ts';
import { garbageCollector } from './shared/measure.ts';

/** Options of {@link runScaleBench}. */
export interface ScaleBenchOptions {
  /** Concurrent sessions. Default 1 000. */
  sessions?: number;
  /** Requests in each session's turn (tool calls + the final answer). Default 10. */
  requestsPerTurn?: number;
}

/** What {@link runScaleBench} measured. */
export interface ScaleBenchResult {
  sessions: number;
  requestsPerTurn: number;
  /** Turns that failed, completed with the wrong number of requests, or broke sticky routing. */
  errors: number;
  /** The first few error messages, for the report. */
  errorSamples: string[];
  /** Requests the server answered. */
  requests: number;
  /** Requests sent incrementally (`previous_response_id`). */
  incrementalRequests: number;
  /** WebSocket handshakes (one per session when every pre-connect is adopted). */
  handshakes: number;
  stickyViolations: number;
  /** Milliseconds from the first submit to the last completed turn. */
  wallMs: number;
  /** Milliseconds to create every session and finish its pre-connect. */
  setupMs: number;
  /** Highest RSS sampled during the run, in bytes. */
  peakRssBytes: number;
  /** Heap used per idle (pre-connected) session, in bytes, after garbage collection when available. */
  heapPerIdleSessionBytes: number;
  /** RSS per idle session, in bytes. */
  rssPerIdleSessionBytes: number;
  /** Whether the figures were taken after a forced garbage collection. */
  gcForced: boolean;
}

const TOOL = {
  kind: 'function' as const,
  name: 'step',
  description: 'Does one small step of work and reports it.',
  parameters: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  handler: (args: unknown) => `step ${String((args as { n?: unknown } | null)?.n)} done`,
};

/** A tiny scripted model: a `step` call per request until the turn has enough, then an answer. */
function toolLoopModel(requestsPerTurn: number): (request: ModelRequest) => ScriptedResponse {
  let counter = 0;
  return (request) => {
    counter += 1;
    const id = `resp_scale_${counter}`;
    let outputs = 0;
    for (let index = request.input.length - 1; index >= 0; index -= 1) {
      const item = request.input[index] as JsonObject;
      if (item['role'] === 'user') break;
      if (item['type'] === 'function_call_output') outputs += 1;
    }
    const item: JsonObject =
      outputs + 1 < requestsPerTurn
        ? { id: `fc_${counter}`, type: 'function_call', status: 'completed', call_id: `call_${counter}`, name: 'step', arguments: JSON.stringify({ n: outputs + 1 }) }
        : { id: `msg_${counter}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: `All ${outputs} steps done.`, annotations: [] }] };
    const snapshot = { id, object: 'response', status: 'in_progress', output: [], usage: null };
    const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 110 };
    return {
      events: [
        { type: 'response.created', response: snapshot },
        { type: 'response.output_item.added', output_index: 0, item },
        { type: 'response.output_item.done', output_index: 0, item },
        { type: 'response.completed', response: { ...snapshot, status: 'completed', output: [item], usage } },
      ],
    };
  };
}

/** Runs the benchmark (prints nothing). */
export async function runScaleBench(options: ScaleBenchOptions = {}): Promise<ScaleBenchResult> {
  const sessionCount = options.sessions ?? 1000;
  const requestsPerTurn = options.requestsPerTurn ?? 10;
  const gc = garbageCollector();
  const collect = (): void => {
    gc?.();
    gc?.();
  };
  let peakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 25);
  sampler.unref();
  const server = await startResponsesServer({ model: toolLoopModel(requestsPerTurn) });
  const sessions: Session[] = [];
  try {
    collect();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage.rss();
    const setupStarted = performance.now();
    for (let index = 0; index < sessionCount; index += 1) {
      sessions.push(
        createSession({
          provider: { name: 'loopback', baseUrl: server.url, supportsWebSockets: true },
          auth: 'none',
          model: { slug: 'gpt-loopback', supportsReasoning: false, supportsVerbosity: false, contextWindow: 128_000 },
          instructions: 'You are one of many agents. Call the step tool until the work is done.',
          tools: [TOOL],
          conversationId: `scale-${index}`,
        }),
      );
    }
    await Promise.all(sessions.map((session) => session.services.preconnected));
    const setupMs = performance.now() - setupStarted;
    collect();
    const heapIdle = process.memoryUsage().heapUsed;
    const rssIdle = process.memoryUsage.rss();
    peakRssBytes = Math.max(peakRssBytes, rssIdle);

    const errorSamples: string[] = [];
    let errors = 0;
    const started = performance.now();
    await Promise.all(
      sessions.map(async (session, index) => {
        try {
          const result = await session.submit(`Do ${requestsPerTurn - 1} steps.`).result;
          if (result.requests !== requestsPerTurn) throw new Error(`session ${index}: ${result.requests} requests instead of ${requestsPerTurn}`);
        } catch (error) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error));
        }
      }),
    );
    const wallMs = performance.now() - started;
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    const responses = server.recording.requests.filter((request) => request.endpoint === 'responses');
    const stickyViolations = server.recording.stickyViolations.length;
    if (stickyViolations > 0 && errorSamples.length < 5) errorSamples.push(`${stickyViolations} sticky-routing violations`);
    return {
      sessions: sessionCount,
      requestsPerTurn,
      errors: errors + stickyViolations,
      errorSamples,
      requests: responses.length,
      incrementalRequests: responses.filter((request) => typeof (request.body as JsonObject | undefined)?.['previous_response_id'] === 'string').length,
      handshakes: server.recording.counters.handshakes,
      stickyViolations,
      wallMs,
      setupMs,
      peakRssBytes,
      heapPerIdleSessionBytes: (heapIdle - heapBefore) / sessionCount,
      rssPerIdleSessionBytes: (rssIdle - rssBefore) / sessionCount,
      gcForced: gc !== null,
    };
  } finally {
    clearInterval(sampler);
    await Promise.all(sessions.map((session) => session.close()));
    await server.close();
  }
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const result = await runScaleBench({ sessions: numberArgument(args, '--sessions') ?? (quick ? 250 : 1000), requestsPerTurn: numberArgument(args, '--requests') ?? 10 });
  if (args.includes('--json')) {
    // One JSON line, for the suite that runs this benchmark in a process of its own.
    console.log(JSON.stringify(result));
    return;
  }
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`\nScale: ${result.sessions} concurrent sessions, ${result.requestsPerTurn}-request turns, one process over loopback (node ${process.version})`);
  console.log(`  errors                 ${result.errors}${result.errorSamples.length > 0 ? ` (${result.errorSamples.join('; ')})` : ''}`);
  console.log(`  requests               ${result.requests} (${result.incrementalRequests} incremental), ${result.handshakes} handshakes`);
  console.log(`  setup (pre-connect)    ${result.setupMs.toFixed(0)} ms`);
  console.log(`  wall time of the turns ${result.wallMs.toFixed(0)} ms (${((result.requests / result.wallMs) * 1000).toFixed(0)} requests/s)`);
  console.log(`  peak RSS               ${mib(result.peakRssBytes)}`);
  console.log(`  per idle session       heap ${kib(result.heapPerIdleSessionBytes)}, RSS ${kib(result.rssPerIdleSessionBytes)}${result.gcForced ? '' : ' (no forced GC)'}`);
}

if (import.meta.main) await main();
