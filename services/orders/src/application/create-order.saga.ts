import {
  defineSaga,
  type ResendOptions,
  requireSecret,
  type SagaDatabase,
  type SagaKey,
} from '@conveyor/saga';
import type { MessageType, MessageTypes } from '@conveyor/schemas';
import type { Transaction } from 'kysely';
import type { OrderLine } from '../domain/order.ts';

/** What the saga starts with; each step's reply adds its own fields for the steps after it. */
export interface CreateOrderSagaStart {
  orderId: string;
  userId: string;
  items: OrderLine[];
  /** Which card pays, for an operator: the token's last four characters (the token is a secret). */
  cardTokenLast4: string;
}

export const CREATE_ORDER_SAGA: SagaKey<CreateOrderSagaStart> = { type: 'create-order' };

/** The saga's secrets: the card token, for the charge command only. */
export type CreateOrderSecrets = { cardToken: string };

/**
 * How patient each step is (from orders' configuration): a participant that is down or restarting
 * is resent its command on this schedule until the deadline; only then is the order cancelled.
 */
export interface CreateOrderStepTiming {
  resend: ResendOptions;
  deadlineMs: number;
}

export interface CreateOrderSagaOptions<DB extends SagaDatabase> {
  /** The topic catalogue under the service's namespace (schemas' messageTopics). */
  topicOf: (type: MessageType) => string;
  stepTiming: CreateOrderStepTiming;
  /** Cancels the order, in the transaction that records the saga compensated. */
  cancelOrder: (
    order: { orderId: string; reason: string; correlationId: string },
    trx: Transaction<DB>,
  ) => Promise<void>;
}

/** reserve-inventory (release) → charge-payment (refund) → confirm-order (cancel-order). */
export function createOrderSaga<DB extends SagaDatabase>(options: CreateOrderSagaOptions<DB>) {
  const timing = options.stepTiming;
  return (
    defineSaga<MessageTypes, CreateOrderSagaStart>(CREATE_ORDER_SAGA, {
      version: 1,
      topicOf: options.topicOf,
      maxCompensationAttempts: 10,
      // Sagas started before the token became a secret kept it in their data as paymentToken: their
      // log rows (append-only) still hold it, and the admin API redacts it on read.
      secretFields: ['paymentToken'],
    })
      .step('reserve-inventory', {
        command: 'inventory.reserve-stock',
        data: (d) => ({ orderId: d.orderId, items: d.items }),
        compensation: { type: 'inventory.release-stock', data: (d) => ({ orderId: d.orderId }) },
        onReply: (d, reply) => ({ ...d, totalCents: reply.totalCents, currency: reply.currency }),
        ...timing,
      })
      .step('charge-payment', {
        command: 'payments.charge',
        secretFields: ['cardToken'],
        data: (d, secrets) => ({
          orderId: d.orderId,
          userId: d.userId,
          amountCents: d.totalCents,
          currency: d.currency,
          cardToken: requireSecret(secrets, 'cardToken'),
        }),
        compensation: { type: 'payments.refund', data: (d) => ({ orderId: d.orderId }) },
        onReply: (d, reply) => ({ ...d, paymentId: reply.paymentId }),
        ...timing,
      })
      .step('confirm-order', {
        command: 'orders.confirm-order',
        data: (d) => ({
          orderId: d.orderId,
          paymentId: d.paymentId,
          totalCents: d.totalCents,
          currency: d.currency,
        }),
        compensation: {
          type: 'orders.cancel-order',
          data: (d) => ({ orderId: d.orderId, reason: 'the order saga was compensated' }),
        },
        ...timing,
      })
      // A compensated saga's order is cancelled with the saga's failure reason.
      .onFinished<DB>(async (saga, trx) => {
        if (saga.status !== 'compensated') return;
        await options.cancelOrder(
          {
            orderId: saga.data.orderId,
            reason: saga.failureReason,
            correlationId: saga.correlationId,
          },
          trx,
        );
      })
      .build()
  );
}
