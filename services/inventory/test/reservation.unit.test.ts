import { isConveyorError } from '@conveyor/events';
import { deciderSpecification } from '@conveyor/events/testing';
import { describe, expect, it } from 'vitest';
import {
  type ProductStock,
  type ReservationEvent,
  reservationDecider,
  type StockReserved,
} from '../src/domain/reservation.ts';

const spec = deciderSpecification(reservationDecider);
const now = new Date('2025-03-01T10:00:00.000Z');
const at = now.toISOString();
const orderId = 'order-1';

const kettle: ProductStock = {
  productId: '25c2dd03-f633-4fa9-963b-4f06ce03c456',
  name: 'Gooseneck Pour-Over Kettle',
  priceCents: 5_990,
  currency: 'EUR',
  available: 200,
};
const pen: ProductStock = {
  productId: '064ed353-db1b-409b-aef4-45b4767ec315',
  name: 'Limited Edition Fountain Pen',
  priceCents: 18_900,
  currency: 'EUR',
  available: 3,
};
const stock = [kettle, pen];

const reserve = (items: { productId: string; quantity: number }[], products = stock) => ({
  type: 'ReserveStock' as const,
  data: { orderId, items, stock: products },
  metadata: { now },
});
const release = { type: 'ReleaseStock' as const, data: { orderId }, metadata: { now } };
const sell = { type: 'SellStock' as const, data: { orderId }, metadata: { now } };

const reserved: StockReserved = {
  type: 'StockReserved',
  data: {
    orderId,
    lines: [
      { productId: kettle.productId, quantity: 2, unitPriceCents: 5_990 },
      { productId: pen.productId, quantity: 1, unitPriceCents: 18_900 },
    ],
    totalCents: 2 * 5_990 + 18_900,
    currency: 'EUR',
    reservedAt: at,
  },
};
const heldLines = [
  { productId: kettle.productId, quantity: 2 },
  { productId: pen.productId, quantity: 1 },
];
const releasedFromHeld: ReservationEvent = {
  type: 'StockReleased',
  data: { orderId, lines: heldLines, from: 'held', releasedAt: at },
};
const sold: ReservationEvent = { type: 'StockSold', data: { orderId, lines: heldLines, soldAt: at } };
const voided: ReservationEvent = { type: 'ReservationVoided', data: { orderId, voidedAt: at } };

const refusal = (code: string, message: string) => (error: unknown) =>
  isConveyorError(error, code) && error.message === message;

describe('Reservation decider', () => {
  describe('reserve', () => {
    it('holds every line at its current price and totals the order', () => {
      spec
        .given([])
        .when(
          reserve([
            { productId: kettle.productId, quantity: 2 },
            { productId: pen.productId, quantity: 1 },
          ]),
        )
        .thenEmits([reserved]);
    });

    it('adds up repeated lines of one product', () => {
      spec
        .given([])
        .when(
          reserve([
            { productId: kettle.productId, quantity: 1 },
            { productId: pen.productId, quantity: 1 },
            { productId: kettle.productId, quantity: 1 },
          ]),
        )
        .thenEmits([reserved]);
    });

    it('refuses the whole order naming the first product without enough stock', () => {
      spec
        .given([])
        .when(
          reserve([
            { productId: kettle.productId, quantity: 1 },
            { productId: pen.productId, quantity: 4 },
          ]),
        )
        .thenThrows(
          refusal(
            'INVENTORY_INSUFFICIENT_STOCK',
            `insufficient stock for Limited Edition Fountain Pen (${pen.productId}): requested 4, available 3`,
          ),
        );
    });

    it('refuses an unknown product, naming it', () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      spec
        .given([])
        .when(reserve([{ productId: missing, quantity: 1 }]))
        .thenThrows(refusal('INVENTORY_UNKNOWN_PRODUCT', `unknown product ${missing}`));
    });

    it.each([
      ['no items', []],
      ['a zero quantity', [{ productId: pen.productId, quantity: 0 }]],
      ['a fractional quantity', [{ productId: pen.productId, quantity: 1.5 }]],
    ])('refuses an order with %s', (_case, items) => {
      spec
        .given([])
        .when(reserve(items))
        .thenThrows((error) => isConveyorError(error, 'INVENTORY_INVALID_RESERVATION'));
    });

    it('refuses products priced in different currencies', () => {
      spec
        .given([])
        .when(
          reserve(
            [
              { productId: kettle.productId, quantity: 1 },
              { productId: pen.productId, quantity: 1 },
            ],
            [kettle, { ...pen, currency: 'USD' }],
          ),
        )
        .thenThrows((error) => isConveyorError(error, 'INVENTORY_INVALID_RESERVATION'));
    });

    it('emits nothing for an order already held (the reply repeats the reservation)', () => {
      spec.given([reserved]).when(reserve(heldLines)).thenEmits([]);
    });

    it('refuses to hold stock again once the reservation was released', () => {
      spec
        .given([reserved, releasedFromHeld])
        .when(reserve(heldLines))
        .thenThrows((error) => isConveyorError(error, 'INVENTORY_RESERVATION_RELEASED'));
    });

    it('refuses a reserve that arrives after its compensation, naming the order, however much stock there is', () => {
      spec
        .given([voided])
        .when(reserve(heldLines))
        .thenThrows(
          refusal(
            'INVENTORY_RESERVATION_VOIDED',
            `the reservation of order ${orderId} was compensated before it arrived; no stock is reserved for a cancelled order`,
          ),
        );
    });
  });

  describe('release', () => {
    it('gives back held stock', () => {
      spec.given([reserved]).when(release).thenEmits([releasedFromHeld]);
    });

    it('leaves a tombstone for an order that never held stock', () => {
      spec.given([]).when(release).thenEmits([voided]);
    });

    it('is a no-op for an order already voided', () => {
      spec.given([voided]).when(release).thenEmits([]);
    });

    it('is a no-op the second time', () => {
      spec.given([reserved, releasedFromHeld]).when(release).thenEmits([]);
    });

    it('gives back sold stock when the saga compensates a confirmed order', () => {
      spec
        .given([reserved, sold])
        .when(release)
        .thenEmits([
          { type: 'StockReleased', data: { orderId, lines: heldLines, from: 'sold', releasedAt: at } },
        ]);
    });
  });

  describe('sell', () => {
    it('turns held stock into sold stock', () => {
      spec.given([reserved]).when(sell).thenEmits([sold]);
    });

    it('emits nothing when already sold', () => {
      spec.given([reserved, sold]).when(sell).thenEmits([]);
    });

    it('emits nothing for a reservation the saga already released', () => {
      spec.given([reserved, releasedFromHeld]).when(sell).thenEmits([]);
    });

    it('emits nothing for a voided reservation', () => {
      spec.given([voided]).when(sell).thenEmits([]);
    });

    it('fails for an order that never held stock', () => {
      spec
        .given([])
        .when(sell)
        .thenThrows((error) => isConveyorError(error, 'INVENTORY_RESERVATION_NOT_HELD'));
    });
  });

  it('keeps the priced lines through sale and release', () => {
    const state = [reserved, sold].reduce(reservationDecider.evolve, reservationDecider.initialState());
    expect(state).toEqual({
      status: 'sold',
      orderId,
      lines: reserved.data.lines,
      totalCents: reserved.data.totalCents,
      currency: 'EUR',
    });
  });
});
