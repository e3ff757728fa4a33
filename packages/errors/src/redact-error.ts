import { MIN_SECRET_LENGTH, redactLiteralSecrets } from './redact.js';
/** How deep nested fields, causes and error lists are searched. */
const MAX_DEPTH = 8;

/**
 * Returns `error` with every occurrence of the given literal secrets (the bearer token a
 * client sent, for example) replaced by `[redacted]`: in its message and stack, in every
 * string field (an HTTP body, header values, a classification's message), in nested plain
 * objects and arrays, and along its `cause` chain. `toJSON()` and `String(error)` of the result
 * are therefore free of them too.
 *
 * `ModelwireError` redacts its message by pattern on construction (`Bearer …`, `sk-…`); a
 * secret of another shape echoed by a server (an error body quoting the key) needs this.
 *
 * The result is a copy with the same prototype (so `instanceof`, `name`, `code` and
 * `retryable` are unchanged); the original is left as it is. When no secret occurs anywhere,
 * or none of `secrets` is at least 4 characters long, `error` itself is returned. Values that
 * are not errors are returned unchanged; so are objects of classes other than `Error`, arrays
 * and plain objects (they are not copied).
 */
export function redactError<T>(error: T, secrets: readonly string[]): T {
  const literals = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))];
  if (literals.length === 0 || !(error instanceof Error)) return error;
  return redactValue(error, literals, 0, new Set()) as T;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The redacted value, or `value` itself when nothing in it changed. */
function redactValue(value: unknown, secrets: readonly string[], depth: number, seen: Set<object>): unknown {
  if (typeof value === 'string') return redactLiteralSecrets(value, secrets);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item: unknown) => redactValue(item, secrets, depth + 1, seen));
      return items.some((item, index) => item !== value[index]) ? items : value;
    }
    if (value instanceof Error) return redactErrorObject(value, secrets, depth, seen);
    if (!isPlainObject(value)) return value;
    return copyIfChanged(value, secrets, depth, seen);
  } finally {
    seen.delete(value);
  }
}

/** Copies the own properties of `source`, redacting data values; `undefined` when none changed. */
function redactedDescriptors(source: object, secrets: readonly string[], depth: number, seen: Set<object>): PropertyDescriptorMap | undefined {
  const descriptors: PropertyDescriptorMap = {};
  let changed = false;
  for (const key of Reflect.ownKeys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key);
    if (descriptor === undefined) continue;
    if ('value' in descriptor) {
      const redacted = redactValue(descriptor.value, secrets, depth + 1, seen);
      if (redacted !== descriptor.value) changed = true;
      descriptors[key] = { ...descriptor, value: redacted };
    } else {
      descriptors[key] = descriptor;
    }
  }
  return changed ? descriptors : undefined;
}

function copyIfChanged(source: object, secrets: readonly string[], depth: number, seen: Set<object>): object {
  const descriptors = redactedDescriptors(source, secrets, depth, seen);
  return descriptors === undefined ? source : Object.create(Object.getPrototypeOf(source) as object | null, descriptors);
}

function redactErrorObject(error: Error, secrets: readonly string[], depth: number, seen: Set<object>): Error {
  // V8 keeps `stack` behind an own accessor bound to the original object: read it here and
  // store the redacted text as plain data on the copy.
  const stack = error.stack;
  const redactedStack = typeof stack === 'string' ? redactLiteralSecrets(stack, secrets) : stack;
  const descriptors = redactedDescriptors(error, secrets, depth, seen);
  if (descriptors === undefined && redactedStack === stack) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object | null, descriptors ?? Object.getOwnPropertyDescriptors(error)) as Error;
  if (typeof redactedStack === 'string') {
    Object.defineProperty(copy, 'stack', { value: redactedStack, writable: true, enumerable: false, configurable: true });
  }
  return copy;
}
