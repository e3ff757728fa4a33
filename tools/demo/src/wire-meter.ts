// Wraps the client's WebSocket connector (its documented seam) to time every handshake and to
// count the bytes of each `response.create` frame, next to what a full resend of the same
// request would have cost (the chain of inputs and outputs is rebuilt from the frames).
import type { WireSocket, WireSocketConnector } from '@modelwire/client';

/** One WebSocket connect. */
export interface HandshakeRecord {
  /** `performance.now()` when the connect began. */
  readonly startedAt: number;
  /** Milliseconds until open (or failure). */
  readonly durationMs: number;
  /** Whether the socket opened. */
  readonly ok: boolean;
}

/** One `response.create` frame sent. */
export interface FrameRecord {
  /** `performance.now()` when sent. */
  readonly sentAt: number;
  /** Bytes of the frame as sent (UTF-8). */
  readonly bytes: number;
  /** Bytes of the same request with its whole input and no `previous_response_id`. */
  readonly fullBytes: number;
  readonly incremental: boolean;
  /** The frame's lane (`stream_id`); `null` for the default lane. */
  readonly lane: string | null;
  /** The turn id of the frame's `x-codex-turn-metadata`; `null` when absent. */
  readonly turnId: string | null;
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Records handshakes and frames of every socket the wrapped connector opens. */
export class WireMeter {
  readonly handshakes: HandshakeRecord[] = [];
  readonly frames: FrameRecord[] = [];
  /** Effective input + output of completed responses, by id (shared across sockets). */
  readonly #chain = new Map<string, unknown[]>();

  /** Wraps `connector`. */
  wrap(connector: WireSocketConnector): WireSocketConnector {
    return async (url, options) => {
      const startedAt = performance.now();
      try {
        const socket = await connector(url, options);
        this.handshakes.push({ startedAt, durationMs: performance.now() - startedAt, ok: true });
        return this.#meter(socket);
      } catch (error) {
        this.handshakes.push({ startedAt, durationMs: performance.now() - startedAt, ok: false });
        throw error;
      }
    };
  }

  #meter(socket: WireSocket): WireSocket {
    let pending: unknown[] = [];
    const onSent = (text: string): void => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return;
      }
      if (!isJson(body) || body['type'] !== 'response.create') return;
      const input = Array.isArray(body['input']) ? body['input'] : [];
      const previous = typeof body['previous_response_id'] === 'string' ? this.#chain.get(body['previous_response_id']) : undefined;
      pending = previous === undefined ? [...input] : [...previous, ...input];
      const { previous_response_id: _dropped, ...rest } = body;
      const bytes = Buffer.byteLength(text);
      const fullBytes = previous === undefined ? bytes : Buffer.byteLength(JSON.stringify({ ...rest, input: pending }));
      const lane = typeof body['stream_id'] === 'string' ? body['stream_id'] : null;
      this.frames.push({ sentAt: performance.now(), bytes, fullBytes, incremental: previous !== undefined, lane, turnId: turnIdOf(body) });
    };
    const onReceived = (text: string): void => {
      if (!text.includes('"response.completed"')) return;
      try {
        const event = JSON.parse(text) as Json;
        const response = event['response'];
        if (event['type'] === 'response.completed' && isJson(response) && typeof response['id'] === 'string' && Array.isArray(response['output'])) {
          this.#chain.set(response['id'], [...pending, ...response['output']]);
        }
      } catch {
        // Not ours to judge: the client reports malformed frames.
      }
    };
    const wrapped: WireSocket = {
      get upgradeHeaders() {
        return socket.upgradeHeaders;
      },
      get isOpen() {
        return socket.isOpen;
      },
      send(text: string): void {
        socket.send(text);
        onSent(text);
      },
      listen(onFrame, onClose): void {
        socket.listen((text) => {
          onReceived(text);
          onFrame(text);
        }, onClose);
      },
      close: (code, reason) => socket.close(code, reason),
    };
    if (socket.ping !== undefined) wrapped.ping = (timeoutMs, signal) => socket.ping!(timeoutMs, signal);
    // Backpressure passes through: without it a slow reader would have no bound.
    if (socket.pause !== undefined) wrapped.pause = () => socket.pause!();
    if (socket.resume !== undefined) wrapped.resume = () => socket.resume!();
    return wrapped;
  }
}

/** The turn id a `response.create` frame carries in its `client_metadata`'s turn metadata. */
function turnIdOf(body: Json): string | null {
  const metadata = body['client_metadata'];
  const raw = isJson(metadata) ? metadata['x-codex-turn-metadata'] : undefined;
  if (typeof raw !== 'string') return null;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return isJson(parsed) && typeof parsed['turn_id'] === 'string' ? parsed['turn_id'] : null;
  } catch {
    return null;
  }
}
