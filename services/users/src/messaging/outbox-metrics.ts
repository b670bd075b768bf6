import type { OutboxBacklog } from '@conveyor/events';
import { Gauge, type Registry } from '@conveyor/http';

/** Something that reports the outbox backlog: the OutboxRelay. */
export interface OutboxBacklogSource {
  backlog(): Promise<OutboxBacklog>;
}

/**
 * Outbox backlog and age on /metrics: a backlog that grows, or ages, means the relay is not
 * publishing. A failed read leaves the previous values rather than failing the whole scrape.
 */
export function registerOutboxMetrics(registry: Registry, outbox: OutboxBacklogSource): void {
  const read = () => outbox.backlog().catch(() => undefined);
  new Gauge({
    name: 'outbox_backlog_messages',
    help: 'Outbox rows not yet published to Kafka',
    registers: [registry],
    async collect() {
      const backlog = await read();
      if (backlog) this.set(backlog.count);
    },
  });
  new Gauge({
    name: 'outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when there is none)',
    registers: [registry],
    async collect() {
      const backlog = await read();
      if (backlog) this.set(backlog.oldestAgeMs / 1000);
    },
  });
}
