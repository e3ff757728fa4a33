// Public API of @modelwire/store-postgres: a PostgreSQL SessionStore.
export { PostgresSessionStore, type PostgresSessionStoreOptions, type PostgresStoreCommonOptions } from './postgres-session-store.js';
export { PostgresSessionLog } from './postgres-session-log.js';
export type { PostgresQueryable } from './postgres-queryable.js';
