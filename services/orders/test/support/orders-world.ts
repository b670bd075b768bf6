import { type EventsDatabase, ensureTopics, migrate } from '@conveyor/events';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import type { SagaOrchestrator } from '@conveyor/saga';
import { DEFAULT_PARTITIONS, topicBindings, topicNames } from '@conveyor/schemas';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { OrdersConfig } from '../../src/config.ts';
import { ordersMigrations } from '../../src/db/migrations.ts';
import { createDeps, type OrdersDeps } from '../../src/deps.ts';
import { createOrderSagaHost } from '../../src/messaging/order-saga-host.ts';

/** A fresh orders database and topic namespace; the app over them, with its orchestrator not running. */
export async function createOrdersWorld() {
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
    sagaStepTimeoutMs: 10_000,
  };
  const deps: OrdersDeps = createDeps(config);
  await migrate(deps.db as Kysely<unknown>, ordersMigrations);
  const names = topicNames(namespace);
  await ensureTopics(
    deps.kafka,
    Object.values(names).map((topic) => ({ topic, partitions: DEFAULT_PARTITIONS })),
  );
  await deps.codec.registerAll(topicBindings(['usersEvents', 'ordersEvents'], namespace));
  const orchestrator: SagaOrchestrator = createOrderSagaHost(deps, { stepTimeoutMs: 10_000 });
  const app = await buildApp(deps, orchestrator);
  await app.ready();
  return {
    config,
    deps,
    orchestrator,
    app,
    database,
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
    async close() {
      await app.close();
      await deps.db.destroy();
      await database.drop();
    },
  };
}

export type OrdersWorld = Awaited<ReturnType<typeof createOrdersWorld>>;
