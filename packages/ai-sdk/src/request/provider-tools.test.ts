// Differential test of the request side: every provider tool @ai-sdk/openai defines, declared
// with its own tool helpers (`openai.tools.*`, arguments that exercise every conversion), goes
// out through createModelwire (HTTP and WebSocket) as the same `tools[]` entry, `tool_choice`
// and `include` as through createOpenAI, both against the loopback server over real sockets.
// The `modelwire.` namespace gives the same entries.
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV4, LanguageModelV4CallOptions } from '@ai-sdk/provider';
import { staticTokenAuth } from '@modelwire/client';
import { Closables, startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelwire } from '../create-modelwire.js';

const open = new Closables();
afterEach(() => open.closeAll());

const openai = createOpenAI({ apiKey: 'sk-test' });
type ProviderTool = Extract<NonNullable<LanguageModelV4CallOptions['tools']>[number], { type: 'provider' }>;

/** A tool of `openai.tools` as the AI SDK hands it to the model. */
function declared(name: string, tool: { readonly id?: string; readonly args?: unknown }): ProviderTool {
  return { type: 'provider', id: tool.id as `${string}.${string}`, name, args: (tool.args ?? {}) as Record<string, unknown> };
}

/** Each tool helper with arguments that take every branch of its conversion, and a plain variant. */
const TOOLS: readonly (readonly [string, ProviderTool])[] = [
  ['file_search', declared('file_search', openai.tools.fileSearch({ vectorStoreIds: ['vs_1'], maxNumResults: 4, ranking: { ranker: 'auto', scoreThreshold: 0.5 }, filters: { type: 'eq', key: 'k', value: 'v' } }))],
  ['file_search (plain)', declared('files', openai.tools.fileSearch({ vectorStoreIds: ['vs_1'] }))],
  ['local_shell', declared('local_shell', openai.tools.localShell({}))],
  ['shell (local, skills)', declared('shell', openai.tools.shell({ environment: { type: 'local', skills: [{ name: 's', description: 'd', path: '/s' }] } }))],
  [
    'shell (container auto)',
    declared(
      'shell',
      openai.tools.shell({
        environment: {
          type: 'containerAuto',
          fileIds: ['file_1'],
          memoryLimit: '4g',
          networkPolicy: { type: 'allowlist', allowedDomains: ['example.com'], domainSecrets: [{ domain: 'example.com', name: 'K', value: 'v' }] },
          skills: [
            { type: 'skillReference', providerReference: { openai: 'skill_1' } },
            { type: 'inline', name: 'n', description: 'd', source: { type: 'base64', mediaType: 'application/zip', data: 'UEs=' } },
          ],
        },
      }),
    ),
  ],
  ['shell (container reference)', declared('shell', openai.tools.shell({ environment: { type: 'containerReference', containerId: 'cntr_1' } }))],
  ['shell (no environment)', declared('shell', openai.tools.shell({}))],
  ['apply_patch', declared('apply_patch', openai.tools.applyPatch({}))],
  ['computer', declared('computer', openai.tools.computer({}))],
  ['web_search_preview', declared('web_search_preview', openai.tools.webSearchPreview({ searchContextSize: 'high', userLocation: { type: 'approximate', country: 'US', city: 'Boston' } }))],
  ['web_search', declared('web_search', openai.tools.webSearch({ filters: { allowedDomains: ['example.com'] }, externalWebAccess: false, searchContextSize: 'low', userLocation: { type: 'approximate', timezone: 'UTC' } }))],
  ['code_interpreter', declared('code_interpreter', openai.tools.codeInterpreter({}))],
  ['code_interpreter (container id)', declared('code_interpreter', openai.tools.codeInterpreter({ container: 'cntr_1' }))],
  ['code_interpreter (files, policy)', declared('code_interpreter', openai.tools.codeInterpreter({ container: { fileIds: ['file_1'], memoryLimit: '1g', networkPolicy: { type: 'disabled' } } }))],
  [
    'image_generation',
    declared(
      'image_generation',
      openai.tools.imageGeneration({ background: 'transparent', inputFidelity: 'high', inputImageMask: { fileId: 'file_1' }, model: 'gpt-image-1', moderation: 'low', outputCompression: 50, outputFormat: 'png', partialImages: 2, quality: 'high', size: '1024x1024' }),
    ),
  ],
  ['mcp', declared('mcp', openai.tools.mcp({ serverLabel: 'docs', serverUrl: 'https://example.com/mcp', allowedTools: { readOnly: true, toolNames: ['a'] }, headers: { 'x-a': 'b' }, requireApproval: { never: { toolNames: ['a'] } }, serverDescription: 'Docs' }))],
  ['mcp (defaults)', declared('mcp', openai.tools.mcp({ serverLabel: 'docs', connectorId: 'connector_dropbox', authorization: 'token', allowedTools: ['a', 'b'], requireApproval: 'always' }))],
  ['custom', declared('write_sql', openai.tools.customTool({ description: 'SQL', format: { type: 'grammar', syntax: 'regex', definition: 'SELECT .+' } }))],
  ['programmatic_tool_calling', declared('programmatic_tool_calling', openai.tools.programmaticToolCalling())],
  ['tool_search', declared('tool_search', openai.tools.toolSearch({ execution: 'client', description: 'Find tools', parameters: { type: 'object' } }))],
];

