// Runs one export of a benchmark module in a child Node process, so that its memory figures
// belong to it alone (not to the benchmarks that ran before it in this process).
import { spawnSync } from 'node:child_process';

/**
 * Calls `exportName(options)` of the module at `moduleUrl` in a child Node process (with a
 * real `--expose-gc`, and `env` added to this process's environment) and returns its JSON
 * result. The child's stderr passes through, so its progress lines show.
 */
export function runExportInChild<T>(moduleUrl: URL, exportName: string, options: unknown, env: Readonly<Record<string, string>> = {}): T {
  const script = `const m = await import(${JSON.stringify(moduleUrl.href)}); const r = await m[${JSON.stringify(exportName)}](${JSON.stringify(options)}); process.stdout.write('\\n' + JSON.stringify(r) + '\\n');`;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '--eval', script], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${exportName} in a child process exited with ${child.status ?? child.signal}`);
  return JSON.parse(line) as T;
}
