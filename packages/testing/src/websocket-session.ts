/**
 * One WebSocket connection in "WebSocket mode": `response.create` frames in, event frames out,
 * the connection age limit, and the request faults that act on frames. Lanes as the API runs
 * them: one response at a time per lane (FIFO), lanes concurrently (their frames interleave
 * on the socket), at most `maxInFlight` responses served at once (more wait their turn, in
 * the order they arrived), at most `maxLanes` named lanes per connection
 * (`websocket_stream_limit_reached`), every event of a response echoing its `stream_id`, and
 * lineage by `previous_response_id` across lanes: each lane keeps its latest response, and a
 * request on any lane may continue (fork from) the latest response of any lane.
 */
import type { RawData, WebSocket } from 'ws';
import { buildErrorEvent, codeForStatus, type ErrorEventSpec } from './error-payloads.js';
import type { Fault, LateTiming, NoiseKind } from './faults.js';
import { refuseRequestByRules } from './provider-rules.js';
import type { RecordedEvent, RecordedRequest } from './recording.js';
import { headerValue, isRecord, type JsonObject, type ResponsesRequestBody } from './request-body.js';
import { validateResponsesRequest } from './request-validation.js';
import { actionsFor, isCompleted, isTerminal, noiseEvent, type ResponseAction } from './response-actions.js';
import type { ResponsePlan } from './response-plan.js';
import { requiredInputOf, SteerableResponse, steerAccepted, steerFailed, steerInputItems, steerPending, steerProblem, newSteerId, type QueuedSteer } from './steering.js';
import { cachedContextBytes, continuedInput, type CachedResponse, type ServerCore } from './server-core.js';
import { parseLine, TranscriptClock } from './transcript-replay.js';

const DEFAULT_LANE = 'default';
/** A valid `stream_id`. */
const LANE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
/** Responses a connection remembers for steering. */
const MAX_STEERABLES = 64;

export class WebSocketSession {
  readonly connectionId: number;
  readonly #core: ServerCore;
  readonly #socket: WebSocket;
  readonly #headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly #openedAt = Date.now();
  readonly #timing: boolean;
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #cache = new Map<string, CachedResponse>();
  /** Responses being served now (every lane). */
  #serving = 0;
  /** Requests waiting for a place among the `maxInFlight` served at once, in arrival order. */
  readonly #waiting: (() => void)[] = [];
  readonly #closed: Promise<void>;
  #halfOpen: boolean;
  /** Late frames waiting for the next `response.created` on this socket (`'after-next-created'`). */
  #pendingLate: { readonly recorded: RecordedRequest; readonly events: readonly JsonObject[] }[] = [];
  /** Responses of this connection that steers may name, by id (the newest {@link MAX_STEERABLES}). */
  readonly #steerables = new Map<string, SteerableResponse>();
  /** Steers pending on a completed response, waiting for its explicit continuation. */
  readonly #pendingSteers = new Map<string, QueuedSteer[]>();

