import { assertValidDefinition } from '@conveyor/saga';
import { topicNames } from '@conveyor/schemas';
import { describe, expect, it } from 'vitest';
import { createOrderSaga } from '../src/application/create-order.saga.ts';
import { loadConfig } from '../src/config.ts';

describe('create-order saga timing', () => {
  it('gives every step the schedule and deadline of the orders configuration', () => {
    const { sagaStepTiming } = loadConfig({
      DATABASE_URL: 'postgres://localhost/conveyor_orders',
      KAFKA_BROKERS: '127.0.0.1:19092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081',
      ORDERS_SAGA_STEP_DEADLINE_MS: '90000',
      ORDERS_SAGA_RESEND_INITIAL_MS: '1000',
      ORDERS_SAGA_RESEND_MAX_MS: '8000',
    });
    const definition = createOrderSaga(topicNames(''), sagaStepTiming);

    expect(() => assertValidDefinition(definition)).not.toThrow();
    expect(definition.steps.map((step) => [step.name, step.resend, step.deadlineMs])).toEqual(
      ['reserve-inventory', 'charge-payment', 'confirm-order'].map((name) => [
        name,
        { initialDelayMs: 1_000, maxDelayMs: 8_000 },
        90_000,
      ]),
    );
  });
});
