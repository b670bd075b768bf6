import type { InstanceProbe } from './instance-probe.ts';
import type { ServicePool, ServicePools } from './service-pool.ts';

export interface InstanceReport {
  url: string;
  /** What its /health answered just now. */
  status: 'up' | 'down';
  ms: number;
  error?: string;
  /** Out of the rotation after repeated failures (passive health). */
  ejected: boolean;
}

export interface ServiceReport {
  /** up: every instance answered; degraded: some did; down: none did. */
  status: 'up' | 'degraded' | 'down';
  instances: { total: number; up: number; down: number; ejected: number };
  upstreams: InstanceReport[];
}

export interface HealthReport {
  /** ok: all services fully up; degraded: each service has an instance up; down: some service has none. */
  status: 'ok' | 'degraded' | 'down';
  services: Record<string, ServiceReport>;
}

/** Asks every instance of every service for its /health, all at once. */
export async function healthReport(
  pools: ServicePools,
  probe: InstanceProbe,
  timeoutMs: number,
  correlationId: string,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.values(pools).map(
      async (pool) => [pool.service, await serviceReport(pool, probe, timeoutMs, correlationId)] as const,
    ),
  );
  const services = Object.fromEntries(entries);
  const statuses = entries.map(([, report]) => report.status);
  const status = statuses.includes('down') ? 'down' : statuses.every((s) => s === 'up') ? 'ok' : 'degraded';
  return { status, services };
}

async function serviceReport(
  pool: ServicePool,
  probe: InstanceProbe,
  timeoutMs: number,
  correlationId: string,
): Promise<ServiceReport> {
  const ejected = new Set(
    pool.balancer
      .snapshot()
      .filter((i) => !i.available)
      .map((i) => i.url),
  );
  const upstreams = await Promise.all(
    pool.urls.map(async (url): Promise<InstanceReport> => {
      const began = Date.now();
      try {
        await probe(url, timeoutMs, correlationId);
        return { url, status: 'up', ms: Date.now() - began, ejected: ejected.has(url) };
      } catch (error) {
        const message = (error as Error).message;
        return { url, status: 'down', ms: Date.now() - began, error: message, ejected: ejected.has(url) };
      }
    }),
  );
  const up = upstreams.filter((u) => u.status === 'up').length;
  return {
    status: up === upstreams.length ? 'up' : up > 0 ? 'degraded' : 'down',
    instances: { total: upstreams.length, up, down: upstreams.length - up, ejected: ejected.size },
    upstreams,
  };
}
