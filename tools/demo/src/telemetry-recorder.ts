// A ClientTelemetry that keeps what the summary needs, one record per request (`stream` call):
// transport, socket use, continuation decision, attempts and outcome. Used in every mode; in
// real-provider mode it is the only source of the per-request table.
import type {
  ClientTelemetry,
  ContinuationDecisionRecord,
  RequestAttemptRecord,
  TransportFallbackRecord,
  TransportKind,
  WebSocketConnectRecord,
} from '@modelwire/client';

/** What the client reported about one request. */
export interface RequestReport {
  /** 1-based turn number. */
  readonly turn: number;
  readonly endpoint: string;
  /** `performance.now()` at the request's start. */
  readonly startedAt: number;
  transport: TransportKind | null;
  connect: WebSocketConnectRecord | null;
  decision: ContinuationDecisionRecord | null;
  /** Attempts of the request phase (1 when the first one went through). */
  attempts: number;
  /** Attempts that were followed by a retry of the request phase. */
  retriedAttempts: number;
  /** Whether the request phase ended (the last attempt was not followed by a retry). */
  requestPhaseDone: boolean;
  outcome: 'completed' | 'failed' | 'aborted' | null;
  /** Stable code of the failure, when it failed. */
  errorCode: string | null;
}

/** Collects {@link RequestReport}s across the turns of a session. */
export class TelemetryRecorder {
  readonly requests: RequestReport[] = [];
  readonly fallbacks: TransportFallbackRecord[] = [];
  /** Re-streams by the turn loop (stream-phase retries). */
  streamRetries = 0;
  /** Called when the session switches to HTTP (to show it as it happens, before the retries that follow). */
  onFallback: ((record: TransportFallbackRecord) => void) | null = null;
  /** Called when the client retries a request before its first event (to show it as it happens). */
  onRequestRetry: ((code: string, record: RequestAttemptRecord) => void) | null = null;
  #turns = new Map<string, number>();

  /** The 1-based number of the turn with this id, once it reported anything; undefined before. */
  turnNumber(turnId: string): number | undefined {
    return this.#turns.get(turnId);
  }

  /**
   * Marks the last request as failed in its stream phase (the session's `retrying` event; the
   * turn loop reports stream retries there rather than to the client telemetry).
   */
  markStreamFailure(code: string): void {
    const request = this.requests.at(-1);
    if (request === undefined) return;
    request.outcome = 'failed';
    request.errorCode = code;
  }

  /** The handle for one turn (the session's telemetry factory). */
  forTurn(turnId: string): ClientTelemetry {
    let turn = this.#turns.get(turnId);
    if (turn === undefined) {
      turn = this.#turns.size + 1;
      this.#turns.set(turnId, turn);
    }
    const turnNumber = turn;
    // A request's reports arrive as connect → continuation decision → attempt(s); a row is open
    // until its request phase ended (an attempt without a retry). `onRequestStart`, when the
    // client makes it, opens the row explicitly.
    // Turns may run at the same time (sub-agents on their lanes): a report belongs to the last
    // row of its own turn, not to the last row of the session.
    const lastOfTurn = (): RequestReport | undefined => this.requests.findLast((request) => request.turn === turnNumber);
    const open = (endpoint = 'responses'): RequestReport => {
      const last = lastOfTurn();
      if (last !== undefined && !last.requestPhaseDone) return last;
      const row: RequestReport = { turn: turnNumber, endpoint, startedAt: performance.now(), transport: null, connect: null, decision: null, attempts: 0, retriedAttempts: 0, requestPhaseDone: false, outcome: null, errorCode: null };
      this.requests.push(row);
      return row;
    };
    return {
      onRequestStart: (record) => {
        open(record.endpoint);
      },
      onWebSocketConnect: (record) => {
        const request = open();
        if (request.connect === null || !request.connect.reused) request.connect = record;
      },
      onContinuationDecision: (record) => {
        open().decision = record;
      },
      onRequestAttempt: (record: RequestAttemptRecord) => {
        const request = open(record.endpoint);
        request.transport = record.transport;
        request.attempts += 1;
        if (record.willRetry) {
          request.retriedAttempts += 1;
          this.onRequestRetry?.(codeOf(record.error) ?? (record.status === null ? 'failed' : `HTTP ${record.status}`), record);
          return;
        }
        request.requestPhaseDone = true;
        request.outcome = record.error === null ? 'completed' : 'failed';
        request.errorCode = codeOf(record.error);
      },
      onRequestEnd: (record) => {
        const request = lastOfTurn();
        if (request === undefined) return;
        request.outcome = record.outcome;
        request.errorCode = codeOf(record.error);
      },
      onStreamRetry: (record) => {
        this.streamRetries += 1;
        // The request whose stream failed is the last one of this turn.
        const request = lastOfTurn();
        if (request !== undefined && request.outcome === 'completed') {
          request.outcome = 'failed';
          request.errorCode = codeOf(record.error);
        }
      },
      onTransportFallback: (record) => {
        this.fallbacks.push(record);
        this.onFallback?.(record);
      },
      onStreamEvent: () => {},
      onTokenUsage: () => {},
    };
  }
}

/** The most specific code of an error: the provider's (`serverCode`) when it sent one, else the stable one. */
function codeOf(error: Error | null): string | null {
  if (error === null) return null;
  const serverCode = (error as { serverCode?: unknown }).serverCode;
  if (typeof serverCode === 'string' && serverCode !== '') return serverCode;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
