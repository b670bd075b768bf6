import { type AnyProjection, defineProjection, type ProjectionDefinition } from '@conveyor/events';
import { type MessageTypes, topicNames } from '@conveyor/schemas';
import { sql } from 'kysely';
import type { UserDirectoryTable, UserOrderTotalsTable } from '../db/tables.ts';

export const USER_DIRECTORY_PROJECTION = 'users.directory';

/** The tables of the users.directory projection, as its handlers write them. */
export interface UserDirectoryTables {
  user_directory: UserDirectoryTable;
  user_order_totals: UserOrderTotalsTable;
  /** The orders already counted: not served, the handlers' own memory. */
  user_directory_orders: { order_id: string };
}

/**
 * The user directory behind GET /directory: one row per user, from user.created and user.updated,
 * and each user's confirmed orders per currency, from order.confirmed. A user's events share a
 * key, hence a partition, so they apply in order and the last write wins the same way live and in
 * a rebuild. `updated_at` is the event's time, never the clock's, so a rebuild gives the very same
 * rows.
 *
 * order.confirmed comes from another topic (keyed by order), so it may be applied before its
 * user's user.created: its totals are kept by user id on their own, and the directory shows them
 * once the user is there. Counts and sums, unlike the profile's last write, are not idempotent: a
 * relay that re-sends a batch publishes the same confirmation at a new offset, which the
 * checkpoints do not catch, so each order is counted once by its id. Sums and GREATEST do not
 * depend on how the partitions interleave, so a rebuild gives the very same totals.
 */
export function userDirectoryProjection(namespace: string): ProjectionDefinition<UserDirectoryTables> {
  return defineProjection<UserDirectoryTables, MessageTypes>({
    name: USER_DIRECTORY_PROJECTION,
    topics: [topicNames(namespace).usersEvents, topicNames(namespace).ordersEvents],
    tables: ['user_directory', 'user_order_totals'],
    async createTables(db, schema) {
      const table = sql.id(schema, 'user_directory');
      // No CHECKs on what the events carry: a projection that refused an event would stall.
      await sql`CREATE TABLE ${table} (
        user_id uuid PRIMARY KEY,
        email text NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        language text NOT NULL,
        updated_at timestamptz NOT NULL
      )`.execute(db);
      // Prefix searches (`LIKE 'ab%'`) on the lower-cased columns, whatever the database collation.
      await sql`CREATE INDEX ON ${table} (lower(email) text_pattern_ops)`.execute(db);
      await sql`CREATE INDEX ON ${table} (lower(last_name) text_pattern_ops)`.execute(db);
      await sql`CREATE INDEX ON ${table} (last_name, first_name, user_id)`.execute(db);
      await sql`CREATE TABLE ${sql.id(schema, 'user_order_totals')} (
        user_id uuid NOT NULL,
        currency text NOT NULL,
        confirmed_orders integer NOT NULL,
        total_cents bigint NOT NULL,
        last_confirmed_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, currency)
      )`.execute(db);
      // order_id is text, as in the orders service's messages: whatever id it gave the order.
      const counted = sql.id(schema, 'user_directory_orders');
      await sql`CREATE TABLE ${counted} (order_id text PRIMARY KEY)`.execute(db);
    },
    handlers: {
      'user.created': async (message, { db }) => {
        const user = message.data;
        await db
          .insertInto('user_directory')
          .values({
            user_id: user.userId,
            email: user.email,
            first_name: user.firstName,
            last_name: user.lastName,
            language: user.language,
            updated_at: user.createdAt,
          })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .execute();
      },
      'user.updated': async (message, { db }) => {
        const { userId, changes, updatedAt } = message.data;
        // Only the changed fields are set in the event; null means "unchanged".
        await db
          .updateTable('user_directory')
          .set({
            ...(changes.email != null && { email: changes.email }),
            ...(changes.firstName != null && { first_name: changes.firstName }),
            ...(changes.lastName != null && { last_name: changes.lastName }),
            ...(changes.language != null && { language: changes.language }),
            updated_at: updatedAt,
          })
          .where('user_id', '=', userId)
          .execute();
      },
      'order.confirmed': async (message, { db }) => {
        const { orderId, userId, totalCents, currency, confirmedAt } = message.data;
        const first = await db
          .insertInto('user_directory_orders')
          .values({ order_id: orderId })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .returning('order_id')
          .executeTakeFirst();
        if (!first) return;
        await db
          .insertInto('user_order_totals')
          .values({
            user_id: userId,
            currency,
            confirmed_orders: 1,
            total_cents: String(totalCents),
            last_confirmed_at: confirmedAt,
          })
          .onConflict((oc) =>
            oc.columns(['user_id', 'currency']).doUpdateSet((eb) => ({
              confirmed_orders: eb('user_order_totals.confirmed_orders', '+', 1),
              total_cents: eb('user_order_totals.total_cents', '+', eb.ref('excluded.total_cents')),
              last_confirmed_at: eb.fn('greatest', [
                'user_order_totals.last_confirmed_at',
                'excluded.last_confirmed_at',
              ]),
            })),
          )
          .execute();
      },
    },
  });
}

/** Every projection of the users service, for its ProjectionHost and for a replay CLI. */
export function usersProjections(namespace: string): AnyProjection[] {
  return [userDirectoryProjection(namespace)];
}
