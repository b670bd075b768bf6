import { randomUUID } from 'node:crypto';
import { eventsView, ProjectionStore, projectionLag, rebuildProjection } from '@conveyor/events';
import { bearer } from '@conveyor/http/testing';
import type { StockReserved } from '@conveyor/schemas';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOCK_VIEW_PROJECTION, stockViewProjection } from '../src/projections/stock-view.projection.ts';
import { InventoryParticipantWorld, seedProduct } from './support/participant-world.ts';
import { eventually } from './support/world.ts';

/** The stock view says how the shop trades: admins only. */
const admin = bearer('ops-1', ['user', 'admin']);

const kettle = seedProduct('KIT-KTL-003');
const grinder = seedProduct('KIT-GRD-002');
const lamp = seedProduct('HOM-LMP-004');
const pen = seedProduct('LTD-PEN-010');

/** Saga commands and order confirmations → inventory.events → the inventory.stock-view projection. */
describe('the stock view, projected from inventory.events', () => {
  let world: InventoryParticipantWorld;
  beforeAll(async () => {
    world = await InventoryParticipantWorld.start();
  });
  afterAll(() => world?.close());

  const reserve = async (orderId: string, items: { productId: string; quantity: number }[]) => {
    expect((await world.reader.replyTo(await world.reserve(orderId, items))).outcome).toBe('success');
  };
  const release = async (orderId: string) => {
    expect((await world.reader.replyTo(await world.release(orderId))).outcome).toBe('success');
  };
  const confirm = async (orderId: string) => {
    await world.sender.publish(world.topics.ordersEvents, 'order.confirmed', orderId, {
      orderId,
      userId: randomUUID(),
      totalCents: 1,
      currency: 'EUR',
      paymentId: randomUUID(),
      confirmedAt: new Date().toISOString(),
    });
    await eventually(`order ${orderId} sold`, async () => {
      const rows = await world.db
        .selectFrom('reservations')
        .select('status')
        .where('order_id', '=', orderId)
        .execute();
      return rows.length > 0 && rows.every((r) => r.status === 'sold');
    });
  };
  /** The stock-reserved event of an order, as published on inventory.events. */
  const reservedEvent = (orderId: string) =>
    eventually(`stock-reserved of order ${orderId}`, () => {
      const [message] = world.reader.of('inventory.stock-reserved', orderId);
      return message?.data as StockReserved | undefined;
    });
  const stockView = (productId: string) =>
    world.service.app.inject({ url: `/stock-view/${productId}`, headers: admin });
  /** True once the served generation has applied everything on inventory.events. */
  const projected = async () => {
    const generation = world.service.projections[0]?.generation ?? 0;
    const checkpoints = await new ProjectionStore(eventsView(world.db)).checkpoints(
      STOCK_VIEW_PROJECTION,
      generation,
    );
    const { lag } = await projectionLag(world.deps.kafka, [world.topics.inventoryEvents], checkpoints);
    return lag === 0n;
  };
  const rows = async () => (await sql`SELECT * FROM stock_view ORDER BY product_id`.execute(world.db)).rows;

  it('counts held, sold and released units per product, a release after a sale included', async () => {
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await reserve(a, [
      { productId: kettle.id, quantity: 2 },
      { productId: grinder.id, quantity: 1 },
    ]);
    await confirm(a); // held → sold
    await reserve(b, [{ productId: kettle.id, quantity: 3 }]);
    await release(b); // held → released
    await reserve(c, [{ productId: lamp.id, quantity: 4 }]);
    await confirm(c);
    await release(c); // sold → released: the saga compensated a confirmed order
    await reserve(d, [
      { productId: kettle.id, quantity: 1 },
      { productId: lamp.id, quantity: 2 },
    ]); // still held
    // The relay publishes at least once: the same stock-reserved again must not count twice.
    await world.sender.publish(
      world.topics.inventoryEvents,
      'inventory.stock-reserved',
      a,
      await reservedEvent(a),
    );

    await eventually('the projection to apply every event', projected, 20_000);
    const expected = {
      [kettle.id]: { reserved: 1, sold: 2, released: 3 },
      [grinder.id]: { reserved: 0, sold: 1, released: 0 },
      [lamp.id]: { reserved: 2, sold: 0, released: 4 },
    };
    for (const [productId, counts] of Object.entries(expected)) {
      const response = await stockView(productId);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ productId, ...counts, updatedAt: expect.any(String) });
      // The seed starts every product at 0 reserved and 0 sold, so the view agrees with the stock table.
      const stock = await world.db
        .selectFrom('stock')
        .select(['reserved', 'sold'])
        .where('product_id', '=', productId)
        .executeTakeFirstOrThrow();
      expect({ reserved: counts.reserved, sold: counts.sold }).toEqual(stock);
    }
    // The lamp's latest movement is order d's reservation.
    expect((await stockView(lamp.id)).json().updatedAt).toBe((await reservedEvent(d)).reservedAt);
  });

  it('answers 404 for a product without movements', async () => {
    const response = await stockView(pen.id);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      status: 404,
      code: 'INVENTORY_NO_STOCK_MOVEMENTS',
      detail: `product ${pen.id} has no stock movements`,
      details: { productId: pen.id },
    });
  });

  it('rebuilds into a new generation while the host runs: the same rows, and the route answers throughout', async () => {
    const before = await rows();
    expect(before).toHaveLength(3);
    const answers: { status: number; reserved: number }[] = [];
    let reading = true;
    const readerLoop = (async () => {
      while (reading) {
        const response = await stockView(kettle.id);
        answers.push({ status: response.statusCode, reserved: response.json().reserved });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const result = await rebuildProjection({
        db: world.db,
        kafka: world.deps.kafka,
        groupPrefix: world.environment.namespace,
        codec: world.deps.codec,
        definition: stockViewProjection(world.environment.namespace),
        pollMs: 100,
      });
      expect(result).toMatchObject({ previousGeneration: 1, generation: 2, applied: 9, resumed: false });
    } finally {
      reading = false;
      await readerLoop;
    }
    expect(await rows()).toEqual(before);
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.every((a) => a.status === 200 && a.reserved === 1)).toBe(true);

    // The live host follows the new generation: a later reservation still reaches the view.
    await eventually('the host to follow generation 2', () => world.service.projections[0]?.generation === 2);
    await reserve(randomUUID(), [{ productId: pen.id, quantity: 1 }]);
    await eventually('the pen to show', async () => (await stockView(pen.id)).statusCode === 200);
    expect((await stockView(pen.id)).json()).toMatchObject({ reserved: 1, sold: 0, released: 0 });
  });

  it.each([
    ['/stock-view/not-a-uuid', 'productId'],
    ['/stock-view/123', 'productId'],
    [`/stock-view/${kettle.id}?verbose=1`, 'verbose'],
  ])('answers GET %s with a 400 problem naming %s', async (url, field) => {
    const response = await world.service.app.inject({ url, headers: admin });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, code: 'CONVEYOR_INVALID_REQUEST' });
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(problem.detail).toContain(field);
  });
});
