// The Standard Schema v1 interface (standardschema.dev), declared here rather than imported:
// the specification is a handful of structural types meant to be declared by each consumer, and
// declaring them keeps this package free of one more dependency. Any value of this shape works:
// zod 4 (and zod 3.24+), Valibot, ArkType, Effect Schema, ...
//
// The optional `jsonSchema` converter is the Standard JSON Schema extension (zod ≥ 4.2, ArkType,
// ...): a tool whose schema has it needs no hand-written JSON Schema.

/** A validation issue reported by a Standard Schema. */
export interface StandardSchemaIssue {
  /** What is wrong, in the schema library's words. */
  readonly message: string;
  /** Where, as keys from the validated value's root (`[0, 'path']`); absent for the root. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The result of {@link StandardSchemaProps.validate}: the parsed value, or the issues. */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

/** The Standard JSON Schema converter of a schema (`~standard.jsonSchema`). */
export interface StandardJsonSchemaConverter {
  /** The JSON Schema of the values the schema accepts. May throw when a type has no JSON Schema form. */
  readonly input: (options: { readonly target: string; readonly libraryOptions?: Record<string, unknown> | undefined }) => Record<string, unknown>;
}

/** The `~standard` properties of a {@link StandardSchema}. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** Version of the specification: 1. */
  readonly version: 1;
  /** The schema library (`"zod"`, `"valibot"`, `"arktype"`, ...). */
  readonly vendor: string;
  /** Validates a value; may be asynchronous. */
  readonly validate: (
    value: unknown,
    options?: { readonly libraryOptions?: Record<string, unknown> | undefined } | undefined,
  ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  /** Type carrier for inference only (never read at run time). */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  /** The Standard JSON Schema converter, when the library implements it. */
  readonly jsonSchema?: StandardJsonSchemaConverter | undefined;
}

/** A schema of any library that implements Standard Schema v1 (zod 4 does). */
export interface StandardSchema<Input = unknown, Output = Input> {
  /** The standard properties. */
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The type a Standard Schema produces on success (after transforms and defaults). */
export type StandardSchemaOutput<Schema extends StandardSchema> = NonNullable<Schema['~standard']['types']>['output'];

/** Whether `value` looks like a Standard Schema (an object or function with `~standard.validate`). */
export function isStandardSchema(value: unknown): value is StandardSchema {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props: unknown = (value as { '~standard'?: unknown })['~standard'];
  return typeof props === 'object' && props !== null && typeof (props as { validate?: unknown }).validate === 'function';
}

/** An issue path as text: `items[2].path`; empty for the root. */
export function issuePathText(path: StandardSchemaIssue['path']): string {
  let text = '';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}
