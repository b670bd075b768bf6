import type { OutboxBacklog } from '@conveyor/events';
import { Gauge, METRIC_NAMES, type Registry } from '@conveyor/http';

/** The outbox gauges of every service: one name each, whatever the service. */
export const OUTBOX_METRICS = {
  backlog: METRIC_NAMES.outboxBacklog,
  oldestAge: METRIC_NAMES.outboxOldestAge,
} as const;

/**
 * Outbox backlog and age on /metrics: a backlog that grows, or ages, means the relay is not
 * publishing. A failed read keeps the last values: /metrics must still answer while the database
 * is down.
 */
export function registerOutboxMetrics(registry: Registry, backlog: () => Promise<OutboxBacklog>): void {
  // prom-client collects every metric of a scrape at once: both gauges share one query.
  let reading: Promise<OutboxBacklog | undefined> | undefined;
  const read = () => {
    reading ??= backlog()
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  new Gauge({
    name: OUTBOX_METRICS.backlog,
    help: 'Outbox rows not yet published to Kafka',
    registers: [registry],
    async collect() {
      const current = await read();
      if (current) this.set(current.count);
    },
  });
  new Gauge({
    name: OUTBOX_METRICS.oldestAge,
    help: 'Age of the oldest unpublished outbox row (0 when there is none)',
    registers: [registry],
    async collect() {
      const current = await read();
      if (current) this.set(current.oldestAgeMs / 1000);
    },
  });
}
