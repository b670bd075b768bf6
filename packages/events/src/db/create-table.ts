import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * A table's columns in order, each with its definition as Postgres writes it after the name
 * (`'text NOT NULL'`, `'timestamptz NOT NULL DEFAULT now()'`, `'uuid PRIMARY KEY'`).
 */
export type ColumnDefinitions = Readonly<Record<string, string>>;

/**
 * CREATE TABLE for a migration: the columns from a map, then table constraints (`sql` fragments,
 * e.g. sql`CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)`). Unnamed
 * column constraints get Postgres' default names (`<table>_pkey`, `<table>_<column>_key`), as
 * Kysely's schema builder gave them, so migrations written either way make the same schema.
 */
export async function createTable(
  db: Kysely<unknown>,
  table: string,
  columns: ColumnDefinitions,
  constraints: readonly RawBuilder<unknown>[] = [],
): Promise<void> {
  const definitions = [
    ...Object.entries(columns).map(([name, definition]) => sql`${sql.id(name)} ${sql.raw(definition)}`),
    ...constraints,
  ];
  await sql`CREATE TABLE ${sql.id(table)} (${sql.join(definitions)})`.execute(db);
}
