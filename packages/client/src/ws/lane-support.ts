import { ProtocolViolationError } from '@modelwire/transport';

/**
 * Whether the session's server runs named lanes (`stream_id`), as learnt at run time:
 * - `unknown` until a frame echoes a `stream_id` the client sent (`echoed`): meanwhile a request
 *   joining a socket that already carries one never takes the default lane (the lane whose
 *   frames carry no `stream_id`), so that a server answering without echo cannot have its
 *   frames taken for the default lane's;
 * - `none` for a provider with `supportsLanes: false`, or once a server refused `stream_id`
 *   (an `error` naming the parameter) or answered a lane's request without echoing it: from
 *   then on every request takes the default lane (no `stream_id`), one per socket.
 *
 * Session-scoped (one per client); shared by every socket of the session.
 */
export class LaneSupport {
  #state: 'unknown' | 'echoed' | 'none';

  /** @param trusted Lanes are taken as working without waiting for an echo (never proven wrong afterwards). */
  constructor(enabled: boolean, trusted = false) {
    this.#state = !enabled ? 'none' : trusted ? 'echoed' : 'unknown';
  }

  /** Whether named lanes may be used. */
  get enabled(): boolean {
    return this.#state !== 'none';
  }

  /** Whether the server has echoed a lane (named lanes are known to work). */
  get proven(): boolean {
    return this.#state === 'echoed';
  }

  /** A frame echoed a named lane. */
  noteEcho(): void {
    if (this.#state === 'unknown') this.#state = 'echoed';
  }

  /** The server showed it does not run lanes: no named lane from now on. */
  disable(): void {
    this.#state = 'none';
  }
}

/**
 * A request sent on a named lane that the server refused for its `stream_id` or answered
 * without echoing it: nothing of it reached the caller, and it goes out again on the default
 * lane of another socket (the request run's immediate resend, as for a stale socket).
 */
export class LanesUnsupportedError extends ProtocolViolationError {
  constructor(how: 'refused' | 'not_echoed') {
    super(
      how === 'refused'
        ? 'the server refused the stream_id of a WebSocket lane: it has no lanes; the request is sent again without one'
        : 'the server answered a WebSocket lane without echoing its stream_id: it has no lanes; the request is sent again without one',
      { retryable: true, violation: 'other' },
    );
  }
}

/**
 * Whether an `error` event refuses the `stream_id` parameter (a server without lanes:
 * `unknown_parameter` and the like, naming `stream_id` as its `param` or in its message).
 */
export function refusesStreamId(event: Readonly<Record<string, unknown>>): boolean {
  const error = event['error'];
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : event;
  if (fields['param'] === 'stream_id') return true;
  const message = fields['message'];
  return typeof message === 'string' && /\bstream_id\b/.test(message);
}
