import { ConsumerRunner, type IncomingMessage, OutboxRelay } from '@conveyor/events';
import { bearer } from '@conveyor/http/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsersDatabase } from '../src/db/tables.ts';
import { createUsersWorld, newCaller, newUser, type UsersWorld, uniqueEmail } from './support/users-world.ts';

async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** REST → outbox → relay → Kafka (Avro, registry) → a consumer, on the real servers. */
describe('users events reach Kafka through the outbox', () => {
  let world: UsersWorld;
  let relay: OutboxRelay<UsersDatabase>;
  let consumer: ConsumerRunner<UsersDatabase>;
  const received: IncomingMessage[] = [];

  beforeAll(async () => {
    world = await createUsersWorld();
    relay = new OutboxRelay({
      db: world.deps.db,
      databaseUrl: world.database.url,
      kafka: world.deps.kafka,
      codec: world.deps.codec,
      pollIntervalMs: 200,
    });
    relay.start();
    const record = async (message: IncomingMessage) => {
      received.push(message);
    };
    consumer = new ConsumerRunner<UsersDatabase>({
      kafka: world.deps.kafka,
      db: world.deps.db,
      codec: world.deps.codec,
      name: `${world.namespace}-test-reader`,
      topics: [world.deps.topics.usersEvents],
      handlers: { 'user.created': record, 'user.updated': record },
      consumerConfig: { maxWaitTimeInMs: 200 },
    });
    await consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await world?.close();
  });

  it('publishes user.created and user.updated, decoded with their data, key and headers', async () => {
    const email = uniqueEmail('kafka');
    const created = await world.app.inject({
      method: 'POST',
      url: '/users',
      payload: newUser(email, { preferences: { language: 'fr' } }),
      headers: { ...newCaller().headers, 'x-correlation-id': 'corr-kafka-1' },
    });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    const updated = await world.app.inject({
      method: 'PATCH',
      url: `/users/${user.id}`,
      payload: { email: `New.${email}` },
      headers: { ...bearer(user.id), 'x-correlation-id': 'corr-kafka-2' },
    });
    expect(updated.statusCode).toBe(200);

    const [first, second] = await eventually('user.created and user.updated', () => {
      const mine = received.filter((m) => m.key === user.id);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(first).toMatchObject({
      topic: `${world.namespace}.users.events`,
      key: user.id,
      type: 'user.created',
      correlationId: 'corr-kafka-1',
      data: {
        userId: user.id,
        email,
        firstName: 'Ada',
        lastName: 'Lovelace',
        language: 'fr',
        createdAt: user.createdAt,
      },
    });
    expect(first?.headers).toMatchObject({
      'message-type': 'user.created',
      'correlation-id': 'corr-kafka-1',
      'message-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(second).toMatchObject({
      key: user.id,
      type: 'user.updated',
      correlationId: 'corr-kafka-2',
      data: {
        userId: user.id,
        changes: { email: `new.${email}`, firstName: null, lastName: null, language: null },
        updatedAt: updated.json().updatedAt,
      },
    });
    // Same key, so the same partition, in order.
    expect(second?.partition).toBe(first?.partition);
    expect(BigInt(second?.offset ?? 0)).toBeGreaterThan(BigInt(first?.offset ?? 0));

    await eventually('the outbox rows marked published', async () => {
      const unpublished = await world.deps.db
        .selectFrom('outbox')
        .select('id')
        .where('published_at', 'is', null)
        .execute();
      return unpublished.length === 0 ? true : undefined;
    });
  });
});
