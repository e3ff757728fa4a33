import { InvalidArgumentError } from '@modelwire/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSession } from '../session/create-session.js';
import { activeResources, leakedResources, TEST_MODEL } from '../__fixtures__/session-fixtures.js';
import type { StandardSchema } from './standard-schema.js';
import { functionTool, type ToolDefinition } from './tool-definition.js';
import { ToolRegistry } from './tool-registry.js';

const handler = (): string => 'ok';
const objectSchema = { type: 'object', properties: {} };

/** The issues of the InvalidArgumentError `run` throws, as `path: message` lines. */
function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe('invalid_argument');
    return (error as InvalidArgumentError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected an InvalidArgumentError');
}

/** A Standard Schema of another library: validation only, no JSON Schema converter. */
const pointSchema: StandardSchema<unknown, { x: number }> = {
  '~standard': {
    version: 1,
    vendor: 'handmade',
    validate: (value) => (typeof (value as { x?: unknown }).x === 'number' ? { value: { x: (value as { x: number }).x } } : { issues: [{ message: 'x must be a number', path: ['x'] }] }),
  },
};

describe('tool definitions are validated where they are registered', () => {
  it('accepts names of 1 to 64 letters, digits, _ and -, and rejects the rest with the field path', () => {
    const named = (name: unknown): ToolDefinition => ({ kind: 'function', name, parameters: objectSchema, handler }) as ToolDefinition;
    expect(new ToolRegistry([named('a'), named('read_file-2'), named('x'.repeat(64))]).names).toEqual(['a', 'read_file-2', 'x'.repeat(64)]);
    expect(issuesOf(() => new ToolRegistry([named('ok'), named('has space'), named('x'.repeat(65)), named(''), named('dot.ted'), named(undefined)]))).toEqual([
      'tools[1].name: must match ^[a-zA-Z0-9_-]+$ (letters, digits, _ and -, at least one)',
      'tools[2].name: must be at most 64 characters',
      'tools[3].name: must match ^[a-zA-Z0-9_-]+$ (letters, digits, _ and -, at least one)',
      'tools[4].name: must match ^[a-zA-Z0-9_-]+$ (letters, digits, _ and -, at least one)',
      'tools[5].name: is required',
    ]);
    expect(issuesOf(() => new ToolRegistry().register({ kind: 'custom', name: 'apply patch', handler }))).toEqual([
      'tool.name: must match ^[a-zA-Z0-9_-]+$ (letters, digits, _ and -, at least one)',
    ]);
  });

  it('accepts exactly the names the API accepts (property)', () => {
    const nameCharacter = fc.constantFrom(...'abcXYZ019_-'.split(''), ' ', '.', '/', 'é', '\n', ':');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: nameCharacter, maxLength: 70 }), fc.string({ maxLength: 70 })), (name) => {
        const valid = /^[a-zA-Z0-9_-]+$/.test(name) && name.length <= 64;
        let accepted = true;
        try {
          new ToolRegistry([{ kind: 'function', name, parameters: objectSchema, handler }]);
        } catch (error) {
          accepted = !(error instanceof InvalidArgumentError);
        }
        expect(accepted).toBe(valid);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects duplicate names, in one list and against the registry, and registers nothing then', () => {
    const tool = (name: string): ToolDefinition => ({ kind: 'function', name, parameters: objectSchema, handler });
    expect(issuesOf(() => new ToolRegistry([tool('a'), tool('b'), { kind: 'custom', name: 'a', handler }]))).toEqual(['tools[2].name: duplicates the name of tools[0]']);
    expect(issuesOf(() => new ToolRegistry([{ kind: 'local_shell', handler }, { kind: 'local_shell', handler }]))).toEqual(['tools[1].kind: duplicates the name of tools[0]']);
    const registry = new ToolRegistry([tool('a')]);
    expect(issuesOf(() => registry.register(tool('a')))).toEqual(['tool.name: a tool named "a" is already registered']);
    expect(() => new ToolRegistry([tool('fine'), tool('bad name')])).toThrow(InvalidArgumentError);
    expect(registry.names).toEqual(['a']);
  });

  it('requires a handler function, a known kind, a positive timeout and an object schema', () => {
    expect(
      issuesOf(() =>
        new ToolRegistry([
          { kind: 'function', name: 'a', parameters: objectSchema, handler: 'run' },
          { kind: 'shell', name: 'b', handler },
          { kind: 'function', name: 'c', parameters: { type: 'string' }, handler },
          { kind: 'function', name: 'd', handler },
          { kind: 'custom', name: 'e', handler, timeoutMs: 0 },
          { kind: 'function', name: 'f', parameters: objectSchema, strict: 'yes', handler },
          null,
        ] as unknown as ToolDefinition[]),
      ),
    ).toEqual([
      'tools[0].handler: must be a function',
      'tools[1].kind: must be "function", "custom" or "local_shell"',
      'tools[2].parameters.type: must be "object": a function tool takes a JSON object of arguments',
      'tools[3].parameters: must be a JSON Schema object or a Standard Schema',
      'tools[4].timeoutMs: must be a positive number of milliseconds',
      'tools[5].strict: Invalid input: expected boolean, received string',
      'tools[6]: must be a tool definition object',
    ]);
    expect(issuesOf(() => new ToolRegistry('shell' as unknown as ToolDefinition[]))).toEqual(['tools: must be an array of tool definitions or a ToolRegistry']);
    expect(issuesOf(() => new ToolRegistry().addHostedTool({ type: '' }))).toEqual(['spec.type: must be a non-empty string (the hosted tool type, such as "web_search")']);
  });

  it('generates the JSON Schema of a zod schema once, without $schema, and checks it describes an object', () => {
    const registry = new ToolRegistry([
      functionTool({ name: 'read_file', description: 'Reads a file', parameters: z.object({ path: z.string().describe('Relative path'), limit: z.number().int().optional() }), handler }),
    ]);
    expect(registry.specs()).toEqual([
      {
        type: 'function',
        name: 'read_file',
        description: 'Reads a file',
        parameters: {
          type: 'object',
          properties: { path: { type: 'string', description: 'Relative path' }, limit: { type: 'integer', minimum: expect.any(Number), maximum: expect.any(Number) } },
          required: ['path'],
        },
        strict: false,
      },
    ]);
    expect(issuesOf(() => new ToolRegistry([functionTool({ name: 'a', parameters: z.string(), handler })]))).toEqual([
      'tools[0].parameters.type: must be "object": a function tool takes a JSON object of arguments',
    ]);
    expect(issuesOf(() => new ToolRegistry([functionTool({ name: 'a', parameters: z.object({ when: z.date() }), handler })]))).toEqual([
      expect.stringMatching(/^tools\[0\]\.parameters: has no JSON Schema form \(.*Date.*\); pass jsonSchema$/),
    ]);
  });

  it('needs jsonSchema for a Standard Schema without a converter, and sends the one given', () => {
    expect(issuesOf(() => new ToolRegistry([functionTool({ name: 'plot', parameters: pointSchema, handler })]))).toEqual([
      'tools[0].jsonSchema: is required: the handmade schema in parameters has no JSON Schema converter (~standard.jsonSchema)',
    ]);
    const jsonSchema = { type: 'object', properties: { x: { type: 'number' } }, required: ['x'], additionalProperties: false };
    const registry = new ToolRegistry([functionTool({ name: 'plot', parameters: pointSchema, jsonSchema, strict: true, handler })]);
    expect(registry.specs()).toEqual([{ type: 'function', name: 'plot', parameters: jsonSchema, strict: true }]);
  });

  it('fails createSession before any I/O', async () => {
    const baseline = activeResources();
    let connects = 0;
    const options = {
      provider: { baseUrl: 'http://127.0.0.1:9/v1', supportsWebSockets: true },
      auth: 'none' as const,
      model: TEST_MODEL,
      instructions: 'test',
      client: {
        webSocketConnector: () => {
          connects += 1;
          return Promise.reject(new Error('no server'));
        },
      },
    };
    expect(issuesOf(() => createSession({ ...options, tools: [{ kind: 'function', name: 'no spaces allowed', parameters: objectSchema, handler }] }))).toEqual([
      'tools[0].name: must match ^[a-zA-Z0-9_-]+$ (letters, digits, _ and -, at least one)',
    ]);
    expect(issuesOf(() => createSession({ ...options, tools: { kind: 'function' } as unknown as ToolDefinition[] }))).toEqual(['tools: must be an array of tool definitions or a ToolRegistry']);
    expect(await leakedResources(baseline)).toEqual([]);
    expect(connects).toBe(0);
    // The same options with a valid tool do start the pre-connect (so the count above can fail).
    const session = createSession({ ...options, tools: [{ kind: 'function', name: 'fine', parameters: objectSchema, handler }] });
    await session.close();
    expect(connects).toBe(1);
  });
});
