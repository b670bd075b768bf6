import type { Decider } from '@conveyor/events';
import type { OrderLine, OrderPlaced } from '@conveyor/schemas';
import { invalidOrder, invalidTransition } from './errors.ts';

// The event's payload is the message orders publishes: one declaration, in the schemas.
export type { OrderLine, ShippingAddress } from '@conveyor/schemas';

export type OrderStatus = 'pending' | 'confirmed' | 'cancelled';

export type OrderCommand =
  | {
      type: 'PlaceOrder';
      data: Omit<OrderPlaced, 'placedAt'>;
      metadata: { now: string };
    }
  | {
      type: 'ConfirmOrder';
      data: { orderId: string; paymentId: string; totalCents: number; currency: string };
      metadata: { now: string };
    }
  | { type: 'CancelOrder'; data: { orderId: string; reason: string }; metadata: { now: string } };

export type OrderEvent =
  | {
      type: 'OrderPlaced';
      data: OrderPlaced;
    }
  | {
      type: 'OrderConfirmed';
      data: { orderId: string; paymentId: string; totalCents: number; currency: string; confirmedAt: string };
    }
  | { type: 'OrderCancelled'; data: { orderId: string; reason: string; cancelledAt: string } };

export type OrderState =
  | { status: 'none' }
  | { status: OrderStatus; orderId: string; userId: string; sagaId: string; items: OrderLine[] };

const MAX_LINES = 50;

/** Pure rules of an order's life: placed once, then confirmed or cancelled, never both. */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'PlaceOrder': {
        if (state.status !== 'none') throw invalidTransition(command.data.orderId, state.status, 'place');
        const { items } = command.data;
        if (items.length === 0 || items.length > MAX_LINES)
          throw invalidOrder('items', `must hold 1 to ${MAX_LINES} lines`);
        const seen = new Set<string>();
        for (const [i, line] of items.entries()) {
          if (seen.has(line.productId))
            throw invalidOrder(`items.${i}.productId`, `repeats product ${line.productId}`);
          seen.add(line.productId);
        }
        return [{ type: 'OrderPlaced', data: { ...command.data, placedAt: command.metadata.now } }];
      }
      case 'ConfirmOrder': {
        if (state.status === 'confirmed') return [];
        if (state.status !== 'pending')
          throw invalidTransition(command.data.orderId, state.status, 'confirm');
        return [{ type: 'OrderConfirmed', data: { ...command.data, confirmedAt: command.metadata.now } }];
      }
      case 'CancelOrder': {
        if (state.status === 'cancelled') return [];
        if (state.status === 'none') throw invalidTransition(command.data.orderId, state.status, 'cancel');
        return [{ type: 'OrderCancelled', data: { ...command.data, cancelledAt: command.metadata.now } }];
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrderPlaced':
        return { status: 'pending', ...event.data };
      case 'OrderConfirmed':
        return state.status === 'none' ? state : { ...state, status: 'confirmed' };
      case 'OrderCancelled':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
      default: {
        const never: never = event;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  },
};

export const orderStreamId = (orderId: string) => `order-${orderId}`;
