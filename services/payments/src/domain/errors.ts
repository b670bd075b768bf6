import { type ConveyorError, errorCatalogue, isConveyorError } from '@conveyor/events';

/** The payments catalogue: stable codes and their HTTP statuses. */
export const PaymentsErrorCodes = {
  PAYMENTS_NOT_FOUND: 404,
  PAYMENTS_INVALID_CHARGE: 400,
  PAYMENTS_ALREADY_REFUNDED: 409,
  PAYMENTS_CHARGE_VOIDED: 409,
} as const;

export type PaymentsErrorCode = keyof typeof PaymentsErrorCodes;

const error = errorCatalogue(PaymentsErrorCodes);

export const paymentNotFound = (paymentId: string) =>
  error('PAYMENTS_NOT_FOUND', `payment ${paymentId} does not exist`, { paymentId });

/** A charge command the service cannot even try (a malformed id): refused, nothing written. */
export const invalidCharge = (field: string, problem: string) =>
  error('PAYMENTS_INVALID_CHARGE', `${field} ${problem}`, { field });

/** The order's charge was refunded (the saga compensated it): charging it again would bill twice. */
export const paymentAlreadyRefunded = (orderId: string, paymentId: string) =>
  error('PAYMENTS_ALREADY_REFUNDED', `the payment ${paymentId} of order ${orderId} was refunded`, {
    orderId,
    paymentId,
  });

/** The order was refunded before it was charged (its saga compensated): it must not be billed now. */
export const chargeVoided = (orderId: string) =>
  error(
    'PAYMENTS_CHARGE_VOIDED',
    `order ${orderId} was refunded before its charge arrived; a cancelled order is not charged`,
    { orderId },
  );

const REFUSALS: ReadonlySet<string> = new Set<PaymentsErrorCode>([
  'PAYMENTS_INVALID_CHARGE',
  'PAYMENTS_ALREADY_REFUNDED',
  'PAYMENTS_CHARGE_VOIDED',
]);

/**
 * The decider's refusals, which a saga participant answers with a failure reply. Recognised by
 * code, not class: a monorepo can load two copies of @conveyor/events.
 */
export function isPaymentsRefusal(value: unknown): value is ConveyorError {
  return isConveyorError(value) && REFUSALS.has(value.code);
}
