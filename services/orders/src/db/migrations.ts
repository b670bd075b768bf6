import { createTable, eventsMigrations } from '@conveyor/events';
import { sagaMigrations } from '@conveyor/saga';
import { type Kysely, type Migration, sql } from 'kysely';

const ordersTables: Record<string, Migration> = {
  '1000_orders_read_models': {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'order_views', {
        order_id: 'uuid PRIMARY KEY',
        user_id: 'uuid NOT NULL',
        saga_id: 'uuid NOT NULL',
        status: 'text NOT NULL',
        reason: 'text',
        items: 'jsonb NOT NULL',
        shipping_address: 'jsonb NOT NULL',
        total_cents: 'bigint',
        currency: 'text',
        payment_id: 'text',
        created_at: 'timestamptz NOT NULL',
        updated_at: 'timestamptz NOT NULL',
      });
      // GetUserOrders pages a user's orders newest first.
      await sql`CREATE INDEX order_views_user_idx ON order_views (user_id, created_at DESC, order_id)`.execute(
        db,
      );

      await createTable(db, 'order_users', {
        user_id: 'uuid PRIMARY KEY',
        email: 'text NOT NULL',
        first_name: 'text NOT NULL',
        last_name: 'text NOT NULL',
        language: 'text NOT NULL',
        updated_at: 'timestamptz NOT NULL',
      });

      await createTable(db, 'idempotency_keys', {
        key: 'text PRIMARY KEY',
        request_hash: 'text NOT NULL',
        order_id: 'uuid NOT NULL',
        saga_id: 'uuid NOT NULL',
        created_at: 'timestamptz NOT NULL DEFAULT now()',
      });
    },
  },
  // Keys were global: another user's same key answered with the first user's order, or 409.
  '1001_orders_idempotency_keys_per_caller': {
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE idempotency_keys ADD COLUMN user_id uuid, ADD COLUMN expires_at timestamptz`.execute(
        db,
      );
      // A key so far belonged to whoever placed its order (the order row commits with the key).
      await sql`UPDATE idempotency_keys k SET user_id = o.user_id, expires_at = k.created_at + interval '24 hours'
        FROM order_views o WHERE o.order_id = k.order_id`.execute(db);
      await sql`DELETE FROM idempotency_keys WHERE user_id IS NULL`.execute(db);
      await sql`ALTER TABLE idempotency_keys
        ALTER COLUMN user_id SET NOT NULL,
        ALTER COLUMN expires_at SET NOT NULL,
        DROP CONSTRAINT idempotency_keys_pkey,
        ADD PRIMARY KEY (user_id, key)`.execute(db);
      // The pruner deletes by expiry.
      await sql`CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`.execute(db);
    },
  },
  // The card token was saga data (paymentToken): shown by the admin API, kept after the saga ended.
  '1002_orders_card_tokens_out_of_saga_data': {
    async up(db: Kysely<unknown>) {
      // A saga still under way may yet send its charge command (or resend it): its token moves to
      // its secrets. One that has ended needs it no more.
      await sql`INSERT INTO saga_secrets (saga_id, secrets)
        SELECT id, jsonb_build_object('cardToken', data->>'paymentToken') FROM saga_instances
        WHERE type = 'create-order' AND data ? 'paymentToken' AND status NOT IN ('completed', 'compensated')
        ON CONFLICT (saga_id) DO NOTHING`.execute(db);
      // A new version, so a replica still running the old code cannot write the token back.
      await sql`UPDATE saga_instances
        SET data = (data - 'paymentToken') || jsonb_build_object('cardTokenLast4', right(data->>'paymentToken', 4)),
            version = version + 1
        WHERE type = 'create-order' AND data ? 'paymentToken'`.execute(db);
    },
  },
};

/** Everything the orders database holds: events/outbox/inbox, the saga tables, and its own. */
export const ordersMigrations: Record<string, Migration> = {
  ...eventsMigrations,
  ...sagaMigrations,
  ...ordersTables,
};
