import { createServiceDeps, type ServiceDeps, type ServiceOverrides } from '@conveyor/service';
import type { OrdersConfig } from './config.ts';
import type { OrdersDatabase } from './db/tables.ts';

/** Everything the orders code needs from the outside world, passed as one object. */
export type OrdersDeps = ServiceDeps<OrdersDatabase>;

export function createDeps(config: OrdersConfig, overrides: ServiceOverrides = {}): OrdersDeps {
  return createServiceDeps<OrdersDatabase>('orders', config, overrides);
}
