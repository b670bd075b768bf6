import { randomUUID } from 'node:crypto';
import { deadLetterTopic, listDeadLetters } from '@conveyor/events';
import { bearer } from '@conveyor/http/testing';
import { eventually } from '@conveyor/infra-local/testing';
import { DEFAULT_PARTITIONS } from '@conveyor/schemas';
import type { Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_DETAILS_PROJECTION } from '../src/projections/order-details.projection.ts';
import { createOrdersWorld, type OrdersWorld } from './support/orders-world.ts';

const address = { street: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' };
const product = '2f6c1f0e-3a39-4c1a-9d1e-6a5b2f9b0a01';

/**
 * orders.order-details reads users.events beside orders.events. Poison on users.events (bytes that
 * are no Avro, in every partition) must not stop the order lists: later users and later orders
 * still reach them, and the poison waits in users.events.dlq.
 */
describe('the order lists with poison messages on users.events', () => {
  let world: OrdersWorld;
  beforeAll(async () => {
    world = await createOrdersWorld();
  });
  afterAll(() => world?.close());

  it('keeps projecting users and orders that come after the poison, which is dead-lettered', async () => {
    const { kafka, topics } = world.deps;
    const messages: Message[] = Array.from({ length: DEFAULT_PARTITIONS }, (_, partition) => ({
      partition,
      key: `poison-${partition}`,
      value: Buffer.from('not avro at all'),
      headers: { 'message-id': `garbage-${partition}`, 'message-type': 'user.created' },
    }));
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: topics.usersEvents, acks: -1, messages });
    await producer.disconnect();

    const userId = randomUUID();
    const grace = bearer(userId);
    await world.publishUser({ userId, email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' });
    await eventually(
      'the orders users consumer to know Grace',
      async () =>
        (await world.deps.db
          .selectFrom('order_users')
          .select('user_id')
          .where('user_id', '=', userId)
          .executeTakeFirst()) ?? undefined,
      20_000,
    );
    for (let i = 0; i < 2; i++) {
      const placed = await world.app.inject({
        method: 'POST',
        url: '/orders',
        payload: { items: [{ productId: product, quantity: 1 }], shippingAddress: address },
        headers: grace,
      });
      expect(placed.statusCode, placed.body).toBe(202);
    }

    const list = await eventually(
      "Grace's order list with her profile",
      async () => {
        const body = (await world.app.inject({ url: `/users/${userId}/orders`, headers: grace })).json();
        return body.total === 2 && body.user?.firstName === 'Grace' ? body : undefined;
      },
      30_000,
    );
    expect(list).toMatchObject({ total: 2, user: { firstName: 'Grace', lastName: 'Hopper' } });

    const letters = await listDeadLetters({
      kafka,
      topic: deadLetterTopic(topics.usersEvents),
      timeoutMs: 20_000,
    });
    expect(
      letters
        .filter((l) => l.consumer === ORDER_DETAILS_PROJECTION)
        .map((l) => [l.messageId, l.errorCode])
        .sort(),
    ).toEqual(
      Array.from({ length: DEFAULT_PARTITIONS }, (_, p) => [`garbage-${p}`, 'CONVEYOR_DECODE_FAILED']),
    );
  });
});
