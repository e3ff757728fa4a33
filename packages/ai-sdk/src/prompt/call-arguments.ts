import { isDeepStrictEqual } from 'node:util';

/** How many tool calls' argument strings are remembered. */
const REMEMBERED_CALLS = 1024;

/**
 * The argument strings of the function calls the model made, by call id: the AI SDK hands a
 * call's input back as the parsed object, and `JSON.stringify` of it need not give the text
 * the server sent (spacing, number forms). A call whose input is still what the model sent
 * goes back with the server's own text, so that the item matches the response's output and
 * the step continues incrementally. Bounded: the oldest calls are forgotten first.
 */
export class CallArguments {
  readonly #byCallId = new Map<string, string>();

  /** Remembers the arguments the server sent for `callId`. */
  remember(callId: string, text: string): void {
    this.#byCallId.delete(callId);
    this.#byCallId.set(callId, text);
    if (this.#byCallId.size > REMEMBERED_CALLS) {
      const oldest = this.#byCallId.keys().next();
      if (oldest.done !== true) this.#byCallId.delete(oldest.value);
    }
  }

  /** The `arguments` text to send for a call whose input (as the AI SDK holds it) is `input`. */
  argumentsOf(callId: string, input: unknown): string {
    const serialised = typeof input === 'string' ? input : JSON.stringify(input ?? {});
    const known = this.#byCallId.get(callId);
    if (known === undefined || known === serialised) return serialised;
    return sameJson(known, input) ? known : serialised;
  }
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(text), typeof value === 'string' ? JSON.parse(value) : value);
  } catch {
    return false;
  }
}
