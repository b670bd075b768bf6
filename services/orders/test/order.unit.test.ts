import { isConveyorError } from '@conveyor/events';
import { deciderSpecification } from '@conveyor/events/testing';
import { describe, expect, it } from 'vitest';
import { Bus } from '../src/application/bus.ts';
import { unknownCommand } from '../src/domain/errors.ts';
import { type OrderCommand, type OrderEvent, orderDecider } from '../src/domain/order.ts';

const spec = deciderSpecification(orderDecider);
const now = '2026-11-25T10:00:00.000Z';
const address = { street: '1 rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' };
const place: OrderCommand = {
  type: 'PlaceOrder',
  data: {
    orderId: 'o-1',
    userId: 'u-1',
    sagaId: 's-1',
    items: [{ productId: 'p-1', quantity: 2 }],
    shippingAddress: address,
  },
  metadata: { now },
};
const placed: OrderEvent = { type: 'OrderPlaced', data: { ...place.data, placedAt: now } };
const confirm: OrderCommand = {
  type: 'ConfirmOrder',
  data: { orderId: 'o-1', paymentId: 'pay-1', totalCents: 1998, currency: 'EUR' },
  metadata: { now },
};
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { ...confirm.data, confirmedAt: now } };
const cancel: OrderCommand = {
  type: 'CancelOrder',
  data: { orderId: 'o-1', reason: 'out of stock' },
  metadata: { now },
};
const cancelled: OrderEvent = {
  type: 'OrderCancelled',
  data: { orderId: 'o-1', reason: 'out of stock', cancelledAt: now },
};

describe('order decider', () => {
  it('places a new order', () => spec.given([]).when(place).thenEmits([placed]));

  it('refuses an order that repeats a product, naming the line', () =>
    spec
      .given([])
      .when({
        ...place,
        data: {
          ...place.data,
          items: [
            { productId: 'p-1', quantity: 1 },
            { productId: 'p-1', quantity: 2 },
          ],
        },
      })
      .thenThrows(
        (e) => isConveyorError(e, 'ORDERS_INVALID_ORDER') && e.details.field === 'items.1.productId',
      ));

  it('refuses to place the same order twice', () =>
    spec
      .given([placed])
      .when(place)
      .thenThrows((e) => isConveyorError(e, 'ORDERS_INVALID_TRANSITION')));

  it('confirms a pending order once', () => {
    spec.given([placed]).when(confirm).thenEmits([confirmed]);
    spec.given([placed, confirmed]).when(confirm).thenEmits([]);
  });

  it('cancels a pending order once, and never confirms a cancelled one', () => {
    spec.given([placed]).when(cancel).thenEmits([cancelled]);
    spec.given([placed, cancelled]).when(cancel).thenEmits([]);
    spec
      .given([placed, cancelled])
      .when(confirm)
      .thenThrows((e) => isConveyorError(e, 'ORDERS_INVALID_TRANSITION'));
  });
});

describe('bus', () => {
  it('routes to the registered handler and refuses an unknown type with a typed error', async () => {
    const bus = new Bus<{ Ping: { input: { n: number }; result: number } }>(unknownCommand).register(
      'Ping',
      async ({ n }) => n + 1,
    );
    expect(await bus.dispatch('Ping', { n: 1 })).toBe(2);
    await expect(bus.dispatch('Pong' as 'Ping', { n: 1 })).rejects.toMatchObject({
      code: 'ORDERS_UNKNOWN_COMMAND',
    });
  });
});
