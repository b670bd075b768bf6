import { type Kysely, type Migration, sql } from 'kysely';

/** Compose with eventsMigrations: `{ ...eventsMigrations, ...sagaMigrations, ...yours }`. */
export const sagaMigrations: Record<string, Migration> = {
  '0100_conveyor_saga': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('saga_instances')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('current_step', 'integer', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addColumn('steps', 'jsonb', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('deadline', 'timestamptz')
        .addColumn('failure_reason', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      // The sweeper's query: overdue sagas that still await a reply.
      await sql`CREATE INDEX saga_instances_deadline_idx ON saga_instances (deadline)
        WHERE status IN ('running', 'compensating')`.execute(db);
      // The admin list: newest first, filtered by status and type, paged by (created_at, id).
      await sql`CREATE INDEX saga_instances_list_idx ON saga_instances (created_at DESC, id DESC)`.execute(
        db,
      );
      await sql`CREATE INDEX saga_instances_status_idx ON saga_instances (status, type)`.execute(db);

      await db.schema
        .createTable('saga_log')
        .addColumn('saga_id', 'uuid', (c) => c.notNull().references('saga_instances.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('step', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('command_id', 'text')
        .addColumn('payload', 'jsonb')
        .addColumn('error', 'text')
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
        .addPrimaryKeyConstraint('saga_log_pkey', ['saga_id', 'seq'])
        .execute();
      // Append-only: the log is the saga's history, so updates and deletes are refused.
      await sql`
        CREATE FUNCTION conveyor_saga_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'saga_log is append-only';
        END $$`.execute(db);
      await sql`
        CREATE TRIGGER saga_log_append_only BEFORE UPDATE OR DELETE ON saga_log
        FOR EACH ROW EXECUTE FUNCTION conveyor_saga_log_append_only()`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('saga_log').execute();
      await sql`DROP FUNCTION conveyor_saga_log_append_only()`.execute(db);
      await db.schema.dropTable('saga_instances').execute();
    },
  },
  // Named to sort after the hosts' first migrations (1000_*): the migrator runs migrations in name
  // order and refuses a new one whose name sorts before one a database has already applied.
  '1001_conveyor_saga_secrets': {
    async up(db: Kysely<unknown>) {
      // Apart from saga_instances so that no query of saga data (the admin API's) can read them.
      await db.schema
        .createTable('saga_secrets')
        .addColumn('saga_id', 'uuid', (c) =>
          c.primaryKey().references('saga_instances.id').onDelete('cascade'),
        )
        .addColumn('secrets', 'jsonb', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('saga_secrets').execute();
    },
  },
  // Steps are resent on a schedule until a business deadline: the sweeper looks for sagas whose next
  // attempt (a resend or a deadline) is due. The old deadline ("reply overdue") is exactly that.
  '0101_conveyor_saga_next_attempt': {
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE saga_instances RENAME COLUMN deadline TO next_attempt_at`.execute(db);
      await sql`DROP INDEX saga_instances_deadline_idx`.execute(db);
      await sql`CREATE INDEX saga_instances_next_attempt_idx ON saga_instances (next_attempt_at)
        WHERE status IN ('running', 'compensating')`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`DROP INDEX saga_instances_next_attempt_idx`.execute(db);
      await sql`ALTER TABLE saga_instances RENAME COLUMN next_attempt_at TO deadline`.execute(db);
      await sql`CREATE INDEX saga_instances_deadline_idx ON saga_instances (deadline)
        WHERE status IN ('running', 'compensating')`.execute(db);
    },
  },
  // Each saga finishes on the definition version it started on; sagas started before versions
  // existed ran the first one.
  '0102_conveyor_saga_definition_version': {
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE saga_instances ADD COLUMN definition_version integer NOT NULL DEFAULT 1`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await sql`ALTER TABLE saga_instances DROP COLUMN definition_version`.execute(db);
    },
  },
};
