import { requireSecret, type SagaDefinition, type SagaStepDefinition } from '@conveyor/saga';
import type { TopicKey } from '@conveyor/schemas';
import type { OrderLine } from '../domain/order.ts';

export const CREATE_ORDER_SAGA = 'create-order';

export interface CreateOrderSagaData {
  orderId: string;
  userId: string;
  items: OrderLine[];
  /** Which card pays, for an operator: the token's last four characters (the token is a secret). */
  cardTokenLast4: string;
  /** From the reservation's reply. */
  totalCents?: number;
  currency?: string;
  /** From the charge's reply. */
  paymentId?: string;
}

/** The saga's secrets: the card token, for the charge command only. */
export type CreateOrderSecrets = { cardToken: string };

/**
 * How patient each step is (from orders' configuration): a participant that is down or restarting
 * is resent its command on this schedule until the deadline; only then is the order cancelled.
 */
export type CreateOrderStepTiming = Required<Pick<SagaStepDefinition, 'resend' | 'deadlineMs'>>;

/** reserve-inventory (release) → charge-payment (refund) → confirm-order (cancel-order). */
export function createOrderSaga(
  topics: Record<TopicKey, string>,
  timing: CreateOrderStepTiming,
): SagaDefinition<CreateOrderSagaData> {
  return {
    type: CREATE_ORDER_SAGA,
    maxCompensationAttempts: 10,
    // Sagas started before the token became a secret kept it in their data as paymentToken: their
    // log rows (append-only) still hold it, and the admin API redacts it on read.
    secretFields: ['paymentToken'],
    steps: [
      {
        name: 'reserve-inventory',
        command: { topic: topics.inventoryCommands, type: 'inventory.reserve-stock' },
        commandData: (d) => ({ orderId: d.orderId, items: d.items }),
        compensation: {
          topic: topics.inventoryCommands,
          type: 'inventory.release-stock',
          data: (d) => ({ orderId: d.orderId }),
        },
        onSuccess: (d, reply) => {
          const { totalCents, currency } = reply as { totalCents: number; currency: string };
          return { ...d, totalCents, currency };
        },
        ...timing,
      },
      {
        name: 'charge-payment',
        command: { topic: topics.paymentsCommands, type: 'payments.charge', secretFields: ['cardToken'] },
        commandData: (d, secrets) => ({
          orderId: d.orderId,
          userId: d.userId,
          amountCents: d.totalCents ?? 0,
          currency: d.currency ?? 'EUR',
          cardToken: requireSecret(secrets, 'cardToken'),
        }),
        compensation: {
          topic: topics.paymentsCommands,
          type: 'payments.refund',
          data: (d) => ({ orderId: d.orderId }),
        },
        onSuccess: (d, reply) => ({ ...d, paymentId: (reply as { paymentId: string }).paymentId }),
        ...timing,
      },
      {
        name: 'confirm-order',
        command: { topic: topics.ordersCommands, type: 'orders.confirm-order' },
        commandData: (d) => ({
          orderId: d.orderId,
          paymentId: d.paymentId ?? '',
          totalCents: d.totalCents ?? 0,
          currency: d.currency ?? 'EUR',
        }),
        compensation: {
          topic: topics.ordersCommands,
          type: 'orders.cancel-order',
          data: (d) => ({ orderId: d.orderId, reason: 'the order saga was compensated' }),
        },
        ...timing,
      },
    ],
  };
}
