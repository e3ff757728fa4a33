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
 * Compiles a zod schema built only from loose objects, strings, finite numbers, booleans,
 * literals, enums, `unknown`, `optional` and `nullable` (no refinements, transforms or defaults) into
 * a plain function that accepts exactly what `safeParse` accepts. Returns `undefined` for any
 * other schema, which then goes through zod itself.
 *
 * Why: stream deltas arrive by the hundred per response; zod's general machinery (and the copy
 * it makes of every object) costs more than the JSON parse itself, while the check these
 * schemas need is a handful of `typeof` tests. The compiled check returns no copy: the decoded
 * object is used as is.
 */
export function compileValidator(schema: z.ZodType): FastValidator | undefined {
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
      const inner = definition.innerType ? compileValidator(definition.innerType) : undefined;
      return hasChecks || !inner ? undefined : (value) => value === undefined || inner(value);
    }
    case 'nullable': {
      const inner = definition.innerType ? compileValidator(definition.innerType) : undefined;
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
        const validator = compileValidator(field);
        if (!validator) return undefined;
        const { kind, literal } = fieldKindOf(field);
        keys.push(key);
        kinds.push(kind);
        literals.push(literal);
        validators.push(kind === FieldKind.Other ? validator : undefined);
      }
      const count = keys.length;
      // The common fields (strings, numbers, the `type` literal) are checked inline, in one
      // loop without a call per field: this check runs for every stream event.
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
    case 'array': {
      const element = definition.element ? compileValidator(definition.element) : undefined;
      if (hasChecks || !element) return undefined;
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (const entry of value) if (!element(entry)) return false;
        return true;
      };
    }
    case 'record': {
      const keyType = definition.keyType ? definitionOf(definition.keyType) : undefined;
      const valueCheck = definition.valueType ? compileValidator(definition.valueType) : undefined;
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
        const validator = compileValidator(option);
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
          return (value) => {
            if (!isPlainRecord(value)) return false;
            const validator = byStringTag.get(value[discriminator]);
            return validator !== undefined && validator(value);
          };
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
