import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { InstanceProbe } from './instance-probe.ts';
import type { ServicePools } from './service-pool.ts';

export interface ReadinessWatchOptions {
  /** How often each ejected instance is asked for its /ready. */
  intervalMs: number;
  /** How long one probe may take. */
  timeoutMs: number;
}

/**
 * Asks every ejected instance for its /ready every `intervalMs` and readmits it (on probation) as
 * soon as it answers 2xx. Passive health alone cannot readmit an instance before its cool-down:
 * a replica back after a crash in 2 s got no traffic for 10 s, and when its sibling failed
 * meanwhile the whole service was refused. One probe per instance at a time; a frozen instance
 * costs one pending request, not a pile. Returns the stop function.
 */
export function watchEjectedInstances(
  pools: ServicePools,
  probe: InstanceProbe,
  options: ReadinessWatchOptions,
  log: FastifyBaseLogger,
): () => void {
  const probing = new Set<string>();
  const round = () => {
    for (const pool of Object.values(pools)) {
      for (const instance of pool.balancer.ejected()) {
        if (probing.has(instance)) continue;
        probing.add(instance);
        probe(instance, options.timeoutMs, `gateway-readiness-${randomUUID()}`)
          .then(() => {
            if (pool.balancer.readmit(instance))
              log.info({ service: pool.service, instance }, 'upstream instance readmitted: it is ready');
          })
          // Not ready yet (or still down): it stays ejected until the next round or its cool-down.
          .catch(() => undefined)
          .finally(() => probing.delete(instance));
      }
    }
  };
  const timer = setInterval(round, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
