// What a caller of the service uses: its definition and start, its configuration, the views its
// API answers with and its error codes. Everything else is the service's own.
export { DEFAULT_PORT, loadConfig, type PaymentsConfig } from './config.ts';
export { PaymentsErrorCodes } from './domain/errors.ts';
export type { PaymentPageView, PaymentView } from './http/payment-schemas.ts';
export { type PaymentsService, paymentsService, startPaymentsService } from './service.ts';
