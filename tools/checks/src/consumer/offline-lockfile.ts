// Writes a package-lock.json for a throw-away project that depends on packed workspace
// tarballs, so that `npm ci --offline` installs it from the npm cache that the workspace's
// own `npm ci` filled, without any registry request.
//
// `npm install --offline` cannot do this: resolving a semver range needs the registry's
// package document, which `npm ci` never downloads. A lockfile names exact versions, and
// `npm ci` then only needs the tarballs, which are in the cache. Versions are taken from the
// workspace lockfile exactly as Node would resolve them from each workspace package's folder,
// so the throw-away project installs what the workspace tests ran against.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string> | string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  hasInstallScript?: boolean;
  funding?: unknown;
  name?: string;
}

/** One packed workspace package the throw-away project installs. */
export interface PackedPackage {
  /** Package name, e.g. `@modelwire/client`. */
  name: string;
  version: string;
  /** Folder of the package inside the workspace, relative to the workspace root (`packages/client`). */
  workspacePath: string;
  /** Absolute path of the `.tgz` written by `npm pack`. */
  tarball: string;
}

const registry = 'https://registry.npmjs.org/';

function tarballUrl(name: string, version: string): string {
  const bare = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  return `${registry}${name}/-/${bare}-${version}.tgz`;
}

function integrityOf(path: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
}

/**
 * The lockfile of a project at `projectDir` whose dependencies are `roots` (each packed
 * workspace package by name) plus `extraDependencies` (registry packages present in the
 * workspace lockfile, e.g. `typescript`), resolved against the workspace lockfile.
 */
export function offlineLockfile(options: {
  workspaceRoot: string;
  projectDir: string;
  packed: readonly PackedPackage[];
  roots: readonly string[];
  extraDependencies?: Readonly<Record<string, string>>;
  /** Peer dependencies to install too (npm installs non-optional peers by default). */
  includePeers?: boolean;
}): { lockfile: object; dependencies: Record<string, string> } {
  const workspaceLock = JSON.parse(readFileSync(join(options.workspaceRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packedByName = new Map(options.packed.map((entry) => [entry.name, entry]));
  const includePeers = options.includePeers ?? true;

  /** The workspace lockfile key Node would load `name` from, starting at folder `from`. */
  function resolveInWorkspace(name: string, from: string): string | undefined {
    let folder = from;
    for (;;) {
      const key = folder === '' ? `node_modules/${name}` : `${folder}/node_modules/${name}`;
      if (workspaceLock.packages[key]) return key;
      if (folder === '') return undefined;
      const nested = folder.lastIndexOf('/node_modules/');
      folder = nested < 0 ? '' : folder.slice(0, nested);
    }
  }

  const out: Record<string, LockEntry> = {};
  const rootDependencies: Record<string, string> = {};

  function place(name: string, requestedFrom: string, workspaceKey: string | undefined, parentTreePath: string): void {
    const packedPackage = packedByName.get(name);
    const version = packedPackage ? packedPackage.version : workspaceLock.packages[workspaceKey ?? '']?.version;
    if (version === undefined) throw new Error(`${name} (needed by ${requestedFrom}) is not in the workspace lockfile`);
    const hoisted = `node_modules/${name}`;
    const existing = out[hoisted];
    let treePath: string;
    if (!existing) treePath = hoisted;
    else if (existing.version === version) return;
    else {
      treePath = `${parentTreePath}/node_modules/${name}`;
      if (out[treePath]) return;
    }
    let entry: LockEntry;
    let dependencyFolder: string;
    if (packedPackage) {
      const manifest = JSON.parse(readFileSync(join(options.workspaceRoot, packedPackage.workspacePath, 'package.json'), 'utf8')) as LockEntry;
      entry = {
        version,
        resolved: `file:${posix.relative(options.projectDir, packedPackage.tarball)}`,
        integrity: integrityOf(packedPackage.tarball),
        ...(manifest.license ? { license: manifest.license } : {}),
        ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
        ...(manifest.peerDependencies ? { peerDependencies: manifest.peerDependencies } : {}),
        ...(manifest.peerDependenciesMeta ? { peerDependenciesMeta: manifest.peerDependenciesMeta } : {}),
        ...(manifest.engines ? { engines: manifest.engines } : {}),
      };
      dependencyFolder = packedPackage.workspacePath;
    } else {
      const source = workspaceLock.packages[workspaceKey!]!;
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = source;
      entry = { ...kept, resolved: source.resolved ?? tarballUrl(name, version) };
      if (entry.optional) delete entry.optional;
      dependencyFolder = workspaceKey!;
    }
    out[treePath] = entry;
    const wanted: string[] = [
      ...Object.keys(entry.dependencies ?? {}),
      // Optional dependencies that the workspace installed (e.g. pg's pg-cloudflare): npm ci wants
      // them in the lockfile; ones the workspace lockfile lacks (another platform's) are left out.
      ...Object.keys(entry.optionalDependencies ?? {}).filter((optional) => packedByName.has(optional) || resolveInWorkspace(optional, dependencyFolder) !== undefined),
      ...(includePeers
        ? Object.keys(entry.peerDependencies ?? {}).filter((peer) => !entry.peerDependenciesMeta?.[peer]?.optional)
        : []),
    ];
    for (const dependency of wanted) {
      place(dependency, name, packedByName.has(dependency) ? undefined : resolveInWorkspace(dependency, dependencyFolder), treePath);
    }
  }

  for (const name of options.roots) {
    const packedPackage = packedByName.get(name);
    if (!packedPackage) throw new Error(`${name} was not packed`);
    rootDependencies[name] = `file:${posix.relative(options.projectDir, packedPackage.tarball)}`;
    place(name, 'the project', undefined, '');
  }
  for (const [name, range] of Object.entries(options.extraDependencies ?? {})) {
    const key = resolveInWorkspace(name, '');
    if (!key) throw new Error(`${name} is not in the workspace lockfile`);
    rootDependencies[name] = range;
    place(name, 'the project', key, '');
  }
  const projectName = basename(options.projectDir);
  return {
    dependencies: rootDependencies,
    lockfile: {
      name: projectName,
      version: '0.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: projectName, version: '0.0.0', dependencies: rootDependencies }, ...out },
    },
  };
}
