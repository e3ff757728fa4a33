/**
 * Options of the loopback Responses server and the types of its scripted mode.
 */
import type { ProviderRules } from './provider-rules.js';
import type { SteeringOptions } from './steering.js';
import type { JsonObject, ResponsesRequestBody } from './request-body.js';

/** What a model (default or scripted) is asked to answer. */
export interface ModelRequest {
  readonly transport: 'http' | 'websocket';
  /** The request body as received (WebSocket: the `response.create` frame). */
  readonly body: ResponsesRequestBody;
  /**
   * The effective input: with `previous_response_id`, the cached response's input plus its
   * output items plus the new input; otherwise the request's input.
   */
  readonly input: readonly unknown[];
  /** Position of the request in `recording.requests`. */
  readonly requestIndex: number;
  readonly connectionId: number;
}

/**
 * One scripted response: the exact events to send, in order. Events without
 * `sequence_number` get their index. The `response.id` and `response.output` found in the
 * events' `response` objects become the cached response used by continuation.
 */
export interface ScriptedEvents {
  readonly events: readonly JsonObject[];
}

/**
 * How a {@link RecordedTranscript} is cut and paced on the wire. Every choice comes from
 * `random`, so a seeded generator replays the same timing.
 */
export interface TranscriptPacing {
  /** Numbers in [0, 1) that decide chunk sizes and pauses. Default `Math.random`. */
  readonly random?: () => number;
  /**
   * HTTP only: the SSE body is written in pieces of 1 to `maxChunkBytes` bytes, cut anywhere
   * (inside a line, a field name or a UTF-8 character). Default: one write per event.
   */
  readonly maxChunkBytes?: number;
  /**
   * Chance (0–1) of a pause before each write (HTTP) or frame (WebSocket): mostly the next
   * tick of the event loop, one in ten times 1–3 ms. Default 0: everything in one burst.
   */
  readonly pauseProbability?: number;
}

/**
 * One response replayed from a recording: each line is sent byte for byte, as the SSE `data`
 * of an event named after the line's JSON `type` (no `event:` field when the line has none),
 * or as one WebSocket text frame. Lines that are not JSON are sent as they are. Nothing is
 * added (no `codex.rate_limits` or `response.metadata` frames, no sequence numbers) and faults
 * do not apply; the HTTP response headers are the usual ones. The `response.id` and output
 * of the line's `response.completed` become the cached response used by continuation.
 */
export interface RecordedTranscript {
  /** The recorded lines, one event each, without line breaks. */
  readonly transcript: readonly string[];
  readonly pacing?: TranscriptPacing;
}

/** What the server answers one request with: events to send, or a recorded transcript. */
export type ScriptedResponse = ScriptedEvents | RecordedTranscript;

/** Decides the answer to a request; undefined falls back to the default model. */
export type ScriptedModel = (request: ModelRequest) => ScriptedResponse | undefined;

/** The rate-limit snapshot sent as headers (HTTP) and `codex.rate_limits` (WebSocket). */
export interface RateLimitSnapshot {
  /** Percent of the primary window used (0–100). Default 12.5. */
  readonly primaryUsedPercent: number;
  /** Length of the primary window in minutes. Default 300. */
  readonly primaryWindowMinutes: number;
  /** Reset of the primary window, seconds since the epoch. Default: start time + 1 hour. */
  readonly primaryResetAt: number;
  /** Percent of the secondary window used. Default 3. */
  readonly secondaryUsedPercent: number;
  /** Length of the secondary window in minutes. Default 10080 (a week). */
  readonly secondaryWindowMinutes: number;
  /** Reset of the secondary window, seconds since the epoch. Default: start time + 1 day. */
  readonly secondaryResetAt: number;
}

