import { type AnyProjection, defineProjection, type ProjectionDefinition } from '@conveyor/events';
import type { MessageTypes, TopicKey } from '@conveyor/schemas';
import { sql } from 'kysely';
import { type UserProfileColumns, userProfileChanges, userProfileRow } from '../domain/user-profile.ts';

export const ORDER_DETAILS_PROJECTION = 'orders.order-details';

/** The read model behind GET /users/:userId/orders, rebuilt from orders.events and users.events. */
export interface OrderDetailsTables {
  order_details: {
    order_id: string;
    user_id: string;
    status: string;
    reason: string | null;
    items: string;
    lines: number;
    total_cents: string | null;
    currency: string | null;
    payment_id: string | null;
    placed_at: string;
    updated_at: string;
  };
  order_user_profiles: UserProfileColumns & { updated_at: string };
}

export function orderDetailsProjection(
  topics: Record<TopicKey, string>,
): ProjectionDefinition<OrderDetailsTables> {
  return defineProjection<OrderDetailsTables, MessageTypes>({
    name: ORDER_DETAILS_PROJECTION,
    topics: [topics.ordersEvents, topics.usersEvents],
    tables: ['order_details', 'order_user_profiles'],
    async createTables(db, schema) {
      await sql`CREATE TABLE ${sql.id(schema, 'order_details')} (
        order_id uuid PRIMARY KEY, user_id uuid NOT NULL, status text NOT NULL, reason text,
        items jsonb NOT NULL, lines int NOT NULL, total_cents bigint, currency text, payment_id text,
        placed_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX ON ${sql.id(schema, 'order_details')} (user_id, placed_at DESC, order_id)`.execute(
        db,
      );
      await sql`CREATE TABLE ${sql.id(schema, 'order_user_profiles')} (
        user_id uuid PRIMARY KEY, email text NOT NULL, first_name text NOT NULL, last_name text NOT NULL,
        language text NOT NULL, updated_at timestamptz NOT NULL
      )`.execute(db);
    },
    handlers: {
      'order.placed': async (message, { db }) => {
        const o = message.data;
        await db
          .insertInto('order_details')
          .values({
            order_id: o.orderId,
            user_id: o.userId,
            status: 'pending',
            reason: null,
            items: JSON.stringify(o.items),
            lines: o.items.length,
            total_cents: null,
            currency: null,
            payment_id: null,
            placed_at: o.placedAt,
            updated_at: o.placedAt,
          })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
      },
      'order.confirmed': async (message, { db }) => {
        const o = message.data;
        await db
          .updateTable('order_details')
          .set({
            status: 'confirmed',
            total_cents: String(o.totalCents),
            currency: o.currency,
            payment_id: o.paymentId,
            updated_at: o.confirmedAt,
          })
          .where('order_id', '=', o.orderId)
          .execute();
      },
      'order.cancelled': async (message, { db }) => {
        const o = message.data;
        await db
          .updateTable('order_details')
          .set({ status: 'cancelled', reason: o.reason, updated_at: o.cancelledAt })
          .where('order_id', '=', o.orderId)
          .execute();
      },
      'user.created': async (message, { db }) => {
        await db
          .insertInto('order_user_profiles')
          .values({ ...userProfileRow(message.data), updated_at: message.data.createdAt })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .execute();
      },
      'user.updated': async (message, { db }) => {
        const { userId, changes, updatedAt } = message.data;
        await db
          .updateTable('order_user_profiles')
          .set({ ...userProfileChanges(changes), updated_at: updatedAt })
          .where('user_id', '=', userId)
          .execute();
      },
    },
  });
}

/** Every projection of the orders service, for its host and for `npm run replay`. */
export function ordersProjections(topics: Record<TopicKey, string>): AnyProjection[] {
  return [orderDetailsProjection(topics)];
}
