import type { ConsumerRunner, IncomingMessage } from '@conveyor/events';
import { type CommandHandlers, createSagaParticipant } from '@conveyor/saga';
import { groupName, type MessageTypes } from '@conveyor/schemas';
import { releaseStock, reserveStock } from '../application/reservation-commands.ts';
import type { InventoryDatabase } from '../db/tables.ts';
import type { Deps } from '../deps.ts';
import { isReservationRefusal } from '../domain/errors.ts';

export const PARTICIPANT_NAME = 'inventory-participant';

/** The saga command handlers by message type (exported for tests that call them concurrently). */
export function inventoryCommandHandlers(
  deps: Pick<Deps, 'store' | 'clock' | 'newId' | 'topics' | 'logger'>,
): CommandHandlers<InventoryDatabase, MessageTypes> {
  const log = (command: IncomingMessage) =>
    deps.logger.child({ correlationId: command.correlationId, commandId: command.messageId });
  return {
    'inventory.reserve-stock': async (command, trx) => {
      const { orderId, items } = command.data;
      try {
        const data = await reserveStock(deps, trx, { orderId, items, cause: command });
        log(command).info({ orderId, totalCents: data.totalCents }, 'stock reserved');
        return { outcome: 'success', data };
      } catch (error) {
        // Refusals were decided before any write; anything else is retried by the consumer.
        if (!isReservationRefusal(error)) throw error;
        log(command).info({ orderId, code: error.code, reason: error.message }, 'reservation refused');
        return { outcome: 'failure', reason: error.message };
      }
    },
    'inventory.release-stock': async (command, trx) => {
      const { orderId } = command.data;
      const data = await releaseStock(deps, trx, { orderId, cause: command });
      // voided: nothing was held, and the reserve, should it still arrive, will be refused.
      log(command).info({ orderId, ...data }, 'stock release handled');
      return { outcome: 'success', data };
    },
  };
}

/**
 * The inventory side of the create-order saga: reserve-stock and its compensation release-stock,
 * each deduplicated by command id and answered on the replies topic in the same transaction. A
 * release that finds nothing held leaves a tombstone, so a reserve arriving after it (late, or
 * re-driven from the dead-letter topic) is answered with a failure and takes no stock.
 */
export function createInventoryParticipant(deps: Deps): ConsumerRunner<InventoryDatabase> {
  return createSagaParticipant<InventoryDatabase, MessageTypes>({
    kafka: deps.kafka,
    db: deps.db,
    codec: deps.codec,
    name: PARTICIPANT_NAME,
    groupId: groupName(deps.config.topicNamespace, PARTICIPANT_NAME),
    commandsTopic: deps.topics.inventoryCommands,
    repliesTopic: deps.topics.sagaReplies,
    handlers: inventoryCommandHandlers(deps),
    logger: deps.logger,
  });
}
