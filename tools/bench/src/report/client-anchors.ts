// Benchmark: a whole streamed response, request to terminal event, through Modelwire's
// `ModelClient` against the openai-node SDK doing the same over the same loopback server, on
// both paths, measured interleaved in the same run:
//   - HTTP/SSE: `client.responses.create({ stream: true })` (anchor) vs a ModelClient with
//     WebSockets off;
//   - WebSocket: openai-node's `ResponsesWS` on one socket (anchor) vs a ModelClient whose
//     session socket is reused by every request.
// Every request is a full `response.create` (no continuation), so both sides do the same work.
// Imports the built packages (see main.ts).
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { ModelClient, noopClientTelemetry, type Prompt, type TurnContext } from '@modelwire/client';
import { startResponsesServer } from '@modelwire/testing';
import { measureInterleaved, type Measurement } from '../shared/measure.ts';

/** Options of {@link runClientAnchorsBench}. */
export interface ClientAnchorsBenchOptions {
  /** Sequential responses per round. Default 40. */
  readonly requests?: number;
  /** Characters of each answer (streamed in 8-character deltas). Default 2 000. */
  readonly answerChars?: number;
  readonly rounds?: number;
  readonly warmupRounds?: number;
}

/** What {@link runClientAnchorsBench} measured. */
export interface ClientAnchorsBenchResult {
  readonly measurements: Measurement[];
  readonly requestsPerRound: number;
  /** Modelwire HTTP median / openai-node HTTP median. */
  readonly httpRatio: number;
  /** Modelwire WebSocket median / openai-node ResponsesWS median. */
  readonly webSocketRatio: number;
  /** Events each contender received in its last round. */
  readonly eventsSeen: Record<string, number>;
}

export const OPENAI_HTTP = 'openai-node responses.create (SSE)';
export const MODELWIRE_HTTP = 'modelwire ModelClient (HTTP/SSE)';
export const OPENAI_WS = 'openai-node ResponsesWS';
export const MODELWIRE_WS = 'modelwire ModelClient (WebSocket)';

const INSTRUCTIONS = 'You are a coding agent.';
const TEXT = 'Explain what this repository does.';

const context: TurnContext = {
  model: { slug: 'gpt-bench', supportsReasoning: false, supportsVerbosity: false, contextWindow: 128_000 },
  reasoningEffort: null,
  reasoningSummary: 'auto',
  turnMetadata: { turn_id: 'anchors' },
  telemetry: noopClientTelemetry,
};

/** Runs the four contenders interleaved (prints nothing). */
export async function runClientAnchorsBench(options: ClientAnchorsBenchOptions = {}): Promise<ClientAnchorsBenchResult> {
  const requests = options.requests ?? 40;
  const server = await startResponsesServer({ answerChars: options.answerChars ?? 2000, deltaChars: 8 });
  const openai = new OpenAI({ apiKey: 'sk-bench', baseURL: server.url, maxRetries: 0 });
  const openaiSocket = new ResponsesWS(openai);
  openaiSocket.on('error', () => undefined);
  let waiting: { resolve: () => void; reject: (error: Error) => void; events: number } | null = null;
  openaiSocket.on('event', (event) => {
    if (waiting === null) return;
    waiting.events += 1;
    if (event.type === 'response.completed') waiting.resolve();
    else if (event.type === 'error') waiting.reject(new Error(`ResponsesWS error event: ${JSON.stringify(event)}`));
  });
  const newClient = (webSocket: boolean): ModelClient =>
    new ModelClient({ provider: { baseUrl: server.url, supportsWebSockets: webSocket }, auth: { getToken: () => 'sk-bench' }, conversationId: `anchors-${webSocket ? 'ws' : 'http'}`, sessionSource: { kind: 'cli' } });
  const httpClient = newClient(false);
  const socketClient = newClient(true);
  const prompt: Prompt = { input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: TEXT }] }], instructions: INSTRUCTIONS, tools: [], parallelToolCalls: false };
  const eventsSeen: Record<string, number> = {};

  const modelwire = (name: string, client: ModelClient) => async (): Promise<void> => {
    let events = 0;
    for (let index = 0; index < requests; index += 1) {
      for await (const _event of client.newTurn().stream(prompt, context)) events += 1;
    }
    eventsSeen[name] = events;
  };
  try {
    const measurements = await measureInterleaved(
      [
        {
          name: OPENAI_HTTP,
          run: async () => {
            let events = 0;
            for (let index = 0; index < requests; index += 1) {
              const stream = await openai.responses.create({ model: 'gpt-bench', instructions: INSTRUCTIONS, input: TEXT, store: false, stream: true });
              for await (const _event of stream) events += 1;
            }
            eventsSeen[OPENAI_HTTP] = events;
          },
        },
        { name: MODELWIRE_HTTP, run: modelwire(MODELWIRE_HTTP, httpClient) },
        {
          name: OPENAI_WS,
          run: async () => {
            let events = 0;
            for (let index = 0; index < requests; index += 1) {
              await new Promise<void>((resolve, reject) => {
                waiting = { resolve, reject, events: 0 };
                openaiSocket.send({ type: 'response.create', model: 'gpt-bench', instructions: INSTRUCTIONS, input: TEXT, store: false });
              });
              events += waiting!.events;
              waiting = null;
            }
            eventsSeen[OPENAI_WS] = events;
          },
        },
        { name: MODELWIRE_WS, run: modelwire(MODELWIRE_WS, socketClient) },
      ],
      options.rounds ?? 7,
      options.warmupRounds ?? 2,
    );
    const median = (name: string): number => measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
    return {
      measurements,
      requestsPerRound: requests,
      httpRatio: median(MODELWIRE_HTTP) / median(OPENAI_HTTP),
      webSocketRatio: median(MODELWIRE_WS) / median(OPENAI_WS),
      eventsSeen,
    };
  } finally {
    openaiSocket.close({ code: 1000, reason: 'done' });
    await httpClient.close();
    await socketClient.close();
    await server.close();
  }
}
