// The consumer test: what a newcomer gets from npm. Packs every published package, checks
// each tarball (export targets, source maps, dependencies against imports, ws types, engines),
// installs the tarballs into a throw-away strict TypeScript project from the npm cache
// (offline), type-checks every README TypeScript block under `nodenext` and `bundler`
// resolution with `skipLibCheck: false`, and runs the blocks that need no network.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt } from '../ensure-built.ts';
import { dependencyMismatches, enginesConflicts, mapsWithMissingSources, missingExportTargets, untypedWsImports } from '../packaging/tarball-checks.ts';
import { offlineLockfile } from './offline-lockfile.ts';
import { packPackage, publishedPackageFolders, type PackResult } from './pack-workspace.ts';
import { readmeExamples, type ReadmeExample } from './readme-examples.ts';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..', '..');
const tsc = join(workspaceRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const folders = publishedPackageFolders(workspaceRoot);
const examples = readmeExamples(workspaceRoot, ['README.md', ...folders.map((folder) => `${folder}/README.md`)]);

let scratch = '';
let project = '';
let packed: PackResult[] = [];
let lockPackages: Record<string, { version?: string; engines?: { node?: string } }> = {};

function strictOptions(resolution: 'nodenext' | 'bundler'): Record<string, unknown> {
  return {
    target: 'es2022',
    lib: ['es2023'],
    module: resolution === 'nodenext' ? 'nodenext' : 'esnext',
    moduleResolution: resolution,
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: false,
    outDir: `out-${resolution}`,
    rootDir: 'examples',
    ...(resolution === 'bundler' ? { noEmit: true } : {}),
  };
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Maps `examples/<file>.ts(line,col)` in compiler output back to the README and its line. */
function readmeLocations(output: string): string {
  return output.replace(/examples\/([\w.-]+\.ts)\((\d+),(\d+)\)/g, (whole, file: string, line: string) => {
    const example = examples.find((entry) => entry.fileName === file);
    return example ? `${example.readme}:${example.line + Number(line) - 1} (${whole})` : whole;
  });
}

beforeAll(() => {
  ensurePackagesBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'modelwire-consumer-'));
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  packed = folders.map((folder) => packPackage(workspaceRoot, folder, tarballs));
  project = join(scratch, 'newcomer');
  mkdirSync(join(project, 'examples'), { recursive: true });
  const { lockfile, dependencies } = offlineLockfile({
    workspaceRoot,
    projectDir: project,
    packed,
    roots: packed.map((entry) => entry.name),
    // What a newcomer adds next to Modelwire: Node's types, zod for typed tools, and the openai
    // package that the TypeScript blocks of @modelwire/fetch's README use. (The AI SDK's and
    // @openai/agents' own declarations do not pass `skipLibCheck: false` without the DOM lib, so
    // the fetch and agents READMEs show their one-line change as JavaScript; their tests compile
    // the same calls. @openai/agents comes in as the peer dependency of @modelwire/agents.)
    // And @types/json-schema, which @ai-sdk/provider's declarations (read through
    // @modelwire/ai-sdk's) import without depending on it, as that README tells.
    extraDependencies: { '@types/node': '*', zod: '*', '@opentelemetry/sdk-trace': '*', '@opentelemetry/sdk-metrics': '*', openai: '*', '@types/json-schema': '*' },
  });
  lockPackages = (lockfile as { packages: typeof lockPackages }).packages;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'newcomer', version: '0.0.0', private: true, type: 'module', dependencies }, null, 2));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lockfile, null, 2));
  const install = run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project, 300_000);
  if (install.status !== 0) throw new Error(`npm ci --offline of the packed packages failed:\n${install.output}`);
  for (const example of examples) writeFileSync(join(project, 'examples', example.fileName), `${example.code}\nexport {};\n`);
  for (const resolution of ['nodenext', 'bundler'] as const) {
    writeFileSync(join(project, `tsconfig.${resolution}.json`), JSON.stringify({ compilerOptions: strictOptions(resolution), include: ['examples'] }, null, 2));
  }
}, 600_000);

// Removing the scratch project (its node_modules included) takes a while on a busy machine.
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 300_000);

describe.each(folders)('the packed %s', (folder) => {
  const packedOf = (): PackResult => packed.find((entry) => entry.workspacePath === folder)!;
  const files = () => ({ folder: join(workspaceRoot, folder), files: packedOf().files });

  it('has every export target, `types` and `main` inside the tarball', () => {
    expect(missingExportTargets(files())).toEqual([]);
  });

  it('publishes no source map whose sources are missing', () => {
    expect(mapsWithMissingSources(files())).toEqual([]);
  });

  it('declares exactly the packages its published code imports', () => {
    expect(dependencyMismatches(files())).toEqual({ undeclared: [], unused: [] });
  });

  it('has no ws types in its declarations without @types/ws', () => {
    expect(untypedWsImports(files())).toEqual([]);
  });

  it('admits only Node versions every installed runtime dependency supports', () => {
    const own = (lockPackages[`node_modules/${packedOf().name}`]?.engines ?? {}).node;
    const installed = Object.entries(lockPackages)
      .filter(([path]) => path.startsWith('node_modules/') && !/node_modules\/(@types\/node|undici-types|zod|@opentelemetry\/[a-z-]+)$/.test(path))
      .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version: entry.version ?? '', ...(entry.engines ? { engines: entry.engines } : {}) }));
    expect(enginesConflicts(own, installed)).toEqual([]);
  });
});

describe('README examples in a fresh strict project', () => {
  it('finds TypeScript blocks in the READMEs', () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  it.each(['nodenext', 'bundler'] as const)('type-check under %s resolution with skipLibCheck: false', (resolution) => {
    const result = run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`, '--pretty', 'false'], project, 300_000);
    expect(readmeLocations(result.output)).toBe('');
    expect(result.status).toBe(0);
  }, 300_000);

  const runnable = examples.filter((example) => example.runnable);
  it.each(runnable.map((example): [string, ReadmeExample] => [`${example.readme}:${example.line}`, example]))('runs %s', (_, example) => {
    const compiled = join(project, 'out-nodenext', example.fileName.replace(/\.ts$/, '.js'));
    const result = run(process.execPath, [compiled], project, 60_000);
    expect(result.status).toBe(0);
  }, 90_000);
});
