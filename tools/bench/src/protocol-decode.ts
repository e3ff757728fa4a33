// Benchmark: decoding + validating + mapping Responses stream events (what the client does per
// event) against JSON.parse alone on the same texts, in paired rounds.
//
//   node tools/bench/src/protocol-decode.ts [--events N] [--rounds N] [--with-zod] [--recordings]
//
// Target: decode + map ≤ 1.25× JSON.parse alone. The figure is the median of per-round ratios of
// CPU time (see `measurePairedRounds`): each round decodes every text once with each contender,
// back to back, in alternating order; it is printed with the interquartile range of the rounds
// and a 95 % confidence interval of the median. With `--recordings` a round is one pass over the
// recorded lines (about 8,600) and there are 450 rounds: the same work as 150 rounds of three
// passes, with the two contenders of a round closer together in time (see the README). `--with-zod` adds a contender that validates every event
// with its zod schema (no fast path), to show what the fast path saves. `--recordings` decodes
// the real recorded streams in ../shared/conformance instead of the generated stream.
// The protocol package is imported through its package entry: build it first
// (`nx build @modelwire/protocol`); vitest resolves it to source.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STREAM_EVENT_SCHEMAS, decodeEvent, mapStreamEvent } from '@modelwire/protocol';
import { measurePairedRounds, printComparison, type Measurement } from './shared/measure.ts';
import { generateResponsesStream } from './shared/responses-stream.ts';
import { numberArgument } from './shared/cli.ts';

/** Options of {@link runProtocolDecodeBench}. */
export interface ProtocolDecodeBenchOptions {
  /**
   * Events per round (each contender decodes them all once per round). Default 20 000; with
   * `recordings`, the recorded lines are repeated until at least this many, and the default is
   * one pass over them.
   */
  events?: number;
  /** Timed rounds. Default 150; 450 with `recordings`. */
  rounds?: number;
  /** Untimed warm-up rounds. Default 20. */
  warmupRounds?: number;
  /** Also measure zod `safeParse` on every event. Default false. */
  withZod?: boolean;
  /**
   * Decode the lines of the recorded streams in `../shared/conformance` (beside the repository)
   * instead of the generated stream, repeated until at least `events` events. Lines that are not
   * JSON (some recordings have them on purpose) are left out of both contenders.
   */
  recordings?: boolean;
}

/** `../shared/conformance` relative to the repository root. */
export const CONFORMANCE_DIRECTORY = fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));

/** The recorded streams' JSON lines (one event each) and how many files they came from; `null` without the folder. */
export function loadRecordedLines(directory = CONFORMANCE_DIRECTORY): { lines: string[]; files: number; invalidLines: number } | null {
  if (!existsSync(directory)) return null;
  const lines: string[] = [];
  let files = 0;
  let invalidLines = 0;
  for (const provider of readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
    for (const file of readdirSync(join(directory, provider)).filter((name) => name.endsWith('.chunks.txt')).sort()) {
      files += 1;
      for (const line of readFileSync(join(directory, provider, file), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          JSON.parse(line);
          lines.push(line);
        } catch {
          invalidLines += 1;
        }
      }
    }
  }
  return files === 0 ? null : { lines, files, invalidLines };
}

/** What {@link runProtocolDecodeBench} measured. */
export interface ProtocolDecodeBenchResult {
  /** Number of events decoded per round. */
  eventCount: number;
  /** One measurement per contender; the anchor is named {@link JSON_PARSE}. */
  measurements: Measurement[];
  /** Median over the rounds of decode + map's CPU time divided by JSON.parse's in the same round. */
  ratio: number;
  /** First and third quartile of those per-round ratios. */
  ratioQuartiles: { p25: number; p75: number };
  /** A 95 % confidence interval of {@link ratio} (see `RoundRatios.ci95`). */
  ratioCi95: { low: number; high: number };
  /** With `withZod`: the median per-round ratio of the zod-only contender to JSON.parse. */
  zodRatio?: number;
  /** Events per round that decoded as ok (a sanity check: all of them). */
  decodedOk: number;
  /** With `recordings`: the files and distinct lines read, and the lines left out (not JSON). */
  recorded?: { files: number; lines: number; invalidLines: number };
}

/** Thrown by {@link runProtocolDecodeBench} with `recordings` when `../shared/conformance` is absent. */
export class RecordingsMissingError extends Error {
  constructor() {
    super(`no recordings in ${CONFORMANCE_DIRECTORY}: the recorded-stream figure is skipped`);
    this.name = 'RecordingsMissingError';
  }
}

/**
 * Default timed rounds with `recordings`, each one pass over the recorded lines: three times the
 * 150 rounds of the generated stream, whose rounds are about three times longer.
 */
export const RECORDING_ROUNDS = 450;

