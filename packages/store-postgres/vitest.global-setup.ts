// Starts the test PostgreSQL server (tools/checks/src/postgres-server.ts) for this package's
// tests and hands its URL to them (`inject('postgresUrl')`); stops it and deletes its data
// directory afterwards.
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from '@modelwire/checks/postgres-server';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.connectionString);
  return () => server.stop();
}
