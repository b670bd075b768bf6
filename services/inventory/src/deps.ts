import { createServiceDeps, type ServiceDeps, type ServiceOverrides } from '@conveyor/service';
import type { InventoryConfig } from './config.ts';
import type { InventoryDatabase } from './db/tables.ts';

/** Everything the inventory service's handlers, consumers and routes work with. */
export interface Deps extends ServiceDeps<InventoryDatabase> {
  config: InventoryConfig;
}

export type DepsOverrides = ServiceOverrides;

export function createDeps(config: InventoryConfig, overrides: DepsOverrides = {}): Deps {
  return { ...createServiceDeps<InventoryDatabase>('inventory', config, overrides), config };
}
