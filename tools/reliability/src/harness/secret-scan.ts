import { inspect } from 'node:util';

/**
 * Every string reachable from `value` that a user could ever see: `String()`, `JSON.stringify`
 * (which calls `toJSON`), `util.inspect` with hidden members (what a logger prints), and a walk
 * of every own property (enumerable or not) down the `cause` chain and nested objects.
 */
export function visibleTexts(value: unknown): string[] {
  const texts: string[] = [];
  const push = (make: () => unknown): void => {
    try {
      const text = make();
      if (typeof text === 'string') texts.push(text);
    } catch (error) {
      texts.push(`[unrenderable: ${String(error)}]`);
    }
  };
  push(() => String(value));
  push(() => JSON.stringify(value));
  push(() => inspect(value, { depth: 12, showHidden: true, getters: true }));
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    push(() => JSON.stringify((value as { toJSON(): unknown }).toJSON()));
  }
  walk(value, texts, new Set(), 0);
  return texts;
}

function walk(value: unknown, texts: string[], seen: Set<object>, depth: number): void {
  if (typeof value === 'string') {
    texts.push(value);
    return;
  }
  if (typeof value !== 'object' || value === null || seen.has(value) || depth > 12) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    texts.push(String(key));
    let child: unknown;
    try {
      child = (value as Record<PropertyKey, unknown>)[key];
    } catch {
      continue;
    }
    walk(child, texts, seen, depth + 1);
  }
  // Getters on the prototype (`name`, `code`, …) as well.
  for (let proto = Object.getPrototypeOf(value) as object | null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Reflect.ownKeys(proto)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(proto, key);
      if (descriptor?.get === undefined) continue;
      try {
        walk(descriptor.get.call(value), texts, seen, depth + 1);
      } catch {
        // A getter that needs private state of another class.
      }
    }
  }
}

/** The texts among `texts` that contain `secret` (or its base64 / URL-encoded forms). */
export function textsContaining(texts: readonly string[], secret: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
  return texts.filter((text) => forms.some((form) => text.includes(form)));
}
