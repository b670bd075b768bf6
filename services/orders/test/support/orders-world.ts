import { randomUUID } from 'node:crypto';
import { type EventsDatabase, ensureTopics, migrate, ProjectionHost } from '@conveyor/events';
import { DEVELOPMENT_JWT_SETTINGS, developmentVerifier } from '@conveyor/http/testing';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import type { SagaOrchestrator } from '@conveyor/saga';
import { DEFAULT_PARTITIONS, topicBindings, topicNames } from '@conveyor/schemas';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { OrdersConfig } from '../../src/config.ts';
import { ordersMigrations } from '../../src/db/migrations.ts';
import { createDeps, type OrdersDeps } from '../../src/deps.ts';
import { createOrderSagaHost, createOrdersRelay } from '../../src/messaging/order-saga-host.ts';
import { createUsersConsumer } from '../../src/messaging/users-consumer.ts';
import { ordersProjections } from '../../src/projections/order-details.projection.ts';

/** A step is first resent after 10 s (± 20 %): tests move the clock past 12 s to make it due. */
export const SAGA_STEP_TIMING = {
  resend: { initialDelayMs: 10_000, maxDelayMs: 30_000 },
  deadlineMs: 600_000,
};

/**
 * A fresh orders database and topic namespace; the app over them (development tokens, see
 * `bearer()`), with its orchestrator not running. The clock runs `advance()`d ahead of real time.
 */
export async function createOrdersWorld(options: { idempotencyKeyTtlSeconds?: number } = {}) {
  const infra = inject('infra');
  const database: TestDatabase = await createTestDatabase(infra.databaseUrl, 'orders_test');
  const namespace = uniqueName('t');
  const config: OrdersConfig = {
    databaseUrl: database.url,
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
  const deps: OrdersDeps = { ...createDeps(config), clock: () => new Date(Date.now() + time.aheadMs) };
  await migrate(deps.db as Kysely<unknown>, ordersMigrations);
  const names = topicNames(namespace);
  await ensureTopics(
    deps.kafka,
    Object.values(names).map((topic) => ({ topic, partitions: DEFAULT_PARTITIONS })),
  );
  await deps.codec.registerAll(
    topicBindings(
      ['usersEvents', 'ordersEvents', 'inventoryCommands', 'paymentsCommands', 'ordersCommands'],
      namespace,
    ),
  );
  const orchestrator: SagaOrchestrator = createOrderSagaHost(deps, { stepTiming: config.sagaStepTiming });
  const app = await buildApp(deps, orchestrator, {
    verifyToken: developmentVerifier(),
    idempotencyKeyTtlSeconds: config.idempotencyKeyTtlSeconds,
  });
  await app.ready();
  // The read side: the relay publishes orders.events, the users consumer and the projection read topics.
  const relay = createOrdersRelay(deps, database.url);
  const usersConsumer = createUsersConsumer(deps);
  const projections = ordersProjections(deps.topics).map(
    (definition) =>
      new ProjectionHost({
        db: deps.db,
        kafka: deps.kafka,
        codec: deps.codec,
        definition,
        groupPrefix: namespace,
      }),
  );
  relay.start();
  await usersConsumer.start();
  for (const host of projections) await host.start();

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
      for (const host of projections) await host.stop();
      await usersConsumer.stop();
      await relay.stop();
      await app.close();
      await deps.db.destroy();
      await database.drop();
    },
  };
}

export type OrdersWorld = Awaited<ReturnType<typeof createOrdersWorld>>;
