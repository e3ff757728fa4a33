// Vitest global setup for test projects that need PostgreSQL (`globalSetup` in their
// vitest.config.ts, by path): starts the test server (postgres-server.ts) once for the run,
// hands its URL to the tests (`inject('postgresUrl')`), then stops it and deletes its data
// directory. Referenced by path rather than imported, so that the packages using it do not
// depend on this private tools package.
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.connectionString);
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test PostgreSQL server, with its random password. */
    postgresUrl: string;
  }
}
