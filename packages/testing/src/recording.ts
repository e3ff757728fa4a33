/**
 * What the loopback server saw and sent, for assertions and benchmarks. Arrays grow live while
 * the server runs; `reset()` empties them between test cases.
 */
import type { Endpoint } from './faults.js';

/** One WebSocket upgrade request, accepted or refused. */
export interface RecordedHandshake {
  readonly connectionId: number;
  /** Request headers as node:http exposes them (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** `Date.now()` when the upgrade request arrived. */
  readonly receivedAt: number;
  /** 101 when accepted, otherwise the refusal status. */
  readonly status: number;
}

/** One request: an HTTP POST or a WebSocket `response.create` frame. */
export interface RecordedRequest {
  /** Position in `recording.requests`. */
  readonly index: number;
  readonly transport: 'http' | 'websocket';
  readonly endpoint: Endpoint;
  /** HTTP: one id per TCP connection; WebSocket: the socket's id (shared id space). */
  readonly connectionId: number;
  /** HTTP request headers; for WebSocket, the handshake headers of the socket. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body (undefined when it was not valid JSON). */
  readonly body: unknown;
  /** Bytes on the wire (the compressed size when `Content-Encoding` was used). */
  readonly wireBytes: number;
  /** Bytes after decompression (equal to `wireBytes` without compression). */
  readonly decodedBytes: number;
  /** `Content-Encoding` of an HTTP body, e.g. `zstd`; undefined otherwise. */
  readonly contentEncoding: string | undefined;
  /** `Date.now()` when the request was received. */
  readonly receivedAt: number;
  /** WebSocket lane (`stream_id`, `default` when absent); undefined for HTTP. */
  readonly lane: string | undefined;
  /** The id of the response produced, once known. */
  responseId: string | undefined;
}

/** One thing sent in answer to a request. */
export interface RecordedEvent {
  readonly requestIndex: number;
  readonly connectionId: number;
  readonly transport: 'http' | 'websocket';
  /** The event object, or for injected raw data the string / byte length sent. */
  readonly event: Record<string, unknown> | { readonly raw: string } | { readonly binaryBytes: number };
  /** `Date.now()` when it was written. */
  readonly sentAt: number;
}

/** A breach of the sticky-routing contract (`x-codex-turn-state`). */
export interface StickyViolation {
  /**
   * `missing`: a later request of a turn came without the token; `wrong`: it came with a
   * different token; `replayed`: the first request of a new turn carried an earlier turn's
   * token.
   */
  readonly kind: 'missing' | 'wrong' | 'replayed';
  readonly turnId: string;
  readonly requestIndex: number;
  readonly transport: 'http' | 'websocket';
  /** The token the turn was issued, if any. */
  readonly expected: string | undefined;
  /** The token the request carried, if any. */
  readonly received: string | undefined;
}

/** Lifetime of a connection (HTTP TCP connection or WebSocket). */
export interface RecordedConnection {
  readonly id: number;
  readonly transport: 'http' | 'websocket';
  readonly openedAt: number;
  closedAt: number | undefined;
  /** WebSocket close code received or sent; undefined for HTTP or when still open. */
  closeCode: number | undefined;
}

/** Running totals. */
export interface RecordingCounters {
  /** Upgrade requests, accepted or refused. */
  handshakes: number;
  /** Requests per transport. */
  readonly requests: { http: number; websocket: number };
  /** Request body bytes received on the wire (HTTP bodies and WebSocket frames). */
  bytesReceived: number;
  /** Event bytes sent (SSE blocks and WebSocket frames). */
  bytesSent: number;
}

/** Everything the server recorded. */
export class Recording {
  readonly handshakes: RecordedHandshake[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly events: RecordedEvent[] = [];
  readonly stickyViolations: StickyViolation[] = [];
  readonly connections: RecordedConnection[] = [];
  readonly counters: RecordingCounters = {
    handshakes: 0,
    requests: { http: 0, websocket: 0 },
    bytesReceived: 0,
    bytesSent: 0,
  };

  /** Events sent for one request, in order (object events only). */
  eventsFor(requestIndex: number): Record<string, unknown>[] {
    const result: Record<string, unknown>[] = [];
    for (const entry of this.events) {
      if (entry.requestIndex === requestIndex && 'type' in entry.event) result.push(entry.event);
    }
    return result;
  }

  /** Connections currently open. */
  get openConnections(): number {
    return this.connections.filter((connection) => connection.closedAt === undefined).length;
  }

  /** Empties every list and zeroes the counters (open connections are kept). */
  reset(): void {
    this.handshakes.length = 0;
    this.requests.length = 0;
    this.events.length = 0;
    this.stickyViolations.length = 0;
    const open = this.connections.filter((connection) => connection.closedAt === undefined);
    this.connections.length = 0;
    this.connections.push(...open);
    this.counters.handshakes = 0;
    this.counters.requests.http = 0;
    this.counters.requests.websocket = 0;
    this.counters.bytesReceived = 0;
    this.counters.bytesSent = 0;
  }

  /** @internal */
  addRequest(request: Omit<RecordedRequest, 'index' | 'responseId'>): RecordedRequest {
    const recorded: RecordedRequest = { ...request, index: this.requests.length, responseId: undefined };
    this.requests.push(recorded);
    this.counters.requests[request.transport] += 1;
    this.counters.bytesReceived += request.wireBytes;
    return recorded;
  }

  /** @internal */
  addEvent(event: RecordedEvent, bytes: number): void {
    this.events.push(event);
    this.counters.bytesSent += bytes;
  }
}
