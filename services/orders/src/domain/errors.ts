import { errorCatalogue } from '@conveyor/events';

/** The orders catalogue: stable codes and their HTTP statuses. */
export const OrdersErrorCodes = {
  ORDERS_NOT_FOUND: 404,
  ORDERS_USER_NOT_FOUND: 404,
  ORDERS_IDEMPOTENCY_KEY_REUSED: 409,
  ORDERS_INVALID_ORDER: 400,
  ORDERS_INVALID_TRANSITION: 409,
  ORDERS_UNKNOWN_COMMAND: 500,
  ORDERS_UNKNOWN_QUERY: 500,
} as const;

const error = errorCatalogue(OrdersErrorCodes);

export const orderNotFound = (orderId: string) =>
  error('ORDERS_NOT_FOUND', `order ${orderId} does not exist`, { orderId });
export const userNotFound = (userId: string) =>
  error('ORDERS_USER_NOT_FOUND', `user ${userId} is not known to orders (yet)`, { userId });
export const idempotencyKeyReused = (key: string) =>
  error(
    'ORDERS_IDEMPOTENCY_KEY_REUSED',
    `Idempotency-Key "${key}" was already used by you for a different request`,
    {
      field: 'idempotency-key',
    },
  );
export const invalidOrder = (field: string, message: string) =>
  error('ORDERS_INVALID_ORDER', `${field} ${message}`, { field });
export const invalidTransition = (orderId: string, status: string, action: string) =>
  error('ORDERS_INVALID_TRANSITION', `cannot ${action} order ${orderId}: it is ${status}`, {
    orderId,
    status,
  });
export const unknownCommand = (type: string) =>
  error('ORDERS_UNKNOWN_COMMAND', `no handler for command ${type}`, { type });
export const unknownQuery = (type: string) =>
  error('ORDERS_UNKNOWN_QUERY', `no handler for query ${type}`, { type });
