import { type Kysely, type Migration, sql } from 'kysely';

/** Channel the outbox trigger notifies, so the relay wakes without polling. */
export const OUTBOX_CHANNEL = 'conveyor_outbox';

/**
 * Migrations of the tables @conveyor/events owns. Names sort before a service's own migrations
 * (Kysely runs them in name order); compose them with `{ ...eventsMigrations, ...yours }`.
 */
export const eventsMigrations: Record<string, Migration> = {
  '0001_conveyor_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('events')
        .addColumn('global_position', 'bigserial', (c) => c.primaryKey())
        .addColumn('stream_id', 'text', (c) => c.notNull())
        .addColumn('stream_version', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('events_stream_version_key', ['stream_id', 'stream_version'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        // Not unique: a saga resends a timed-out command with the same message id on purpose.
        .addColumn('message_id', 'uuid', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('message_type', 'text', (c) => c.notNull())
        .addColumn('headers', 'jsonb', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('published_at', 'timestamptz')
        .execute();
      // The relay only ever scans unpublished rows in id order.
      await sql`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`.execute(db);
      await sql`CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL`.execute(
        db,
      );
      await sql`
        CREATE FUNCTION conveyor_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify(${sql.lit(OUTBOX_CHANNEL)}, '');
          RETURN NULL;
        END $$`.execute(db);
      await sql`
        CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION conveyor_outbox_notify()`.execute(db);

      await db.schema
        .createTable('inbox')
        .addColumn('consumer', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('inbox_pkey', ['consumer', 'message_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('inbox').execute();
      await sql`DROP TRIGGER outbox_notify ON outbox`.execute(db);
      await sql`DROP FUNCTION conveyor_outbox_notify()`.execute(db);
      await db.schema.dropTable('outbox').execute();
      await db.schema.dropTable('events').execute();
    },
  },
  '0002_conveyor_projections': {
    async up(db: Kysely<unknown>) {
      // One row per projection: which generation queries read, and which one a rebuild is filling.
      await db.schema
        .createTable('projection_generations')
        .addColumn('projection', 'text', (c) => c.primaryKey())
        .addColumn('served_generation', 'integer', (c) => c.notNull())
        .addColumn('building_generation', 'integer')
        .addColumn('switched_at', 'timestamptz')
        .execute();
      // Where each generation of a projection is in each partition: the next offset to apply.
      await db.schema
        .createTable('projection_checkpoints')
        .addColumn('projection', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('partition', 'integer', (c) => c.notNull())
        .addColumn('next_offset', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('projection_checkpoints_pkey', [
          'projection',
          'generation',
          'topic',
          'partition',
        ])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('projection_checkpoints').execute();
      await db.schema.dropTable('projection_generations').execute();
    },
  },
  '0003_conveyor_projection_dead_letters': {
    async up(db: Kysely<unknown>) {
      // The messages each generation of a projection dead-lettered, by where it read them, written
      // with the checkpoint that moved past them. A re-driven copy names that position: the
      // generation applies it once, when it finds its row unclaimed, and claims the row.
      await db.schema
        .createTable('projection_dead_letters')
        .addColumn('projection', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('partition', 'integer', (c) => c.notNull())
        .addColumn('offset', 'bigint', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('message_type', 'text')
        .addColumn('error_code', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('dead_lettered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('redriven_at', 'timestamptz')
        .addPrimaryKeyConstraint('projection_dead_letters_pkey', [
          'projection',
          'generation',
          'topic',
          'partition',
          'offset',
        ])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('projection_dead_letters').execute();
    },
  },
};
