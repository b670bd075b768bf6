import { isConveyorError } from '@conveyor/events';
import { deciderSpecification } from '@conveyor/events/testing';
import { describe, it } from 'vitest';
import { createFakeProvider, TEST_CARD_TOKENS } from '../src/domain/fake-provider.ts';
import { type PaymentCommand, type PaymentEvent, paymentDecider } from '../src/domain/payment.ts';

const orderId = '8b6c1d2e-3f40-4a5b-9c6d-7e8f9a0b1c2d';
const userId = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
const paymentId = '0b9d7f0e-5f3c-4a53-9d7e-2f1f0c3a8b41';
const T1 = '2026-01-01T10:00:00.000Z';
const T2 = '2026-01-01T11:00:00.000Z';

const spec = deciderSpecification(paymentDecider);
const provider = createFakeProvider({ userLimitCents: 100_000 });

/** A charge with the provider's answer, as the application asks it before deciding. */
const charge = (overrides: { amountCents?: number; cardToken?: string; paymentId?: string } = {}) => {
  const data = {
    orderId,
    userId,
    amountCents: overrides.amountCents ?? 2_500,
    currency: 'EUR',
    cardToken: overrides.cardToken ?? TEST_CARD_TOKENS.approve,
  };
  return {
    type: 'ChargePayment',
    data,
    metadata: {
      paymentId: overrides.paymentId ?? paymentId,
      now: T1,
      authorization: provider.authorize(data),
    },
  } satisfies PaymentCommand;
};

const refund = { type: 'RefundPayment', data: { orderId }, metadata: { now: T2 } } satisfies PaymentCommand;

const charged: PaymentEvent = {
  type: 'PaymentCharged',
  data: {
    paymentId,
    orderId,
    userId,
    amountCents: 2_500,
    currency: 'EUR',
    providerRef: 'fake_ch_8b6c1d2e3f404a5b9c6d7e8f9a0b1c2d',
    chargedAt: T1,
  },
};
const refunded: PaymentEvent = {
  type: 'PaymentRefunded',
  data: { paymentId, orderId, amountCents: 2_500, refundedAt: T2 },
};
const voided: PaymentEvent = { type: 'PaymentVoided', data: { orderId, voidedAt: T2 } };
const declined = (reason: string, amountCents = 2_500): PaymentEvent => ({
  type: 'PaymentDeclined',
  data: { orderId, userId, amountCents, currency: 'EUR', reason, declinedAt: T1 },
});

describe('payment decider', () => {
  describe('charge', () => {
    it('charges an order that was never charged', () => {
      spec.given([]).when(charge()).thenEmits([charged]);
    });

    it('charges an order once: a second charge emits nothing (it answers with the first payment)', () => {
      spec
        .given([charged])
        .when(charge({ paymentId: 'another-id' }))
        .thenEmits([]);
    });

    it('records a decline for the decline token', () => {
      spec
        .given([])
        .when(charge({ cardToken: TEST_CARD_TOKENS.decline }))
        .thenEmits([declined('card declined')]);
    });

    it('records a decline above the limit', () => {
      spec
        .given([])
        .when(charge({ amountCents: 123_456 }))
        .thenEmits([declined(`amount 123456 exceeds the limit of 100000 for user ${userId}`, 123_456)]);
    });

    it('charges after a decline, when the next attempt is approved', () => {
      spec
        .given([declined('card declined')])
        .when(charge())
        .thenEmits([charged]);
    });

    it('refuses to charge a refunded order again', () => {
      spec
        .given([charged, refunded])
        .when(charge())
        .thenThrows((e) => isConveyorError(e, 'PAYMENTS_ALREADY_REFUNDED') && e.statusCode === 409);
    });

    it('refuses a charge that arrives after the refund of its order, naming the order', () => {
      spec
        .given([voided])
        .when(charge())
        .thenThrows(
          (e) =>
            isConveyorError(e, 'PAYMENTS_CHARGE_VOIDED') &&
            e.statusCode === 409 &&
            e.message ===
              `order ${orderId} was refunded before its charge arrived; a cancelled order is not charged`,
        );
    });

    it('refuses a charge after a decline and the refund that followed it', () => {
      spec
        .given([declined('card declined'), voided])
        .when(charge())
        .thenThrows((e) => isConveyorError(e, 'PAYMENTS_CHARGE_VOIDED'));
    });

    it('refuses a charge whose order id is not a UUID', () => {
      spec
        .given([])
        .when({ ...charge(), data: { ...charge().data, orderId: 'order-1' } })
        .thenThrows((e) => isConveyorError(e, 'PAYMENTS_INVALID_CHARGE') && e.details.field === 'orderId');
    });
  });

  describe('refund', () => {
    it('refunds a charged order', () => {
      spec.given([charged]).when(refund).thenEmits([refunded]);
    });

    it('voids an order that was never charged (a tombstone for a charge still on its way)', () => {
      spec.given([]).when(refund).thenEmits([voided]);
    });

    it('voids an order whose charge was declined', () => {
      spec
        .given([declined('card declined')])
        .when(refund)
        .thenEmits([voided]);
    });

    it('voids once: a second refund emits nothing', () => {
      spec.given([voided]).when(refund).thenEmits([]);
    });

    it('refunds once: a second refund emits nothing', () => {
      spec.given([charged, refunded]).when(refund).thenEmits([]);
    });
  });
});
