import type { SagaOrchestrator } from '@conveyor/saga';
import type { TopicKey } from '@conveyor/schemas';
import { defineService, type Worker } from '@conveyor/service';
import { buildApp, sagaMetricsHooks } from './app.ts';
import { startKeyPruner } from './application/idempotency-keys.ts';
import { ordersMigrations } from './db/migrations.ts';
import { createDeps, type OrdersDeps } from './deps.ts';
import { createOrderSagaHost } from './messaging/order-saga-host.ts';
import { createOrdersParticipant } from './messaging/orders-participant.ts';
import { createUsersConsumer } from './messaging/users-consumer.ts';
import { ordersProjections } from './projections/order-details.projection.ts';

/** Topics orders produces to or consumes from. */
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
 * Orders: the order-details read model; the users consumer, the orders participant, the saga
 * orchestrator (replies and sweeper) and the pruning of expired Idempotency-Keys; the app with the
 * saga admin API.
 */
export const ordersService = defineService({
  name: 'orders',
  migrations: ordersMigrations,
  topics: ORDERS_TOPICS,
  produces: ORDERS_PRODUCES,
  deps: createDeps,
  projections: ({ topics }) => ordersProjections(topics),
  wire(deps: OrdersDeps, { config, verifyToken, logger }) {
    const orchestrator = createOrderSagaHost(deps, {
      stepTiming: config.sagaStepTiming,
      metrics: sagaMetricsHooks(deps.metrics),
    });
    return {
      orchestrator,
      workers: [
        createUsersConsumer(deps),
        createOrdersParticipant(deps),
        sagaWorker(orchestrator),
        keyPrunerWorker(deps),
      ],
      app: () =>
        buildApp(deps, orchestrator, {
          verifyToken,
          logger,
          idempotencyKeyTtlSeconds: config.idempotencyKeyTtlSeconds,
          adminPeerUrls: config.adminPeerUrls,
        }),
    };
  },
});

export type OrdersService = Awaited<ReturnType<typeof ordersService.start>>;
export const startOrdersService = ordersService.start;

function sagaWorker(orchestrator: SagaOrchestrator): Worker {
  return {
    name: 'orders-saga-orchestrator',
    groupId: orchestrator.groupId,
    topics: orchestrator.topics,
    start: () => orchestrator.run(),
    stop: () => orchestrator.stop(),
  };
}

function keyPrunerWorker(deps: OrdersDeps): Worker {
  let pruner: { stop(): Promise<void> } | undefined;
  return {
    name: 'idempotency-key-pruner',
    async start() {
      pruner = startKeyPruner(deps);
    },
    stop: async () => pruner?.stop(),
  };
}
