// Benchmark: decoding + validating + mapping Responses stream events (what the client does per
// event) against JSON.parse alone, measured interleaved in the same run.
//
//   node tools/bench/src/protocol-decode.ts [--events N] [--rounds N] [--with-zod]
//
// Target: decode + map ≤ 1.25× JSON.parse alone. `--with-zod` adds a third contender that
// validates every event with its zod schema (no fast path), to show what the fast path saves.
// The protocol package is imported through its package entry: build it first
// (`nx build @modelwire/protocol`); vitest resolves it to source.
import { STREAM_EVENT_SCHEMAS, decodeEvent, mapStreamEvent } from '@modelwire/protocol';
import { measureInterleaved, printComparison, type Measurement } from './shared/measure.ts';
import { generateResponsesStream } from './shared/responses-stream.ts';
import { numberArgument } from './shared/cli.ts';

/** Options of {@link runProtocolDecodeBench}. */
export interface ProtocolDecodeBenchOptions {
  /** Events in the generated stream. Default 200 000. */
  events?: number;
  /** Timed rounds per contender. Default 7. */
  rounds?: number;
  /** Untimed warm-up rounds per contender. Default 2. */
  warmupRounds?: number;
  /** Also measure zod `safeParse` on every event. Default false. */
  withZod?: boolean;
}

/** What {@link runProtocolDecodeBench} measured. */
export interface ProtocolDecodeBenchResult {
  /** Number of events decoded per round. */
  eventCount: number;
  /** One measurement per contender; the anchor is named {@link JSON_PARSE}. */
  measurements: Measurement[];
  /** Median of decode + map divided by the median of JSON.parse alone. */
  ratio: number;
  /** Events per round that decoded as ok (a sanity check: all of them). */
  decodedOk: number;
}

/** Name of the anchor contender. */
export const JSON_PARSE = 'JSON.parse alone';
/** Name of the measured contender. */
export const DECODE_AND_MAP = 'decodeEvent + mapStreamEvent';
/** Name of the optional zod-only contender. */
export const ZOD_SAFE_PARSE = 'JSON.parse + zod safeParse';

/** Runs the benchmark and returns its measurements (prints nothing). */
export async function runProtocolDecodeBench(options: ProtocolDecodeBenchOptions = {}): Promise<ProtocolDecodeBenchResult> {
  const texts = generateResponsesStream(options.events ?? 200_000).map((event) => JSON.stringify(event));
  const schemas = STREAM_EVENT_SCHEMAS as unknown as Record<string, { safeParse(value: unknown): { success: boolean } } | undefined>;
  let sink = 0;
  let decodedOk = 0;
  const contenders = [
    {
      name: JSON_PARSE,
      run: () => {
        for (const text of texts) sink ^= (JSON.parse(text) as { type: string }).type.length;
      },
    },
    {
      name: DECODE_AND_MAP,
      run: () => {
        let ok = 0;
        for (const text of texts) {
          const result = decodeEvent(text);
          if (result.ok) {
            ok += 1;
            sink ^= mapStreamEvent(result.event).length;
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
  const measurements = await measureInterleaved(contenders, options.rounds ?? 7, options.warmupRounds ?? 2);
  if (sink === 0.5) console.log('unreachable'); // keeps `sink` observable
  const anchor = measurements.find((m) => m.name === JSON_PARSE);
  const measured = measurements.find((m) => m.name === DECODE_AND_MAP);
  return { eventCount: texts.length, measurements, ratio: measured && anchor ? measured.medianMs / anchor.medianMs : Number.NaN, decodedOk };
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const events = numberArgument(args, '--events');
  const rounds = numberArgument(args, '--rounds');
  const result = await runProtocolDecodeBench({
    ...(events !== undefined ? { events } : {}),
    ...(rounds !== undefined ? { rounds } : {}),
    withZod: args.includes('--with-zod'),
  });
  printComparison(`protocol decode: ${result.eventCount.toLocaleString('en-US')} Responses events per round (node ${process.version})`, result.measurements, JSON_PARSE, {
    count: result.eventCount,
    unit: 'events',
  });
  console.log(`\n  ratio decode + map / JSON.parse alone: ${result.ratio.toFixed(2)}× (target ≤ 1.25×); ${result.decodedOk}/${result.eventCount} decoded ok`);
}

if (import.meta.main) await main();
