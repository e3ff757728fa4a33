import { redactText } from '@modelwire/transport';

/** Longest description kept of one thrown value, in characters (the model reads it). */
export const MAX_THROWN_DESCRIPTION_CHARS = 8_192;

/**
 * A short text for a value a tool handler threw, for the model to read. Never throws,
 * whatever was thrown: an `Error` gives its `message`; any other value its `String()`; a value
 * that cannot be read (an Error whose `message` getter throws, an object whose `toString`
 * throws or is missing, a Proxy whose traps throw) gives its tag or its `typeof`. Secrets are
 * redacted and the text is cut at {@link MAX_THROWN_DESCRIPTION_CHARS}.
 *
 * A handler is user code: whatever it throws must become a failure output of its call, never
 * an exception that stops the turn.
 */
export function describeThrown(value: unknown): string {
  const text = readableText(value);
  const cut = text.length > MAX_THROWN_DESCRIPTION_CHARS ? `${text.slice(0, MAX_THROWN_DESCRIPTION_CHARS)}…` : text;
  return redactText(cut);
}

function readableText(value: unknown): string {
  if (typeof value === 'string') return value;
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    const message = attempt(() => (value as { message?: unknown }).message);
    if (typeof message === 'string' && message.length > 0) return message;
  }
  const text = attempt(() => String(value));
  if (typeof text === 'string') return text;
  const tag = attempt(() => Object.prototype.toString.call(value));
  if (typeof tag === 'string') return `an unreadable value ${tag}`;
  return `an unreadable ${typeof value}`;
}

/** `read()`, or `undefined` when it throws. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