/** The request's fields the tools decide: `tools`, `tool_choice`, the tools' `include` entries. */
function toolFields(server: ResponsesServer): unknown {
  const body = server.recording.requests.at(-1)?.body as Record<string, unknown> | undefined;
  const include = Array.isArray(body?.['include']) ? (body['include'] as string[]).filter((entry) => entry !== 'reasoning.encrypted_content') : [];
  return { tools: body?.['tools'], tool_choice: body?.['tool_choice'] ?? 'auto', include };
}

async function send(model: LanguageModelV4, options: LanguageModelV4CallOptions): Promise<void> {
  const { stream } = await model.doStream(options);
  for await (const part of stream) if (part.type === 'error') throw part.error;
}

const lookup = { type: 'function', name: 'lookup', inputSchema: { type: 'object', properties: {} } } as const;

describe('provider tools on the wire', () => {
  it.each(TOOLS)('%s: the same tools[] entry, tool_choice and include as @ai-sdk/openai (HTTP and WebSocket, openai. and modelwire. ids)', async (_name, tool) => {
    const server = open.add(await startResponsesServer({ tokenDelayMs: 0 }));
    const options: LanguageModelV4CallOptions = {
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [lookup, tool],
      toolChoice: { type: 'tool', toolName: tool.name },
    };
    await send(createOpenAI({ apiKey: 'sk-test', baseURL: server.url }).responses('gpt-4.1'), options);
    const expected = toolFields(server);
    for (const supportsWebSockets of [false, true]) {
      for (const namespace of ['openai', 'modelwire']) {
        const modelwire = open.add(createModelwire({ provider: { baseUrl: server.url, supportsWebSockets }, auth: staticTokenAuth('sk-test') }, { preconnect: false }));
        const renamed: LanguageModelV4CallOptions = { ...options, tools: [lookup, { ...tool, id: tool.id.replace(/^openai\./, `${namespace}.`) as `${string}.${string}` }] };
        const { stream } = await modelwire.responses('gpt-4.1').doStream(renamed);
        const parts = [];
        for await (const part of stream) parts.push(part);
        expect(parts[0]).toEqual({ type: 'stream-start', warnings: [] });
        expect(toolFields(server)).toEqual(expected);
        expect(server.recording.requests.at(-1)?.transport).toBe(supportsWebSockets ? 'websocket' : 'http');
      }
    }
  });

  it('covers every tool helper of the installed @ai-sdk/openai', () => {
    const helpers = Object.keys(openai.tools).sort();
    const ids = new Set(TOOLS.map(([, tool]) => tool.id));
    const idOf = (helper: string): string | undefined => {
      const factory = (openai.tools as unknown as Record<string, (args?: unknown) => { id?: string }>)[helper];
      try {
        return factory?.({ vectorStoreIds: [], serverLabel: 'x' }).id;
      } catch {
        return undefined;
      }
    };
    expect(helpers.filter((helper) => !ids.has(idOf(helper) as `${string}.${string}`))).toEqual([]);
  });
});
