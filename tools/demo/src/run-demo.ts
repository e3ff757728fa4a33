// The demo session itself: one session-scoped client through @modelwire/core-session, a few
// turns whose tool calls list and read files of this repository, streamed to the terminal,
// then the summary. Imported by main.ts after the packages are built.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTransportWebSocketConnector, ModelClient, networkPolicyFor, resolveProvider, staticTokenAuth, type ModelInfo, type Provider, type TransportFallbackRecord } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { createSession, JsonlSessionStore, resumeSession, type ResumeReport, type Session, type SessionEvent, type SessionSteer, type SessionSteerOutcome, type TurnHandle } from '@modelwire/core-session';
import { SUBAGENT_FOLDERS, subagentTask, type DemoOptions } from './cli-options.ts';
import { FAULT_DESCRIPTIONS, faultRule } from './fault-catalog.ts';
import { createLoopbackModel, type ResponseChain } from './loopback-model.ts';
import { repositoryTools } from './repo-tools.ts';
import { rowsFromRecording, rowsFromTelemetry } from './summary-rows.ts';
import { formatSummary, type SummaryRow, type SummaryTotals } from './summary.ts';
import { TelemetryRecorder } from './telemetry-recorder.ts';
import type { Terminal } from './terminal.ts';
import { WireMeter } from './wire-meter.ts';

/** The repository root: the tools' sandbox. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Loopback handshakes are delayed by this much, standing in for TCP + TLS to a real provider. */
export const LOOPBACK_HANDSHAKE_DELAY_MS = 120;

export const INSTRUCTIONS =
  'You are a concise assistant exploring a TypeScript monorepo. Use list_files and read_file to look at files before you answer; keep answers to two or three sentences.';

