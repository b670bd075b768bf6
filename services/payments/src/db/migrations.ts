import { createTable, eventsMigrations } from '@conveyor/events';
import type { Kysely, Migration } from 'kysely';

/** The service's own tables; names start at 1000_ so they sort after the packages' migrations. */
export const paymentsMigrations: Record<string, Migration> = {
  '1000_payments': {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'payments', {
        id: 'uuid PRIMARY KEY',
        order_id: 'uuid NOT NULL UNIQUE',
        user_id: 'uuid NOT NULL',
        amount_cents: 'bigint NOT NULL CHECK (amount_cents > 0)',
        currency: 'text NOT NULL',
        status: "text NOT NULL CHECK (status IN ('charged', 'refunded'))",
        provider_ref: 'text NOT NULL',
        charged_at: 'timestamptz NOT NULL',
        refunded_at: 'timestamptz',
      });
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
