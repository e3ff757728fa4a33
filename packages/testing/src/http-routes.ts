/**
 * The HTTP endpoints: `POST …/responses` (SSE when `stream: true`), `POST …/responses/compact`
 * and `POST …/memories/trace_summarize`, with zstd/gzip request bodies and request faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync, inflateSync, zstdDecompressSync } from 'node:zlib';
import { apiErrorBody, buildHttpErrorBody, codeForStatus } from './error-payloads.js';
import { legacyCompactionAnswer } from './compaction.js';
import type { CompactionResultKind, Endpoint, Fault, NoiseKind } from './faults.js';
import type { RecordedRequest } from './recording.js';
import { bearerToken, headerValue, isRecord, type JsonObject } from './request-body.js';
import { basePathOf, unknownUrlError } from './routes.js';
import { validateCompactRequest, validateResponsesRequest } from './request-validation.js';
import { refuseRequestByRules } from './provider-rules.js';
import { actionsFor, isCompleted, isTerminal, noiseEvent } from './response-actions.js';
import { cachedContextBytes, continuedInput, type ServerCore } from './server-core.js';
import type { RecordedTranscript } from './server-options.js';
import { formatSseEvent, formatSseRaw, SseWriter } from './sse-writer.js';
import { parseLine, sseBlockOf, TranscriptClock } from './transcript-replay.js';

/** The endpoint at `pathname` under the server's base path (`/v1`, or the provider's `pathPrefix`). */
function endpointOf(pathname: string, basePath: string): Endpoint | undefined {
  if (pathname === `${basePath}/responses/compact`) return 'compact';
  if (pathname === `${basePath}/memories/trace_summarize`) return 'trace_summarize';
  if (pathname === `${basePath}/responses`) return 'responses';
  return undefined;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.toLowerCase()) {
    case undefined:
    case '':
    case 'identity':
      return raw;
    case 'zstd':
      return zstdDecompressSync(raw);
    case 'gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}

function sendJson(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
}

function sendError(response: ServerResponse, status: number, code: string, message?: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, buildHttpErrorBody(code, message), headers);
}

/** Writes raw bytes that break HTTP (see `BrokenHttpFault`), then closes the connection. */
function writeBrokenHttp(response: ServerResponse, variant: 'chunk-size' | 'header-overflow'): void {
  const socket = response.socket;
  if (socket === null || socket.destroyed) return;
  if (variant === 'header-overflow') {
    socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-padding: ${'a'.repeat(100 * 1024)}\r\n\r\n`);
    return;
  }
  const event = `event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { id: 'resp_broken', object: 'response', status: 'in_progress', output: [] } })}\n\n`;
  socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${Buffer.byteLength(event).toString(16)}\r\n${event}\r\nZZ\r\n`);
}

/** Handles every HTTP request of the server. */
export class HttpRoutes {
  readonly #core: ServerCore;
  readonly #connectionIds: WeakMap<object, number>;

