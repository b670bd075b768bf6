import { ensureTopics, migrate, ProjectionHost } from '@conveyor/events';
import {
  createLogger,
  createMetricsRegistry,
  createTokenVerifier,
  deadLetterCounter,
  type RunningService,
} from '@conveyor/http';
import { DEFAULT_PARTITIONS, type TopicKey, topicBindings } from '@conveyor/schemas';
import type { Kysely } from 'kysely';
import { buildApp, sagaMetricsHooks } from './app.ts';
import { startKeyPruner } from './application/idempotency-keys.ts';
import type { OrdersConfig } from './config.ts';
import { ordersMigrations } from './db/migrations.ts';
import { createDeps } from './deps.ts';
import { createOrderSagaHost, createOrdersRelay } from './messaging/order-saga-host.ts';
import { createOrdersParticipant } from './messaging/orders-participant.ts';
import { createUsersConsumer } from './messaging/users-consumer.ts';
import { ordersProjections } from './projections/order-details.projection.ts';

/** Topics orders produces to or consumes from; their schemas are registered at start. */
const ORDERS_TOPICS: TopicKey[] = [
  'ordersEvents',
  'ordersCommands',
  'inventoryCommands',
  'paymentsCommands',
  'sagaReplies',
  'usersEvents',
];
/** Only what orders itself sends through its outbox needs registering under its subjects here. */
const ORDERS_PRODUCES: TopicKey[] = [
  'ordersEvents',
  'ordersCommands',
  'inventoryCommands',
  'paymentsCommands',
  'sagaReplies',
];

/**
 * Everything main.ts does short of listening: migrations, topics, schemas, the relay, the users
 * consumer, the orders participant, the saga orchestrator (replies and sweeper), the pruning of
 * expired Idempotency-Keys and the app.
 */
export async function startOrdersService(config: OrdersConfig): Promise<RunningService> {
  const logger = createLogger('orders', config.logLevel);
  const deps = createDeps(config, logger);
  await migrate(deps.db as Kysely<unknown>, ordersMigrations);
  await ensureTopics(
    deps.kafka,
    ORDERS_TOPICS.map((key) => ({ topic: deps.topics[key], partitions: DEFAULT_PARTITIONS })),
  );
  await deps.codec.registerAll(topicBindings(ORDERS_PRODUCES, config.topicNamespace));

  const metrics = createMetricsRegistry('orders');
  const relay = createOrdersRelay(deps, config.databaseUrl);
  const orchestrator = createOrderSagaHost(deps, {
    stepTiming: config.sagaStepTiming,
    metrics: sagaMetricsHooks(metrics),
  });
  const usersConsumer = createUsersConsumer(deps);
  const participant = createOrdersParticipant(deps);
  const onDeadLetter = deadLetterCounter(metrics);
  const projections = ordersProjections(deps.topics).map(
    (definition) =>
      new ProjectionHost({
        db: deps.db,
        kafka: deps.kafka,
        codec: deps.codec,
        groupPrefix: config.topicNamespace,
        definition,
        logger,
        onDeadLetter,
      }),
  );
  relay.start();
  for (const host of projections) await host.start();
  await usersConsumer.start();
  await participant.start();
  await orchestrator.run();
  const keyPruner = startKeyPruner(deps);
  const app = await buildApp(deps, orchestrator, {
    verifyToken: createTokenVerifier(config.jwt),
    idempotencyKeyTtlSeconds: config.idempotencyKeyTtlSeconds,
    logger,
    metrics,
    relay,
  });
  return {
    app,
    stop: [
      () => keyPruner.stop(),
      () => orchestrator.stop(),
      () => participant.stop(),
      () => usersConsumer.stop(),
      ...projections.map((host) => () => host.stop()),
      () => relay.stop(),
      () => deps.db.destroy(),
    ],
  };
}
