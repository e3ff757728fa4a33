import type { ResponseEvent } from '@modelwire/protocol';
import { ModelClient, type ModelClientOptions } from '../client/model-client.js';
import type {
  ClientTelemetry,
  ContinuationDecisionRecord,
  FrameDroppedRecord,
  OutputReconciledRecord,
  RequestAttemptRecord,
  TokenUsageRecord,
  TransportFallbackRecord,
  WebSocketConnectRecord,
} from '../telemetry/client-telemetry.js';
import { startResponsesServer, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import type { ResponseStream } from '../turn/response-stream.js';
import type { AuthProvider } from '../types/auth-provider.js';

/** Telemetry that keeps every record, for assertions. */
export class RecordingTelemetry implements ClientTelemetry {
  readonly attempts: RequestAttemptRecord[] = [];
  readonly events: string[] = [];
  readonly connects: WebSocketConnectRecord[] = [];
  readonly decisions: ContinuationDecisionRecord[] = [];
  readonly fallbacks: TransportFallbackRecord[] = [];
  readonly usage: TokenUsageRecord[] = [];
  readonly drops: FrameDroppedRecord[] = [];
  readonly reconciled: OutputReconciledRecord[] = [];
  /** `start:<endpoint>` and `end:<endpoint>:<outcome>`, in order. */
  readonly boundaries: string[] = [];
  onRequestStart(record: { endpoint: string }): void {
    this.boundaries.push(`start:${record.endpoint}`);
  }
  onRequestEnd(record: { endpoint: string; outcome: string }): void {
    this.boundaries.push(`end:${record.endpoint}:${record.outcome}`);
  }
  onRequestAttempt(record: RequestAttemptRecord): void {
    this.attempts.push(record);
  }
  onStreamEvent(record: { kind: string }): void {
    this.events.push(record.kind);
  }
  onWebSocketConnect(record: WebSocketConnectRecord): void {
    this.connects.push(record);
  }
  onContinuationDecision(record: ContinuationDecisionRecord): void {
    this.decisions.push(record);
  }
  onTransportFallback(record: TransportFallbackRecord): void {
    this.fallbacks.push(record);
  }
  onTokenUsage(record: TokenUsageRecord): void {
    this.usage.push(record);
  }
  onFrameDropped(record: FrameDroppedRecord): void {
    this.drops.push(record);
  }
  onOutputReconciled(record: OutputReconciledRecord): void {
    this.reconciled.push(record);
  }
}

/** A loopback server plus a client pointed at it; `close()` closes both. */
export interface LoopbackSetup {
  readonly server: ResponsesServer;
  readonly client: ModelClient;
  close(): Promise<void>;
}

export async function startLoopback(
  clientOptions: Partial<ModelClientOptions> & { providerOverrides?: Partial<ModelClientOptions['provider']> } = {},
  serverOptions: ResponsesServerOptions = {},
): Promise<LoopbackSetup> {
  const server = await startResponsesServer(serverOptions);
  const { providerOverrides, ...rest } = clientOptions;
  const auth: AuthProvider = { getToken: () => 'test-token' };
  const client = new ModelClient({
    provider: { baseUrl: server.url, supportsWebSockets: true, ...providerOverrides },
    auth,
    conversationId: 'conv-test',
    sessionSource: { kind: 'cli' },
    random: () => 0.5,
    ...rest,
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

/** Drains a stream, returning the event types seen. */
export async function drain(stream: ResponseStream): Promise<ResponseEvent[]> {
  const events: ResponseEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
