// Adds lockfile entries for platform binaries of optional dependencies that the registry this
// project installs from does not serve (today: the non-linux-gnu builds of `@nx/nx-*`).
//
// `npm install` leaves such entries out when the registry answers 404, and `npm ci` then
// refuses the lockfile ("Missing: @nx/nx-darwin-arm64 from lock file"). An entry with the
// platform's `os`/`cpu`/`libc` lets `npm ci` see the package as optional and skip it on every
// other platform. Run after `npm install` changes the lockfile: `node tools/checks/src/complete-lockfile.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockPackage {
  version?: string;
  optional?: boolean;
  dev?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  license?: string;
  optionalDependencies?: Record<string, string>;
}

const platformOfSuffix: Record<string, Pick<LockPackage, 'os' | 'cpu' | 'libc'>> = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'freebsd-x64': { os: ['freebsd'], cpu: ['x64'] },
  'linux-arm-gnueabihf': { os: ['linux'], cpu: ['arm'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  'win32-arm64-msvc': { os: ['win32'], cpu: ['arm64'] },
  'win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
};

const lockPath = join(import.meta.dirname, '..', '..', '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages: Record<string, LockPackage> };
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.endsWith('node_modules/nx')) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${path.slice(0, -'nx'.length)}${name}`;
    if (lock.packages[key]) continue;
    const suffix = name.replace('@nx/nx-', '');
    const platform = platformOfSuffix[suffix];
    if (!platform) throw new Error(`unknown platform package ${name}`);
    lock.packages[key] = { version, dev: true, license: 'MIT', optional: true, ...platform };
    added += 1;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(lockPath, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
