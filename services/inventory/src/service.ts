import { ensureTopics, migrate, OutboxRelay, ProjectionHost } from '@conveyor/events';
import {
  createTokenVerifier,
  deadLetterCounter,
  Gauge,
  type RunningService,
  type Stoppable,
} from '@conveyor/http';
import { DEFAULT_PARTITIONS, type TopicKey, topicBindings } from '@conveyor/schemas';
import type { Kysely } from 'kysely';
import { buildApp } from './app.ts';
import type { InventoryConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { InventoryDatabase } from './db/tables.ts';
import { createDeps, type Deps, type DepsOverrides } from './deps.ts';
import { createInventoryParticipant } from './messaging/inventory-participant.ts';
import { createOrderConfirmationsConsumer } from './messaging/order-confirmations.ts';
import { inventoryProjections } from './projections/stock-view.projection.ts';

/** The topics inventory produces to or consumes from. */
export const INVENTORY_TOPICS: readonly TopicKey[] = [
  'inventoryCommands',
  'inventoryEvents',
  'ordersEvents',
  'sagaReplies',
];

export interface InventoryService extends RunningService {
  deps: Deps;
  /** One host per projection (inventory.stock-view), following its served generation. */
  projections: ProjectionHost<InventoryDatabase>[];
}

/**
 * Starts everything but the listener: migrate, topics, schemas, the outbox relay, the projection
 * hosts, the saga participant and the order-confirmations consumer, then the app (verifying
 * tokens with config.jwt). `stop` is in shutdown order (consumers, projections, relay, pool). If a
 * step fails, what already started is stopped before rethrowing.
 */
export async function startInventoryService(
  config: InventoryConfig,
  overrides: DepsOverrides = {},
): Promise<InventoryService> {
  const deps = createDeps(config, overrides);
  const stop: Stoppable[] = [];
  try {
    await migrate(deps.db as Kysely<unknown>, migrations);
    await ensureTopics(
      deps.kafka,
      INVENTORY_TOPICS.map((key) => ({ topic: deps.topics[key], partitions: DEFAULT_PARTITIONS })),
    );
    await deps.codec.registerAll(topicBindings(INVENTORY_TOPICS, config.topicNamespace));

    const relay = new OutboxRelay({
      db: deps.db,
      databaseUrl: config.databaseUrl,
      kafka: deps.kafka,
      codec: deps.codec,
      logger: deps.logger,
    });
    relay.start();
    stop.unshift(() => relay.stop());
    registerOutboxMetrics(deps, relay);

    // Started before the app: the first start creates the views the routes read.
    const projections: ProjectionHost<InventoryDatabase>[] = [];
    const onDeadLetter = deadLetterCounter(deps.metrics);
    for (const definition of inventoryProjections(config.topicNamespace)) {
      const host = new ProjectionHost({
        db: deps.db,
        kafka: deps.kafka,
        groupPrefix: config.topicNamespace,
        codec: deps.codec,
        definition,
        logger: deps.logger,
        onDeadLetter,
      });
      stop.unshift(() => host.stop());
      await host.start();
      projections.push(host);
    }

    for (const consumer of [createInventoryParticipant(deps), createOrderConfirmationsConsumer(deps)]) {
      await consumer.start();
      stop.unshift(() => consumer.stop());
    }

    const app = await buildApp(deps, { verifyToken: createTokenVerifier(config.jwt), logger: deps.logger });
    return { app, deps, projections, stop: [...stop, () => deps.close()] };
  } catch (error) {
    for (const step of stop) await step().catch(() => undefined);
    await deps.close().catch(() => undefined);
    throw error;
  }
}

function registerOutboxMetrics(deps: Deps, relay: OutboxRelay) {
  const backlog = async () => relay.backlog().catch(() => ({ count: Number.NaN, oldestAgeMs: Number.NaN }));
  new Gauge({
    name: 'outbox_backlog_messages',
    help: 'Outbox rows not published yet',
    registers: [deps.metrics],
    async collect() {
      this.set((await backlog()).count);
    },
  });
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest unpublished outbox row',
    registers: [deps.metrics],
    async collect() {
      this.set((await backlog()).oldestAgeMs / 1000);
    },
  });
}
