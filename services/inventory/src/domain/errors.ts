import { type ConveyorError, errorCatalogue, isConveyorError } from '@conveyor/events';

/**
 * The inventory catalogue of errors: a stable code and the HTTP status it answers with. The
 * reservation codes are refusals: the saga participant turns them into failure replies.
 */
export const InventoryErrorCodes = {
  INVENTORY_PRODUCT_NOT_FOUND: 404,
  INVENTORY_UNKNOWN_PRODUCT: 422,
  INVENTORY_INSUFFICIENT_STOCK: 409,
  INVENTORY_INVALID_RESERVATION: 422,
  INVENTORY_RESERVATION_RELEASED: 409,
  INVENTORY_RESERVATION_VOIDED: 409,
  INVENTORY_RESERVATION_NOT_HELD: 409,
  INVENTORY_NO_STOCK_MOVEMENTS: 404,
} as const;

export type InventoryErrorCode = keyof typeof InventoryErrorCodes;

const REFUSALS: ReadonlySet<string> = new Set<InventoryErrorCode>([
  'INVENTORY_UNKNOWN_PRODUCT',
  'INVENTORY_INSUFFICIENT_STOCK',
  'INVENTORY_INVALID_RESERVATION',
  'INVENTORY_RESERVATION_RELEASED',
  'INVENTORY_RESERVATION_VOIDED',
]);

const inventoryError = errorCatalogue(InventoryErrorCodes);

/** A refusal of a reservation command: answered with a failure reply, never retried. */
export function isReservationRefusal(error: unknown): error is ConveyorError {
  return isConveyorError(error) && REFUSALS.has(error.code);
}

export const productNotFound = (productId: string) =>
  inventoryError('INVENTORY_PRODUCT_NOT_FOUND', `product ${productId} does not exist`, { productId });

export const unknownProduct = (productId: string) =>
  inventoryError('INVENTORY_UNKNOWN_PRODUCT', `unknown product ${productId}`, { productId });

export const insufficientStock = (
  product: { productId: string; name: string; available: number },
  requested: number,
) =>
  inventoryError(
    'INVENTORY_INSUFFICIENT_STOCK',
    `insufficient stock for ${product.name} (${product.productId}): requested ${requested}, available ${product.available}`,
    { productId: product.productId, requested, available: product.available },
  );

export const invalidReservation = (orderId: string, reason: string) =>
  inventoryError('INVENTORY_INVALID_RESERVATION', `cannot reserve stock for order ${orderId}: ${reason}`, {
    orderId,
  });

export const reservationReleased = (orderId: string) =>
  inventoryError(
    'INVENTORY_RESERVATION_RELEASED',
    `the reservation of order ${orderId} was released; it cannot be reserved again`,
    { orderId },
  );

export const reservationVoided = (orderId: string) =>
  inventoryError(
    'INVENTORY_RESERVATION_VOIDED',
    `the reservation of order ${orderId} was compensated before it arrived; no stock is reserved for a cancelled order`,
    { orderId },
  );

export const reservationNotHeld = (orderId: string) =>
  inventoryError('INVENTORY_RESERVATION_NOT_HELD', `no stock is held for order ${orderId}`, { orderId });

export const noStockMovements = (productId: string) =>
  inventoryError('INVENTORY_NO_STOCK_MOVEMENTS', `product ${productId} has no stock movements`, {
    productId,
  });
