import { isConveyorError } from '@conveyor/events';
import { createSagaParticipant, type ParticipantResult } from '@conveyor/saga';
import { groupName, type MessageTypes } from '@conveyor/schemas';
import type { Transaction } from 'kysely';
import { executeOrderCommand } from '../application/order-writes.ts';
import type { OrdersDatabase } from '../db/tables.ts';
import type { OrdersDeps } from '../deps.ts';
import type { OrderCommand } from '../domain/order.ts';

/** The orders side of the create-order saga: confirm-order and its compensation cancel-order. */
export function createOrdersParticipant(deps: OrdersDeps) {
  return createSagaParticipant<OrdersDatabase, MessageTypes>({
    kafka: deps.kafka,
    db: deps.db,
    codec: deps.codec,
    name: 'orders-participant',
    groupId: groupName(deps.namespace, 'orders-participant'),
    commandsTopic: deps.topics.ordersCommands,
    repliesTopic: deps.topics.sagaReplies,
    logger: deps.logger,
    handlers: {
      'orders.confirm-order': (message, trx) =>
        run(deps, trx, message, { type: 'ConfirmOrder', data: message.data, metadata: at(deps) }),
      'orders.cancel-order': (message, trx) =>
        run(deps, trx, message, { type: 'CancelOrder', data: message.data, metadata: at(deps) }),
    },
  });
}

const at = (deps: OrdersDeps) => ({ now: deps.clock().toISOString() });

/**
 * Executes the command a saga message carries, caused by that message. A transition the order
 * refuses (e.g. confirming a cancelled order) is a failure reply, not a crash.
 */
async function run(
  deps: OrdersDeps,
  trx: Transaction<OrdersDatabase>,
  message: { correlationId: string; messageId: string },
  command: OrderCommand,
): Promise<ParticipantResult<undefined>> {
  try {
    await executeOrderCommand(deps, trx, command, {
      correlationId: message.correlationId,
      causationId: message.messageId,
    });
    return { outcome: 'success' };
  } catch (error) {
    if (isConveyorError(error, 'ORDERS_INVALID_TRANSITION'))
      return { outcome: 'failure', reason: error.message };
    throw error;
  }
}