  constructor(
    core: ServerCore,
    socket: WebSocket,
    connectionId: number,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    halfOpen: boolean,
  ) {
    this.#core = core;
    this.#socket = socket;
    this.connectionId = connectionId;
    this.#headers = headers;
    this.#halfOpen = halfOpen;
    this.#timing = headerValue(headers, 'x-responsesapi-include-timing-metrics')?.toLowerCase() === 'true';
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('ping', (data: Buffer) => {
      if (!this.#halfOpen) socket.pong(data);
    });
    socket.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    socket.on('error', () => undefined);
  }

  /** Whether the socket was made half-open by a fault. */
  get halfOpen(): boolean {
    return this.#halfOpen;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.#halfOpen) return;
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(buffer.toString('utf8'));
    } catch {
      frame = undefined;
    }
    const lane = isRecord(frame) && typeof frame['stream_id'] === 'string' ? frame['stream_id'] : DEFAULT_LANE;
    const recorded = this.#core.recording.addRequest({
      transport: 'websocket',
      endpoint: 'responses',
      connectionId: this.connectionId,
      headers: this.#headers,
      body: frame,
      wireBytes: buffer.length,
      decodedBytes: buffer.length,
      contentEncoding: undefined,
      receivedAt: Date.now(),
      lane,
    });
    // Refusals echo a valid `stream_id`, as every event of the request's lane does.
    const echo = isRecord(frame) && typeof frame['stream_id'] === 'string' && LANE_NAME.test(frame['stream_id']) ? ({ stream_id: frame['stream_id'] } as ResponsesRequestBody) : undefined;
    if (isBinary) return void this.#sendError(recorded, { code: 'invalid_request', message: 'Binary frames are not supported.' });
    if (frame === undefined) return void this.#sendError(recorded, { code: 'invalid_json', message: 'The frame is not valid JSON.' });
    if (isRecord(frame) && frame['type'] === 'response.steer') return this.#onSteer(frame, recorded);
    if (!isRecord(frame) || frame['type'] !== 'response.create') {
      const type = isRecord(frame) ? String(frame['type']) : typeof frame;
      return void this.#sendError(recorded, { code: 'unknown_event_type', message: `Unsupported client event ${type}.` });
    }
    const validated = validateResponsesRequest(frame, 'websocket');
    if (!validated.ok) {
      const { status, error } = validated.rejection;
      return void this.#sendError(recorded, { code: error.code ?? 'invalid_request', message: error.message, param: error.param, status, type: error.type }, echo);
    }
    const body = validated.body;
    const refusal = refuseRequestByRules(this.#core.options.providerRules, 'websocket', undefined, this.#headers, body);
    if (refusal !== undefined) return void this.#sendError(recorded, refusal, body);
    const fault = this.#core.takeFault(
      { phase: 'request', transport: 'websocket', endpoint: 'responses', connectionId: this.connectionId, requestIndex: recorded.index, body },
      headerValue(this.#headers, 'authorization')?.replace(/^Bearer\s+/i, ''),
    );
    if (fault === 'unauthorized') return void this.#sendError(recorded, { code: 'invalid_api_key', status: 401 }, body);
    // Tables key named lanes by `#` + name, so that a lane named `default` is not the default lane.
    const key = body.stream_id === undefined ? '' : `#${body.stream_id}`;
    if (!this.#lanes.has(key) && key !== '' && this.#namedLanes() >= this.#core.options.maxLanes) {
      return void this.#sendError(recorded, { code: 'websocket_stream_limit_reached' }, body);
    }
    const previous = this.#lanes.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#inTurn(() => this.#serve(body, recorded, fault, key))).catch(() => undefined);
    this.#lanes.set(key, next);
  }

  /** Runs `serve` once fewer than `maxInFlight` responses are being served on this connection. */
  async #inTurn(serve: () => Promise<void>): Promise<void> {
    if (this.#serving >= this.#core.options.maxInFlight) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#serving += 1;
    try {
      await serve();
    } finally {
      this.#serving -= 1;
      this.#waiting.shift()?.();
    }
  }

  /** The latest response of any lane with id `responseId` (lineage crosses lanes). */
  #cachedById(responseId: string): CachedResponse | undefined {
    for (const cached of this.#cache.values()) if (cached.responseId === responseId) return cached;
    return undefined;
  }

  #namedLanes(): number {
    let count = 0;
    for (const key of this.#lanes.keys()) if (key !== '') count += 1;
    return count;
  }

  #open(): boolean {
    return this.#socket.readyState === this.#socket.OPEN && !this.#halfOpen;
  }

  /**
   * Sends one frame and records it as `recordedAs`; resolves once it is written, or at once
   * with `wait: false` (the next frame then goes out in the same burst).
   */
  async #sendFrame(recorded: RecordedRequest, text: string, recordedAs: RecordedEvent['event'], binary = false, wait = true): Promise<void> {
    if (!this.#open()) return;
    this.#core.recording.addEvent(
      { requestIndex: recorded.index, connectionId: this.connectionId, transport: 'websocket', event: recordedAs, sentAt: Date.now() },
      Buffer.byteLength(text),
    );
    const data = binary ? Buffer.from(text) : text;
    if (!wait) {
      this.#socket.send(data, { binary });
      return;
    }
    await new Promise<void>((resolve) => this.#socket.send(data, { binary }, () => resolve()));
  }

  #send(recorded: RecordedRequest, event: JsonObject, wait = true): Promise<void> {
    return this.#sendFrame(recorded, JSON.stringify(event), event, false, wait);
  }

  /** Sends frames of a response that already ended, at `at` (see `LateTiming`), without holding up the lane. */
  #sendLate(recorded: RecordedRequest, events: readonly JsonObject[], at: LateTiming): void {
    if (at === 'burst') {
      for (const event of events) void this.#send(recorded, event, false);
      return;
    }
    if (at === 'after-next-created') {
      this.#pendingLate.push({ recorded, events });
      return;
    }
    void (async () => {
      if (!(await this.#core.timers.sleep(at))) return;
      for (const event of events) await this.#send(recorded, event);
    })();
  }

  /** Pushes `frames` unsolicited frames of `frameBytes` bytes once the socket sat idle for `afterMs`, until it closes. */
  async #flood(recorded: RecordedRequest, frames: number, frameBytes: number, afterMs: number): Promise<void> {
    if (!(await this.#core.timers.sleep(afterMs))) return;
    const head = '{"type":"response.output_text.delta","item_id":"msg_flood","output_index":0,"content_index":0,"delta":"';
    const tail = '"}';
    const text = head + 'x'.repeat(Math.max(0, frameBytes - head.length - tail.length)) + tail;
    for (let index = 0; index < frames && this.#open(); index += 1) await this.#sendFrame(recorded, text, { flood: index, bytes: text.length });
  }

  #withLane(event: JsonObject, body: ResponsesRequestBody | undefined): JsonObject {
    return body?.stream_id === undefined ? event : { ...event, stream_id: body.stream_id };
  }

  #sendError(recorded: RecordedRequest, spec: ErrorEventSpec, body?: ResponsesRequestBody): Promise<void> {
    return this.#send(recorded, this.#withLane(buildErrorEvent(spec, true), body));
  }

  async #serve(body: ResponsesRequestBody, recorded: RecordedRequest, fault: Fault | undefined, lane: string): Promise<void> {
    const core = this.#core;
    if (!this.#open()) return;
    if (Date.now() - this.#openedAt >= core.options.connectionAgeLimitMs) {
      await this.#sendError(recorded, { code: 'websocket_connection_limit_reached' }, body);
      this.#socket.close(1000, 'connection age limit reached');
      return;
    }
    if (fault?.kind === 'http-status') {
      return this.#sendError(recorded, { code: codeForStatus(fault.status), status: fault.status }, body);
    }
    const previousId = body.previous_response_id;
    const cached = previousId === undefined ? undefined : this.#cachedById(previousId);
    if (previousId !== undefined && cached === undefined) {
      return this.#sendError(
        recorded,
        { code: 'previous_response_not_found', message: `Previous response with id '${previousId}' not found.` },
        body,
      );
    }
    const base = previousId === undefined ? undefined : cached;
    const metadata = body.client_metadata ?? {};
    const turnState = core.sticky.observe(
      { turnMetadata: metadata['x-codex-turn-metadata'], turnState: metadata['x-codex-turn-state'] },
      recorded.index,
      'websocket',
    );
    // Steers pending on the continued response are prepended, in submission order.
    const pendingSteers = previousId === undefined ? undefined : this.#pendingSteers.get(previousId);
    if (previousId !== undefined) this.#pendingSteers.delete(previousId);
    const steered = pendingSteers?.flatMap((steer) => steerInputItems(steer.input)) ?? [];
    const input = continuedInput(base, [...steered, ...(body.input ?? [])]);
    const warmUp = body.generate === false;
    const plan = warmUp
      ? core.planWarmUp(body.model)
      : core.plan(
          { transport: 'websocket', body, input, requestIndex: recorded.index, connectionId: this.connectionId },
          cachedContextBytes(base),
          fault?.kind === 'compaction-result' ? fault.result : undefined,
        );
    recorded.responseId = plan.responseId;
    if (plan.transcript !== undefined) {
      // A recording, frame for frame: nothing added, nothing changed.
      const clock = new TranscriptClock(plan.transcript.pacing, core.timers);
      for (const line of plan.transcript.transcript) {
        if (!(await clock.pause()) || !this.#open()) return;
        const event = parseLine(line);
        // Without a pause the frames go out in one burst (`ws` keeps their order).
        await this.#sendFrame(recorded, line, event ?? { raw: line }, false, false);
        if (event !== undefined && isCompleted(event)) this.#cache.set(lane, { responseId: plan.responseId, input, output: plan.output });
      }
      return;
    }
    const receivedAt = Date.now();
    await this.#send(recorded, this.#withLane(core.rateLimitEvent(), body));
    const headers: Record<string, string> = { 'x-request-id': core.newId('req'), 'openai-model': body.model ?? core.options.modelName };
    if (turnState !== undefined) headers['x-codex-turn-state'] = turnState;
    await this.#send(recorded, this.#withLane({ type: core.options.metadataEvent, headers }, body));
    let current = { plan, input, actions: actionsFor(plan, fault, true) };
    for (;;) {
      const successor = await this.#play(recorded, body, lane, current.plan, current.input, current.actions, receivedAt, warmUp, turnState);
      if (successor === undefined) return;
      // The automatic successor of a steered response: the same settings, the queued input.
      const next = core.plan({ transport: 'websocket', body, input: successor, requestIndex: recorded.index, connectionId: this.connectionId }, 0);
      current = { plan: next, input: successor, actions: actionsFor(next, undefined, true) };
    }
  }

  /**
   * Sends one planned response. Returns the input of its automatic successor when steering
   * input is to be committed to one (see `./steering.ts`), `undefined` otherwise.
   */
  async #play(
    recorded: RecordedRequest,
    body: ResponsesRequestBody,
    lane: string,
    plan: ResponsePlan,
    input: readonly unknown[],
    actions: readonly ResponseAction[],
    receivedAt: number,
    warmUp: boolean,
    turnState: string | undefined,
  ): Promise<unknown[] | undefined> {
    const core = this.#core;
    let steerable: SteerableResponse | undefined;
    /** Items finished so far (`response.output_item.done`). */
    const done: JsonObject[] = [];
    for (const action of actions) {
      if (!this.#open()) return undefined;
      switch (action.type) {
        case 'event': {
          if (action.paced && !(await core.timers.sleep(core.options.tokenDelayMs))) return undefined;
          const type = String(action.event['type']);
          if (this.#timing && TERMINAL.has(type)) {
            const elapsed = Date.now() - receivedAt;
            const timing = { type: 'responsesapi.websocket_timing', timing: { duration_ms: elapsed, engine_service_total_ms: elapsed, engine_service_ttft_total_ms: 0 } };
            await this.#send(recorded, this.#withLane(timing, body));
          }
          if (steerable !== undefined && type === 'response.completed') {
            if (steerable.hold === 'before-completed') await steerable.waitForSteer(this.#closed);
            // From here a steer is too late for this response.
            steerable.status = 'completed';
          } else if (steerable !== undefined && TERMINAL.has(type)) {
            steerable.status = 'ended';
          }
          steerable?.noteSequence(action.event['sequence_number']);
          await this.#send(recorded, this.#withLane(action.event, body), action.burst !== true);
          if (isTerminal(action.event) && this.#open()) core.sticky.delivered(turnState);
          if (isCompleted(action.event)) {
            const completed = { responseId: plan.responseId, input: [...input], output: plan.output };
            this.#cache.set(lane, completed);
            // Stored as over HTTP (`store` defaults to true): an HTTP request can continue it.
            if (!warmUp && body['store'] !== false) core.storedResponses.set(plan.responseId, completed);
          }
          if (type === 'response.created') {
            if (this.#pendingLate.length > 0) {
              const pending = this.#pendingLate;
              this.#pendingLate = [];
              for (const late of pending) for (const event of late.events) void this.#send(late.recorded, event, false);
            }
            if (!warmUp) steerable = this.#steerable(plan.responseId, body);
            if (steerable?.hold === 'after-created') await steerable.waitForSteer(this.#closed);
          }
          if (steerable === undefined) break;
          if (type === 'response.output_text.delta' && !steerable.streamedText) {
            steerable.streamedText = true;
            if (core.steering.takeTextDeltaHold()) await steerable.waitForSteer(this.#closed);
          }
          if (type === 'response.output_item.done' && isRecord(action.event['item'])) {
            done.push(action.event['item']);
            if (steerable.hold === 'after-first-item' && done.length === 1) await steerable.waitForSteer(this.#closed);
            // A safe boundary: steered input ends the response here, unless it waits for
            // client-owned tool output (it then completes and the input stays pending).
            if (steerable.queued.length > 0 && requiredInputOf(done).length === 0) return this.#endSteered(recorded, body, steerable, plan, input, done);
          }
          if (type === 'response.completed') {
            if (steerable.hold === 'after-completed') await steerable.waitForSteer(this.#closed);
            if (steerable.queued.length > 0) return this.#afterCompleted(recorded, steerable, input, plan.output);
          }
          break;
        }
        case 'late':
          this.#sendLate(recorded, action.events.map((event) => this.#withLane(event, body)), action.at);
          break;
        case 'flood':
          await this.#flood(recorded, action.frames, action.frameBytes, action.afterMs);
          return undefined;
        case 'raw':
          await this.#sendFrame(recorded, action.data, { raw: action.data.length > 256 ? `${action.data.slice(0, 256)}…` : action.data });
          break;
        case 'binary': {
          const text = JSON.stringify(this.#withLane(action.event, body));
          await this.#sendFrame(recorded, text, { binaryBytes: Buffer.byteLength(text) }, true);
          break;
        }
        case 'close':
          if (action.code === undefined) this.#socket.terminate();
          else this.#socket.close(action.code, action.reason);
          return undefined;
        case 'stall':
          await this.#closed;
          return undefined;
        case 'end':
          return undefined;
        case 'half-open':
          this.#halfOpen = true;
          return undefined;
        case 'noise':
          if (!(await this.#noise(recorded, action, body))) return undefined;
          break;
      }
    }
    if (steerable !== undefined && steerable.status === 'active') steerable.status = 'ended';
    return undefined;
  }

  // --- Steering ----------------------------------------------------------------------------

  /** Registers a response that started, for the steers that name it. */
  #steerable(responseId: string, body: ResponsesRequestBody): SteerableResponse {
    const response = new SteerableResponse(responseId, body.model ?? this.#core.options.modelName, body.stream_id, this.#core.steering.takeHold());
    // An earlier response of the lane is no longer active once a new one started.
    for (const other of this.#steerables.values()) if (other.streamId === body.stream_id && other.status === 'active') other.status = 'ended';
    this.#steerables.set(responseId, response);
    if (this.#steerables.size > MAX_STEERABLES) for (const oldest of this.#steerables.keys()) {
      this.#steerables.delete(oldest);
      break;
    }
    return response;
  }

  /** A `response.steer` frame: refused (`response.steer.failed`) or queued on its response (`response.steer.accepted`). */
  #onSteer(frame: JsonObject, recorded: RecordedRequest): void {
    const script = this.#core.steering;
    const target = typeof frame['previous_response_id'] === 'string' ? this.#steerables.get(frame['previous_response_id']) : undefined;
    const handBack = { previousResponseId: frame['previous_response_id'], input: frame['input'] };
    const fail = (code: string, message: string): void => {
      void this.#send(recorded, steerFailed(code, message, handBack, target));
      target?.notify();
    };
    const problem = steerProblem(frame);
    if (problem !== undefined) return fail('invalid_input', problem);
    const forced = script.takeFailure();
    if (forced !== undefined) return fail(forced.code, forced.message);
    if (target === undefined) return fail('response_not_found', `Response '${String(frame['previous_response_id'])}' is not available on this connection.`);
    if (!script.supports(target.model)) return fail('steering_not_supported', `The model ${target.model} does not support steering.`);
    if (target.status === 'completed') return fail('response_already_completed', 'The response completed and no longer accepts steering input.');
    if (target.status !== 'active') return fail('response_not_active', 'The response no longer accepts steering input.');
    if (target.queued.length >= script.maxPendingSteers) return fail('too_many_pending_steers', 'Too much steering input is pending for the response.');
    const id = newSteerId();
    target.queued.push({ id, input: frame['input'] });
    void this.#send(recorded, steerAccepted(target, id));
    target.notify();
  }

  /** Ends a response at a safe boundary for its queued steers (`response.incomplete`, reason `steered`); returns the successor's input. */
  async #endSteered(recorded: RecordedRequest, body: ResponsesRequestBody, steerable: SteerableResponse, plan: ResponsePlan, input: readonly unknown[], done: readonly JsonObject[]): Promise<unknown[] | undefined> {
    steerable.status = 'ended';
    const snapshot = { ...plan.snapshot, id: plan.responseId, status: 'incomplete', incomplete_details: { reason: 'steered' }, output: [...done], usage: null };
    await this.#send(recorded, this.#withLane({ type: 'response.incomplete', sequence_number: steerable.nextSequence(), response: snapshot }, body));
    return this.#successorInput(recorded, steerable, input, done);
  }

  /**
   * A response completed with steers queued: they stay pending when it waits for client-owned
   * tool output (one `response.steer.pending` each; the explicit continuation commits them),
   * otherwise an automatic successor takes them.
   */
  #afterCompleted(recorded: RecordedRequest, steerable: SteerableResponse, input: readonly unknown[], output: readonly JsonObject[]): Promise<unknown[] | undefined> | undefined {
    const required = requiredInputOf(output);
    if (required.length === 0) return this.#successorInput(recorded, steerable, input, output);
    const queued = steerable.queued;
    steerable.queued = [];
    this.#pendingSteers.set(steerable.responseId, queued);
    for (const steer of queued) void this.#send(recorded, steerPending(steerable, steer.id, required));
    return undefined;
  }

  /** The input of the automatic successor (or `undefined` after `successor_creation_failed` for each queued steer). */
  async #successorInput(recorded: RecordedRequest, steerable: SteerableResponse, input: readonly unknown[], output: readonly JsonObject[]): Promise<unknown[] | undefined> {
    const queued = steerable.queued;
    steerable.queued = [];
    if (this.#core.steering.takeSuccessorFailure()) {
      for (const steer of queued) {
        await this.#send(recorded, steerFailed('successor_creation_failed', 'The successor response could not be created.', { id: steer.id, previousResponseId: steerable.responseId, input: steer.input }, steerable));
      }
      return undefined;
    }
    return [...input, ...output, ...queued.flatMap((steer) => steerInputItems(steer.input))];
  }

  /**
   * Sends noise (pings, or events on the request's lane) every `everyMs` until `forMs` passed
   * (then resolves `true`) or the socket or server closes (`false`). SSE comments: nothing here.
   */
  async #noise(recorded: RecordedRequest, action: { readonly noise: NoiseKind; readonly everyMs: number; readonly forMs: number | undefined }, body: ResponsesRequestBody): Promise<boolean> {
    const started = Date.now();
    const event = noiseEvent(action.noise);
    while (this.#open()) {
      if (action.forMs !== undefined && Date.now() - started >= action.forMs) return true;
      if (event !== undefined) await this.#send(recorded, this.#withLane(event, body));
      else if (action.noise === 'ping') this.#socket.ping();
      if (!(await this.#core.timers.sleep(action.everyMs))) return false;
    }
    return false;
  }
}
