export { type BuildAppOptions, buildApp } from './app.ts';
export type { ProductPageView, ProductView, StockView } from './application/catalog-queries.ts';
export {
  type StockBalance,
  type StockConservation,
  stockConservation,
} from './application/stock-conservation.ts';
export type { StockMovementsView } from './application/stock-view-queries.ts';
export { DEFAULT_PORT, type InventoryConfig, loadConfig } from './config.ts';
export { inventoryMigrations, migrations } from './db/migrations.ts';
export { SEED_PRODUCTS, type SeedProduct } from './db/seed-products.ts';
export type { InventoryDatabase, StockViewTable } from './db/tables.ts';
export { createDeps, type Deps, type DepsOverrides } from './deps.ts';
export { type InventoryErrorCode, InventoryErrorCodes } from './domain/errors.ts';
export {
  inventoryProjections,
  STOCK_VIEW_PROJECTION,
  type StockViewTables,
  stockViewProjection,
} from './projections/stock-view.projection.ts';
export {
  INVENTORY_TOPICS,
  type InventoryService,
  inventoryService,
  startInventoryService,
} from './service.ts';
