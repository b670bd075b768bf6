import { ConsumerRunner } from '@conveyor/events';
import { groupName, type MessageTypes } from '@conveyor/schemas';
import type { OrdersDatabase } from '../db/tables.ts';
import type { OrdersDeps } from '../deps.ts';
import { userProfileChanges, userProfileRow } from '../domain/user-profile.ts';

/**
 * users.events → order_users: user.created initialises a user's order data; user.updated
 * refreshes the cached profile shown in the order list.
 */
export function createUsersConsumer(deps: OrdersDeps): ConsumerRunner<OrdersDatabase> {
  return new ConsumerRunner<OrdersDatabase, MessageTypes>({
    kafka: deps.kafka,
    db: deps.db,
    codec: deps.codec,
    name: 'orders-users',
    groupId: groupName(deps.namespace, 'orders-users'),
    topics: [deps.topics.usersEvents],
    logger: deps.logger,
    handlers: {
      'user.created': async (message, trx) => {
        await trx
          .insertInto('order_users')
          .values({ ...userProfileRow(message.data), updated_at: new Date(message.data.createdAt) })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .execute();
      },
      'user.updated': async (message, trx) => {
        const { userId, changes, updatedAt } = message.data;
        await trx
          .updateTable('order_users')
          .set({ ...userProfileChanges(changes), updated_at: new Date(updatedAt) })
          .where('user_id', '=', userId)
          .execute();
      },
    },
  });
}