/** Runs the demo; resolves with the process exit code (0 ok, 1 a turn failed). */
export async function runDemo(options: DemoOptions, terminal: Terminal, env: NodeJS.ProcessEnv): Promise<number> {
  const apiKey = env['OPENAI_API_KEY'] ?? '';
  const real = apiKey !== '';
  const chain: ResponseChain = new Map();
  let server: ResponsesServer | null = null;
  let provider: Provider;
  let model: ModelInfo;
  if (real) {
    provider = { name: 'openai', baseUrl: env['OPENAI_BASE_URL'] || 'https://api.openai.com/v1', supportsWebSockets: !options.http };
    model = { slug: options.model ?? 'gpt-5-mini', supportsReasoning: true, supportsVerbosity: true, contextWindow: 400_000 };
  } else {
    server = await startResponsesServer({ model: createLoopbackModel({ chain }), tokenDelayMs: 6, deltaChars: 4, handshakeDelayMs: LOOPBACK_HANDSHAKE_DELAY_MS });
    if (options.fault !== null) server.faults.use(faultRule(options.fault));
    // The steer is typed when the first text shows: the loopback server waits for it there, so
    // that it lands mid-output whatever the machine's speed (a real model keeps writing).
    if (options.steer !== null) server.steering.hold('after-first-text-delta');
    // A short idle timeout so that a stalled stream is noticed within the demo's patience.
    provider = { name: 'loopback', baseUrl: server.url, supportsWebSockets: !options.http, streamIdleTimeoutMs: 3_000, streamMaxRetries: 3 };
    model = { slug: options.model ?? 'gpt-loopback', supportsReasoning: false, supportsVerbosity: false, contextWindow: 128_000 };
  }

  try {
    terminal.line(terminal.bold('Modelwire demo'));
    terminal.line(
      real
        ? `provider  ${displayUrl(provider.baseUrl)} (OPENAI_API_KEY set), model ${model.slug}`
        : `provider  loopback Responses server at ${server!.url} (no key, no network; handshakes delayed ${LOOPBACK_HANDSHAKE_DELAY_MS} ms to stand in for TLS)`,
    );
    terminal.line(`transport ${options.http ? 'HTTP/SSE (--http)' : 'WebSocket, pre-connected at session start, HTTP/SSE as fallback'}`);
    if (options.fault !== null) terminal.line(terminal.yellow(`fault     ${options.fault}: ${FAULT_DESCRIPTIONS[options.fault]}`));

    const recorder = new TelemetryRecorder();
    // One line per kind of failure and transport; repeats only move the spinner (a dead
    // endpoint fails the same way on every attempt, and should take a handful of lines).
    const shownRetries = new Set<string>();
    // The switch is shown when it happens (telemetry is synchronous; the session event that
    // follows arrives after the attempts already made over HTTP).
    const sessionStartedAt = performance.now();
    // A failure that moves the session to HTTP is reported as an attempt that goes on, then the
    // switch, in the same tick: its line is printed after that tick, followed by the switch.
    let retryPending = false;
    let switchedWith: TransportFallbackRecord | null = null;
    const showSwitch = (record: TransportFallbackRecord): void =>
      terminal.line(
        terminal.yellow(
          record.remembered === true
            ? `  ⇣ on HTTP/SSE from the start: this process remembered that the WebSocket could not be opened here (${record.reason}); nothing was dialed`
            : `  ⇣ switched to HTTP/SSE for the rest of the session (${record.reason}, ${((performance.now() - sessionStartedAt) / 1000).toFixed(1)} s after the session started)`,
        ),
      );
    recorder.onFallback = (record) => {
      if (retryPending) switchedWith = record;
      else showSwitch(record);
    };
    recorder.onRequestRetry = (code, record) => {
      if (record.waitingForNetwork === true) return;
      const key = `${record.transport}:${code}`;
      const wait = record.retryDelayMs === undefined ? '' : ` in ${formatDelay(record.retryDelayMs)}`;
      const message = firstLine(record.error?.message ?? '', 90);
      retryPending = true;
      switchedWith = null;
      queueMicrotask(() => {
        retryPending = false;
        const switched = switchedWith;
        switchedWith = null;
        if (switched !== null) {
          terminal.line(terminal.yellow(`  ↻ ${code} before any output (${message}); the request goes on over HTTP`));
          showSwitch(switched);
          return;
        }
        if (!shownRetries.has(key)) {
          shownRetries.add(key);
          terminal.line(terminal.yellow(`  ↻ ${code} before any output (${message}); the client retries`));
        }
        terminal.startSpinner(`attempt ${record.attempt + 1}${wait}`);
      });
    };
    const meter = new WireMeter();
    // What a resumed session is given again (nothing of it is stored in the journal).
    const runtime = {
      provider,
      auth: real ? staticTokenAuth(apiKey) : ('none' as const),
      tools: repositoryTools(REPOSITORY_ROOT),
      telemetry: (scope: { turnId: string }) => recorder.forTurn(scope.turnId),
      // The metered connector keeps the session's proxy and CA policy (HTTPS_PROXY, NO_PROXY …).
      client: {
        webSocketConnector: meter.wrap(createTransportWebSocketConnector({ network: networkPolicyFor(resolveProvider(provider), env) })),
        originator: 'modelwire-demo',
        // Connection failures after the provider was reached are waited out (5 s doubling to
        // 60 s) within the request deadline (2 minutes); a provider never reached fails fast.
        waitForNetwork: true,
      },
      sessionSource: { kind: 'cli' },
    } as const;
    let session: Session;
    if (options.resume !== null) {
      session = await resumeSession(options.resume, { ...runtime, ...(options.model === null ? {} : { model }) });
      terminal.line(`resumed   ${describeResume(session.resumeReport as ResumeReport)}`);
    } else {
      const directory = options.journalDirectory ?? (await mkdtemp(join(tmpdir(), 'modelwire-demo-')));
      session = createSession({ ...runtime, model, instructions: INSTRUCTIONS, reasoningEffort: real ? 'low' : null, store: new JsonlSessionStore({ directory }) });
      terminal.line(`journal   ${session.journalLocation ?? ''} (fsync per commit)`);
    }
    let exitCode = 0;
    const retryEvents: string[] = [];
    // Ctrl-C stops the running turn and closes the session (its socket included); exit 130.
    let interrupted = false;
    const onInterrupt = (): void => {
      interrupted = true;
      void session.close();
    };
    process.once('SIGINT', onInterrupt);
    try {
      if (!options.http) {
        // An interactive agent creates its session at start-up and the user types for a while;
        // the demo stands in for that pause by letting the background pre-connect finish.
        terminal.startSpinner('opening the session (WebSocket pre-connect in the background)');
        await session.services.preconnected;
        terminal.stopSpinner();
      }
      /** The steer of `--steer`, once sent (at the first text of the first turn). */
      let steered: SessionSteer | null = null;
      const show = async (handle: TurnHandle): Promise<void> => {
        terminal.startSpinner('waiting for the model');
        for await (const event of handle) {
          if (event.type === 'retrying') recorder.markStreamFailure(event.code);
          const failed = render(event, terminal, retryEvents);
          if (failed) exitCode = 1;
          if (options.steer !== null && steered === null && event.type === 'text_delta') {
            // The user types while the answer streams.
            steered = session.steer(options.steer);
            terminal.line();
            terminal.line(terminal.bold(`› (steering mid-turn) ${options.steer}`));
          }
        }
      };
      let steerShown = false;
      for (const prompt of options.prompts) {
        terminal.line();
        terminal.line(terminal.bold(`› ${prompt}`));
        await show(session.submit(prompt));
        const steer = steered as SessionSteer | null;
        if (steer !== null && !steerShown) {
          // Settled by now, unless the input waits for the next turn (it then starts it).
          steerShown = true;
          const outcome = await steer.result;
          terminal.line(terminal.dim(`  ↪ the steer ${describeSteer(outcome)}`));
          if (outcome.status === 'committed' && outcome.via === 'next_turn') await show(outcome.turn);
        }
        if (exitCode !== 0) break;
      }
      if (options.subagents > 0 && exitCode === 0 && !interrupted) {
        if (await runSubagents(session, options.subagents, meter, terminal, retryEvents)) exitCode = 1;
      }
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      terminal.stopSpinner();
      await session.close();
    }
    if (interrupted) {
      terminal.line(terminal.yellow('interrupted'));
      exitCode = 130;
    }

    if (!recorder.requests.some((request) => request.outcome === 'completed')) {
      // Nothing reached the model: a table of failed attempts adds nothing to the error above.
      const journal = session.journalLocation;
      if (journal !== null && existsSync(journal)) terminal.line(`retry with: npm start -- --resume ${journal}`);
      return exitCode;
    }
    const firstRequest = recorder.requests.find((request) => request.endpoint === 'responses');
    const preconnect = options.http ? undefined : meter.handshakes[0];
    const adopted =
      preconnect !== undefined && preconnect.ok && firstRequest !== undefined && preconnect.startedAt < firstRequest.startedAt && firstRequest.connect?.reused === true && firstRequest.retriedAttempts === 0;
    const savedMs = adopted ? Math.min(preconnect.durationMs, firstRequest.startedAt - preconnect.startedAt) : 0;
    let rows: SummaryRow[];
    let sticky: SummaryTotals['sticky'] = null;
    if (server !== null) {
      const firstHandshake = server.recording.handshakes[0];
      const preconnectConnectionId = adopted && firstHandshake?.status === 101 ? firstHandshake.connectionId : null;
      const fromRecording = rowsFromRecording(server.recording, chain, preconnectConnectionId);
      rows = fromRecording.rows;
      sticky = { replayed: fromRecording.replayed, violations: server.recording.stickyViolations.length };
    } else {
      rows = rowsFromTelemetry(recorder.requests, meter, (turnId) => recorder.turnNumber(turnId));
    }
    const totals: SummaryTotals = {
      preconnectHandshakeMs: preconnect === undefined ? null : preconnect.durationMs,
      preconnectFailed: preconnect !== undefined && !preconnect.ok,
      preconnectSavedMs: preconnect === undefined ? null : savedMs,
      streamRetries: retryEvents.length,
      requestRetries: recorder.requests.reduce((sum, request) => sum + request.retriedAttempts, 0),
      fallbacks: recorder.fallbacks.map((fallback) => fallback.reason),
      sticky,
      handshakes: options.http ? null : meter.handshakes.filter((handshake) => handshake.ok).length,
    };
    terminal.line();
    terminal.line(terminal.bold('Summary'));
    terminal.line(formatSummary(rows, totals).trimEnd());
    if (recorder.fallbacks.length > 0 && !options.http) terminal.line(await rememberedLine(provider, env));
    const journal = session.journalLocation;
    if (journal !== null && existsSync(journal)) {
      terminal.line();
      terminal.line(`journaled to ${journal}`);
      terminal.line(`continue with: npm start -- --resume ${journal}`);
    }
    return exitCode;
  } finally {
    await server?.close();
  }
}

