import { randomUUID } from 'node:crypto';
import type { EventsDatabase } from '@conveyor/events';
import { DEVELOPMENT_JWT_SETTINGS } from '@conveyor/http/testing';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { topicBindings, topicNames } from '@conveyor/schemas';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import type { OrdersConfig } from '../../src/config.ts';
import { ordersService } from '../../src/service.ts';

/** A step is first resent after 10 s (± 20 %): tests move the clock past 12 s to make it due. */
export const SAGA_STEP_TIMING = {
  resend: { initialDelayMs: 10_000, maxDelayMs: 30_000 },
  deadlineMs: 600_000,
};

/**
 * A fresh orders database and topic namespace; the service started through its bootstrap (relay,
 * order-details projection, users consumer, app with development tokens, see `bearer()`), with
 * its orchestrator, participant and key pruner built but not running. The clock runs
 * `advance()`d ahead of real time.
 */
export async function createOrdersWorld(options: { idempotencyKeyTtlSeconds?: number } = {}) {
  const infra = inject('infra');
  const database: TestDatabase = await createTestDatabase(infra.databaseUrl, 'orders_test');
  const namespace = uniqueName('t');
  const config: OrdersConfig = {
    databaseUrl: database.url,
    databasePoolMax: 20,
    kafkaBrokers: infra.kafkaBrokers,
    schemaRegistryUrl: infra.schemaRegistryUrl,
    topicNamespace: namespace,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    jwt: DEVELOPMENT_JWT_SETTINGS,
    sagaStepTiming: SAGA_STEP_TIMING,
    idempotencyKeyTtlSeconds: options.idempotencyKeyTtlSeconds ?? 86_400,
  };
  const time = { aheadMs: 0 };
  const service = await ordersService.start(config, {
    overrides: { clock: () => new Date(Date.now() + time.aheadMs) },
    workers: ['orders-users'],
  });
  const { deps, app } = service;
  const { orchestrator } = service.parts;
  await app.ready();
  const names = topicNames(namespace);
  // publishUser() writes users.events as the users service would: its schemas under our namespace.
  await deps.codec.registerAll(topicBindings(['usersEvents'], namespace));

  /** Publishes user.created on the namespaced users.events, as the users service would. */
  async function publishUser(user: { userId: string; email: string; firstName: string; lastName: string }) {
    const producer = deps.kafka.producer();
    await producer.connect();
    const messageId = randomUUID();
    await producer.send({
      topic: names.usersEvents,
      acks: -1,
      messages: [
        {
          key: user.userId,
          value: await deps.codec.encode(names.usersEvents, 'user.created', {
            ...user,
            language: 'en',
            createdAt: new Date().toISOString(),
          }),
          headers: { 'message-id': messageId, 'message-type': 'user.created', 'correlation-id': messageId },
        },
      ],
    });
    await producer.disconnect();
  }
  return {
    config,
    deps,
    orchestrator,
    app,
    database,
    /** Moves the service's clock ahead (Idempotency-Key expiry). */
    advance(ms: number) {
      time.aheadMs += ms;
    },
    async counts() {
      const count = async (
        table: 'order_views' | 'outbox' | 'saga_instances' | 'idempotency_keys' | 'events',
      ) =>
        Number(
          (
            await (deps.db as unknown as Kysely<EventsDatabase & Record<string, object>>)
              .selectFrom(table as 'events')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        orders: await count('order_views'),
        outbox: await count('outbox'),
        sagas: await count('saga_instances'),
        keys: await count('idempotency_keys'),
        events: await count('events'),
      };
    },
    publishUser,
    async close() {
      await service.close();
      await database.drop();
    },
  };
}

export type OrdersWorld = Awaited<ReturnType<typeof createOrdersWorld>>;
