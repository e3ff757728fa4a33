// Packs every published workspace package (`nx.tags` includes `scope:publish`) with `npm pack`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackedPackage } from './offline-lockfile.ts';

export interface PackResult extends PackedPackage {
  /** Bytes of the `.tgz`. */
  packedSize: number;
  /** Bytes of the files inside the `.tgz`. */
  unpackedSize: number;
  /** Paths inside the tarball, relative to the package root. */
  files: string[];
}

interface PackJson {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/** Folders (relative to the workspace root) of the packages published from this workspace. */
export function publishedPackageFolders(workspaceRoot: string): string[] {
  return readdirSync(join(workspaceRoot, 'packages'))
    .map((folder) => `packages/${folder}`)
    .filter((folder) => {
      try {
        const manifest = JSON.parse(readFileSync(join(workspaceRoot, folder, 'package.json'), 'utf8')) as {
          private?: boolean;
          nx?: { tags?: string[] };
        };
        return manifest.private !== true && (manifest.nx?.tags ?? []).includes('scope:publish');
      } catch {
        return false;
      }
    })
    .sort();
}

/** `npm pack` of one workspace package into `destination` (the package must be built). */
export function packPackage(workspaceRoot: string, folder: string, destination: string): PackResult {
  const result = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
    cwd: join(workspaceRoot, folder),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm pack in ${folder} failed: ${result.stderr}`);
  const [report] = JSON.parse(result.stdout) as PackJson[];
  if (!report) throw new Error(`npm pack in ${folder} printed no report`);
  const manifest = JSON.parse(readFileSync(join(workspaceRoot, folder, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return {
    name: manifest.name,
    version: manifest.version,
    workspacePath: folder,
    tarball: join(destination, report.filename),
    packedSize: report.size,
    unpackedSize: report.unpackedSize,
    files: report.files.map((file) => file.path),
  };
}
