// Builds the summary rows: from the loopback server's recording (what really crossed the
// wire), or, against a real provider, from client telemetry plus the WebSocket wire meter.
import type { Recording } from '@modelwire/testing';
import type { ResponseChain } from './loopback-model.ts';
import type { SummaryRow } from './summary.ts';
import type { RequestReport } from './telemetry-recorder.ts';
import type { WireMeter } from './wire-meter.ts';

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Turn metadata and sticky token of a recorded request (WebSocket: client_metadata; HTTP: headers). */
function perRequestValues(transport: 'http' | 'websocket', body: Json, headers: Readonly<Record<string, string | string[] | undefined>>): { turnId: string; token: string | undefined } {
  const metadata = isJson(body['client_metadata']) ? body['client_metadata'] : {};
  const raw = transport === 'websocket' ? metadata['x-codex-turn-metadata'] : header(headers, 'x-codex-turn-metadata');
  const token = transport === 'websocket' ? metadata['x-codex-turn-state'] : header(headers, 'x-codex-turn-state');
  let turnId = '';
  try {
    const parsed = JSON.parse(String(raw ?? '{}')) as Json;
    turnId = String(parsed['turn_id'] ?? '');
  } catch {
    turnId = '';
  }
  return { turnId, token: typeof token === 'string' ? token : undefined };
}

/** Rows from the loopback recording, plus the sticky-routing counts. */
export function rowsFromRecording(recording: Recording, chain: ResponseChain, preconnectConnectionId: number | null): { rows: SummaryRow[]; replayed: number } {
  const turns = new Map<string, number>();
  const seenConnections = new Set<number>();
  const rows: SummaryRow[] = [];
  let replayed = 0;
  for (const recorded of recording.requests) {
    if (recorded.endpoint !== 'responses' || !isJson(recorded.body)) continue;
    const body = recorded.body;
    // A steer is not a request of its own: its input reaches the response it steers.
    if (body['type'] === 'response.steer') continue;
    const { turnId, token } = perRequestValues(recorded.transport, body, recorded.headers);
    if (!turns.has(turnId)) turns.set(turnId, turns.size + 1);
    if (token !== undefined) replayed += 1;
    const input = Array.isArray(body['input']) ? body['input'] : [];
    const previousId = typeof body['previous_response_id'] === 'string' ? body['previous_response_id'] : undefined;
    const previous = previousId === undefined ? undefined : chain.get(previousId);
    let fullBytes = recorded.decodedBytes;
    if (previousId !== undefined) {
      const { previous_response_id: _dropped, ...rest } = body;
      fullBytes = previous === undefined ? Number.NaN : Buffer.byteLength(JSON.stringify({ ...rest, input: [...previous.input, ...previous.output, ...input] }));
    }
    const firstOnConnection = !seenConnections.has(recorded.connectionId);
    seenConnections.add(recorded.connectionId);
    const connection =
      recorded.transport === 'http'
        ? `${firstOnConnection ? 'new' : 'kept-alive'} #${recorded.connectionId}`
        : `${firstOnConnection ? (recorded.connectionId === preconnectConnectionId ? 'pre-connected' : 'new') : 'reused'} #${recorded.connectionId}`;
    const events = recording.events.filter((event) => event.requestIndex === recorded.index);
    const last: unknown = events.at(-1)?.event;
    let outcome = 'cut';
    const steered = events.some((event) => isSteeredIncomplete(event.event));
    if (isJson(last) && last['type'] === 'response.completed') outcome = steered ? 'steered, completed' : 'completed';
    else if (isJson(last) && last['type'] === 'error') outcome = `error: ${String((isJson(last['error']) ? last['error']['code'] : last['code']) ?? '?')}`;
    else if (isJson(last) && typeof last['raw'] === 'string') outcome = 'malformed frame';
    else if (events.length > 0) outcome = `cut after ${events.length} events`;
    else outcome = 'no answer';
    rows.push({
      request: rows.length + 1,
      turn: turns.get(turnId)!,
      transport: recorded.transport === 'websocket' ? 'WebSocket' : 'HTTP',
      connection,
      mode: previousId === undefined ? 'full' : `incremental +${input.length}`,
      bytes: recorded.decodedBytes,
      fullBytes: Number.isNaN(fullBytes) ? null : fullBytes,
      outcome,
      lane: recorded.transport === 'websocket' && typeof body['stream_id'] === 'string' ? body['stream_id'] : null,
    });
  }
  return { rows, replayed };
}

/** Rows from client telemetry; WebSocket bytes from the wire meter's frames sent during each request. */
export function rowsFromTelemetry(requests: readonly RequestReport[], meter: WireMeter, turnNumber: (turnId: string) => number | undefined): SummaryRow[] {
  const streams = requests.filter((request) => request.endpoint === 'responses');
  return streams.map((request, index): SummaryRow => {
    // A request's frames are those of its turn sent before the turn's next request: turns may
    // run at the same time (sub-agents on their lanes).
    const next = streams.find((later, laterIndex) => laterIndex > index && later.turn === request.turn)?.startedAt ?? Number.POSITIVE_INFINITY;
    const frames = meter.frames.filter((frame) => frame.sentAt >= request.startedAt && frame.sentAt < next && (frame.turnId === null || (turnNumber(frame.turnId) ?? request.turn) === request.turn));
    let connection = request.transport === 'http' ? 'pooled' : '–';
    if (request.connect !== null) {
      connection = request.connect.reused ? (index === 0 ? 'pre-connected' : 'reused') : `new (${request.connect.durationMs.toFixed(0)} ms)`;
    }
    const decision = request.decision;
    let mode = request.transport === 'http' ? 'full (http)' : 'full';
    if (decision?.mode === 'incremental') mode = `incremental +${decision.sentItems}`;
    else if (decision?.mode === 'full' && decision.reason !== 'no_previous_response') mode = `full (${decision.reason.replaceAll('_', ' ')})`;
    const websocket = request.transport === 'websocket' && frames.length > 0;
    return {
      request: index + 1,
      turn: request.turn,
      transport: request.transport === 'websocket' ? 'WebSocket' : request.transport === 'http' ? 'HTTP' : '?',
      connection,
      mode,
      bytes: websocket ? frames.reduce((sum, frame) => sum + frame.bytes, 0) : null,
      fullBytes: websocket ? frames.reduce((sum, frame) => sum + frame.fullBytes, 0) : null,
      outcome: request.outcome === 'completed' ? 'completed' : `${request.outcome ?? 'unfinished'}${request.errorCode ? `: ${request.errorCode}` : ''}`,
      lane: websocket ? (frames.at(-1)?.lane ?? null) : null,
    };
  });
}

/** Whether a recorded event is a `response.incomplete` that steering caused. */
function isSteeredIncomplete(event: unknown): boolean {
  if (!isJson(event) || event['type'] !== 'response.incomplete') return false;
  const response = event['response'];
  return isJson(response) && isJson(response['incomplete_details']) && response['incomplete_details']['reason'] === 'steered';
}
