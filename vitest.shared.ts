import { join } from 'node:path';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Vitest options shared by every project of the workspace.
 *
 * - The `@modelwire/source` export condition makes workspace packages resolve to their
 *   TypeScript sources, so tests never need a prior build.
 * - `runsModelClients`: each test starts with an empty process-wide WebSocket outcome cache.
 * - Besides the console reporter, each project writes a JSON report to
 *   `<project>/reports/vitest.json`; `npm test` sums those into one `N passed, N failed` line.
 */
export function workspaceVitestOptions(projectName: string, projectRoot: string, options: { readonly runsModelClients?: boolean } = {}): ViteUserConfig {
  const workspaceRoot = join(projectRoot, '..', '..');
  return {
    root: projectRoot,
    cacheDir: join(workspaceRoot, 'node_modules', '.vite', projectName),
    // No 'import' here: Vitest also hands these conditions to Node, where 'import' would make a
    // CommonJS dependency's require() load the ESM build of its own dependencies (pg → pg-pool).
    ssr: { resolve: { conditions: ['@modelwire/source', 'node', 'default'] } },
    test: {
      name: projectName,
      include: ['src/**/*.test.ts'],
      environment: 'node',
      pool: 'forks',
      testTimeout: 20_000,
      hookTimeout: 20_000,
      reporters: ['default', 'json'],
      outputFile: { json: join(projectRoot, 'reports', 'vitest.json') },
      passWithNoTests: true,
      // Projects that run ModelClients start each test with an empty process-wide WebSocket
      // outcome cache (a fallback remembered by one test must not move the next test to HTTP).
      ...(options.runsModelClients === true ? { setupFiles: [join(workspaceRoot, 'packages', 'client', 'src', '__fixtures__', 'forget-websocket-outcomes.ts')] } : {}),
    },
  };
}
