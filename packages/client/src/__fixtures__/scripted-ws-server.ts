import { WebSocketServer, type WebSocket } from 'ws';
import { ModelClient } from '../client/model-client.js';
import type { Provider } from '../types/provider.js';

/** One client frame as the scripted server received it, and where to answer. */
export interface ScriptedFrame {
  readonly frame: Record<string, unknown>;
  readonly socket: ScriptedSocket;
}

/** The server's side of one connection. */
export interface ScriptedSocket {
  /** Which connection of the server this is (0 for the first). */
  readonly index: number;
  send(event: Record<string, unknown>): void;
}

/**
 * A hand-written Responses WebSocket server for behaviours the loopback server never shows
 * (servers without steering or lanes): every client frame goes to `onFrame`, which answers as
 * it likes. 127.0.0.1, port 0.
 */
export interface ScriptedServer {
  /** The `baseUrl` for a provider (`http://127.0.0.1:port/v1`). */
  readonly baseUrl: string;
  /** Every client frame received, in order, with its connection's index. */
  readonly received: { readonly connection: number; readonly frame: Record<string, unknown> }[];
  /** Connections opened so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startScriptedServer(onFrame: (received: ScriptedFrame) => void): Promise<ScriptedServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const received: { connection: number; frame: Record<string, unknown> }[] = [];
  const sockets = new Set<WebSocket>();
  let connections = 0;
  server.on('connection', (ws) => {
    const index = connections;
    connections += 1;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const socket: ScriptedSocket = {
      index,
      send: (event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      },
    };
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      received.push({ connection: index, frame });
      onFrame({ frame, socket });
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The frames of one completed response answering with `text` (created, one message item
 * streamed as one delta, completed), numbered from 0, echoing `streamId` when given.
 */
export function responseFrames(responseId: string, text: string, streamId?: string): Record<string, unknown>[] {
  const itemId = `msg_${responseId}`;
  const item = { type: 'message', id: itemId, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  const snapshot = { id: responseId, object: 'response', created_at: 1, model: 'gpt-test', output: [] as unknown[] };
  const usage = { input_tokens: 3, output_tokens: 2, total_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } };
  const frames: Record<string, unknown>[] = [
    { type: 'response.created', response: { ...snapshot, status: 'in_progress' } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
    { type: 'response.output_text.delta', item_id: itemId, output_index: 0, content_index: 0, delta: text },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { ...snapshot, status: 'completed', output: [item], usage } },
  ];
  return frames.map((frame, index) => ({ ...frame, sequence_number: index, ...(streamId === undefined ? {} : { stream_id: streamId }) }));
}

/** A scripted server plus a client pointed at it; `close()` closes both. */
export interface ScriptedSetup {
  readonly server: ScriptedServer;
  readonly client: ModelClient;
  close(): Promise<void>;
}

/** Starts a scripted server and a WebSocket client for it (`provider` overrides the provider's defaults). */
export async function startScripted(onFrame: (received: ScriptedFrame) => void, provider: Partial<Provider> = {}): Promise<ScriptedSetup> {
  const server = await startScriptedServer(onFrame);
  const client = new ModelClient({
    provider: { baseUrl: server.baseUrl, supportsWebSockets: true, ...provider },
    auth: { getToken: () => 'test-token' },
    conversationId: 'conv-scripted',
    sessionSource: { kind: 'cli' },
    webSocketOutcomes: false,
  });
  return {
    server,
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}
