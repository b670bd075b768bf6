import { Counter, Gauge, Histogram, type Registry } from '@conveyor/http';
import type { AttemptEnd } from './retry-policy.ts';
import type { ServicePool, ServicePools } from './service-pool.ts';

/** How one attempt at an instance ended: its HTTP status, or how the connection failed. */
export type AttemptOutcome = `${number}` | 'connect_error' | 'timeout' | 'reset' | 'unsendable';

export interface UpstreamMetrics {
  attempt(service: string, instance: string, outcome: AttemptOutcome, seconds: number): void;
  /** A request sent to a second instance, and how the first attempt ended. */
  retried(service: string, after: Exclude<AttemptEnd, 'unsendable'>): void;
  /** A request refused at once because the service's bulkhead was full. */
  bulkheadRejected(service: string): void;
  rateLimited(group: string): void;
}

/**
 * Per upstream: attempts by status or failure and their latency; instances in and out of the
 * rotation (read from the pools when scraped). Request counts and
 * latencies per gateway route come from registerMetrics (@conveyor/http).
 */
export function createUpstreamMetrics(registry: Registry, pools: ServicePools): UpstreamMetrics {
  const attempts = new Histogram({
    name: 'gateway_upstream_request_duration_seconds',
    help: 'Attempts at an upstream instance by outcome (HTTP status or connect_error, timeout, reset, unsendable)',
    labelNames: ['service', 'instance', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'gateway_upstream_retries_total',
    help: 'Requests sent to a second instance, by how the first attempt ended (connect, reset, timeout, refused: answered 503)',
    labelNames: ['service', 'after'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'gateway_bulkhead_rejected_total',
    help: 'Requests answered 503 GATEWAY_UPSTREAM_BUSY at once: the service had as many in flight as its bulkhead allows',
    labelNames: ['service'],
    registers: [registry],
  });
  poolGauge(
    registry,
    pools,
    {
      name: 'gateway_upstream_in_flight',
      help: 'Requests in flight to each service (its bulkhead), and the bulkhead limit',
      label: 'kind',
    },
    ({ bulkhead }) => ({ in_flight: bulkhead.inFlight, limit: bulkhead.limit }),
  );
  const limited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Requests refused with 429, by route group',
    labelNames: ['group'],
    registers: [registry],
  });
  poolGauge(
    registry,
    pools,
    {
      name: 'gateway_upstream_instances',
      help: 'Instances of each service in the rotation (available) or ejected by passive health',
      label: 'state',
    },
    ({ balancer }) => {
      const instances = balancer.snapshot();
      const available = instances.filter((i) => i.available).length;
      return { available, ejected: instances.length - available };
    },
  );
  return {
    attempt: (service, instance, outcome, seconds) =>
      attempts.observe({ service, instance, outcome }, seconds),
    retried: (service, after) => retries.inc({ service, after }),
    bulkheadRejected: (service) => rejected.inc({ service }),
    rateLimited: (group) => limited.inc({ group }),
  };
}

/**
 * A gauge read from the pools when scraped (never kept up to date on the request path): for each
 * service, one value per value of `label`, as `read` gives them.
 */
function poolGauge(
  registry: Registry,
  pools: ServicePools,
  gauge: { name: string; help: string; label: string },
  read: (pool: ServicePool) => Record<string, number>,
): void {
  new Gauge({
    name: gauge.name,
    help: gauge.help,
    labelNames: ['service', gauge.label],
    registers: [registry],
    collect() {
      for (const pool of Object.values(pools)) {
        for (const [value, count] of Object.entries(read(pool))) {
          this.set({ service: pool.service, [gauge.label]: value }, count);
        }
      }
    },
  });
}