  constructor(core: ServerCore, connectionIds: WeakMap<object, number>) {
    this.#core = core;
    this.#connectionIds = connectionIds;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const core = this.#core;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const endpoint = endpointOf(url.pathname, basePathOf(core.options.providerRules));
    if (request.method !== 'POST' || endpoint === undefined) {
      request.resume();
      sendJson(response, 404, apiErrorBody(unknownUrlError(request.method ?? 'GET', url.pathname)));
      return;
    }
    const raw = await readBody(request);
    const encoding = headerValue(request.headers, 'content-encoding');
    let decoded: Buffer | undefined;
    let body: unknown;
    try {
      decoded = decode(raw, encoding);
      body = JSON.parse(decoded.toString('utf8'));
    } catch {
      body = undefined;
    }
    const connectionId = this.#connectionIds.get(request.socket) ?? 0;
    const recorded = core.recording.addRequest({
      transport: 'http',
      endpoint,
      connectionId,
      headers: { ...request.headers },
      body,
      wireBytes: raw.length,
      decodedBytes: decoded?.length ?? raw.length,
      contentEncoding: encoding,
      receivedAt: Date.now(),
      lane: undefined,
    });
    const previousId = isRecord(body) ? body['previous_response_id'] : undefined;
    const stored = typeof previousId === 'string' && core.storedResponses.has(previousId);
    const refusal = refuseRequestByRules(core.options.providerRules, 'http', url.pathname, request.headers, body, { stored });
    if (refusal !== undefined) {
      sendError(response, refusal.status, refusal.code, refusal.message);
      return;
    }
    const fault = core.takeFault(
      { phase: 'request', transport: 'http', endpoint, connectionId, requestIndex: recorded.index, body },
      bearerToken(request.headers),
    );
    if (fault === 'unauthorized') {
      sendError(response, 401, 'invalid_api_key');
      return;
    }
    if (fault?.kind === 'http-status') {
      const headers = { ...fault.headers };
      if (fault.body !== undefined) sendJson(response, fault.status, fault.body, headers);
      else sendError(response, fault.status, codeForStatus(fault.status), undefined, headers);
      return;
    }
    if (fault?.kind === 'broken-http') {
      writeBrokenHttp(response, fault.variant);
      return;
    }
    if (decoded === undefined) {
      sendError(response, 400, 'invalid_request', 'The request body could not be decoded.');
      return;
    }
    if (body === undefined) {
      const message = 'We could not parse the JSON body of your request: the API expects a JSON payload, and what was sent was not valid JSON.';
      sendJson(response, 400, apiErrorBody({ message, type: 'invalid_request_error', param: null, code: null }));
      return;
    }
    // A unary answer that never comes (the client's request timeout); the server's close ends it.
    if (endpoint !== 'responses' && fault?.kind === 'stall') return;
    if (endpoint === 'compact') return this.#compact(response, body, fault?.kind === 'compaction-result' ? fault.result : undefined);
    if (endpoint === 'trace_summarize') return this.#traceSummarize(response, body);
    return this.#responses(request, response, body, recorded, fault);
  }

