// Benchmark: the cost of deciding incremental continuation (ARCHITECTURE §3.4) as the history
// grows: 10, 1 000 and 10 000 committed items, measured interleaved in the same run.
//
//   node tools/bench/src/client-continuation-decision.ts [--rounds N] [--requests N]
//
// One "request" = decide + begin + one output item + complete, the bookkeeping the client does
// per WebSocket request; a round is 10 tool loops of 50 requests, each loop on a tracker primed
// (outside the timed region) with the given history. Two input patterns:
// - append-only: the caller extends the same history array (the documented fast path);
// - copied: the caller passes a fresh `[...history, item]` array each time (shared item objects).
// Goal: 10 000 items ≤ 2× 10 items (append-only). Build the client first (`nx build @modelwire/client`).
import { buildRequestFields, ContinuationTracker, fingerprintRequestFields, noopClientTelemetry, type ResponseItem } from '@modelwire/client';
import { measureInterleaved, printComparison, type Measurement } from './shared/measure.ts';

/** Options of {@link runContinuationDecisionBench}. */
export interface ContinuationDecisionBenchOptions {
  /** History sizes to compare; the first is the anchor. Default [10, 1000, 10000]. */
  sizes?: number[];
  /** Requests per tool loop (each appends two items). Default 50. */
  requests?: number;
  /** Tool loops per round, each on a freshly primed tracker. Default 10. */
  loopsPerRound?: number;
  rounds?: number;
  warmupRounds?: number;
}

/** What {@link runContinuationDecisionBench} measured. */
export interface ContinuationDecisionBenchResult {
  measurements: Measurement[];
  /** Requests timed per round. */
  requestsPerRound: number;
  /** Median of the largest size over the anchor, append-only pattern. */
  appendOnlyRatio: number;
  /** Median of the largest size over the anchor, copied-array pattern. */
  copiedRatio: number;
  /** Every request was decided incrementally. */
  allIncremental: boolean;
}

function message(role: 'user' | 'assistant', text: string): ResponseItem {
  return role === 'user'
    ? { type: 'message', role, content: [{ type: 'input_text', text }] }
    : { type: 'message', id: 'msg_bench', role, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
}

const fieldsFingerprint = fingerprintRequestFields(
  buildRequestFields(
    { input: [], instructions: 'You are a coding agent.', tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }], parallelToolCalls: false },
    {
      model: { slug: 'gpt-bench', supportsReasoning: true, supportsVerbosity: true, contextWindow: 272_000 },
      reasoningEffort: 'medium',
      reasoningSummary: 'auto',
      turnMetadata: { turn_id: 'bench' },
      telemetry: noopClientTelemetry,
    },
    'conv-bench',
  ),
);

/** A tracker whose connection just completed a response over `base` (copied, same item objects). */
function primed(base: readonly ResponseItem[]): { tracker: ContinuationTracker; history: ResponseItem[] } {
  const history = [...base];
  const tracker = new ContinuationTracker();
  tracker.begin({ fieldsFingerprint, input: history });
  tracker.complete('resp_0');
  return { tracker, history };
}

export async function runContinuationDecisionBench(options: ContinuationDecisionBenchOptions = {}): Promise<ContinuationDecisionBenchResult> {
  const sizes = options.sizes ?? [10, 1000, 10_000];
  const requests = options.requests ?? 50;
  const loopsPerRound = options.loopsPerRound ?? 10;
  const rounds = options.rounds ?? 7;
  const warmup = options.warmupRounds ?? 2;
  let allIncremental = true;
  let responseNumber = 0;
  const contender = (size: number, copied: boolean): { name: string; run: () => void } => {
    const base: ResponseItem[] = [];
    for (let index = 0; index < size; index += 1) base.push(message(index % 2 === 0 ? 'user' : 'assistant', `item ${index} of the committed history`));
    // Every round gets freshly primed trackers, prepared outside the timed region.
    const states = Array.from({ length: (rounds + warmup) * loopsPerRound }, () => primed(base));
    return {
      name: `${copied ? 'copied' : 'append-only'} ${size.toLocaleString('en-US')} items`,
      run: () => {
        for (let loop = 0; loop < loopsPerRound; loop += 1) {
          const state = states.pop()!;
          let { history } = state;
          const { tracker } = state;
          for (let request = 0; request < requests; request += 1) {
            const next = message('user', `tool output ${request}`);
            if (copied) history = [...history, next];
            else history.push(next);
            const decision = tracker.decide({ fieldsFingerprint, input: history });
            if (decision.mode !== 'incremental') allIncremental = false;
            tracker.begin({ fieldsFingerprint, input: history });
            const reply = message('assistant', `reply ${request}`);
            tracker.addOutputItem(reply);
            responseNumber += 1;
            tracker.complete(`resp_${responseNumber}`);
            if (copied) history = [...history, reply];
            else history.push(reply);
          }
        }
      },
    };
  };
  const contenders = [...sizes.map((size) => contender(size, false)), ...sizes.map((size) => contender(size, true))];
  const measurements = await measureInterleaved(contenders, rounds, warmup);
  const median = (name: string): number => measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
  const label = (size: number): string => size.toLocaleString('en-US');
  const first = label(sizes[0]!);
  const last = label(sizes.at(-1)!);
  return {
    measurements,
    requestsPerRound: requests * loopsPerRound,
    appendOnlyRatio: median(`append-only ${last} items`) / median(`append-only ${first} items`),
    copiedRatio: median(`copied ${last} items`) / median(`copied ${first} items`),
    allIncremental,
  };
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runContinuationDecisionBench({
    ...(argument('--requests') === undefined ? {} : { requests: argument('--requests')! }),
    ...(argument('--rounds') === undefined ? {} : { rounds: argument('--rounds')! }),
  });
  const anchor = result.measurements[0]!.name;
  printComparison(
    `Continuation bookkeeping per request (decide + begin + output item + complete), ${result.requestsPerRound} requests per round`,
    result.measurements,
    anchor,
    { count: result.requestsPerRound, unit: 'requests' },
  );
  console.log(`\n  append-only: 10 000 items / 10 items = ${result.appendOnlyRatio.toFixed(2)}× (goal ≤ 2×)`);
  console.log(`  copied arrays: 10 000 items / 10 items = ${result.copiedRatio.toFixed(2)}× (O(history) pointer comparisons, no hashing)`);
  console.log(`  every request incremental: ${result.allIncremental}`);
}
