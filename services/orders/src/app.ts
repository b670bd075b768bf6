import {
  createMetricsRegistry,
  createServiceApp,
  Gauge,
  Histogram,
  type Registry,
  type TokenVerifier,
} from '@conveyor/http';
import { type SagaMetricsHooks, type SagaOrchestrator, sagaAdminRoutes, sagaView } from '@conveyor/saga';
import type { FastifyBaseLogger } from 'fastify';
import type { Kafka } from 'kafkajs';
import { sql } from 'kysely';
import { createBuses } from './application/buses.ts';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from './application/idempotency-keys.ts';
import type { OrdersDeps } from './deps.ts';
import { ordersRoutes } from './http/orders.routes.ts';

export interface BuildAppOptions {
  /** Checks every caller's bearer token: createTokenVerifier(config.jwt). */
  verifyToken: TokenVerifier;
  /** How long a caller's Idempotency-Key answers with its order. @default 86400 */
  idempotencyKeyTtlSeconds?: number;
  logger?: FastifyBaseLogger | false;
  metrics?: Registry;
  /** Gauges read the outbox backlog through it. */
  relay?: { backlog(): Promise<{ count: number; oldestAgeMs: number }> };
}

/**
 * The orders HTTP app: routes (a valid token each), the saga admin API (role admin), health,
 * readiness, metrics, docs. Does not listen.
 */
export async function buildApp(deps: OrdersDeps, orchestrator: SagaOrchestrator, options: BuildAppOptions) {
  const metrics = options.metrics ?? createMetricsRegistry('orders');
  registerOrdersMetrics(metrics, orchestrator, options.relay);
  const app = await createServiceApp({
    name: 'orders',
    logger: options.logger ?? false,
    metrics,
    verifyToken: options.verifyToken,
    readiness: {
      database: () => sql`SELECT 1`.execute(deps.db),
      kafka: () => kafkaAnswers(deps.kafka),
    },
  });
  const { commands, queries } = createBuses(deps, orchestrator, {
    idempotencyKeyTtlSeconds: options.idempotencyKeyTtlSeconds ?? DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
  });
  await app.register(ordersRoutes, { commands, queries });
  await app.register(sagaAdminRoutes, { orchestrator, db: sagaView(deps.db) });
  return app;
}

async function kafkaAnswers(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

/** Saga counts by status and the outbox backlog, read when Prometheus scrapes. */
function registerOrdersMetrics(
  registry: Registry,
  orchestrator: SagaOrchestrator,
  relay: BuildAppOptions['relay'],
) {
  new Gauge({
    name: 'conveyor_sagas',
    help: 'Sagas by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await orchestrator.countByStatus();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  if (relay) {
    new Gauge({
      name: 'conveyor_outbox_backlog',
      help: 'Unpublished outbox rows',
      registers: [registry],
      async collect() {
        this.set((await relay.backlog()).count);
      },
    });
    new Gauge({
      name: 'conveyor_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers: [registry],
      async collect() {
        this.set((await relay.backlog()).oldestAgeMs / 1000);
      },
    });
  }
}

/** Step latency histogram fed by the orchestrator's metrics hooks. */
export function sagaMetricsHooks(registry: Registry): SagaMetricsHooks {
  const latency = new Histogram({
    name: 'conveyor_saga_step_seconds',
    help: 'Time from a saga command to its reply',
    labelNames: ['saga', 'step', 'action', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    onStepFinished: (e) =>
      latency.observe(
        { saga: e.type, step: e.step, action: e.action, outcome: e.outcome },
        e.latencyMs / 1000,
      ),
  };
}
