import { eventsView } from '@conveyor/events';
import { Gauge, Histogram, METRIC_NAMES, type Registry } from '@conveyor/http';
import { type SagaMetricsHooks, type SagaOrchestrator, sagaAdminRoutes, sagaView } from '@conveyor/saga';
import { lookupMessages, type ServiceAppFor, serviceAppFor } from '@conveyor/service';
import { createBuses } from './application/buses.ts';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from './application/idempotency-keys.ts';
import type { OrdersDeps } from './deps.ts';
import { ordersRoutes } from './http/orders.routes.ts';

export interface BuildAppOptions extends ServiceAppFor {
  /** How long a caller's Idempotency-Key answers with its order. @default 86400 */
  idempotencyKeyTtlSeconds?: number;
  /** The participants' services, asked about a saga's messages for its journey. @default [] */
  adminPeerUrls?: readonly string[];
}

/**
 * The orders HTTP app: routes (a valid token each), the saga admin API (role admin), health,
 * readiness, metrics (saga counts by status among them), docs. Does not listen.
 */
export async function buildApp(deps: OrdersDeps, orchestrator: SagaOrchestrator, options: BuildAppOptions) {
  registerSagaCounts(deps.metrics, orchestrator);
  const app = await serviceAppFor(deps, options);
  const { commands, queries } = createBuses(deps, orchestrator, {
    idempotencyKeyTtlSeconds: options.idempotencyKeyTtlSeconds ?? DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
  });
  await app.register(ordersRoutes, { commands, queries });
  await app.register(sagaAdminRoutes, {
    orchestrator,
    db: sagaView(deps.db),
    messageSources: {
      local: (ids) => lookupMessages(eventsView(deps.db), deps.service, ids),
      peers: options.adminPeerUrls ?? [],
    },
  });
  return app;
}

/** Saga counts by status, read when Prometheus scrapes. */
function registerSagaCounts(registry: Registry, orchestrator: SagaOrchestrator) {
  new Gauge({
    name: METRIC_NAMES.sagaInstances,
    help: 'Sagas by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await orchestrator.countByStatus();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
}

/** Step latency histogram fed by the orchestrator's metrics hooks. */
export function sagaMetricsHooks(registry: Registry): SagaMetricsHooks {
  const latency = new Histogram({
    name: METRIC_NAMES.sagaStepDuration,
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
