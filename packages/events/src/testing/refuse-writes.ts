import { type Kysely, sql } from 'kysely';

/** What Postgres says when its disk is full (SQLSTATE 53100), as refuseWrites raises it. */
export const DISK_FULL_ERROR = 'could not extend file: No space left on device';

/**
 * Makes the database refuse every `operation` on `table` as a full disk would: a handler writing
 * there fails with DISK_FULL_ERROR, which is a fault to retry, never a business refusal. Resolves
 * to the repair, which drops the trigger.
 */
export async function refuseWrites<DB>(
  db: Kysely<DB>,
  table: string,
  operation: 'INSERT' | 'UPDATE',
): Promise<() => Promise<void>> {
  const refusal = sql.id(`refuse_${table}_writes`);
  await sql`CREATE FUNCTION ${refusal}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION ${sql.lit(DISK_FULL_ERROR)} USING ERRCODE = '53100'; END $$`.execute(db);
  await sql`CREATE TRIGGER ${refusal} BEFORE ${sql.raw(operation)} ON ${sql.id(table)}
    FOR EACH ROW EXECUTE FUNCTION ${refusal}()`.execute(db);
  return async () => {
    await sql`DROP TRIGGER ${refusal} ON ${sql.id(table)}`.execute(db);
    await sql`DROP FUNCTION ${refusal}()`.execute(db);
  };
}
