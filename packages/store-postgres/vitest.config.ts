import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { workspaceVitestOptions } from '../../vitest.shared.ts';

// Every test file of this package talks to one throwaway PostgreSQL server on 127.0.0.1,
// started before the tests and stopped (its data directory deleted) after them by the
// workspace's global setup (tools/checks/src/postgres-global-setup.ts).
const options = workspaceVitestOptions('store-postgres', import.meta.dirname, { runsModelClients: true });
export default defineConfig({ ...options, test: { ...options.test, globalSetup: [join(import.meta.dirname, '../../tools/checks/src/postgres-global-setup.ts')] } });
