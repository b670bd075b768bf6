import type { DeadLetterHook } from '@conveyor/events';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { METRIC_NAMES } from './metric-names.ts';

/** One registry per service (not prom-client's global one), so tests can build several apps. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Request counts and latencies by route and status, and /metrics in the Prometheus text format. */
export function registerMetrics(app: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: METRIC_NAMES.httpRequestDuration,
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

/**
 * `dead_letters_total{consumer, topic, code}`: messages a consumer or projection gave up on and
 * sent to `<topic>.dlq`. Create it once per registry and give the hook to every projection host
 * (and rebuild) of the service as `onDeadLetter`.
 */
export function deadLetterCounter(registry: Registry): DeadLetterHook {
  const counter = new Counter({
    name: METRIC_NAMES.deadLetters,
    help: 'Messages sent to a dead-letter topic, by the consumer or projection that gave up on them',
    labelNames: ['consumer', 'topic', 'code'],
    registers: [registry],
  });
  return ({ consumer, topic, errorCode }) => counter.inc({ consumer, topic, code: errorCode });
}

export { Counter, Gauge, Histogram, type Registry };
