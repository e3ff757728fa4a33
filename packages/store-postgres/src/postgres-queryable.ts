/**
 * What the store needs from a PostgreSQL client: `query(text, values)`. A `pg.Pool` fits as it
 * is (the store never holds a connection between queries, so a pool shared with the
 * application is fine).
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ readonly rows: readonly unknown[]; readonly rowCount: number | null }>;
}

/** A queryable the store created itself and therefore ends. */
export interface OwnedPostgresPool extends PostgresQueryable {
  end(): Promise<void>;
}
