import { ConsumerRunner } from '@conveyor/events';
import { groupName, type MessageTypes } from '@conveyor/schemas';
import { sellStock } from '../application/reservation-commands.ts';
import type { InventoryDatabase } from '../db/tables.ts';
import type { Deps } from '../deps.ts';

export const ORDER_CONFIRMATIONS_NAME = 'inventory-order-confirmations';

/**
 * A confirmed order's held stock becomes sold. Idempotent twice over: the inbox skips a
 * redelivered message, and a reservation already sold emits nothing. A confirmation for an order
 * that never held stock is an inconsistency between services: it fails, and after the retries it
 * waits in the dead-letter topic for an operator.
 */
export function createOrderConfirmationsConsumer(deps: Deps): ConsumerRunner<InventoryDatabase> {
  return new ConsumerRunner<InventoryDatabase, MessageTypes>({
    kafka: deps.kafka,
    db: deps.db,
    codec: deps.codec,
    name: ORDER_CONFIRMATIONS_NAME,
    groupId: groupName(deps.config.topicNamespace, ORDER_CONFIRMATIONS_NAME),
    topics: [deps.topics.ordersEvents],
    handlers: {
      'order.confirmed': async (message, trx) => {
        const { orderId } = message.data;
        const result = await sellStock(deps, trx, { orderId, cause: message });
        deps.logger.info(
          { correlationId: message.correlationId, orderId, ...result },
          'order confirmation handled',
        );
      },
    },
    logger: deps.logger,
  });
}
