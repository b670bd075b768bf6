export { type BuildAppOptions, buildApp } from './app.ts';
export {
  type ChargeOutcome,
  chargePayment,
  type RefundOutcome,
  refundPayment,
} from './application/payment-commands.ts';
export { createPaymentCounters, type PaymentCounters } from './application/payment-metrics.ts';
export { getPayment, listPayments } from './application/payment-queries.ts';
export { DEFAULT_PORT, loadConfig, type PaymentsConfig } from './config.ts';
export { migrations, paymentsMigrations } from './db/migrations.ts';
export type { PaymentsDatabase, PaymentsTable } from './db/tables.ts';
export { createDeps, type Deps, type DepsOverrides } from './deps.ts';
export { PaymentsErrorCodes } from './domain/errors.ts';
export {
  type ChargeRequest,
  createFakeProvider,
  DEFAULT_USER_LIMIT_CENTS,
  type PaymentProvider,
  TEST_CARD_TOKENS,
} from './domain/fake-provider.ts';
export { PAYMENT_LIST_LIMITS, type PaymentPageView, type PaymentView } from './http/payment-schemas.ts';
export { createPaymentsParticipant, PAYMENTS_PARTICIPANT } from './messaging/payments-participant.ts';
export { type PaymentsService, paymentsService, startPaymentsService } from './service.ts';