/** What an `upgradeHeaders` function is told about the handshake it answers. */
export interface UpgradeHandshake {
  /** The connection's id (as in `recording.connections`). */
  readonly connectionId: number;
  /** The handshake's request headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The in-band metadata event type of WebSocket mode (older servers: `response.metadata`; newer Codex backends: `codex.response.metadata`). */
export type MetadataEventType = 'response.metadata' | 'codex.response.metadata';

/** Options of {@link startResponsesServer}. Every field is optional. */
export interface ResponsesServerOptions {
  /**
   * `'default'` (the deterministic model) or a function giving scripted responses. Scripts
   * queued with `server.script.next()` take precedence over both. Default `'default'`.
   */
  readonly model?: 'default' | ScriptedModel;
  /** Model slug used when a request has no `model`, and in `openai-model`. Default `gpt-loopback`. */
  readonly modelName?: string;
  /** Delay in milliseconds before each delta event (token pacing). Default 0. */
  readonly tokenDelayMs?: number;
  /** Characters per text / arguments / summary delta. Default 4. */
  readonly deltaChars?: number;
  /** Exact length in characters of every plain answer of the default model. Default: natural. */
  readonly answerChars?: number;
  /**
   * Age in milliseconds after which a WebSocket answers `response.create` with
   * `websocket_connection_limit_reached` (then closes with 1000). Default 3,600,000 (60 min).
   */
  readonly connectionAgeLimitMs?: number;
  /** Delay in milliseconds before every WebSocket upgrade is answered. Default 0. */
  readonly handshakeDelayMs?: number;
  /** Named lanes (`stream_id`) a WebSocket may use before `websocket_stream_limit_reached`. Default 32. */
  readonly maxLanes?: number;
  /**
   * Responses one WebSocket serves at once, every lane together; more wait (in arrival order)
   * until one ends, as the API queues them. Default 16.
   */
  readonly maxInFlight?: number;
  /** Largest WebSocket frame accepted from clients, in bytes (`ws` maxPayload). Default 64 MiB. */
  readonly maxPayloadBytes?: number;
  /** Rate-limit snapshot to report. */
  readonly rateLimits?: Partial<RateLimitSnapshot>;
  /** `x-models-etag` response header. Default `"loopback-models-1"`. */
  readonly modelsEtag?: string;
  /**
   * Extra headers of every WebSocket upgrade (`101`) response, as given or per handshake, e.g.
   * `{ 'openai-model': 'gpt-5.1-codex', 'x-reasoning-included': 'true', 'x-codex-turn-state':
   * 'connection-token' }`. Default: none.
   */
  readonly upgradeHeaders?: Readonly<Record<string, string>> | ((handshake: UpgradeHandshake) => Readonly<Record<string, string>>);
  /** Type of the per-response metadata event on the WebSocket. Default `response.metadata`. */
  readonly metadataEvent?: MetadataEventType;
  /**
   * Whether `response.completed.output` carries reasoning items with a different
   * `encrypted_content` than their `response.output_item.done` (as the live API re-encrypts
   * reasoning between the two). Default `true`.
   */
  readonly reencryptReasoningOnCompletion?: boolean;
  /**
   * Behave like a given provider: path prefix, credential header, WebSocket mode or not, and
   * the request shapes it refuses (`LOOPBACK_PROVIDER_RULES` has one set per client preset).
   * Default `{}`: OpenAI's shapes, credentials not checked.
   */
  readonly providerRules?: ProviderRules;
  /**
   * Whether the server issues sticky-routing tokens (`x-codex-turn-state`) and checks that
   * every later request of a turn replays its token. `false` issues none and checks nothing
   * (scripted responses may then carry tokens of their own in `response.metadata` events).
   * Default `true`.
   */
  readonly issueTurnState?: boolean;
  /** Steering (`response.steer`) on the WebSocket: which models support it, how many steers a response may queue. */
  readonly steering?: SteeringOptions;
}

/** The options with defaults applied. */
export interface ResolvedOptions {
  readonly model: 'default' | ScriptedModel;
  readonly modelName: string;
  readonly tokenDelayMs: number;
  readonly deltaChars: number;
  readonly answerChars: number | undefined;
  readonly connectionAgeLimitMs: number;
  readonly handshakeDelayMs: number;
  readonly maxLanes: number;
  readonly maxInFlight: number;
  readonly maxPayloadBytes: number;
  readonly rateLimits: RateLimitSnapshot;
  readonly modelsEtag: string;
  readonly providerRules: ProviderRules;
  readonly issueTurnState: boolean;
  readonly upgradeHeaders: ((handshake: UpgradeHandshake) => Readonly<Record<string, string>>) | undefined;
  readonly metadataEvent: MetadataEventType;
  readonly reencryptReasoningOnCompletion: boolean;
}

export function resolveOptions(options: ResponsesServerOptions, now: number): ResolvedOptions {
  const seconds = Math.floor(now / 1000);
  return {
    model: options.model ?? 'default',
    modelName: options.modelName ?? 'gpt-loopback',
    tokenDelayMs: options.tokenDelayMs ?? 0,
    deltaChars: Math.max(1, options.deltaChars ?? 4),
    answerChars: options.answerChars,
    connectionAgeLimitMs: options.connectionAgeLimitMs ?? 60 * 60 * 1000,
    handshakeDelayMs: options.handshakeDelayMs ?? 0,
    maxLanes: options.maxLanes ?? 32,
    maxInFlight: options.maxInFlight ?? 16,
    maxPayloadBytes: options.maxPayloadBytes ?? 64 * 1024 * 1024,
    rateLimits: {
      primaryUsedPercent: 12.5,
      primaryWindowMinutes: 300,
      primaryResetAt: seconds + 3600,
      secondaryUsedPercent: 3,
      secondaryWindowMinutes: 10080,
      secondaryResetAt: seconds + 86400,
      ...options.rateLimits,
    },
    modelsEtag: options.modelsEtag ?? '"loopback-models-1"',
    providerRules: options.providerRules ?? {},
    issueTurnState: options.issueTurnState ?? true,
    upgradeHeaders: upgradeHeadersOf(options.upgradeHeaders),
    metadataEvent: options.metadataEvent ?? 'response.metadata',
    reencryptReasoningOnCompletion: options.reencryptReasoningOnCompletion ?? true,
  };
}

function upgradeHeadersOf(given: ResponsesServerOptions['upgradeHeaders']): ResolvedOptions['upgradeHeaders'] {
  if (given === undefined || typeof given === 'function') return given;
  const headers = { ...given };
  return () => headers;
}
