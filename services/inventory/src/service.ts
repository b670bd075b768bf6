import type { TopicKey } from '@conveyor/schemas';
import { defineService } from '@conveyor/service';
import { buildApp } from './app.ts';
import type { InventoryConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import { createDeps, type Deps, type DepsOverrides } from './deps.ts';
import { createInventoryParticipant } from './messaging/inventory-participant.ts';
import { createOrderConfirmationsConsumer } from './messaging/order-confirmations.ts';
import { inventoryProjections } from './projections/stock-view.projection.ts';

/** The topics inventory produces to or consumes from. */
export const INVENTORY_TOPICS: readonly TopicKey[] = [
  'inventoryCommands',
  'inventoryEvents',
  'ordersEvents',
  'sagaReplies',
];

/**
 * Inventory: the inventory.stock-view read model, the saga participant (reserve and release
 * stock) and the order-confirmations consumer, and the catalogue app.
 */
export const inventoryService = defineService({
  name: 'inventory',
  migrations,
  topics: INVENTORY_TOPICS,
  produces: INVENTORY_TOPICS,
  deps: createDeps,
  projections: ({ namespace }) => inventoryProjections(namespace),
  wire: (deps: Deps, { verifyToken, logger }) => ({
    workers: [createInventoryParticipant(deps), createOrderConfirmationsConsumer(deps)],
    app: () => buildApp(deps, { verifyToken, logger }),
  }),
});

export type InventoryService = Awaited<ReturnType<typeof inventoryService.start>>;

/** The whole service, not listening: what main.ts runs, with test seams. */
export const startInventoryService = (config: InventoryConfig, overrides: DepsOverrides = {}) =>
  inventoryService.start(config, { overrides });
