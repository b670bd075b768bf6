import { isConveyorError } from '@conveyor/events';
import { createSagaParticipant, type ParticipantResult } from '@conveyor/saga';
import { groupName, type MessageTypes } from '@conveyor/schemas';
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
      'orders.confirm-order': async (message, trx) => {
        return run(
          { type: 'ConfirmOrder', data: message.data, metadata: { now: deps.clock().toISOString() } },
          (command) =>
            executeOrderCommand(deps, trx, command, {
              correlationId: message.correlationId,
              causationId: message.messageId,
            }),
        );
      },
      'orders.cancel-order': async (message, trx) => {
        return run(
          { type: 'CancelOrder', data: message.data, metadata: { now: deps.clock().toISOString() } },
          (command) =>
            executeOrderCommand(deps, trx, command, {
              correlationId: message.correlationId,
              causationId: message.messageId,
            }),
        );
      },
    },
  });
}

/** A transition the order refuses (e.g. confirming a cancelled order) is a failure reply, not a crash. */
async function run(
  command: OrderCommand,
  execute: (command: OrderCommand) => Promise<unknown>,
): Promise<ParticipantResult<undefined>> {
  try {
    await execute(command);
    return { outcome: 'success' };
  } catch (error) {
    if (isConveyorError(error, 'ORDERS_INVALID_TRANSITION'))
      return { outcome: 'failure', reason: error.message };
    throw error;
  }
}
