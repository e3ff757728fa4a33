// Benchmark: bytes uploaded over a 50-request tool loop that starts from 20 KiB of history,
// incremental continuation (WebSocket, `previous_response_id` + new items) against a full
// resend of the whole input on every request (HTTP, which has no continuation with
// `store:false`). Both run through `ModelClientSession.stream` against the loopback server,
// which records the request bytes it received.
//
//   node tools/bench/src/client-upload-bytes.ts [--requests N] [--history-kib N]
//
// Goal: continuation uploads ≥ 20× fewer bytes. Build the client first (`nx build @modelwire/client`).
import { ModelClient, noopClientTelemetry, type ResponseItem, type TurnContext } from '@modelwire/client';
import { startResponsesServer } from '@modelwire/testing';

/** Options of {@link runUploadBytesBench}. */
export interface UploadBytesBenchOptions {
  /** Requests in the tool loop. Default 50. */
  requests?: number;
  /** Size of the starting history, in KiB of JSON. Default 20. */
  historyKiB?: number;
}

/** What one contender uploaded. */
export interface UploadFigures {
  /** Request payload bytes received by the server (HTTP bodies / WebSocket frames), summed. */
  bytes: number;
  requests: number;
  incrementalRequests: number;
}

/** What {@link runUploadBytesBench} measured. */
export interface UploadBytesBenchResult {
  continuation: UploadFigures;
  fullResend: UploadFigures;
  /** fullResend.bytes / continuation.bytes. */
  ratio: number;
}

const TOOLS = [
  {
    type: 'function',
    name: 'shell',
    description: 'Runs a shell command and returns its output.',
    strict: false,
    parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] },
  },
];

function history(kib: number): ResponseItem[] {
  const items: ResponseItem[] = [];
  let bytes = 0;
  for (let index = 0; bytes < kib * 1024; index += 1) {
    const item: ResponseItem =
      index % 2 === 0
        ? { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Earlier request ${index}: please look at the package layout and explain the tests.` }] }
        : {
            type: 'message',
            id: `msg_${index}`,
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: `Earlier answer ${index}: the package has a README, a src folder with colocated tests, and a build script.`, annotations: [] }],
          };
    bytes += JSON.stringify(item).length;
    items.push(item);
  }
  return items;
}

function turnContext(): TurnContext {
  return {
    model: { slug: 'gpt-bench', supportsReasoning: true, supportsVerbosity: false, contextWindow: 272_000 },
    reasoningEffort: 'low',
    reasoningSummary: 'auto',
    turnMetadata: { turn_id: 'upload-bench' },
    telemetry: noopClientTelemetry,
  };
}

async function toolLoop(webSocket: boolean, requests: number, historyKiB: number): Promise<UploadFigures> {
  const server = await startResponsesServer({ answerChars: 40 });
  const client = new ModelClient({
    provider: { baseUrl: server.url, supportsWebSockets: webSocket },
    auth: { getToken: () => 'bench-token' },
    conversationId: 'conv-upload',
    sessionSource: { kind: 'cli' },
  });
  try {
    const input = history(historyKiB);
    const turn = client.newTurn();
    let incrementalRequests = 0;
    for (let request = 0; request < requests; request += 1) {
      // The loopback model answers "run: …" with a function call; the loop feeds back its output.
      input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: `run: ls step-${request}` }] });
      const result = await turn.stream({ input, instructions: 'You are a coding agent.', tools: TOOLS, parallelToolCalls: false }, turnContext()).result;
      if (result.incremental) incrementalRequests += 1;
      input.push(...result.output);
      for (const item of result.output) {
        if (item.type === 'function_call') input.push({ type: 'function_call_output', call_id: String(item['call_id']), output: `step-${request}: 3 files` });
      }
    }
    const bytes = server.recording.requests.reduce((sum, recorded) => sum + recorded.decodedBytes, 0);
    return { bytes, requests: server.recording.requests.length, incrementalRequests };
  } finally {
    await client.close();
    await server.close();
  }
}

export async function runUploadBytesBench(options: UploadBytesBenchOptions = {}): Promise<UploadBytesBenchResult> {
  const requests = options.requests ?? 50;
  const historyKiB = options.historyKiB ?? 20;
  const continuation = await toolLoop(true, requests, historyKiB);
  const fullResend = await toolLoop(false, requests, historyKiB);
  return { continuation, fullResend, ratio: fullResend.bytes / continuation.bytes };
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runUploadBytesBench({
    ...(argument('--requests') === undefined ? {} : { requests: argument('--requests')! }),
    ...(argument('--history-kib') === undefined ? {} : { historyKiB: argument('--history-kib')! }),
  });
  const line = (name: string, figures: UploadFigures): string =>
    `  ${name.padEnd(40)} ${figures.bytes.toLocaleString('en-US').padStart(12)} bytes  (${figures.requests} requests, ${figures.incrementalRequests} incremental)`;
  console.log('\nUpload over a tool loop from 20 KiB of history');
  console.log(line('continuation (WebSocket)', result.continuation));
  console.log(line('full resend (HTTP)', result.fullResend));
  console.log(`\n  full resend / continuation = ${result.ratio.toFixed(1)}× (goal ≥ 20×)`);
}
