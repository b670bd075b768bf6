import { eventsMigrations } from '@conveyor/events';
import { type Kysely, type Migration, sql } from 'kysely';

/** The service's own tables; names start at 1000_ so they sort after the packages' migrations. */
export const paymentsMigrations: Record<string, Migration> = {
  '1000_payments': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('payments')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('order_id', 'uuid', (c) => c.notNull().unique())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('charged', 'refunded')`))
        .addColumn('provider_ref', 'text', (c) => c.notNull())
        .addColumn('charged_at', 'timestamptz', (c) => c.notNull())
        .addColumn('refunded_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('payments_user_id_charged_at')
        .on('payments')
        .columns(['user_id', 'charged_at'])
        .execute();
      await db.schema.createIndex('payments_charged_at').on('payments').column('charged_at').execute();
    },
  },
};

/** Everything the payments database needs, in order: what `migrate(db, migrations)` applies at start. */
export const migrations: Record<string, Migration> = { ...eventsMigrations, ...paymentsMigrations };
