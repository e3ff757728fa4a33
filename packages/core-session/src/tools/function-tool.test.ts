// Type-level tests of typed tools (checked by `tsc` through the typecheck target; the
// `@ts-expect-error` lines fail the typecheck when the line they mark compiles), plus the
// runtime shape of what `functionTool` returns.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { StandardSchema } from './standard-schema.js';
import { functionTool, type FunctionToolDefinition, type ToolCallContext, type ToolDefinition } from './tool-definition.js';
import type { ToolResult } from './tool-output.js';

const parameters = z.object({ path: z.string(), limit: z.number().int().default(100), mode: z.enum(['text', 'bytes']).optional() });

describe('functionTool', () => {
  it('infers the handler argument from a zod schema (its output: defaults applied)', () => {
    const tool = functionTool({
      name: 'read_file',
      parameters,
      handler: (args, context) => {
        expectTypeOf(args).toEqualTypeOf<{ path: string; limit: number; mode?: 'text' | 'bytes' | undefined }>();
        expectTypeOf(context).toEqualTypeOf<ToolCallContext>();
        return `${args.path}:${args.limit}`;
      },
    });
    expectTypeOf(tool).toEqualTypeOf<FunctionToolDefinition<{ path: string; limit: number; mode?: 'text' | 'bytes' | undefined }>>();
    expectTypeOf(tool).toExtend<ToolDefinition>();
    expect(tool.kind).toBe('function');
    expect(tool.parameters).toBe(parameters);
  });

  it('rejects a handler declared with another argument type', () => {
    functionTool({
      name: 'read_file',
      parameters,
      // @ts-expect-error path is a string, not a number
      handler: (args: { path: number }) => String(args.path),
    });
    functionTool({
      name: 'read_file',
      parameters,
      // @ts-expect-error the schema has no `encoding` field
      handler: (args: { path: string; limit: number; encoding: string }) => args.encoding,
    });
    functionTool({
      name: 'read_file',
      parameters,
      // @ts-expect-error no such property on the inferred arguments
      handler: (args) => args.missing,
    });
    functionTool({
      name: 'read_file',
      parameters,
      // @ts-expect-error a handler returns text, content parts or { output, success }
      handler: () => 42,
    });
  });

  it('infers from any Standard Schema, and gives unknown for a JSON Schema', () => {
    const point: StandardSchema<unknown, { x: number; y: number }> = { '~standard': { version: 1, vendor: 'handmade', validate: () => ({ value: { x: 0, y: 0 } }) } };
    functionTool({ name: 'plot', parameters: point, jsonSchema: { type: 'object' }, handler: (args) => expectTypeOf(args).toEqualTypeOf<{ x: number; y: number }>() && 'ok' });
    functionTool({ name: 'raw', parameters: { type: 'object', properties: {} }, handler: (args) => expectTypeOf(args).toBeUnknown() && 'ok' });
  });

  it('types content results as the API accepts them', () => {
    expectTypeOf<[{ type: 'input_image'; image_url: string }]>().toExtend<ToolResult>();
    expectTypeOf<{ output: [{ type: 'input_file'; file_id: string }]; success: false }>().toExtend<ToolResult>();
    expectTypeOf<[{ type: 'input_audio'; data: string }]>().not.toExtend<ToolResult>();
    expectTypeOf<[{ type: 'input_image'; detail: 'huge' }]>().not.toExtend<ToolResult>();
  });
});
