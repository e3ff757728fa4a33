// Validation of tool definitions where they enter the session (`createSession`,
// `ToolRegistry`), before any I/O: a bad definition is an `InvalidArgumentError` listing each
// problem with its field path (`tools[2].name`), never a 400 from the API at the first request.
import type { ToolSpec } from '@modelwire/client';
import type { InvalidArgumentIssue } from '@modelwire/transport';
import { z } from 'zod';
import { isStandardSchema, type StandardSchema } from './standard-schema.js';
import type { JsonSchemaObject, ToolDefinition } from './tool-definition.js';

/** The API's rule for function and custom tool names. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
/** The longest tool name the API accepts. */
export const MAX_TOOL_NAME_LENGTH = 64;

/** The name under which the local shell tool is registered and reported. */
export const LOCAL_SHELL_TOOL_NAME = 'local_shell';

/** The JSON Schema dialect asked of a Standard JSON Schema converter. */
const JSON_SCHEMA_TARGET = 'draft-2020-12';

const name = z
  .string()
  .max(MAX_TOOL_NAME_LENGTH, `must be at most ${MAX_TOOL_NAME_LENGTH} characters`)
  .regex(TOOL_NAME_PATTERN, 'must match ^[a-zA-Z0-9_-]+$ (letters, digits, _ and -, at least one)');
const handler = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');
const timeoutMs = z.number().finite().positive('must be a positive number of milliseconds').optional();
const jsonObject = z.record(z.string(), z.unknown());
const schemaObject = z.custom<object>((value) => (typeof value === 'object' || typeof value === 'function') && value !== null && !Array.isArray(value), 'must be a JSON Schema object or a Standard Schema');

const ToolDefinitionArgumentSchema = z.discriminatedUnion(
  'kind',
  [
    z.looseObject({ kind: z.literal('function'), name, description: z.string().optional(), parameters: schemaObject, jsonSchema: jsonObject.optional(), strict: z.boolean().optional(), handler, timeoutMs }),
    z.looseObject({ kind: z.literal('custom'), name, description: z.string().optional(), format: jsonObject.optional(), handler, timeoutMs }),
    z.looseObject({ kind: z.literal('local_shell'), handler, timeoutMs }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'must be "function", "custom" or "local_shell"' : undefined) },
);

function pathOf(root: string, path: readonly PropertyKey[]): string {
  let text = root;
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`;
  return text;
}

/** A definition that passed validation: its registry name and its wire definition. */
export interface CheckedToolDefinition {
  readonly name: string;
  readonly spec: ToolSpec;
}

/**
 * Checks one definition (`root` is its path, such as `tools[2]`) and builds its wire definition
 * (the JSON Schema of a Standard Schema is generated here, once). Returns the problems found, or
 * the checked definition when there are none.
 */
export function checkToolDefinition(tool: unknown, root: string): CheckedToolDefinition | InvalidArgumentIssue[] {
  if (typeof tool !== 'object' || tool === null || Array.isArray(tool)) return [{ path: root, message: 'must be a tool definition object' }];
  const parsed = ToolDefinitionArgumentSchema.safeParse(tool, { reportInput: true });
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      path: pathOf(root, issue.path),
      message: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    }));
  }
  const definition = tool as ToolDefinition;
  switch (definition.kind) {
    case 'function': {
      const parameters = functionParameters(definition.parameters, definition.jsonSchema, root);
      if (Array.isArray(parameters)) return parameters;
      return {
        name: definition.name,
        spec: {
          type: 'function',
          name: definition.name,
          ...(definition.description === undefined ? {} : { description: definition.description }),
          parameters,
          strict: definition.strict ?? false,
        },
      };
    }
    case 'custom':
      return {
        name: definition.name,
        spec: {
          type: 'custom',
          name: definition.name,
          ...(definition.description === undefined ? {} : { description: definition.description }),
          ...(definition.format === undefined ? {} : { format: definition.format }),
        },
      };
    case 'local_shell':
      return { name: LOCAL_SHELL_TOOL_NAME, spec: { type: 'local_shell' } };
  }
}

/** The JSON Schema sent as `parameters`, or the problems with it. */
function functionParameters(parameters: JsonSchemaObject | StandardSchema, explicit: JsonSchemaObject | undefined, root: string): JsonSchemaObject | InvalidArgumentIssue[] {
  let schema: JsonSchemaObject;
  let path: string;
  if (!isStandardSchema(parameters)) {
    schema = parameters as JsonSchemaObject;
    path = `${root}.parameters`;
  } else if (explicit !== undefined) {
    schema = explicit;
    path = `${root}.jsonSchema`;
  } else {
    const converter = parameters['~standard'].jsonSchema;
    path = `${root}.parameters`;
    if (typeof converter?.input !== 'function') {
      return [{ path: `${root}.jsonSchema`, message: `is required: the ${parameters['~standard'].vendor} schema in parameters has no JSON Schema converter (~standard.jsonSchema)` }];
    }
    try {
      const { $schema: _dialect, ...generated } = converter.input({ target: JSON_SCHEMA_TARGET });
      schema = generated;
    } catch (error) {
      return [{ path, message: `has no JSON Schema form (${error instanceof Error ? error.message : String(error)}); pass jsonSchema` }];
    }
  }
  if (schema['type'] !== 'object') return [{ path: `${path}.type`, message: 'must be "object": a function tool takes a JSON object of arguments' }];
  try {
    JSON.stringify(schema);
  } catch {
    return [{ path, message: 'must be JSON (no cycles, no BigInt)' }];
  }
  return schema;
}
