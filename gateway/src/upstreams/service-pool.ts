import type { GatewayConfig, ServiceName } from '../options.ts';
import { type Clock, RoundRobinBalancer } from './balancer.ts';
import { Bulkhead } from './bulkhead.ts';

/** A service's instances (round robin, a circuit per instance) and its bulkhead. Shared by its routes. */
export interface ServicePool {
  service: ServiceName;
  balancer: RoundRobinBalancer;
  bulkhead: Bulkhead;
  /** The configured instances, in order. */
  urls: readonly string[];
}

export type ServicePools = Record<ServiceName, ServicePool>;

export function createServicePools(config: GatewayConfig, clock: Clock): ServicePools {
  const pool = (service: ServiceName): ServicePool => ({
    service,
    urls: config.upstreams[service],
    balancer: new RoundRobinBalancer(
      config.upstreams[service],
      { ejectAfterFailures: config.ejectAfterFailures, ejectCooldownMs: config.ejectCooldownMs },
      clock,
    ),
    bulkhead: new Bulkhead(config.upstreamMaxInFlight[service]),
  });
  return { users: pool('users'), orders: pool('orders'), inventory: pool('inventory') };
}
