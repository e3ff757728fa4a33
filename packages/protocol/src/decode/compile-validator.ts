import type { z } from 'zod';
import { StringTable } from './string-table.js';

/** A hand-rolled structural check equivalent to a zod schema's `safeParse(...).success`. */
export type FastValidator = (value: unknown) => boolean;

interface SchemaDefinition {
  readonly type: string;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly checks?: readonly unknown[];
  readonly innerType?: z.ZodType;
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
}

function definitionOf(schema: z.ZodType): SchemaDefinition {
  return (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OVERRIDES = new WeakMap<z.ZodType, FastValidator>();

/**
 * Registers the plain check to use for one schema that the compiler cannot read (a refinement).
 * The caller guarantees it accepts exactly what `schema.safeParse` accepts; the decoder's
 * property tests compare both.
 */
export function registerFastValidator(schema: z.ZodType, validator: FastValidator): void {
  OVERRIDES.set(schema, validator);
}

/** How an object field is checked inside its object's compiled check (`Other`: through the field's own compiled check). */
const FieldKind = { String: 0, Number: 1, OptionalString: 2, OptionalNumber: 3, Literal: 4, Other: 5 } as const;
type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** The inline kind of a field schema (only plain strings and numbers, optional or not, and single literals). */
function fieldKindOf(schema: z.ZodType): { kind: FieldKind; literal?: unknown } {
  const definition = definitionOf(schema);
  if ((definition.checks?.length ?? 0) > 0 || OVERRIDES.has(schema)) return { kind: FieldKind.Other };
  if (definition.type === 'string') return { kind: FieldKind.String };
  if (definition.type === 'number') return { kind: FieldKind.Number };
  if (definition.type === 'literal' && definition.values?.length === 1) return { kind: FieldKind.Literal, literal: definition.values[0] };
  if (definition.type === 'optional' && definition.innerType !== undefined) {
    const inner = definitionOf(definition.innerType);
    if ((inner.checks?.length ?? 0) > 0 || OVERRIDES.has(definition.innerType)) return { kind: FieldKind.Other };
    if (inner.type === 'string') return { kind: FieldKind.OptionalString };
    if (inner.type === 'number') return { kind: FieldKind.OptionalNumber };
  }
  return { kind: FieldKind.Other };
}

function literalOf(schema: z.ZodType | undefined): unknown {
  if (!schema) return undefined;
  const definition = definitionOf(schema);
  return definition.type === 'literal' && definition.values?.length === 1 ? definition.values[0] : undefined;
}

/**
 * The check of a loose object as generated code: one named property load per field, each with
 * an inline cache of its own, so V8 sees only the key orders of this one object type at each
 * load (providers send several), where the loop of {@link loopObjectCheck} reads every field of
 * every object type through one computed-key load that no cache can follow. Plain string,
 * number and literal fields are tested inline; other fields call their own compiled check.
 * `undefined` where the runtime refuses code generation from strings (a `--disallow-code-generation-from-strings`
 * process, a locked-down realm): the caller then uses the loop.
 */
function generatedObjectCheck(keys: readonly string[], kinds: readonly FieldKind[], literals: readonly unknown[], validators: readonly (FastValidator | undefined)[]): FastValidator | undefined {
  const lines: string[] = [];
  for (let index = 0; index < keys.length; index += 1) {
    const field = `value[${JSON.stringify(keys[index])}]`;
    switch (kinds[index]) {
      case FieldKind.String:
        lines.push(`if (typeof ${field} !== 'string') return false;`);
        break;
      case FieldKind.Number:
        lines.push(`field = ${field}; if (typeof field !== 'number' || !isFinite(field)) return false;`);
        break;
      case FieldKind.OptionalString:
        lines.push(`field = ${field}; if (field !== undefined && typeof field !== 'string') return false;`);
        break;
      case FieldKind.OptionalNumber:
        lines.push(`field = ${field}; if (field !== undefined && (typeof field !== 'number' || !isFinite(field))) return false;`);
        break;
      case FieldKind.Literal: {
        const literal = literals[index];
        const inline = typeof literal === 'string' || typeof literal === 'boolean' || literal === null || (typeof literal === 'number' && Number.isFinite(literal));
        lines.push(`if (${field} !== ${inline ? JSON.stringify(literal) : `literals[${index}]`}) return false;`);
        break;
      }
      default:
        lines.push(`if (!check${index}(${field})) return false;`);
    }
  }
  const checks = validators.map((validator, index) => `const check${index} = validators[${index}];`).join('\n');
  const body = `'use strict';\n${checks}\nreturn function check(value) {\n// object check ${generatedCount++}\nif (typeof value !== 'object' || value === null || isArray(value)) return false;\nlet field;\n${lines.join('\n')}\nreturn true;\n};`;
  return generated(body, literals, validators);
}

/** The tag read of a discriminated union of loose objects as generated code (see {@link generatedObjectCheck}). */
function generatedUnionCheck(discriminator: string, byTag: StringTable<FastValidator>): FastValidator | undefined {
  const body = `'use strict';\nconst byTag = validators[0];\nreturn function check(value) {\n// union check ${generatedCount++}\nif (typeof value !== 'object' || value === null || isArray(value)) return false;\nconst validator = byTag.get(value[${JSON.stringify(discriminator)}]);\nreturn validator !== undefined && validator(value);\n};`;
  return generated(body, [], [byTag]);
}

/** Tells generated checks apart, so that the engine never shares one function's inline caches between two schemas. */
let generatedCount = 0;

function generated(body: string, literals: readonly unknown[], validators: readonly unknown[]): FastValidator | undefined {
  try {
    // Code generated only from schema keys, each quoted with JSON.stringify; no input reaches it.
    const factory = new Function('isArray', 'isFinite', 'literals', 'validators', body) as (
      isArray: (value: unknown) => boolean,
      isFinite: (value: unknown) => boolean,
      literals: readonly unknown[],
      validators: readonly unknown[],
    ) => FastValidator;
    return factory(Array.isArray, Number.isFinite, literals, validators);
  } catch {
    return undefined;
  }
}

/** The check of a loose object as one loop over its fields (where code generation is refused). */
function loopObjectCheck(keys: readonly string[], kinds: readonly FieldKind[], literals: readonly unknown[], validators: readonly (FastValidator | undefined)[]): FastValidator {
  const count = keys.length;
  return (value) => {
    if (!isPlainRecord(value)) return false;
    for (let index = 0; index < count; index += 1) {
      const field = value[keys[index] as string];
      switch (kinds[index]) {
        case FieldKind.String:
          if (typeof field !== 'string') return false;
          break;
        case FieldKind.Number:
          if (typeof field !== 'number' || !Number.isFinite(field)) return false;
          break;
        case FieldKind.OptionalString:
          if (field !== undefined && typeof field !== 'string') return false;
          break;
        case FieldKind.OptionalNumber:
          if (field !== undefined && (typeof field !== 'number' || !Number.isFinite(field))) return false;
          break;
        case FieldKind.Literal:
          if (field !== literals[index]) return false;
          break;
        default:
          if (!validators[index]?.(field)) return false;
      }
    }
    return true;
  };
}

/**
 * Compiles a zod schema built only from loose objects, strings, finite numbers, booleans,
 * literals, enums, `unknown`, `optional` and `nullable` (no refinements, transforms or defaults) into
 * a plain function that accepts exactly what `safeParse` accepts. Returns `undefined` for any
 * other schema, which then goes through zod itself.
 *
 * Why: stream deltas arrive by the hundred per response; zod's general machinery (and the copy
 * it makes of every object) costs more than the JSON parse itself, while the check these
 * schemas need is a handful of `typeof` tests. The compiled check returns no copy: the decoded
 * object is used as is.
 *
 * Object checks (and the tag read of discriminated unions) are generated code, one function per
 * object schema (see `generatedObjectCheck`), unless `generateCode` is `false` or the runtime
 * refuses code generation from strings: then each is a loop over the fields, which accepts the
 * same values more slowly. Tests run both.
 */
export function compileValidator(schema: z.ZodType, generateCode = true): FastValidator | undefined {
  const override = OVERRIDES.get(schema);
  if (override) return override;
  const definition = definitionOf(schema);
  const hasChecks = (definition.checks?.length ?? 0) > 0;
  switch (definition.type) {
    case 'string':
      return hasChecks ? undefined : (value) => typeof value === 'string';
    case 'number':
      return hasChecks ? undefined : (value) => typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return hasChecks ? undefined : (value) => typeof value === 'boolean';
    case 'unknown':
    case 'any':
      return hasChecks ? undefined : () => true;
    case 'literal': {
      const values = definition.values ?? [];
      if (hasChecks || values.length !== 1) return undefined;
      const expected = values[0];
      return (value) => value === expected;
    }
    case 'enum': {
      if (hasChecks || !definition.entries) return undefined;
      const values = Object.values(definition.entries);
      if (values.every((entry) => typeof entry === 'string')) {
        const allowedStrings = new StringTable(values.map((entry) => [entry as string, true] as const));
        return (value) => allowedStrings.has(value);
      }
      const allowed = new Set(values);
      return (value) => allowed.has(value);
    }
    case 'optional': {
      const inner = definition.innerType ? compileValidator(definition.innerType, generateCode) : undefined;
      return hasChecks || !inner ? undefined : (value) => value === undefined || inner(value);
    }
    case 'nullable': {
      const inner = definition.innerType ? compileValidator(definition.innerType, generateCode) : undefined;
      return hasChecks || !inner ? undefined : (value) => value === null || inner(value);
    }
    case 'object': {
      if (hasChecks || !definition.shape) return undefined;
      // Only loose objects (unknown keys kept): a strict or stripping object changes the output.
      if (!definition.catchall || definitionOf(definition.catchall).type !== 'unknown') return undefined;
      const keys: string[] = [];
      const kinds: FieldKind[] = [];
      const literals: unknown[] = [];
      const validators: (FastValidator | undefined)[] = [];
      for (const [key, field] of Object.entries(definition.shape)) {
        const validator = compileValidator(field, generateCode);
        if (!validator) return undefined;
        const { kind, literal } = fieldKindOf(field);
        keys.push(key);
        kinds.push(kind);
        literals.push(literal);
        validators.push(kind === FieldKind.Other ? validator : undefined);
      }
      return (generateCode ? generatedObjectCheck(keys, kinds, literals, validators) : undefined) ?? loopObjectCheck(keys, kinds, literals, validators);
    }
    case 'array': {
      const element = definition.element ? compileValidator(definition.element, generateCode) : undefined;
      if (hasChecks || !element) return undefined;
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (const entry of value) if (!element(entry)) return false;
        return true;
      };
    }
    case 'record': {
      const keyType = definition.keyType ? definitionOf(definition.keyType) : undefined;
      const valueCheck = definition.valueType ? compileValidator(definition.valueType, generateCode) : undefined;
      if (hasChecks || !valueCheck || keyType?.type !== 'string' || (keyType.checks?.length ?? 0) > 0) return undefined;
      return (value) => {
        if (!isPlainRecord(value)) return false;
        for (const key in value) if (Object.hasOwn(value, key) && !valueCheck(value[key])) return false;
        return true;
      };
    }
    case 'union': {
      if (hasChecks || !definition.options) return undefined;
      const options: FastValidator[] = [];
      for (const option of definition.options) {
        const validator = compileValidator(option, generateCode);
        if (!validator) return undefined;
        options.push(validator);
      }
      const discriminator = definition.discriminator;
      if (discriminator !== undefined) {
        // A discriminated union: one Map lookup picks the only option that can match.
        const byTag = new Map<unknown, FastValidator>();
        for (const [index, option] of definition.options.entries()) {
          const tag = literalOf(definitionOf(option).shape?.[discriminator]);
          const validator = options[index];
          if (tag === undefined || byTag.has(tag) || !validator) return undefined;
          byTag.set(tag, validator);
        }
        if ([...byTag.keys()].every((tag) => typeof tag === 'string')) {
          const byStringTag = new StringTable([...byTag].map(([tag, validator]) => [tag as string, validator] as const));
          return (generateCode ? generatedUnionCheck(discriminator, byStringTag) : undefined) ?? ((value) => {
            if (!isPlainRecord(value)) return false;
            const validator = byStringTag.get(value[discriminator]);
            return validator !== undefined && validator(value);
          });
        }
        return (value) => {
          if (!isPlainRecord(value)) return false;
          const validator = byTag.get(value[discriminator]);
          return validator !== undefined && validator(value);
        };
      }
      return (value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      };
    }
    default:
      return undefined;
  }
}
