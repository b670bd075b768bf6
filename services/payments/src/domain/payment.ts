import type { Decider } from '@conveyor/events';
import { chargeVoided, invalidCharge, paymentAlreadyRefunded } from './errors.ts';
import type { ChargeRequest, ProviderDecision } from './fake-provider.ts';

export interface ChargeMetadata {
  paymentId: string;
  now: string;
  /**
   * The provider's answer to the charge, asked by the application before deciding and only when
   * the order can be charged (see needsAuthorization): a repeated or refused charge never reaches it.
   */
  authorization: ProviderDecision | undefined;
}

export type PaymentCommand =
  | { type: 'ChargePayment'; data: ChargeRequest; metadata: ChargeMetadata }
  | { type: 'RefundPayment'; data: { orderId: string }; metadata: { now: string } };

export interface PaymentChargedData {
  paymentId: string;
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  providerRef: string;
  chargedAt: string;
}

export type PaymentEvent =
  | { type: 'PaymentCharged'; data: PaymentChargedData }
  | {
      type: 'PaymentDeclined';
      data: {
        orderId: string;
        userId: string;
        amountCents: number;
        currency: string;
        reason: string;
        declinedAt: string;
      };
    }
  | {
      type: 'PaymentRefunded';
      data: { paymentId: string; orderId: string; amountCents: number; refundedAt: string };
    }
  /**
   * The tombstone of an order refunded before it was charged: the saga compensated while its
   * charge was late, stuck in a dead-letter topic or never delivered. A charge arriving later is
   * refused, so a cancelled order is never billed.
   */
  | { type: 'PaymentVoided'; data: { orderId: string; voidedAt: string } };

/** The statuses of an order that was charged (the `payments` rows have these). */
export type PaymentStatus = 'charged' | 'refunded';

/**
 * `none` until a charge is approved; declines leave it there, so another card may still pay.
 * `voided` once refunded without a charge: nothing may be charged any more.
 */
export type PaymentState =
  | { status: 'none' }
  | { status: 'voided'; orderId: string; voidedAt: string }
  | ({ status: PaymentStatus } & Omit<PaymentChargedData, 'chargedAt'>);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isValidRequest = (request: ChargeRequest) => UUID.test(request.orderId) && UUID.test(request.userId);

/** Whether a charge of `request` on `state` would ask the provider: a valid charge of an order never charged. */
export function needsAuthorization(request: ChargeRequest, state: PaymentState): boolean {
  return isValidRequest(request) && state.status === 'none';
}

/**
 * The rules of one order's payment: charged at most once (a repeated charge answers with the
 * first payment), declined without effect, refunded at most once and only after a charge; a
 * refund before any charge voids the order's payment for good.
 */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ChargePayment': {
        const { data, metadata } = command;
        if (!UUID.test(data.orderId)) throw invalidCharge('orderId', 'must be a UUID');
        if (!UUID.test(data.userId)) throw invalidCharge('userId', 'must be a UUID');
        if (state.status === 'charged') return [];
        if (state.status === 'refunded') throw paymentAlreadyRefunded(state.orderId, state.paymentId);
        if (state.status === 'voided') throw chargeVoided(state.orderId);
        const decision = metadata.authorization;
        if (!decision)
          throw new Error(`charge of order ${data.orderId} decided without the provider's answer`);
        if (!decision.approved) {
          const { orderId, userId, amountCents, currency } = data;
          return [
            {
              type: 'PaymentDeclined',
              data: {
                orderId,
                userId,
                amountCents,
                currency,
                reason: decision.reason,
                declinedAt: metadata.now,
              },
            },
          ];
        }
        return [
          {
            type: 'PaymentCharged',
            data: {
              paymentId: metadata.paymentId,
              orderId: data.orderId,
              userId: data.userId,
              amountCents: data.amountCents,
              currency: data.currency,
              providerRef: decision.providerRef,
              chargedAt: metadata.now,
            },
          },
        ];
      }
      case 'RefundPayment': {
        if (state.status === 'none') {
          const { orderId } = command.data;
          return [{ type: 'PaymentVoided', data: { orderId, voidedAt: command.metadata.now } }];
        }
        if (state.status !== 'charged') return [];
        const { paymentId, orderId, amountCents } = state;
        return [
          {
            type: 'PaymentRefunded',
            data: { paymentId, orderId, amountCents, refundedAt: command.metadata.now },
          },
        ];
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PaymentCharged': {
        const { chargedAt: _, ...payment } = event.data;
        return { status: 'charged', ...payment };
      }
      case 'PaymentDeclined':
        return state;
      case 'PaymentRefunded':
        return state.status === 'charged' ? { ...state, status: 'refunded' } : state;
      case 'PaymentVoided':
        return { status: 'voided', orderId: event.data.orderId, voidedAt: event.data.voidedAt };
      default: {
        const never: never = event;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  },
};

export const paymentStreamId = (orderId: string) => `payment-${orderId}`;
