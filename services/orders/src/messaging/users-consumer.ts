import { ConsumerRunner } from '@conveyor/events';
import { groupName, type MessageTypes } from '@conveyor/schemas';
import type { OrdersDatabase } from '../db/tables.ts';
import type { OrdersDeps } from '../deps.ts';

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
        const user = message.data;
        await trx
          .insertInto('order_users')
          .values({
            user_id: user.userId,
            email: user.email,
            first_name: user.firstName,
            last_name: user.lastName,
            language: user.language,
            updated_at: new Date(user.createdAt),
          })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .execute();
      },
      'user.updated': async (message, trx) => {
        const { userId, changes, updatedAt } = message.data;
        const set = {
          ...(changes.email ? { email: changes.email } : {}),
          ...(changes.firstName ? { first_name: changes.firstName } : {}),
          ...(changes.lastName ? { last_name: changes.lastName } : {}),
          ...(changes.language ? { language: changes.language } : {}),
          updated_at: new Date(updatedAt),
        };
        await trx.updateTable('order_users').set(set).where('user_id', '=', userId).execute();
      },
    },
  });
}
