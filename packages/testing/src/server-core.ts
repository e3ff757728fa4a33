/**
 * State shared by the HTTP routes and the WebSocket sessions of one server: options, the
 * recording, faults, scripts, sticky routing, id generation and the response planner.
 */
import { endsWithCompactionTrigger, planCompactionResponse } from './compaction.js';
import { decideDefaultOutput } from './default-model.js';
import type { CompactionResultKind, Fault, FaultController, FaultTarget } from './faults.js';
import type { Recording } from './recording.js';
import type { JsonObject } from './request-body.js';
import type { SteeringScript } from './steering.js';
import { planModelResponse, planScriptedResponse, planTranscript, type ResponsePlan } from './response-plan.js';
import type { ModelRequest, ResolvedOptions, ScriptedResponse } from './server-options.js';
import type { StickyRouting } from './sticky-routing.js';
import type { Timers } from './timers.js';

/** A response remembered for continuation. */
export interface CachedResponse {
  readonly responseId: string;
  /** The full effective input of that response. */
  readonly input: readonly unknown[];
  readonly output: readonly JsonObject[];
}

/** Queue of scripted responses, taken one per request before the model runs. */
export class ScriptQueue {
  readonly #queue: ScriptedResponse[] = [];
  /** Queues the events to send for the next model request (FIFO). */
  next(response: ScriptedResponse): void {
    this.#queue.push(response);
  }
  /** Scripts not yet used. */
  get pending(): number {
    return this.#queue.length;
  }
  clear(): void {
    this.#queue.length = 0;
  }
  /** @internal */
  take(): ScriptedResponse | undefined {
    return this.#queue.shift();
  }
}

export class ServerCore {
  readonly options: ResolvedOptions;
  readonly recording: Recording;
  readonly faults: FaultController;
  readonly script: ScriptQueue;
  readonly sticky: StickyRouting;
  readonly timers: Timers;
  /** Steering: model support, limits and the test script. */
  readonly steering: SteeringScript;
  /** Responses stored server-wide by HTTP requests with `store: true`. */
  readonly storedResponses = new Map<string, CachedResponse>();
  /** A bearer token refused with 401 until a request carries a different one. */
  rejectedToken: string | undefined;
  /** Whether a token rejection is armed but its token not yet known. */
  rejectNextToken = false;
  #nextId = 1;
  #nextConnectionId = 1;

  constructor(parts: {
    options: ResolvedOptions;
    recording: Recording;
    faults: FaultController;
    script: ScriptQueue;
    sticky: StickyRouting;
    timers: Timers;
    steering: SteeringScript;
  }) {
    this.options = parts.options;
    this.recording = parts.recording;
    this.faults = parts.faults;
    this.script = parts.script;
    this.sticky = parts.sticky;
    this.timers = parts.timers;
    this.steering = parts.steering;
  }

  newId(prefix: string): string {
    const id = `${prefix}_${(this.#nextId++).toString(16).padStart(8, '0')}${Date.now().toString(16)}`;
    return id;
  }

  newConnectionId(): number {
    return this.#nextConnectionId++;
  }

  /**
   * Takes the fault for a handshake or request and handles the token rejection state.
   * Returns `unauthorized` when the request must be answered with 401.
   */
  takeFault(target: FaultTarget, token: string | undefined): Fault | 'unauthorized' | undefined {
    const fault = this.faults.take(target);
    if (fault?.kind === 'unauthorized-until-token-changes') {
      this.rejectedToken = fault.token ?? token;
      if (this.rejectedToken === undefined) this.rejectNextToken = true;
    }
    if (this.rejectNextToken && token !== undefined) {
      this.rejectNextToken = false;
      this.rejectedToken = token;
    }
    if (this.rejectedToken !== undefined) {
      if (token === this.rejectedToken) return 'unauthorized';
      this.rejectedToken = undefined;
    }
    return fault?.kind === 'unauthorized-until-token-changes' ? undefined : fault;
  }

  /**
   * Plans the response to a request (script queue, then scripted model, then the default
   * model, which compacts when the effective input ends with `compaction_trigger`). `broken`
   * is a `compaction-result` fault's kind, applied to a compaction.
   */
  plan(request: ModelRequest, cachedBytes: number, broken?: CompactionResultKind): ResponsePlan {
    const responseId = this.newId('resp');
    const scripted =
      this.script.take() ?? (this.options.model === 'default' ? undefined : this.options.model(request));
    if (scripted) return 'transcript' in scripted ? planTranscript(scripted, responseId) : planScriptedResponse(scripted.events, responseId);
    const body = request.body;
    const contextBytes = Buffer.byteLength(
      JSON.stringify([body.instructions ?? '', body.tools ?? [], request.input]),
    );
    if (endsWithCompactionTrigger(request.input)) {
      return planCompactionResponse({
        responseId,
        model: body.model ?? this.options.modelName,
        input: request.input,
        contextBytes,
        cachedBytes,
        createdAt: Math.floor(Date.now() / 1000),
        newId: (prefix) => this.newId(prefix),
        broken,
      });
    }
    return planModelResponse({
      responseId,
      model: body.model ?? this.options.modelName,
      outputs: decideDefaultOutput(body, request.input, { answerChars: this.options.answerChars }),
      deltaChars: this.options.deltaChars,
      contextBytes,
      cachedBytes,
      createdAt: Math.floor(Date.now() / 1000),
      reencryptReasoning: this.options.reencryptReasoningOnCompletion,
    });
  }

  /** Plans a `generate: false` warm-up: created and completed, no output. */
  planWarmUp(model: string | undefined): ResponsePlan {
    const responseId = this.newId('resp');
    return planModelResponse({
      responseId,
      model: model ?? this.options.modelName,
      outputs: [],
      deltaChars: this.options.deltaChars,
      contextBytes: 0,
      cachedBytes: 0,
      createdAt: Math.floor(Date.now() / 1000),
    });
  }

  /** Rate-limit response headers (`x-codex-primary-*`, `x-codex-secondary-*`). */
  rateLimitHeaders(): Record<string, string> {
    const limits = this.options.rateLimits;
    return {
      'x-codex-primary-used-percent': String(limits.primaryUsedPercent),
      'x-codex-primary-window-minutes': String(limits.primaryWindowMinutes),
      'x-codex-primary-reset-at': String(limits.primaryResetAt),
      'x-codex-secondary-used-percent': String(limits.secondaryUsedPercent),
      'x-codex-secondary-window-minutes': String(limits.secondaryWindowMinutes),
      'x-codex-secondary-reset-at': String(limits.secondaryResetAt),
    };
  }

  /** The `codex.rate_limits` WebSocket event. */
  rateLimitEvent(): JsonObject {
    const limits = this.options.rateLimits;
    return {
      type: 'codex.rate_limits',
      rate_limits: {
        primary: {
          used_percent: limits.primaryUsedPercent,
          window_minutes: limits.primaryWindowMinutes,
          reset_at: limits.primaryResetAt,
        },
        secondary: {
          used_percent: limits.secondaryUsedPercent,
          window_minutes: limits.secondaryWindowMinutes,
          reset_at: limits.secondaryResetAt,
        },
      },
    };
  }
}

/** The effective input of a continuation: cached input + cached output + new input. */
export function continuedInput(cached: CachedResponse | undefined, input: readonly unknown[]): unknown[] {
  return cached ? [...cached.input, ...cached.output, ...input] : [...input];
}

/** Bytes of a cached context, for `cached_tokens`. */
export function cachedContextBytes(cached: CachedResponse | undefined): number {
  return cached ? Buffer.byteLength(JSON.stringify([...cached.input, ...cached.output])) : 0;
}
