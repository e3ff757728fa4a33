/**
 * The server side of sticky routing (`x-codex-turn-state`): issue a token on the first
 * response of each turn, expect it on every later request of that turn, and record breaches.
 * Turns are told apart by the `turn_id` inside the `x-codex-turn-metadata` JSON.
 *
 * A client can only replay a token it received. Until a response carrying the token has been
 * written to its terminal event (`delivered`), a request of the turn without the token is not a
 * breach: the client may have given up on that response before reading its headers (an idle
 * timeout on a busy machine, a cut before the first byte). Such a request gets the token again.
 */
import { randomUUID } from 'node:crypto';
import type { Recording, StickyViolation } from './recording.js';
import { isRecord } from './request-body.js';

/** Per-request routing values, from HTTP headers or WebSocket `client_metadata`. */
export interface RoutingValues {
  /** The raw `x-codex-turn-metadata` JSON, if sent. */
  readonly turnMetadata: string | undefined;
  /** The `x-codex-turn-state` token the request carried, if any. */
  readonly turnState: string | undefined;
}

/** Reads the `turn_id` out of a turn-metadata JSON string. */
export function turnIdOf(turnMetadata: string | undefined): string | undefined {
  if (turnMetadata === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(turnMetadata);
    const turnId = isRecord(parsed) ? parsed['turn_id'] : undefined;
    return typeof turnId === 'string' || typeof turnId === 'number' ? String(turnId) : undefined;
  } catch {
    return undefined;
  }
}

/** Tracks turns and their tokens for one server. */
export class StickyRouting {
  /** Token issued per turn id. */
  readonly #tokens = new Map<string, string>();
  /** Turn id per issued token. */
  readonly #turnsByToken = new Map<string, string>();
  /** Tokens a response carried to its terminal event: from then on the client knows them. */
  readonly #delivered = new Set<string>();
  readonly #recording: Recording;
  readonly #enabled: boolean;

  /** `enabled: false` issues no token and checks nothing. */
  constructor(recording: Recording, enabled = true) {
    this.#recording = recording;
    this.#enabled = enabled;
  }

  /** Tokens issued so far, by turn id. */
  get tokens(): ReadonlyMap<string, string> {
    return this.#tokens;
  }

  /**
   * Checks a request against the contract (recording violations) and returns the token to
   * send with its response: a new one on the first response of a turn, the turn's token again
   * while no response carrying it was delivered, otherwise undefined. Requests without turn
   * metadata are not checked and get no token.
   */
  observe(values: RoutingValues, requestIndex: number, transport: 'http' | 'websocket'): string | undefined {
    const turnId = turnIdOf(values.turnMetadata);
    if (turnId === undefined || !this.#enabled) return undefined;
    const expected = this.#tokens.get(turnId);
    const received = values.turnState;
    const violation = (kind: StickyViolation['kind']): void => {
      this.#recording.stickyViolations.push({ kind, turnId, requestIndex, transport, expected, received });
    };
    if (expected === undefined) {
      if (received !== undefined) {
        const owner = this.#turnsByToken.get(received);
        violation(owner !== undefined && owner !== turnId ? 'replayed' : 'wrong');
      }
      const token = `ts_${randomUUID()}`;
      this.#tokens.set(turnId, token);
      this.#turnsByToken.set(token, turnId);
      return token;
    }
    const known = this.#delivered.has(expected);
    if (received === undefined) {
      if (known) violation('missing');
    } else if (received !== expected) violation('wrong');
    return known ? undefined : expected;
  }

  /** Notes that a response carrying `token` was written to its terminal event. */
  delivered(token: string | undefined): void {
    if (token !== undefined) this.#delivered.add(token);
  }
}