/** One sub-agent of `--subagents` and what its turn did. */
interface SubagentRun {
  readonly number: number;
  readonly folder: string;
  readonly lane: string;
  readonly session: Session;
  readonly tools: string[];
  text: string;
  requests: number;
  error: string | null;
}

/**
 * `--subagents`: spawns `count` sub-agents of `session`, each with a task of its own, runs their
 * turns at the same time and prints each one's lane and answer as it finishes. The lane shown is
 * the `stream_id` the wire meter saw on the sub-agent's `response.create` frames (none over
 * HTTP). Returns true when a sub-agent's turn failed.
 */
async function runSubagents(session: Session, count: number, meter: WireMeter, terminal: Terminal, retries: string[]): Promise<boolean> {
  const client = session.services.client;
  const httpOnly = client.fallbackReason !== null || !client.provider.supportsWebSockets;
  const why = client.provider.supportsWebSockets ? `the session fell back to HTTP (${client.fallbackReason ?? ''})` : '--http';
  terminal.line();
  terminal.line(terminal.bold(`› spawning ${count} sub-agent${count === 1 ? '' : 's'} (session.spawnSubagent), their turns running at the same time on the session's client`));
  terminal.line(
    terminal.dim(
      httpOnly
        ? `  over HTTP/SSE (${why}): no lanes, every sub-agent request is an HTTP request of its own`
        : '  over the WebSocket: each on a lane (stream_id) of its own on the session\'s socket, no handshake of its own',
    ),
  );
  const framesBefore = meter.frames.length;
  const runs: SubagentRun[] = SUBAGENT_FOLDERS.slice(0, count).map((folder, index) => {
    const lane = `subagent-${index + 1}`;
    return { number: index + 1, folder, lane, session: session.spawnSubagent({ label: 'collab_spawn', lane }), tools: [], text: '', requests: 0, error: null };
  });
  let streaming = 0;
  let peak = 0;
  terminal.startSpinner(`${count} sub-agent turn${count === 1 ? '' : 's'} running`);
  const runOne = async (run: SubagentRun): Promise<void> => {
    let started = false;
    try {
      for await (const event of run.session.submit(subagentTask(run.folder))) {
        if (!started) {
          started = true;
          streaming += 1;
          peak = Math.max(peak, streaming);
        }
        if (event.type === 'text_delta') run.text += event.delta;
        else if (event.type === 'tool_call_started') run.tools.push(`${event.name} ${event.input}`);
        else if (event.type === 'retrying') retries.push(event.code);
        else if (event.type === 'turn_completed') run.requests = event.result.requests;
        else if (event.type === 'turn_failed') {
          const code = (event.error as { code?: unknown }).code;
          run.error = `${typeof code === 'string' ? `(${code}) ` : ''}${event.error.message}`;
        }
      }
    } finally {
      if (started) streaming -= 1;
    }
    const frames = meter.frames.slice(framesBefore).filter((frame) => frame.lane === run.lane);
    const where = frames.length > 0 ? `lane ${run.lane} (stream_id on ${frames.length} request${frames.length === 1 ? '' : 's'})` : 'no lane (HTTP)';
    terminal.stopSpinner();
    terminal.line(`  ⑂ sub-agent ${run.number}  ${run.folder}  ${where}`);
    if (run.tools.length > 0) terminal.line(terminal.dim(`    ⚙ ${run.tools.join(' · ')}`));
    if (run.error !== null) terminal.line(terminal.yellow(`    ✗ the turn failed ${run.error}`));
    else terminal.line(`    ${run.text.trim().replace(/\s*\n\s*/g, ' ')}`);
  };
  try {
    await Promise.all(runs.map((run) => runOne(run).catch((error: unknown) => {
      run.error = error instanceof Error ? error.message : String(error);
    })));
  } finally {
    terminal.stopSpinner();
    await Promise.all(runs.map((run) => run.session.close()));
  }
  const answered = runs.filter((run) => run.error === null).length;
  const lanes = new Set(meter.frames.slice(framesBefore).map((frame) => frame.lane).filter((lane) => lane !== null));
  terminal.line(
    terminal.dim(
      `  ${answered} of ${count} sub-agent${count === 1 ? '' : 's'} answered; at most ${peak} turn${peak === 1 ? '' : 's'} streaming at once` +
        (lanes.size > 0 ? `, on ${lanes.size} lane${lanes.size === 1 ? '' : 's'} of the session's WebSocket` : ', over HTTP/SSE'),
    ),
  );
  return answered < count;
}

