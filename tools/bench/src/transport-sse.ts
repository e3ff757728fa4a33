// Benchmark: server-sent-events decoding, bytes → events with parsed JSON, on a generated
// Responses stream cut into 1–16 KiB chunks, measured interleaved in the same run against
//   - openai-node's own SSE path (`Stream.fromSSEResponse` over a `Response` whose body is a
//     ReadableStream of the same chunks), and
//   - `JSON.parse` alone on the already-extracted event data (the floor).
//
//   node tools/bench/src/transport-sse.ts [--quick] [--events N] [--rounds N]
//
// Targets: ≥ 3× faster than openai-node; ≤ 1.4× JSON.parse alone. The transport package is
// imported through its package entry: build it first (`nx build @modelwire/transport`);
// vitest resolves it to source.
import { SseDecoder, decodeSseStream } from '@modelwire/transport';
import { Stream } from 'openai/core/streaming';
import { measureInterleaved, printComparison, type Measurement } from './shared/measure.ts';
import { chunkBytes, generateResponsesStream, toSseText } from './shared/responses-stream.ts';
import { numberArgument } from './shared/cli.ts';

/** Options of {@link runSseBench}. */
export interface SseBenchOptions {
  /** Events in the generated stream. Default 200 000. */
  events?: number;
  /** Timed rounds per contender. Default 7. */
  rounds?: number;
  /** Untimed warm-up rounds per contender. Default 2. */
  warmupRounds?: number;
}

/** What {@link runSseBench} measured. */
export interface SseBenchResult {
  eventCount: number;
  /** Size of the SSE body in bytes. */
  bytes: number;
  chunkCount: number;
  measurements: Measurement[];
  /** openai-node median / SseDecoder median (higher is better; target ≥ 3). */
  speedupOverOpenai: number;
  /** SseDecoder median / JSON.parse median (target ≤ 1.4). */
  ratioToJsonParse: number;
  /** decodeSseStream (async) median / JSON.parse median. */
  asyncRatioToJsonParse: number;
  /** Events each contender saw in its last round (all must equal `eventCount`). */
  eventsSeen: Record<string, number>;
}

export const JSON_PARSE = 'JSON.parse alone';
export const MODELWIRE_SYNC = 'modelwire SseDecoder';
export const MODELWIRE_ASYNC = 'modelwire decodeSseStream (async)';
export const OPENAI_NODE = 'openai-node Stream.fromSSEResponse';

/** Runs the benchmark and returns its measurements (prints nothing). */
export async function runSseBench(options: SseBenchOptions = {}): Promise<SseBenchResult> {
  const events = generateResponsesStream(options.events ?? 200_000);
  const bytes = new TextEncoder().encode(toSseText(events));
  const chunks = chunkBytes(bytes, 1024, 16 * 1024);
  const dataTexts = events.map((event) => JSON.stringify(event));
  const eventsSeen: Record<string, number> = {};
  let sink = 0;

  const contenders = [
    {
      name: JSON_PARSE,
      run: () => {
        let count = 0;
        for (const text of dataTexts) {
          sink ^= (JSON.parse(text) as { sequence_number: number }).sequence_number;
          count += 1;
        }
        eventsSeen[JSON_PARSE] = count;
      },
    },
    {
      name: MODELWIRE_SYNC,
      run: () => {
        let count = 0;
        const decoder = new SseDecoder((event) => {
          sink ^= (JSON.parse(event.data) as { sequence_number: number }).sequence_number;
          count += 1;
        });
        for (const chunk of chunks) decoder.push(chunk);
        decoder.end();
        eventsSeen[MODELWIRE_SYNC] = count;
      },
    },
    {
      name: MODELWIRE_ASYNC,
      run: async () => {
        let count = 0;
        for await (const event of decodeSseStream(asyncChunks(chunks))) {
          sink ^= (JSON.parse(event.data) as { sequence_number: number }).sequence_number;
          count += 1;
        }
        eventsSeen[MODELWIRE_ASYNC] = count;
      },
    },
    {
      name: OPENAI_NODE,
      run: async () => {
        let count = 0;
        const controller = new AbortController();
        const response = new Response(readableOf(chunks), { headers: { 'content-type': 'text/event-stream' } });
        for await (const event of Stream.fromSSEResponse<{ sequence_number: number }>(response, controller)) {
          sink ^= event.sequence_number;
          count += 1;
        }
        eventsSeen[OPENAI_NODE] = count;
      },
    },
  ];
  const measurements = await measureInterleaved(contenders, options.rounds ?? 7, options.warmupRounds ?? 2);
  if (sink === 0.5) console.log('unreachable'); // keeps `sink` observable
  const median = (name: string): number => measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
  return {
    eventCount: events.length,
    bytes: bytes.length,
    chunkCount: chunks.length,
    measurements,
    speedupOverOpenai: median(OPENAI_NODE) / median(MODELWIRE_SYNC),
    ratioToJsonParse: median(MODELWIRE_SYNC) / median(JSON_PARSE),
    asyncRatioToJsonParse: median(MODELWIRE_ASYNC) / median(JSON_PARSE),
    eventsSeen,
  };
}

async function* asyncChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

function readableOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index];
      index += 1;
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const result = await runSseBench({
    events: numberArgument(args, '--events') ?? (quick ? 20_000 : 200_000),
    rounds: numberArgument(args, '--rounds') ?? (quick ? 3 : 7),
    warmupRounds: quick ? 1 : 2,
  });
  const megabytes = (result.bytes / 1024 / 1024).toFixed(1);
  printComparison(
    `SSE decode: ${result.eventCount.toLocaleString('en-US')} Responses events, ${megabytes} MiB in ${result.chunkCount.toLocaleString('en-US')} chunks of 1–16 KiB (node ${process.version})`,
    result.measurements,
    JSON_PARSE,
    { count: result.eventCount, unit: 'events' },
  );
  console.log(`\n  openai-node / SseDecoder: ${result.speedupOverOpenai.toFixed(2)}× faster (target ≥ 3×)`);
  console.log(`  SseDecoder / JSON.parse alone: ${result.ratioToJsonParse.toFixed(2)}× (target ≤ 1.40×)`);
  console.log(`  decodeSseStream (async) / JSON.parse alone: ${result.asyncRatioToJsonParse.toFixed(2)}×`);
  console.log(`  events seen per contender: ${JSON.stringify(result.eventsSeen)}`);
}

if (import.meta.main) await main();
