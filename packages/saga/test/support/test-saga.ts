import { fileURLToPath } from 'node:url';
import type { SagaDefinition, SagaStepDefinition } from '../../src/index.ts';

export const testSagaSchemasDir = fileURLToPath(new URL('../schemas', import.meta.url));

export interface TestSagaData {
  subject: string;
  amount: number;
  /** Filled from the replies of each step. */
  receipts?: Record<string, unknown>;
}

export const STEP_NAMES = ['alpha', 'beta', 'gamma'] as const;

/** How patient every step of the test saga is. */
export type TestSagaTiming = Pick<SagaStepDefinition, 'resend' | 'deadlineMs'>;

/** Resends after 2 s, then 4 s; a minute before a step counts as failed (participants answer in well under a second). */
export const TEST_SAGA_TIMING: TestSagaTiming = {
  resend: { initialDelayMs: 2_000, maxDelayMs: 4_000 },
  deadlineMs: 60_000,
};

/**
 * The orchestrator's fixture, written in the erased form the orchestrator runs (a typed saga is
 * written with defineSaga: see booking-saga.ts). Three steps, each on its own participant topic; gamma has no compensation (like confirm-order's
 * last word). Each command carries the saga's secret `pin` (when started with one) as a secret field.
 */
export function testSagaDefinition(
  topics: Record<(typeof STEP_NAMES)[number], string>,
  timing: TestSagaTiming = TEST_SAGA_TIMING,
): SagaDefinition<TestSagaData> {
  return {
    type: 'test-saga',
    version: 1,
    maxCompensationAttempts: 3,
    steps: STEP_NAMES.map((name) => ({
      name,
      command: { topic: topics[name], type: 'test.saga-step', secretFields: ['pin'] },
      commandData: (d: TestSagaData, secrets) => ({
        subject: d.subject,
        step: name,
        amount: d.amount,
        pin: secrets.pin ?? null,
      }),
      ...(name === 'gamma'
        ? {}
        : {
            compensation: {
              topic: topics[name],
              type: 'test.saga-undo',
              data: (d: TestSagaData) => ({ subject: d.subject, step: name }),
            },
          }),
      onReply: (d: TestSagaData, reply: unknown) => ({ ...d, receipts: { ...d.receipts, [name]: reply } }),
      ...timing,
    })),
  };
}
