// Command-line helpers shared by the benchmark entry points.

/**
 * Reads `name <value>` from `args` as a positive integer; `undefined` when the flag is absent.
 * Throws with a clear message when the value is missing or not a positive integer.
 */
export function numberArgument(args: readonly string[], name: string): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer`);
  return value;
}
