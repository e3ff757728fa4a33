import type { AuthProvider, ModelClient, TurnOptions } from '@modelwire/client';
import { ConversationHistory } from '../history/conversation-history.js';
import { SessionJournal } from '../journal/session-journal.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { noopTurnTelemetry, type TurnTelemetryFactory } from './turn-telemetry-factory.js';

/** The explicit values {@link SessionServices} is built from. */
export interface SessionServicesValues {
  /** The session's model client, created once for the session. The services own it and close it. */
  readonly client: ModelClient;
  /** The auth provider the client uses (kept for tools and consumers that need the same credentials). */
  readonly auth: AuthProvider | 'none';
  /** Per-turn telemetry factory. Default: no telemetry. */
  readonly telemetry?: TurnTelemetryFactory;
  /** The session's tools. Default: an empty registry. */
  readonly tools?: ToolRegistry;
  /** The committed conversation. Default: the journal's history, else an empty history. */
  readonly history?: ConversationHistory;
  /**
   * Where commits are journaled before they enter the history. Default: no journal (a
   * journal without a log over `history`). The services close it.
   */
  readonly journal?: SessionJournal;
  /**
   * Open the WebSocket now, before any turn exists, so the first turn's first request goes out
   * without a handshake. Default `true`. A failed pre-connect is not an error.
   */
  readonly preconnect?: boolean;
  /** Options of every client turn the session opens (a sub-agent's lane and `x-openai-subagent` label). Default none. */
  readonly turnOptions?: TurnOptions;
  /**
   * Whether `close()` closes the client. Default `true`; `false` for a sub-agent session that
   * shares its parent's client (the parent closes it).
   */
  readonly ownsClient?: boolean;
}

/**
 * Everything that lives for the whole session, as explicit values: the `ModelClient` (with its
 * pre-opened WebSocket, connection pool and session-wide transport fallback decision), the auth
 * provider, the per-turn telemetry factory, the tool registry and the committed history.
 *
 * Per-turn values are never stored here: each turn builds its own `TurnContext` and
 * `ModelClientSession`.
 */
export class SessionServices implements AsyncDisposable {
  /** The session-scoped model client. */
  readonly client: ModelClient;
  /** The auth provider shared with the client. */
  readonly auth: AuthProvider | 'none';
  /** Creates each turn's telemetry handle. */
  readonly telemetry: TurnTelemetryFactory;
  /** The tools and their handlers. */
  readonly tools: ToolRegistry;
  /** The committed conversation. */
  readonly history: ConversationHistory;
  /** Journals every commit before it enters `history` (a no-op journal when the session has no store). */
  readonly journal: SessionJournal;
  /**
   * Settles when the pre-connect started at construction ended (never rejects; resolves at once
   * when pre-connect was disabled or the session uses HTTP).
   */
  readonly preconnected: Promise<void>;
  /** Options of every client turn the session opens. */
  readonly turnOptions: TurnOptions;
  readonly #ownsClient: boolean;
  #fallbackReported = false;
  #closed: Promise<void> | null = null;

  constructor(values: SessionServicesValues) {
    this.client = values.client;
    this.auth = values.auth;
    this.telemetry = values.telemetry ?? noopTurnTelemetry;
    this.tools = values.tools ?? new ToolRegistry();
    this.history = values.journal?.history ?? values.history ?? new ConversationHistory();
    this.journal = values.journal ?? new SessionJournal(this.history);
    this.turnOptions = values.turnOptions ?? {};
    this.#ownsClient = values.ownsClient ?? true;
    this.preconnected = values.preconnect === false ? Promise.resolve() : this.client.preconnect().catch(() => undefined);
  }

  /**
   * The reason of the session's switch to HTTP the first time it is asked after the switch
   * happened; `null` before the switch and on every later call. Makes the
   * `transport_fallback` session event fire exactly once per session, whichever layer switched
   * (the client on a 426 or exhausted request retries, or the turn loop).
   */
  takeFallbackReport(): { readonly reason: string; readonly remembered: boolean } | null {
    const reason = this.client.fallbackReason;
    if (reason === null || this.#fallbackReported) return null;
    this.#fallbackReported = true;
    return { reason, remembered: this.client.fallbackRemembered };
  }

  /** Closes the model client (socket, connection pool; unless shared: `ownsClient: false`) and the journal (file or connection). Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#ownsClient) await this.client.close();
      await this.preconnected;
      await this.journal.close();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