/**
 * What the process remembered about the WebSocket for the provider's network path, read the way
 * a new session would: a client constructed (and closed) on the same provider and environment.
 */
async function rememberedLine(provider: Provider, env: NodeJS.ProcessEnv): Promise<string> {
  const probe = new ModelClient({ provider, auth: 'none', conversationId: 'demo-probe', sessionSource: { kind: 'cli' }, environment: env });
  const line = probe.fallbackRemembered
    ? `remembered        a new session of this process starts on HTTP/SSE without dialing (${probe.fallbackReason ?? ''}; for 10 min, or until a WebSocket connects there)`
    : 'remembered        nothing: a new session tries the WebSocket again';
  await probe.close();
  return line;
}

/** Where the `--steer` input ended up. */
function describeSteer(outcome: SessionSteerOutcome): string {
  if (outcome.status === 'committed') {
    if (outcome.via === 'websocket') return `landed mid-turn: committed over the WebSocket at ${outcome.responseId}'s response.created`;
    if (outcome.via === 'next_request') return 'committed with the turn\'s next request (steering was unavailable)';
    return `started the next turn (the turn ended before the input could join it)`;
  }
  if (outcome.status === 'failed') return `refused by the server (${outcome.code}): ${outcome.message}`;
  return `dropped (${outcome.reason})`;
}

