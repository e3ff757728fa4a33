// `node tools/checks/src/consumer/package-sizes.ts`: packed and installed size of every
// published package (build first). "Installed" is the whole node_modules of a fresh project
// that installs only that package (its dependencies included), from the npm cache, offline.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineLockfile } from './offline-lockfile.ts';
import { packPackage, publishedPackageFolders } from './pack-workspace.ts';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..', '..');

/** Bytes of every file under `path`. */
function folderSize(path: string): number {
  let bytes = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

const scratch = mkdtempSync(join(tmpdir(), 'modelwire-sizes-'));
try {
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const packed = publishedPackageFolders(workspaceRoot).map((folder) => packPackage(workspaceRoot, folder, tarballs));
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;
  console.log('| package | packed | unpacked | files | installed (with dependencies) | packages installed |');
  console.log('|---|---|---|---|---|---|');
  for (const entry of packed) {
    const projectDir = join(scratch, `install-${entry.name.replace('/', '-')}`);
    mkdirSync(projectDir);
    const { lockfile, dependencies } = offlineLockfile({ workspaceRoot, projectDir, packed, roots: [entry.name] });
    writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: 'probe', version: '0.0.0', private: true, dependencies }));
    writeFileSync(join(projectDir, 'package-lock.json'), JSON.stringify({ ...lockfile, name: 'probe' }));
    const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: projectDir, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`installing ${entry.name} failed: ${install.stderr}`);
    const installed = folderSize(join(projectDir, 'node_modules'));
    const packageCount = Object.keys((lockfile as { packages: object }).packages).length - 1;
    console.log(`| ${entry.name} | ${kb(entry.packedSize)} | ${kb(entry.unpackedSize)} | ${entry.files.length} | ${kb(installed)} | ${packageCount} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
