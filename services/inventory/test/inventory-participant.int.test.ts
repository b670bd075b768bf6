import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sellStock } from '../src/application/reservation-commands.ts';
import { stockConservation } from '../src/application/stock-conservation.ts';
import { SEED_PRODUCTS } from '../src/db/seed-products.ts';
import { InventoryParticipantWorld, incoming, seedProduct } from './support/participant-world.ts';
import { eventually } from './support/world.ts';

const espresso = seedProduct('KIT-ESP-001');
const grinder = seedProduct('KIT-GRD-002');
const kettle = seedProduct('KIT-KTL-003');
const lamp = seedProduct('HOM-LMP-004');
const blanket = seedProduct('HOM-THR-005');
const bottle = seedProduct('OUT-BTL-006');
const daypack = seedProduct('OUT-BPK-007');
const headphones = seedProduct('TEC-HDP-008');
const keyboard = seedProduct('TEC-KBD-009');
const pen = seedProduct('LTD-PEN-010');

describe('inventory saga participant (real Kafka, relay and Postgres)', () => {
  let world: InventoryParticipantWorld;
  beforeAll(async () => {
    world = await InventoryParticipantWorld.start();
  });
  afterAll(() => world?.close());

  it('reserves every line, answers with unit prices and the total, and publishes stock-reserved', async () => {
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const commandId = await world.reserve(
      orderId,
      [
        { productId: kettle.id, quantity: 2 },
        { productId: grinder.id, quantity: 1 },
      ],
      { sagaId },
    );

    const reply = await world.reader.replyTo(commandId);
    expect(reply).toMatchObject({ sagaId, step: 'reserve-inventory', action: 'command', outcome: 'success' });
    expect(reply.data).toEqual({
      lines: [
        { productId: kettle.id, quantity: 2, unitPriceCents: 5_990 },
        { productId: grinder.id, quantity: 1, unitPriceCents: 12_900 },
      ],
      totalCents: 2 * 5_990 + 12_900,
      currency: 'EUR',
    });
    expect(await world.stockOf(kettle.id)).toEqual({ available: 198, reserved: 2, sold: 0 });
    expect(await world.stockOf(grinder.id)).toEqual({ available: 119, reserved: 1, sold: 0 });
    const [event] = await eventually('stock-reserved', () => {
      const found = world.reader.of('inventory.stock-reserved', orderId);
      return found.length > 0 && found;
    });
    expect(event?.data).toMatchObject({
      orderId,
      items: [
        { productId: kettle.id, quantity: 2 },
        { productId: grinder.id, quantity: 1 },
      ],
    });
    expect(event?.headers['correlation-id']).toBe(`corr-${sagaId}`);
  });

  it('refuses an order lacking stock with a failure naming the product, writing nothing', async () => {
    const orderId = randomUUID();
    const before = await world.allStock();
    const commandId = await world.reserve(orderId, [
      { productId: espresso.id, quantity: 1 },
      { productId: pen.id, quantity: 4 },
    ]);

    const reply = await world.reader.replyTo(commandId);
    expect(reply).toMatchObject({
      outcome: 'failure',
      reason: `insufficient stock for Limited Edition Fountain Pen (${pen.id}): requested 4, available 3`,
    });
    expect(await world.allStock()).toEqual(before);
    expect(await world.reservationsOf(orderId)).toEqual([]);
    const events = await world.db
      .selectFrom('events')
      .select('type')
      .where('stream_id', '=', `reservation-${orderId}`)
      .execute();
    expect(events).toEqual([]);
  });

  it('refuses an unknown product, naming it', async () => {
    const missing = randomUUID();
    const commandId = await world.reserve(randomUUID(), [
      { productId: kettle.id, quantity: 1 },
      { productId: missing, quantity: 1 },
    ]);
    expect(await world.reader.replyTo(commandId)).toMatchObject({
      outcome: 'failure',
      reason: `unknown product ${missing}`,
    });
  });

  it('gives the stock back when the saga compensates, and publishes stock-released', async () => {
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const reserved = await world.reserve(orderId, [{ productId: bottle.id, quantity: 5 }], { sagaId });
    expect((await world.reader.replyTo(reserved)).outcome).toBe('success');
    expect(await world.stockOf(bottle.id)).toEqual({ available: 495, reserved: 5, sold: 0 });

    const released = await world.release(orderId, { sagaId });
    expect(await world.reader.replyTo(released)).toMatchObject({
      action: 'compensation',
      outcome: 'success',
      data: { released: true },
    });
    expect(await world.stockOf(bottle.id)).toEqual({ available: 500, reserved: 0, sold: 0 });
    expect(await world.reservationsOf(orderId)).toEqual([
      { product_id: bottle.id, quantity: 5, status: 'released' },
    ]);
    await eventually(
      'stock-released',
      () => world.reader.of('inventory.stock-released', orderId).length === 1,
    );
  });

  it('answers a release for an order that never held stock with success, moving no stock and leaving a tombstone', async () => {
    const before = await world.allStock();
    const orderId = randomUUID();
    const commandId = await world.release(orderId);
    expect(await world.reader.replyTo(commandId)).toMatchObject({
      outcome: 'success',
      data: { released: false, voided: true },
    });
    expect(await world.allStock()).toEqual(before);
    expect(await world.streamTypes(orderId)).toEqual(['ReservationVoided']);
  });

  it('refuses a reserve delivered after its compensation, holding nothing and publishing nothing', async () => {
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const released = await world.release(orderId, { sagaId });
    expect(await world.reader.replyTo(released)).toMatchObject({
      outcome: 'success',
      data: { voided: true },
    });
    const before = await world.allStock();

    // The late copy of the command the saga gave up on (its deadline passed, so it compensated).
    const late = await world.reserve(orderId, [{ productId: grinder.id, quantity: 2 }], { sagaId });
    expect(await world.reader.replyTo(late)).toMatchObject({
      sagaId,
      action: 'command',
      outcome: 'failure',
      reason: `the reservation of order ${orderId} was compensated before it arrived; no stock is reserved for a cancelled order`,
    });
    expect(await world.allStock()).toEqual(before);
    expect(await world.reservationsOf(orderId)).toEqual([]);
    expect(await world.streamTypes(orderId)).toEqual(['ReservationVoided']);
    // A second release is still a success, and changes nothing either.
    const again = await world.release(orderId, { sagaId });
    expect(await world.reader.replyTo(again)).toMatchObject({
      outcome: 'success',
      data: { released: false, voided: false },
    });
    // Nothing for inventory.events in the outbox: no stock moved, so other services learn nothing.
    const published = await world.db
      .selectFrom('outbox')
      .select('message_type')
      .where('key', '=', orderId)
      .execute();
    expect(published).toEqual([]);
  });

  it('applies a redelivered command once and answers a repeated reserve of the order with the same data', async () => {
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const commandId = randomUUID();
    const items = [{ productId: espresso.id, quantity: 1 }];
    await world.reserve(orderId, items, { sagaId, commandId });
    await world.reserve(orderId, items, { sagaId, commandId });
    // Same key, same partition: once this one is answered, both copies above were consumed.
    const again = await world.reserve(orderId, items, { sagaId });

    const second = await world.reader.replyTo(again);
    expect(world.reader.replies().filter((r) => r.commandId === commandId)).toHaveLength(1);
    const first = await world.reader.replyTo(commandId);
    expect(second.outcome).toBe('success');
    expect(second.data).toEqual(first.data);
    expect(await world.stockOf(espresso.id)).toEqual({ available: 59, reserved: 1, sold: 0 });
    expect(await world.reservationsOf(orderId)).toEqual([
      { product_id: espresso.id, quantity: 1, status: 'held' },
    ]);
    const events = await world.db
      .selectFrom('events')
      .select('type')
      .where('stream_id', '=', `reservation-${orderId}`)
      .execute();
    expect(events).toEqual([{ type: 'StockReserved' }]);
  });

  it('sells the held stock when the order is confirmed, once', async () => {
    const orderId = randomUUID();
    const reserved = await world.reserve(orderId, [{ productId: lamp.id, quantity: 3 }]);
    expect((await world.reader.replyTo(reserved)).outcome).toBe('success');

    const confirmed = {
      orderId,
      userId: randomUUID(),
      totalCents: 3 * 7_450,
      currency: 'EUR',
      paymentId: randomUUID(),
      confirmedAt: new Date().toISOString(),
    };
    const messageId = await world.sender.publish(
      world.topics.ordersEvents,
      'order.confirmed',
      orderId,
      confirmed,
    );
    await eventually('the sale', async () => (await world.stockOf(lamp.id)).sold === 3);
    expect(await world.stockOf(lamp.id)).toEqual({ available: 147, reserved: 0, sold: 3 });
    expect(await world.reservationsOf(orderId)).toEqual([
      { product_id: lamp.id, quantity: 3, status: 'sold' },
    ]);

    // A redelivery (same message id) and a second confirmation (new id) change nothing.
    await world.sender.publish(world.topics.ordersEvents, 'order.confirmed', orderId, confirmed, messageId);
    const second = await world.sender.publish(
      world.topics.ordersEvents,
      'order.confirmed',
      orderId,
      confirmed,
    );
    await eventually('the second confirmation to be consumed', async () => {
      const row = await world.db
        .selectFrom('inbox')
        .select('message_id')
        .where('message_id', '=', second)
        .executeTakeFirst();
      return row !== undefined;
    });
    expect(await world.stockOf(lamp.id)).toEqual({ available: 147, reserved: 0, sold: 3 });
    await eventually('stock-sold', () => world.reader.of('inventory.stock-sold', orderId).length === 1);
    expect(world.reader.of('inventory.stock-sold', orderId)).toHaveLength(1);
  });

  it('lets exactly 3 of 20 orders for the last 3 pens through', async () => {
    const commandIds = await Promise.all(
      Array.from({ length: 20 }, () => world.reserve(randomUUID(), [{ productId: pen.id, quantity: 1 }])),
    );
    const replies = await Promise.all(commandIds.map((id) => world.reader.replyTo(id, 20_000)));
    expect(replies.filter((r) => r.outcome === 'success')).toHaveLength(3);
    const refusals = replies.filter((r) => r.outcome === 'failure');
    expect(refusals).toHaveLength(17);
    for (const refusal of refusals) {
      expect(refusal.reason).toBe(
        `insufficient stock for Limited Edition Fountain Pen (${pen.id}): requested 1, available 0`,
      );
    }
    expect(await world.stockOf(pen.id)).toEqual({ available: 0, reserved: 3, sold: 0 });
  });

  it('never oversells or deadlocks when transactions reserve shared products in opposite orders', async () => {
    const reserveNow = (orderId: string, items: { productId: string; quantity: number }[]) =>
      world.handle('inventory.reserve-stock', { orderId, items });
    const first = await reserveNow(randomUUID(), [{ productId: keyboard.id, quantity: 45 }]);
    expect(first.outcome).toBe('success');

    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const lines = [
          { productId: keyboard.id, quantity: 1 },
          { productId: headphones.id, quantity: 1 },
        ];
        return reserveNow(randomUUID(), i % 2 === 0 ? lines : lines.reverse());
      }),
    );
    expect(results.filter((r) => r.outcome === 'success')).toHaveLength(5);
    expect(results.filter((r) => r.outcome === 'failure')).toHaveLength(25);
    expect(await world.stockOf(keyboard.id)).toEqual({ available: 0, reserved: 50, sold: 0 });
    expect(await world.stockOf(headphones.id)).toEqual({ available: 70, reserved: 5, sold: 0 });
  });

  it('gives the stock back whichever comes first of a late confirmation and the compensation', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = randomUUID();
      const items = [
        { productId: daypack.id, quantity: 2 },
        { productId: blanket.id, quantity: 1 },
      ];
      expect((await world.handle('inventory.reserve-stock', { orderId, items })).outcome).toBe('success');
      const cause = incoming('order.confirmed', {
        orderId,
        userId: 'user-1',
        totalCents: 0,
        currency: 'EUR',
        paymentId: 'payment-1',
        confirmedAt: new Date().toISOString(),
      });
      const [released] = await Promise.all([
        world.handle('inventory.release-stock', { orderId }),
        world.db.transaction().execute((trx) => sellStock(world.deps, trx, { orderId, cause })),
      ]);
      expect(released).toMatchObject({ outcome: 'success', data: { released: true } });
      expect(await world.reservationsOf(orderId)).toEqual(
        expect.arrayContaining([expect.objectContaining({ status: 'released' })]),
      );
    }
    expect(await world.stockOf(daypack.id)).toEqual({ available: 90, reserved: 0, sold: 0 });
    expect(await world.stockOf(blanket.id)).toEqual({ available: 80, reserved: 0, sold: 0 });
  });

  it('conserves stock: received = available + reserved + sold, matching the reservations', async () => {
    const conservation = await stockConservation(world.db);
    expect(conservation.violations).toEqual([]);
    expect(conservation.holds).toBe(true);
    expect(conservation.products).toHaveLength(SEED_PRODUCTS.length);
  });
});
