import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: workspaceRoot });

async function layerMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(workspaceRoot, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'modelwire/layer-imports').map((m) => m.message);
}

describe('layer lint', () => {
  it('rejects an upward import (transport importing client)', async () => {
    const messages = await layerMessages(
      'packages/transport/src/probe.ts',
      "import { x } from '@modelwire/client';\nexport const y = x;\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('only imports of lower layers are allowed');
  });

  it('rejects otel importing core-session, and a re-export from a higher layer', async () => {
    const messages = await layerMessages(
      'packages/otel/src/probe.ts',
      "export { x } from '@modelwire/core-session';\nconst m = await import('@modelwire/core-session/testing');\nexport const z = m;\n",
    );
    expect(messages).toHaveLength(2);
  });

  it('accepts downward imports', async () => {
    expect(
      await layerMessages(
        'packages/core-session/src/probe.ts',
        "import { a } from '@modelwire/client';\nimport { b } from '@modelwire/transport';\nexport const c = [a, b];\n",
      ),
    ).toEqual([]);
    expect(
      await layerMessages('packages/protocol/src/probe.ts', "import { a } from '@modelwire/errors';\nexport const c = a;\n"),
    ).toEqual([]);
  });

  it('keeps protocol pure: it may not import transport (the network layer)', async () => {
    const messages = await layerMessages('packages/protocol/src/probe.ts', "import { a } from '@modelwire/transport';\nexport const c = a;\n");
    expect(messages).toHaveLength(1);
  });

  it('lets only test files and fixtures import the testing package', async () => {
    const code = "import { startResponsesServer } from '@modelwire/testing';\nexport const s = startResponsesServer;\n";
    expect(await layerMessages('packages/client/src/probe.ts', code)).toHaveLength(1);
    expect(await layerMessages('packages/client/src/probe.test.ts', code)).toEqual([]);
    expect(await layerMessages('packages/core-session/src/__fixtures__/probe.ts', code)).toEqual([]);
    expect(await layerMessages('packages/errors/src/probe.test.ts', code)).toHaveLength(1);
  });

  it('puts session stores above core-session: the store imports it, core-session may not import the store', async () => {
    expect(
      await layerMessages('packages/store-postgres/src/probe.ts', "import { a } from '@modelwire/core-session';\nimport { b } from '@modelwire/transport';\nexport const c = [a, b];\n"),
    ).toEqual([]);
    const messages = await layerMessages('packages/core-session/src/probe.ts', "import { a } from '@modelwire/store-postgres';\nexport const c = a;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('only imports of lower layers are allowed');
  });

  it('puts the fetch adapter above client and below nothing: it imports client, otel and core-session may not import it', async () => {
    expect(
      await layerMessages('packages/fetch/src/probe.ts', "import { a } from '@modelwire/client';\nimport { b } from '@modelwire/transport';\nexport const c = [a, b];\n"),
    ).toEqual([]);
    expect(await layerMessages('packages/fetch/src/probe.ts', "import { a } from '@modelwire/core-session';\nexport const c = a;\n")).toHaveLength(1);
    expect(await layerMessages('packages/core-session/src/probe.ts', "import { a } from '@modelwire/fetch';\nexport const c = a;\n")).toHaveLength(1);
    expect(await layerMessages('packages/client/src/probe.ts', "import { a } from '@modelwire/fetch';\nexport const c = a;\n")).toHaveLength(1);
  });

  it('puts the AI SDK provider above fetch: it imports client and fetch, fetch and core-session may not import it', async () => {
    expect(
      await layerMessages('packages/ai-sdk/src/probe.ts', "import { a } from '@modelwire/client';\nimport { b } from '@modelwire/fetch';\nexport const c = [a, b];\n"),
    ).toEqual([]);
    expect(await layerMessages('packages/ai-sdk/src/probe.ts', "import { a } from '@modelwire/core-session';\nexport const c = a;\n")).toHaveLength(1);
    expect(await layerMessages('packages/ai-sdk/src/probe.ts', "import { a } from '@modelwire/testing';\nexport const c = a;\n")).toHaveLength(1);
    expect(await layerMessages('packages/fetch/src/probe.ts', "import { a } from '@modelwire/ai-sdk';\nexport const c = a;\n")).toHaveLength(1);
    expect(await layerMessages('packages/core-session/src/probe.ts', "import { a } from '@modelwire/ai-sdk';\nexport const c = a;\n")).toHaveLength(1);
  });

  it('puts the agents provider above fetch: it imports fetch and client, fetch may not import it, and it may not import core-session', async () => {
    expect(await layerMessages('packages/agents/src/probe.ts', "import { a } from '@modelwire/fetch';\nimport { b } from '@modelwire/client';\nexport const c = [a, b];\n")).toEqual([]);
    expect(await layerMessages('packages/agents/src/probe.ts', "import { a } from '@modelwire/core-session';\nexport const c = a;\n")).toHaveLength(1);
    expect(await layerMessages('packages/fetch/src/probe.ts', "import { a } from '@modelwire/agents';\nexport const c = a;\n")).toHaveLength(1);
  });

  it('rejects a relative import that leaves the project', async () => {
    const messages = await layerMessages(
      'packages/protocol/src/probe.ts',
      "import { a } from '../../client/src/index.js';\nexport const c = a;\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('leaves project');
  });

  it('lets tools import any layer', async () => {
    expect(
      await layerMessages('tools/bench/src/probe.ts', "import { a } from '@modelwire/core-session';\nexport const c = a;\n"),
    ).toEqual([]);
  });
});
