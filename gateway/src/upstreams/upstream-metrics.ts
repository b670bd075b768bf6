import { Counter, Gauge, Histogram, type Registry } from '@conveyor/http';
import type { CircuitState } from './circuit-breaker.ts';
import type { ServicePools } from './service-pool.ts';

/** How one attempt at an instance ended: its HTTP status, or how the connection failed. */
export type AttemptOutcome = `${number}` | 'connect_error' | 'timeout' | 'reset' | 'unsendable';

export interface UpstreamMetrics {
  attempt(service: string, instance: string, outcome: AttemptOutcome, seconds: number): void;
  rateLimited(group: string): void;
}

const CIRCUIT_STATES: CircuitState[] = ['closed', 'open', 'half-open'];

/**
 * Per upstream: attempts by status or failure and their latency; instances in and out of the
 * rotation and each circuit's state (read from the pools when scraped). Request counts and
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
  const limited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Requests refused with 429, by route group',
    labelNames: ['group'],
    registers: [registry],
  });
  new Gauge({
    name: 'gateway_upstream_instances',
    help: 'Instances of each service in the rotation (available) or ejected by passive health',
    labelNames: ['service', 'state'],
    registers: [registry],
    collect() {
      for (const pool of Object.values(pools)) {
        const instances = pool.balancer.snapshot();
        const available = instances.filter((i) => i.available).length;
        this.set({ service: pool.service, state: 'available' }, available);
        this.set({ service: pool.service, state: 'ejected' }, instances.length - available);
      }
    },
  });
  new Gauge({
    name: 'gateway_circuit_state',
    help: 'Circuit breaker state per service (1 for the current state)',
    labelNames: ['service', 'state'],
    registers: [registry],
    collect() {
      for (const pool of Object.values(pools)) {
        const current = pool.breaker.state;
        for (const state of CIRCUIT_STATES)
          this.set({ service: pool.service, state }, state === current ? 1 : 0);
      }
    },
  });
  return {
    attempt: (service, instance, outcome, seconds) =>
      attempts.observe({ service, instance, outcome }, seconds),
    rateLimited: (group) => limited.inc({ group }),
  };
}
