// What a caller of the service uses: its definition and start, its configuration, the views its
// API answers with and its error codes. Everything else is the service's own.
export type { ProductPageView, ProductView, StockView } from './application/catalog-queries.ts';
export type { StockMovementsView } from './application/stock-view-queries.ts';
export { DEFAULT_PORT, type InventoryConfig, loadConfig } from './config.ts';
export { InventoryErrorCodes } from './domain/errors.ts';
export { type InventoryService, inventoryService, startInventoryService } from './service.ts';
