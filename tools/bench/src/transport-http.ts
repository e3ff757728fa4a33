// Benchmark: HTTP request latency (POST → SSE response read to the end) on the session's
// kept-alive HttpClient against a fresh connection per request (a new client, used once and
// closed), both against one loopback node:http server, measured interleaved in the same run.
// On loopback this shows the TCP set-up cost only; over TLS to a real provider the gap is
// one to three round trips larger.
//
//   node tools/bench/src/transport-http.ts [--quick] [--requests N] [--rounds N]
//
// Build the transport package first (`nx build @modelwire/transport`); vitest resolves it to source.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '@modelwire/transport';
import { measureInterleaved, printComparison, type Measurement } from './shared/measure.ts';
import { generateResponsesStream, toSseText } from './shared/responses-stream.ts';
import { numberArgument } from './shared/cli.ts';

/** Options of {@link runHttpBench}. */
export interface HttpBenchOptions {
  /** Sequential requests per round. Default 500. */
  requests?: number;
  /** Timed rounds per contender. Default 7. */
  rounds?: number;
  /** Untimed warm-up rounds per contender. Default 2. */
  warmupRounds?: number;
}

/** What {@link runHttpBench} measured. */
export interface HttpBenchResult {
  requestsPerRound: number;
  measurements: Measurement[];
  /** Median milliseconds per request, by contender. */
  perRequestMs: Record<string, number>;
  /** Fresh-connection median / kept-alive median (higher means keep-alive saves more). */
  freshOverKeptAlive: number;
  /** TCP connections the server accepted per contender over the whole run. */
  connectionsAccepted: Record<string, number>;
}

export const KEPT_ALIVE = 'kept-alive session HttpClient';
export const FRESH = 'fresh connection per request';

/** Starts a loopback server, runs both contenders interleaved, closes everything. Prints nothing. */
export async function runHttpBench(options: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const requests = options.requests ?? 500;
  const body = toSseText(generateResponsesStream(20).slice(0, 20));
  let connections = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/responses`;
  const requestBody = { model: 'bench', input: [{ type: 'message', role: 'user', content: 'hello' }], stream: true };
  const connectionsAccepted: Record<string, number> = { [KEPT_ALIVE]: 0, [FRESH]: 0 };
  let sink = 0;

  const drain = async (client: HttpClient): Promise<void> => {
    const response = await client.postStream(url, { body: requestBody });
    for await (const event of response.events) sink ^= event.data.length;
  };
  const session = new HttpClient();
  try {
    const measurements = await measureInterleaved(
      [
        {
          name: KEPT_ALIVE,
          run: async () => {
            const before = connections;
            for (let i = 0; i < requests; i += 1) await drain(session);
            connectionsAccepted[KEPT_ALIVE]! += connections - before;
          },
        },
        {
          name: FRESH,
          run: async () => {
            const before = connections;
            for (let i = 0; i < requests; i += 1) {
              const client = new HttpClient();
              await drain(client);
              await client.close();
            }
            connectionsAccepted[FRESH]! += connections - before;
          },
        },
      ],
      options.rounds ?? 7,
      options.warmupRounds ?? 2,
    );
    if (sink === 0.5) console.log('unreachable'); // keeps `sink` observable
    const median = (name: string): number => measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
    return {
      requestsPerRound: requests,
      measurements,
      perRequestMs: { [KEPT_ALIVE]: median(KEPT_ALIVE) / requests, [FRESH]: median(FRESH) / requests },
      freshOverKeptAlive: median(FRESH) / median(KEPT_ALIVE),
      connectionsAccepted,
    };
  } finally {
    await session.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const result = await runHttpBench({
    requests: numberArgument(args, '--requests') ?? (quick ? 100 : 500),
    rounds: numberArgument(args, '--rounds') ?? (quick ? 3 : 7),
    warmupRounds: quick ? 1 : 2,
  });
  printComparison(`HTTP POST → SSE (20 events) over loopback: ${result.requestsPerRound} sequential requests per round (node ${process.version})`, result.measurements, KEPT_ALIVE, {
    count: result.requestsPerRound,
    unit: 'req',
  });
  console.log(`\n  per request: kept-alive ${result.perRequestMs[KEPT_ALIVE]!.toFixed(3)} ms, fresh connection ${result.perRequestMs[FRESH]!.toFixed(3)} ms`);
  console.log(`  fresh / kept-alive: ${result.freshOverKeptAlive.toFixed(2)}×`);
  console.log(`  connections accepted over the run: ${JSON.stringify(result.connectionsAccepted)}`);
}

if (import.meta.main) await main();
