import type { AuthProvider, ModelInfo, Provider } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import { createSession, type CreateSessionOptions, type Session, type TurnTelemetryFactory } from '@modelwire/core-session';

/** A reasoning model with a known context window. */
export const MATRIX_MODEL: ModelInfo = { slug: 'gpt-matrix', supportsReasoning: true, supportsVerbosity: true, contextWindow: 200_000 };

/**
 * Provider budgets small enough for a fault matrix that finishes in seconds, yet long enough
 * that a busy machine does not trip them by accident: an idle stream fails after 800 ms, a
 * handshake after 800 ms, and three stream retries are allowed per transport.
 */
export const FAST_PROVIDER: Omit<Provider, 'baseUrl'> = {
  streamIdleTimeoutMs: 800,
  websocketConnectTimeoutMs: 800,
  connectTimeoutMs: 800,
  streamMaxRetries: 3,
  requestMaxRetries: 3,
};

/** Which transport a session starts on. */
export type TransportChoice = 'websocket' | 'http';

/** Options of {@link startLoopbackSession}. */
export interface LoopbackSessionOptions {
  /** The transport the session starts on. */
  readonly transport: TransportChoice;
  /** Options of the loopback server. Default: no token delay. */
  readonly server?: ResponsesServerOptions;
  /** Provider fields on top of {@link FAST_PROVIDER}. */
  readonly provider?: Partial<Provider>;
  /** Credentials. Default: a fixed test token. */
  readonly auth?: AuthProvider;
  /** Session options on top of the defaults (tools, telemetry, …). */
  readonly session?: Partial<Omit<CreateSessionOptions, 'provider' | 'auth'>>;
  /** Per-turn telemetry. */
  readonly telemetry?: TurnTelemetryFactory;
  /** Pre-open the WebSocket at session creation. Default `false` (faults then hit the turn's own handshake). */
  readonly preconnect?: boolean;
  /** The base URL the session is given, from the server's. Default: the server's as it is. */
  readonly baseUrl?: (serverUrl: string) => string;
}

/** A loopback server and a session on it. */
export interface LoopbackSession {
  readonly server: ResponsesServer;
  readonly session: Session;
  /** Closes the session, then the server (idempotent). */
  close(): Promise<void>;
}

/** Starts a loopback Responses server and a session pointed at it with small timeouts. */
export async function startLoopbackSession(options: LoopbackSessionOptions): Promise<LoopbackSession> {
  const server = await startResponsesServer({ tokenDelayMs: 0, ...options.server });
  const session = createSession({
    provider: { ...FAST_PROVIDER, ...options.provider, baseUrl: options.baseUrl?.(server.url) ?? server.url, supportsWebSockets: options.transport === 'websocket' },
    auth: options.auth ?? { getToken: () => 'matrix-token' },
    conversationId: 'conv-reliability',
    model: MATRIX_MODEL,
    reasoningEffort: 'medium',
    reasoningSummary: 'auto',
    instructions: 'You are a test agent.',
    retryBackoff: { baseMs: 5, maxMs: 20 },
    preconnect: options.preconnect ?? false,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    ...options.session,
    client: { random: () => 0.5, pingIntervalMs: 250, pongTimeoutMs: 800, ...options.session?.client },
  });
  let closed: Promise<void> | undefined;
  return {
    server,
    session,
    close: () => {
      closed ??= (async () => {
        await session.close();
        await server.close();
      })();
      return closed;
    },
  };
}
