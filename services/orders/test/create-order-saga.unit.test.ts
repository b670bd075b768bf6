import { assertValidDefinition } from '@conveyor/saga';
import { sagaSpecification } from '@conveyor/saga/testing';
import { messageTopics } from '@conveyor/schemas';
import { describe, expect, it } from 'vitest';
import { type CreateOrderSagaStart, createOrderSaga } from '../src/application/create-order.saga.ts';
import { loadConfig } from '../src/config.ts';

const stepTiming = { resend: { initialDelayMs: 1_000, maxDelayMs: 8_000 }, deadlineMs: 90_000 };
const definition = createOrderSaga({
  topicOf: messageTopics('ns'),
  stepTiming,
  cancelOrder: async () => {},
});
const spec = sagaSpecification(definition);

const start: CreateOrderSagaStart = {
  orderId: 'order-1',
  userId: 'user-1',
  items: [{ productId: 'p-1', quantity: 2 }],
  cardTokenLast4: 'visa',
};
const secrets = { cardToken: 'tok_visa' };
const reserved = spec.replied('reserve-inventory', {
  lines: [{ productId: 'p-1', quantity: 2, unitPriceCents: 500 }],
  totalCents: 1_000,
  currency: 'EUR',
});
const charged = spec.replied('charge-payment', { paymentId: 'pay-1' });

describe('create-order saga', () => {
  it("charges the reservation's total with the card token once the stock is reserved", () => {
    spec
      .given(start, [], secrets)
      .when(reserved)
      .thenSends([
        {
          step: 'charge-payment',
          type: 'payments.charge',
          topic: 'ns.payments.commands',
          data: {
            orderId: 'order-1',
            userId: 'user-1',
            amountCents: 1_000,
            currency: 'EUR',
            cardToken: 'tok_visa',
          },
        },
      ])
      .thenData({ totalCents: 1_000, currency: 'EUR' });
  });

  it('confirms the order with the total of the reservation and the payment of the charge', () => {
    spec
      .given(start, [reserved], secrets)
      .when(charged)
      .thenSends([
        {
          step: 'confirm-order',
          type: 'orders.confirm-order',
          topic: 'ns.orders.commands',
          data: { orderId: 'order-1', paymentId: 'pay-1', totalCents: 1_000, currency: 'EUR' },
        },
      ]);
  });

  it('completes when the order is confirmed', () => {
    spec
      .given(start, [reserved, charged], secrets)
      .when(spec.replied('confirm-order', undefined))
      .thenSends([])
      .thenStatus('completed')
      .thenData({ paymentId: 'pay-1', totalCents: 1_000 });
  });

  it('releases the stock when the charge is declined', () => {
    spec
      .given(start, [reserved], secrets)
      .when(spec.refused('charge-payment', 'card declined'))
      .thenStatus('compensating')
      .thenSends([
        {
          step: 'reserve-inventory',
          action: 'compensation',
          type: 'inventory.release-stock',
          data: { orderId: 'order-1' },
        },
      ]);
  });

  it('refunds and releases when the order cannot be confirmed, then ends compensated', () => {
    spec
      .given(start, [reserved, charged, spec.refused('confirm-order', 'order is cancelled')], secrets)
      .when(spec.compensated('charge-payment', { refunded: true, voided: false, paymentId: 'pay-1' }))
      .thenSends([{ action: 'compensation', type: 'inventory.release-stock' }]);
    spec
      .given(
        start,
        [
          reserved,
          charged,
          spec.refused('confirm-order', 'order is cancelled'),
          spec.compensated('charge-payment'),
        ],
        secrets,
      )
      .when(spec.compensated('reserve-inventory'))
      .thenStatus('compensated');
  });

  it('compensates a reservation whose deadline passed: it may have applied', () => {
    spec
      .given(start, [], secrets)
      .when(spec.deadlinePassed())
      .thenStatus('compensating')
      .thenSends([{ step: 'reserve-inventory', action: 'compensation', type: 'inventory.release-stock' }]);
  });

  it('ignores a second reply to a step that already replied', () => {
    spec.given(start, [reserved], secrets).when(reserved).thenIgnored();
  });

  it('needs the card token among its secrets to charge', () => {
    spec
      .given(start, [])
      .when(reserved)
      .thenThrows((error) => String(error).includes('cardToken'));
  });

  it('gives every step the schedule and deadline of the orders configuration', () => {
    const { sagaStepTiming } = loadConfig({
      DATABASE_URL: 'postgres://localhost/conveyor_orders',
      KAFKA_BROKERS: '127.0.0.1:19092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081',
      ORDERS_SAGA_STEP_DEADLINE_MS: '90000',
      ORDERS_SAGA_RESEND_INITIAL_MS: '1000',
      ORDERS_SAGA_RESEND_MAX_MS: '8000',
    });
    const configured = createOrderSaga({
      topicOf: messageTopics(''),
      stepTiming: sagaStepTiming,
      cancelOrder: async () => {},
    });

    expect(() => assertValidDefinition(configured)).not.toThrow();
    expect(configured.steps.map((step) => [step.name, step.resend, step.deadlineMs])).toEqual(
      ['reserve-inventory', 'charge-payment', 'confirm-order'].map((name) => [
        name,
        { initialDelayMs: 1_000, maxDelayMs: 8_000 },
        90_000,
      ]),
    );
  });
});
