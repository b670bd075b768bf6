import { handleCommand, messageFactory, type TypedOutgoingMessage } from '@conveyor/events';
import type { MessageTypes } from '@conveyor/schemas';
import type { Transaction } from 'kysely';
import type { OrdersDatabase } from '../db/tables.ts';
import type { OrdersDeps } from '../deps.ts';
import {
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  orderDecider,
  orderStreamId,
} from '../domain/order.ts';

export interface CommandContext {
  correlationId: string;
  causationId?: string;
}

const message = messageFactory<MessageTypes>();

/**
 * Loads an order, decides, and in the caller's transaction appends the events, enqueues their
 * messages on orders.events and updates the order's read model row. Returns the new state.
 */
export function executeOrderCommand(
  deps: OrdersDeps,
  trx: Transaction<OrdersDatabase>,
  command: OrderCommand,
  context: CommandContext,
): Promise<{ state: OrderState; events: OrderEvent[] }> {
  return handleCommand(deps.store, trx, {
    streamId: orderStreamId(command.data.orderId),
    decider: orderDecider,
    command: () => command,
    messages: (event, state) => [toMessage(deps, event, state, context)],
    project: async (trx, { state, events }) => {
      await project(trx, events, command.metadata.now);
      return { state, events };
    },
  });
}

function toMessage(
  deps: OrdersDeps,
  event: OrderEvent,
  state: OrderState,
  context: CommandContext,
): TypedOutgoingMessage<MessageTypes, 'order.placed' | 'order.confirmed' | 'order.cancelled'> {
  const envelope = {
    topic: deps.topics.ordersEvents,
    key: event.data.orderId,
    correlationId: context.correlationId,
    ...(context.causationId ? { causationId: context.causationId } : {}),
  };
  const userId = state.status === 'none' ? '' : state.userId;
  switch (event.type) {
    case 'OrderPlaced':
      return message('order.placed', event.data, envelope);
    case 'OrderConfirmed':
      return message('order.confirmed', { ...event.data, userId }, envelope);
    case 'OrderCancelled':
      return message('order.cancelled', { ...event.data, userId }, envelope);
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}

/** The order_views row follows the order's events in the same transaction. */
async function project(trx: Transaction<OrdersDatabase>, events: OrderEvent[], now: string): Promise<void> {
  for (const event of events) {
    switch (event.type) {
      case 'OrderPlaced':
        await trx
          .insertInto('order_views')
          .values({
            order_id: event.data.orderId,
            user_id: event.data.userId,
            saga_id: event.data.sagaId,
            status: 'pending',
            reason: null,
            items: JSON.stringify(event.data.items),
            shipping_address: JSON.stringify(event.data.shippingAddress),
            total_cents: null,
            currency: null,
            payment_id: null,
            created_at: new Date(event.data.placedAt),
            updated_at: new Date(now),
          })
          .execute();
        break;
      case 'OrderConfirmed':
        await trx
          .updateTable('order_views')
          .set({
            status: 'confirmed',
            total_cents: event.data.totalCents,
            currency: event.data.currency,
            payment_id: event.data.paymentId,
            updated_at: new Date(now),
          })
          .where('order_id', '=', event.data.orderId)
          .execute();
        break;
      case 'OrderCancelled':
        await trx
          .updateTable('order_views')
          .set({ status: 'cancelled', reason: event.data.reason, updated_at: new Date(now) })
          .where('order_id', '=', event.data.orderId)
          .execute();
        break;
      default: {
        const never: never = event;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  }
}