/** One line on what a resume found: the journal, its turns and items, what was repaired. */
function describeResume(report: ResumeReport): string {
  const repairs = [
    ...(report.tornTail === null ? [] : [`dropped a torn last write (${report.tornTail.droppedBytes} bytes)`]),
    ...(report.interruptedCallIds.length === 0 ? [] : [`${report.interruptedCallIds.length} interrupted tool call(s) answered as interrupted`]),
  ];
  return `${report.location}: ${report.turns} turn(s), ${report.items} items${repairs.length === 0 ? '' : `; ${repairs.join('; ')}`}`;
}

/** The base URL without any user name or password it may carry. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

function formatDelay(ms: number): string {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1)} s` : `${ms.toFixed(0)} ms`;
}

function firstLine(text: string, max = 72): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Shows one session event; returns true when the turn failed. */
function render(event: SessionEvent, terminal: Terminal, retries: string[]): boolean {
  switch (event.type) {
    case 'text_delta':
      terminal.stream(event.delta);
      return false;
    case 'tool_call_started':
      terminal.line(terminal.dim(`  ⚙ ${event.name} ${event.input}`));
      terminal.startSpinner(`running ${event.name}`);
      return false;
    case 'tool_call_finished': {
      const lines = event.output.split('\n').length;
      terminal.line(terminal.dim(`    ${event.success ? '↳' : '✗'} ${firstLine(event.output)}${lines > 1 ? ` (${lines} lines)` : ''}`));
      terminal.startSpinner('waiting for the model');
      return false;
    }
    case 'retrying': {
      retries.push(event.code);
      const discarded = event.discardedItems + event.discardedDeltas > 0 ? 'partial output discarded' : 'nothing had been streamed';
      terminal.line(terminal.yellow(`  ↻ ${event.code} over ${event.transport === 'websocket' ? 'WebSocket' : 'HTTP'} (${firstLine(event.reason, 60)}): retry ${event.attempt}/${event.max} in ${formatDelay(event.delayMs)}, ${discarded}`));
      terminal.startSpinner('retrying');
      return false;
    }
    case 'waiting_for_network':
      terminal.line(terminal.yellow(`  ⌁ network unreachable (${firstLine(event.reason, 70)}): trying again in ${formatDelay(event.delayMs)} (Ctrl-C stops)`));
      terminal.startSpinner('waiting for the network');
      return false;
    case 'transport_fallback':
      // Shown from the client's telemetry as it happened.
      return false;
    case 'steer_accepted':
      terminal.line();
      terminal.line(terminal.dim(`  ↪ steer accepted by the server (${event.steerId}): the response stops at its next safe boundary`));
      return false;
    case 'steer_committed':
      terminal.line(terminal.dim(event.via === 'websocket' ? `  ↪ steer committed: successor ${event.responseId ?? ''} continues with it` : '  ↪ steer committed: it goes out with the next request'));
      return false;
    case 'steer_failed':
      terminal.line(terminal.yellow(`  ↪ steering the running response did not work (${event.code})${event.requeued ? '; the input goes out with the next request' : ''}`));
      return false;
    case 'compaction':
      terminal.line(terminal.dim(`  ⇲ history compacted: ${event.itemsBefore} → ${event.itemsAfter} items`));
      return false;
    case 'turn_completed':
      terminal.line(terminal.dim(`  (${event.result.requests} request${event.result.requests === 1 ? '' : 's'}, ${event.result.usage.totalTokens} tokens)`));
      return false;
    case 'turn_failed': {
      const code = (event.error as { code?: unknown }).code;
      terminal.line(terminal.yellow(`  ✗ the turn failed${typeof code === 'string' ? ` (${code})` : ''}: ${event.error.message}`));
      return true;
    }
    default:
      return false;
  }
}
