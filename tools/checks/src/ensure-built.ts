// The tools run on Node's type stripping and import the packages' built output (dist), so they
// build the publishable packages first: `nx run-many -t build --projects=tag:scope:publish`.
// Nx caches the build, so this takes about a second when nothing changed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds the packages (quietly); throws with Nx's output when the build fails. */
export function ensurePackagesBuilt(): void {
  if (process.env['MODELWIRE_SKIP_BUILD'] === '1') return;
  const result = spawnSync(
    process.execPath,
    [join(WORKSPACE_ROOT, 'node_modules', '.bin', 'nx'), 'run-many', '-t', 'build', '--projects=tag:scope:publish', '--outputStyle=static', '--skipSync'],
    { cwd: WORKSPACE_ROOT, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' }, maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    throw new Error(`building the packages failed (nx run-many -t build --projects=tag:scope:publish):\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`);
  }
}