  #compact(response: ServerResponse, rawBody: unknown, broken: CompactionResultKind | undefined): void {
    const validated = validateCompactRequest(rawBody);
    if (!validated.ok) {
      sendJson(response, validated.rejection.status, apiErrorBody(validated.rejection.error));
      return;
    }
    const answer = legacyCompactionAnswer(validated.body.input ?? [], (prefix) => this.#core.newId(prefix), broken);
    sendJson(response, 200, JSON.stringify(answer), { 'x-request-id': this.#core.newId('req') });
  }

  #traceSummarize(response: ServerResponse, body: unknown): void {
    if (!isRecord(body) || !Array.isArray(body['traces'])) {
      sendError(response, 400, 'invalid_request', 'traces must be an array.');
      return;
    }
    const output = body['traces'].map((trace) => {
      const id = isRecord(trace) ? String(trace['id'] ?? '') : '';
      const items = isRecord(trace) && Array.isArray(trace['items']) ? trace['items'].length : 0;
      return { trace_summary: `Trace ${id}: ${items} items.`, memory_summary: `Remember trace ${id}.` };
    });
    sendJson(response, 200, JSON.stringify({ output }), { 'x-request-id': this.#core.newId('req') });
  }

  async #responses(
    request: IncomingMessage,
    response: ServerResponse,
    rawBody: unknown,
    recorded: RecordedRequest,
    fault: Fault | undefined,
  ): Promise<void> {
    const core = this.#core;
    const validated = validateResponsesRequest(rawBody, 'http');
    if (!validated.ok) {
      sendJson(response, validated.rejection.status, apiErrorBody(validated.rejection.error));
      return;
    }
    const body = validated.body;
    const previousId = body.previous_response_id;
    const cached = previousId === undefined ? undefined : core.storedResponses.get(previousId);
    if (previousId !== undefined && cached === undefined) {
      const message = `Previous response with id '${previousId}' not found.`;
      sendJson(response, 400, apiErrorBody({ message, type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' }));
      return;
    }
    const turnState = core.sticky.observe(
      {
        turnMetadata: headerValue(request.headers, 'x-codex-turn-metadata'),
        turnState: headerValue(request.headers, 'x-codex-turn-state'),
      },
      recorded.index,
      'http',
    );
    const input = continuedInput(cached, body.input ?? []);
    const plan = core.plan(
      { transport: 'http', body, input, requestIndex: recorded.index, connectionId: recorded.connectionId },
      cachedContextBytes(cached),
      fault?.kind === 'compaction-result' ? fault.result : undefined,
    );
    recorded.responseId = plan.responseId;
    const remember = (): void => {
      if (body.store !== false) core.storedResponses.set(plan.responseId, { responseId: plan.responseId, input, output: plan.output });
    };
    const requestId = core.newId('req');
    const headers: Record<string, string> = {
      'x-request-id': requestId,
      'openai-model': body.model ?? core.options.modelName,
      'x-models-etag': core.options.modelsEtag,
      ...core.rateLimitHeaders(),
      ...(turnState === undefined ? {} : { 'x-codex-turn-state': turnState }),
    };
    if (body.stream !== true) {
      const completed = plan.events.map((planned) => planned.event).find(isCompleted);
      remember();
      core.sticky.delivered(turnState);
      sendJson(response, 200, JSON.stringify(completed?.['response'] ?? plan.snapshot), headers);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
    response.flushHeaders();
    const writer = new SseWriter(response);
    const record = (event: JsonObject | { raw: string }, bytes: number): void => {
      core.recording.addEvent(
        { requestIndex: recorded.index, connectionId: recorded.connectionId, transport: 'http', event, sentAt: Date.now() },
        bytes,
      );
    };
    if (plan.transcript !== undefined) {
      await this.#replayTranscript(writer, plan.transcript, record, remember);
      return;
    }
    for (const action of actionsFor(plan, fault, false)) {
      if (writer.closed) return;
      switch (action.type) {
        case 'event':
        case 'binary': {
          const paced = action.type === 'event' && action.paced;
          if (paced && !(await core.timers.sleep(core.options.tokenDelayMs))) return;
          const bytes = await writer.write(formatSseEvent(action.event));
          if (bytes === 0) return;
          record(action.event, bytes);
          if (isCompleted(action.event)) remember();
          if (isTerminal(action.event)) core.sticky.delivered(turnState);
          break;
        }
        case 'raw': {
          const bytes = await writer.write(formatSseRaw('response.output_text.delta', action.data));
          record({ raw: action.data }, bytes);
          break;
        }
        case 'late':
          // One request per HTTP response: a late tail simply follows the terminal event.
          for (const event of action.events) {
            const bytes = await writer.write(formatSseEvent(event));
            if (bytes === 0) return;
            record(event, bytes);
          }
          break;
        case 'flood':
          break;
        case 'close':
          writer.cut();
          return;
        case 'stall':
        case 'half-open':
          return;
        case 'end':
          writer.end();
          return;
        case 'noise':
          if (!(await this.#noise(writer, action, record))) return;
          break;
      }
    }
    writer.end();
  }
  /**
   * Sends noise (comments and blank lines, or events) every `everyMs` until `forMs` passed
   * (then resolves `true`) or the connection or server closes (`false`). Pings: nothing on HTTP.
   */
  async #noise(writer: SseWriter, action: { readonly noise: NoiseKind; readonly everyMs: number; readonly forMs: number | undefined }, record: (event: JsonObject, bytes: number) => void): Promise<boolean> {
    const started = Date.now();
    const event = noiseEvent(action.noise);
    for (let count = 0; !writer.closed; count += 1) {
      if (action.forMs !== undefined && Date.now() - started >= action.forMs) return true;
      if (event !== undefined) {
        const bytes = await writer.write(formatSseEvent(event));
        if (bytes > 0) record(event, bytes);
      } else if (action.noise === 'sse-comment') {
        await writer.write(count % 2 === 0 ? ': keep-alive\n\n' : '\n');
      }
      if (!(await this.#core.timers.sleep(action.everyMs))) return false;
    }
    return false;
  }

  /** Writes a recorded transcript as SSE, cut and paced as it asks; each line is recorded once its last byte is written. */
  async #replayTranscript(writer: SseWriter, transcript: RecordedTranscript, record: (event: JsonObject | { raw: string }, bytes: number) => void, remember: () => void): Promise<void> {
    const clock = new TranscriptClock(transcript.pacing, this.#core.timers);
    const lines = transcript.transcript;
    const ends: number[] = [];
    let total = 0;
    for (const line of lines) {
      total += Buffer.byteLength(sseBlockOf(line));
      ends.push(total);
    }
    let written = 0;
    let recorded = 0;
    for (const chunk of clock.chunks(lines)) {
      if (!(await clock.pause()) || writer.closed) return;
      if ((await writer.write(chunk)) === 0) return;
      written += chunk.length;
      for (; recorded < lines.length && (ends[recorded] ?? 0) <= written; recorded += 1) {
        const line = lines[recorded] ?? '';
        const event = parseLine(line);
        record(event ?? { raw: line }, Buffer.byteLength(sseBlockOf(line)));
        if (event !== undefined && isCompleted(event)) remember();
      }
    }
    writer.end();
  }
}

