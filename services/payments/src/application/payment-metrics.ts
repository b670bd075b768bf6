import type { OutboxBacklog } from '@conveyor/events';
import { Counter, Gauge, type Registry } from '@conveyor/http';

/** Business counters of the service, on its own registry (served at /metrics). */
export interface PaymentCounters {
  charged: Counter;
  declined: Counter;
  refunded: Counter;
  voided: Counter;
}

export function createPaymentCounters(registry: Registry): PaymentCounters {
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    charged: counter('payments_charged_total', 'Charges approved by the provider and recorded'),
    declined: counter('payments_declined_total', 'Charges declined by the provider'),
    refunded: counter('payments_refunded_total', 'Charges refunded (compensations that had an effect)'),
    voided: counter(
      'payments_voided_total',
      'Refunds of orders never charged: a tombstone, so their charge is refused should it arrive',
    ),
  };
}

/**
 * Outbox backlog gauges, read from the relay when /metrics is scraped. A failed read keeps the
 * last values: /metrics must still answer while the database is down.
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
    name: 'outbox_backlog_messages',
    help: 'Outbox rows not yet published to Kafka',
    registers: [registry],
    async collect() {
      const current = await read();
      if (current) this.set(current.count);
    },
  });
  new Gauge({
    name: 'outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox row',
    registers: [registry],
    async collect() {
      const current = await read();
      if (current) this.set(current.oldestAgeMs / 1000);
    },
  });
}
