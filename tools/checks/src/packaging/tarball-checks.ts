// Checks on a packed package, read from the files `npm pack` put in the tarball (the package
// folder holds the same bytes): what a user installs, not what the workspace sees.
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import semver from 'semver';

interface Manifest {
  name: string;
  engines?: { node?: string };
  exports?: unknown;
  types?: string;
  main?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** A packed package: its manifest and the paths inside its tarball. */
export interface PackedFiles {
  folder: string;
  files: readonly string[];
}

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function manifestOf(packed: PackedFiles): Manifest {
  return JSON.parse(readFileSync(join(packed.folder, 'package.json'), 'utf8')) as Manifest;
}

function exportTargets(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const entry of value) exportTargets(entry, into);
  else if (value && typeof value === 'object') for (const entry of Object.values(value)) exportTargets(entry, into);
  return into;
}

/** Every export target (all conditions), `types` and `main` that is not a file in the tarball. */
export function missingExportTargets(packed: PackedFiles): string[] {
  const manifest = manifestOf(packed);
  const files = new Set(packed.files);
  const targets = [...exportTargets(manifest.exports), ...(manifest.types ? [manifest.types] : []), ...(manifest.main ? [manifest.main] : [])];
  return targets.filter((target) => !files.has(posix.normalize(target)));
}

/** Source-map entries whose `sources` are not in the tarball (and carry no `sourcesContent`). */
export function mapsWithMissingSources(packed: PackedFiles): string[] {
  const files = new Set(packed.files);
  const problems: string[] = [];
  for (const file of packed.files.filter((path) => path.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(packed.folder, file), 'utf8')) as { sources?: string[]; sourcesContent?: (string | null)[]; sourceRoot?: string };
    (map.sources ?? []).forEach((source, index) => {
      if (typeof map.sourcesContent?.[index] === 'string') return;
      const resolved = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
      if (!files.has(resolved)) problems.push(`${file} -> ${source}`);
    });
  }
  return problems;
}

/** `import … from 'x'`, `export … from 'x'`, `import 'x'` at a statement start, and `import('x')` anywhere. */
const SPECIFIER = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The package names a file imports (bare specifiers only, builtins excluded). */
export function importedPackages(code: string): Set<string> {
  const names = new Set<string>();
  for (const match of code.matchAll(SPECIFIER)) {
    const specifier = (match[1] ?? match[2] ?? match[3])!;
    if (specifier.startsWith('.') || specifier.startsWith('/') || builtins.has(specifier) || builtins.has(specifier.split('/')[0]!)) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  return names;
}

/**
 * Dependencies that do not match the published code: imports of packages that are neither
 * dependencies nor peer dependencies, and dependencies nothing imports (`@types/x` counts as
 * imported when a declaration file imports `x`). An optional peer dependency need not be
 * imported: it states which versions of the host framework the package works with (the AI
 * SDK provider implements `@ai-sdk/provider`'s interfaces for `ai`, which it never imports).
 */
export function dependencyMismatches(packed: PackedFiles): { undeclared: string[]; unused: string[] } {
  const manifest = manifestOf(packed);
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const imported = new Set<string>();
  const importedByTypes = new Set<string>();
  for (const file of packed.files) {
    if (!/\.(m?js|d\.m?ts)$/.test(file)) continue;
    const names = importedPackages(readFileSync(join(packed.folder, file), 'utf8'));
    for (const name of names) {
      if (name === manifest.name) continue;
      imported.add(name);
      if (file.endsWith('.d.ts') || file.endsWith('.d.mts')) importedByTypes.add(name);
    }
  }
  const undeclared = [...imported].filter((name) => !declared.has(name)).sort();
  const unused = [...declared]
    .filter((name) => {
      if (imported.has(name)) return false;
      if (manifest.peerDependenciesMeta?.[name]?.optional === true && manifest.dependencies?.[name] === undefined) return false;
      if (name.startsWith('@types/')) {
        const bare = name.slice('@types/'.length);
        const typed = bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
        return !importedByTypes.has(typed);
      }
      return true;
    })
    .sort();
  return { undeclared, unused };
}

/** Declaration files that import `ws` while `@types/ws` is no dependency. */
export function untypedWsImports(packed: PackedFiles): string[] {
  const manifest = manifestOf(packed);
  if (manifest.dependencies?.['@types/ws'] || manifest.peerDependencies?.['@types/ws']) return [];
  return packed.files.filter((file) => file.endsWith('.d.ts') && importedPackages(readFileSync(join(packed.folder, file), 'utf8')).has('ws'));
}

/**
 * Runtime dependencies (by name@version with their `engines.node`) whose supported Node
 * versions do not cover every version this package's `engines.node` admits.
 */
export function enginesConflicts(ownRange: string | undefined, installed: readonly { name: string; version: string; engines?: { node?: string } }[]): string[] {
  if (!ownRange) return ['the package has no engines.node'];
  return installed
    .filter((entry) => entry.engines?.node && !semver.subset(ownRange, entry.engines.node))
    .map((entry) => `${entry.name}@${entry.version} needs node ${entry.engines!.node}, the package admits ${ownRange}`);
}