/** Name of the anchor contender. */
export const JSON_PARSE = 'JSON.parse alone';
/** Name of the measured contender. */
export const DECODE_AND_MAP = 'decodeEvent + mapStreamEvent';
/** Name of the optional zod-only contender. */
export const ZOD_SAFE_PARSE = 'JSON.parse + zod safeParse';

/** Runs the benchmark and returns its measurements (prints nothing). */
export async function runProtocolDecodeBench(options: ProtocolDecodeBenchOptions = {}): Promise<ProtocolDecodeBenchResult> {
  let texts: string[];
  let recorded: ProtocolDecodeBenchResult['recorded'];
  if (options.recordings) {
    const loaded = loadRecordedLines();
    if (loaded === null) throw new RecordingsMissingError();
    recorded = { files: loaded.files, lines: loaded.lines.length, invalidLines: loaded.invalidLines };
    texts = [];
    do texts.push(...loaded.lines);
    while (texts.length < (options.events ?? 1));
  } else {
    texts = generateResponsesStream(options.events ?? 20_000).map((event) => JSON.stringify(event));
  }
  const schemas = STREAM_EVENT_SCHEMAS as unknown as Record<string, { safeParse(value: unknown): { success: boolean } } | undefined>;
  // What the HTTP path of the client hands `mapStreamEvent` with every event: one options object
  // per response, holding the response's headers (the WebSocket path likewise keeps one per request).
  const mapOptions = { headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' } as Record<string, string> };
  let sink = 0;
  let kept: unknown;
  let decodedOk = 0;
  const contenders = [
    {
      name: JSON_PARSE,
      run: () => {
        for (const text of texts) sink ^= (JSON.parse(text) as { type: string }).type.length;
      },
    },
    {
      // The client's work per event, nothing less: decode (parse + validate), map with its
      // options, and read every event the mapping gives.
      name: DECODE_AND_MAP,
      run: () => {
        let ok = 0;
        for (const text of texts) {
          const result = decodeEvent(text);
          if (!result.ok) continue;
          ok += 1;
          for (const event of mapStreamEvent(result.event, mapOptions)) {
            // Kept, as the client queues it: an event that escapes cannot be optimised away.
            kept = event;
            sink ^= event.type.length;
          }
        }
        decodedOk = ok;
      },
    },
  ];
  if (options.withZod) {
    contenders.push({
      name: ZOD_SAFE_PARSE,
      run: () => {
        for (const text of texts) {
          const value = JSON.parse(text) as { type: string };
          sink ^= schemas[value.type]?.safeParse(value).success ? 1 : 0;
        }
      },
    });
  }
  const { measurements, ratios } = measurePairedRounds(contenders, JSON_PARSE, options.rounds ?? (options.recordings ? RECORDING_ROUNDS : 150), options.warmupRounds ?? 20);
  if (sink === 0.5) console.log('unreachable', kept); // keeps `sink` and `kept` observable
  const measured = ratios.find((entry) => entry.name === DECODE_AND_MAP)!;
  const zod = ratios.find((entry) => entry.name === ZOD_SAFE_PARSE);
  return {
    eventCount: texts.length,
    measurements,
    ratio: measured.median,
    ratioQuartiles: { p25: measured.p25, p75: measured.p75 },
    ratioCi95: measured.ci95,
    ...(zod === undefined ? {} : { zodRatio: zod.median }),
    decodedOk,
    ...(recorded === undefined ? {} : { recorded }),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const events = numberArgument(args, '--events');
  const rounds = numberArgument(args, '--rounds');
  const result = await runProtocolDecodeBench({
    ...(events !== undefined ? { events } : {}),
    ...(rounds !== undefined ? { rounds } : {}),
    withZod: args.includes('--with-zod'),
    recordings: args.includes('--recordings'),
  });
  printComparison(`protocol decode: ${result.eventCount.toLocaleString('en-US')} Responses events per round, CPU time (node ${process.version})`, result.measurements, JSON_PARSE, {
    count: result.eventCount,
    unit: 'events',
  });
  const { p25, p75 } = result.ratioQuartiles;
  const { low, high } = result.ratioCi95;
  console.log(
    `\n  decode + map / JSON.parse alone, median of per-round ratios: ${result.ratio.toFixed(3)}× (95 % interval of the median ${low.toFixed(3)}–${high.toFixed(3)}; quartiles ${p25.toFixed(3)}–${p75.toFixed(3)}; target ≤ 1.25×)`,
  );
  if (result.zodRatio !== undefined) console.log(`  zod safeParse / JSON.parse alone: ${result.zodRatio.toFixed(2)}×`);
  console.log(`  ${result.decodedOk}/${result.eventCount} decoded ok`);
}

if (import.meta.main) await main();
