export { buildApp, sagaMetricsHooks } from './app.ts';
export {
  CREATE_ORDER_SAGA,
  type CreateOrderSagaStart,
  type CreateOrderSecrets,
  type CreateOrderStepTiming,
  createOrderSaga,
} from './application/create-order.saga.ts';
export {
  DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
  pruneExpiredKeys,
} from './application/idempotency-keys.ts';
export { DEFAULT_PORT, loadConfig, type OrdersConfig } from './config.ts';
export { ordersMigrations } from './db/migrations.ts';
export type { OrdersDatabase } from './db/tables.ts';
export { createDeps, type OrdersDeps } from './deps.ts';
export { OrdersErrorCodes } from './domain/errors.ts';
export { createOrderSagaHost } from './messaging/order-saga-host.ts';
export { createOrdersParticipant } from './messaging/orders-participant.ts';
export { createUsersConsumer } from './messaging/users-consumer.ts';
export {
  ORDER_DETAILS_PROJECTION,
  type OrderDetailsTables,
  orderDetailsProjection,
  ordersProjections,
} from './projections/order-details.projection.ts';
export { type OrdersService, ordersService, startOrdersService } from './service.ts';
