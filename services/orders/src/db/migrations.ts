import { eventsMigrations } from '@conveyor/events';
import { sagaMigrations } from '@conveyor/saga';
import { type Kysely, type Migration, sql } from 'kysely';

const ordersTables: Record<string, Migration> = {
  '1000_orders_read_models': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('order_views')
        .addColumn('order_id', 'uuid', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('saga_id', 'uuid', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('items', 'jsonb', (c) => c.notNull())
        .addColumn('shipping_address', 'jsonb', (c) => c.notNull())
        .addColumn('total_cents', 'bigint')
        .addColumn('currency', 'text')
        .addColumn('payment_id', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // GetUserOrders pages a user's orders newest first.
      await sql`CREATE INDEX order_views_user_idx ON order_views (user_id, created_at DESC, order_id)`.execute(
        db,
      );

      await db.schema
        .createTable('order_users')
        .addColumn('user_id', 'uuid', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('order_id', 'uuid', (c) => c.notNull())
        .addColumn('saga_id', 'uuid', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

/** Everything the orders database holds: events/outbox/inbox, the saga tables, and its own. */
export const ordersMigrations: Record<string, Migration> = {
  ...eventsMigrations,
  ...sagaMigrations,
  ...ordersTables,
};
