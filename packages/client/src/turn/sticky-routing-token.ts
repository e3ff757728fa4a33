/**
 * Why a sticky-routing token offered by a server was ignored (it is then never sent):
 * - `control_character`: it holds CR, LF, NUL, DEL or another control character (HTAB aside),
 *   which no header value may carry (and which would let a server inject headers);
 * - `non_latin1`: it holds a character past U+00FF, which a header value cannot carry;
 * - `surrounding_whitespace`: it starts or ends with a space or tab, which HTTP strips, so the
 *   value replayed would not be the value received;
 * - `too_long`: it is longer than {@link MAX_STICKY_TOKEN_LENGTH} characters.
 */
export type StickyTokenProblem = 'control_character' | 'non_latin1' | 'surrounding_whitespace' | 'too_long';

/**
 * Longest sticky-routing token accepted, in characters. The token is replayed on every request
 * of the turn; servers cap a request's whole header block at 8 to 16 KiB.
 */
export const MAX_STICKY_TOKEN_LENGTH = 4_096;

/** Characters a header value may not hold: controls other than HTAB, DEL, and anything past Latin-1. */
const NOT_A_HEADER_CHARACTER = /[^\t\u0020-\u007e\u0080-\u00ff]/;

/**
 * What makes `value` unusable as the `x-codex-turn-state` header value, or `undefined` when it
 * can be replayed as it is on both transports.
 */
export function stickyTokenProblem(value: string): StickyTokenProblem | undefined {
  if (value.length > MAX_STICKY_TOKEN_LENGTH) return 'too_long';
  const bad = NOT_A_HEADER_CHARACTER.exec(value);
  if (bad !== null) return bad[0].charCodeAt(0) > 0xff ? 'non_latin1' : 'control_character';
  if (/^[\t ]|[\t ]$/.test(value)) return 'surrounding_whitespace';
  return undefined;
}

/**
 * The turn's sticky-routing token (`x-codex-turn-state`, ARCHITECTURE §3.3).
 *
 * Turn-scoped: a new turn starts with none. Request-scoped sources only: the headers of an
 * HTTP response and the `headers` of a WebSocket `response.metadata` /
 * `codex.response.metadata` event of this turn's responses. A token on a WebSocket upgrade
 * response is connection-scoped (the socket may outlive the turn, or be opened by an earlier
 * one) and is never captured. The first valid value seen wins; later values (from retries,
 * reconnects or follow-up responses) are ignored, so every request after the first replays
 * the same token. A value that is not a valid header value ({@link stickyTokenProblem}) is
 * never held: it is as if the server had sent none.
 */
export class StickyRoutingToken {
  #value: string | null = null;

  /** The captured token, or `null` before the first response carrying one. */
  get value(): string | null {
    return this.#value;
  }

  /**
   * Offers a token seen on a response. Returns `true` when it was captured (the first
   * non-empty valid value), `false` when one was already held, or the value is empty or
   * invalid; `onInvalid` hears of an invalid value that would otherwise have been captured.
   */
  capture(value: string | null | undefined, onInvalid?: (problem: StickyTokenProblem, length: number) => void): boolean {
    if (this.#value !== null || value === null || value === undefined || value.length === 0) return false;
    const problem = stickyTokenProblem(value);
    if (problem !== undefined) {
      onInvalid?.(problem, value.length);
      return false;
    }
    this.#value = value;
    return true;
  }
}
