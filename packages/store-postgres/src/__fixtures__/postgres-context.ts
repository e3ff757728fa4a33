// The value the global setup (tools/checks/src/postgres-global-setup.ts) provides to every test file.
declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test PostgreSQL server, with its random password. */
    postgresUrl: string;
  }
}

export {};
