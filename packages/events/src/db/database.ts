import { Kysely, type Migration, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';

// bigint (int8) columns such as global positions and outbox ids stay strings: they can exceed 2^53.

export interface DatabaseOptions {
  /** Postgres connection URL of the service's own database. */
  url: string;
  /** @default 10 */
  maxConnections?: number;
  /** Name shown in pg_stat_activity, to find (and in chaos tests, terminate) a service's backends. */
  applicationName?: string;
}

/** A Kysely instance over a node-postgres pool. */
export function createDatabase<DB>(options: DatabaseOptions): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName,
  });
  // A connection lost (server restart, pg_terminate_backend) must not crash the process: the pool
  // reports idle clients' errors on itself, but a checked-out client between two queries emits on
  // the client, where nobody listens. Its pending query still rejects and the caller retries.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Applies the migrations not applied yet, in name order; idempotent and safe to run concurrently.
 * A service's list joins several packages' migrations (events, saga, its own), each growing on its
 * own: a package's new migration may sort before a service's applied one, so order against what
 * already ran is not enforced (each migration depends only on its own package's earlier ones).
 */
export async function migrate<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `migration ${failed ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
