import { type Kysely, type Migration, sql } from 'kysely';
import { createTable } from './create-table.ts';

/** Channel the outbox trigger notifies, so the relay wakes without polling. */
export const OUTBOX_CHANNEL = 'conveyor_outbox';

/**
 * Advisory lock (per database) the leading relay holds while it waits for work. Writers notify
 * only while it is held: a NOTIFY serialises every notifying commit of the cluster (Postgres takes
 * one global lock for it until the commit is flushed), which capped outbox writes at a few hundred
 * commits per second, while a relay that is busy reads the outbox again by itself anyway.
 */
export const RELAY_IDLE_LOCK = 'conveyor.outbox-relay-idle';

/**
 * Migrations of the tables @conveyor/events owns. Names sort before a service's own migrations
 * (Kysely runs them in name order); compose them with `{ ...eventsMigrations, ...yours }`.
 */
export const eventsMigrations: Record<string, Migration> = {
  '0001_conveyor_events': {
    async up(db: Kysely<unknown>) {
      await createTable(
        db,
        'events',
        {
          global_position: 'bigserial PRIMARY KEY',
          stream_id: 'text NOT NULL',
          stream_version: 'integer NOT NULL',
          type: 'text NOT NULL',
          data: 'jsonb NOT NULL',
          metadata: "jsonb NOT NULL DEFAULT '{}'::jsonb",
          recorded_at: 'timestamptz NOT NULL DEFAULT now()',
        },
        [sql`CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)`],
      );

      await createTable(db, 'outbox', {
        id: 'bigserial PRIMARY KEY',
        // Not unique: a saga resends a timed-out command with the same message id on purpose.
        message_id: 'uuid NOT NULL',
        topic: 'text NOT NULL',
        key: 'text NOT NULL',
        message_type: 'text NOT NULL',
        headers: 'jsonb NOT NULL',
        payload: 'jsonb NOT NULL',
        created_at: 'timestamptz NOT NULL DEFAULT now()',
        published_at: 'timestamptz',
      });
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

      await createTable(
        db,
        'inbox',
        {
          consumer: 'text NOT NULL',
          message_id: 'text NOT NULL',
          processed_at: 'timestamptz NOT NULL DEFAULT now()',
        },
        [sql`CONSTRAINT inbox_pkey PRIMARY KEY (consumer, message_id)`],
      );
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
      await createTable(db, 'projection_generations', {
        projection: 'text PRIMARY KEY',
        served_generation: 'integer NOT NULL',
        building_generation: 'integer',
        switched_at: 'timestamptz',
      });
      // Where each generation of a projection is in each partition: the next offset to apply.
      await createTable(
        db,
        'projection_checkpoints',
        {
          projection: 'text NOT NULL',
          generation: 'integer NOT NULL',
          topic: 'text NOT NULL',
          partition: 'integer NOT NULL',
          next_offset: 'bigint NOT NULL',
          updated_at: 'timestamptz NOT NULL DEFAULT now()',
        },
        [sql`CONSTRAINT projection_checkpoints_pkey PRIMARY KEY (projection, generation, topic, partition)`],
      );
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
      await createTable(
        db,
        'projection_dead_letters',
        {
          projection: 'text NOT NULL',
          generation: 'integer NOT NULL',
          topic: 'text NOT NULL',
          partition: 'integer NOT NULL',
          offset: 'bigint NOT NULL',
          message_id: 'text NOT NULL',
          message_type: 'text',
          error_code: 'text NOT NULL',
          error: 'text NOT NULL',
          dead_lettered_at: 'timestamptz NOT NULL DEFAULT now()',
          redriven_at: 'timestamptz',
        },
        [
          sql`CONSTRAINT projection_dead_letters_pkey PRIMARY KEY (projection, generation, topic, partition, "offset")`,
        ],
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('projection_dead_letters').execute();
    },
  },
  '0004_conveyor_outbox_trace_context': {
    async up(db: Kysely<unknown>) {
      // The W3C traceparent of the span that enqueued the row (null with tracing off): the relay's
      // send span continues that trace, however much later it publishes the row.
      await sql`ALTER TABLE outbox ADD COLUMN trace_context text`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`ALTER TABLE outbox DROP COLUMN trace_context`.execute(db);
    },
  },
  '0005_conveyor_outbox_notify_when_idle': {
    async up(db: Kysely<unknown>) {
      // The shared lock is held to the writer's commit: a relay going idle takes the exclusive one
      // only once the rows written without a NOTIFY are committed, and reads the outbox again then.
      await sql`
        CREATE OR REPLACE FUNCTION conveyor_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT pg_try_advisory_xact_lock_shared(hashtextextended(${sql.lit(RELAY_IDLE_LOCK)}, 0)) THEN
            PERFORM pg_notify(${sql.lit(OUTBOX_CHANNEL)}, '');
          END IF;
          RETURN NULL;
        END $$`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`
        CREATE OR REPLACE FUNCTION conveyor_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify(${sql.lit(OUTBOX_CHANNEL)}, '');
          RETURN NULL;
        END $$`.execute(db);
    },
  },
  '0006_conveyor_append_function': {
    async up(db: Kysely<unknown>) {
      // The event store's append as a function: PL/pgSQL keeps its statements' plans for the
      // session, while the same statement sent as SQL was planned on every append (half the server
      // CPU of an append). Checks the version, appends the events after it and writes the outbox
      // rows in their order (their ids are the relay's order); nothing when the version is not the
      // expected one (NULL: any). A racing append collides on (stream_id, stream_version).
      await sql`
        CREATE OR REPLACE FUNCTION conveyor_append(
          p_stream_id text, p_expected integer, p_events jsonb, p_outbox jsonb,
          OUT current_version integer, OUT appended boolean
        ) LANGUAGE plpgsql AS $$
        BEGIN
          SELECT coalesce(max(stream_version), 0) INTO current_version FROM events
            WHERE stream_id = p_stream_id;
          appended := p_expected IS NULL OR p_expected = current_version;
          IF NOT appended THEN RETURN; END IF;
          INSERT INTO events (stream_id, stream_version, type, data, metadata)
            SELECT p_stream_id, current_version + e.ord, e.value->>'type', e.value->'data', e.value->'metadata'
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ord) ORDER BY e.ord;
          -- Only with rows: the outbox trigger fires per statement, and would wake the relay.
          IF jsonb_array_length(p_outbox) = 0 THEN RETURN; END IF;
          INSERT INTO outbox (message_id, topic, key, message_type, headers, payload, trace_context)
            SELECT (m.value->>'message_id')::uuid, m.value->>'topic', m.value->>'key',
              m.value->>'message_type', m.value->'headers', m.value->'payload', m.value->>'trace_context'
            FROM jsonb_array_elements(p_outbox) WITH ORDINALITY AS m(value, ord) ORDER BY m.ord;
        END $$`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`DROP FUNCTION conveyor_append(text, integer, jsonb, jsonb)`.execute(db);
    },
  },
};
