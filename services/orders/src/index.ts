// What a caller of the service uses: its definition and start, its configuration and its error
// codes. Everything else is the service's own.
export { DEFAULT_PORT, loadConfig, type OrdersConfig } from './config.ts';
export { OrdersErrorCodes } from './domain/errors.ts';
export { type OrdersService, ordersService, startOrdersService } from './service.ts';
