import { describe, expect, it } from 'vitest';
import { assertValidDefinition } from './definition.ts';

const step = (extra: object = {}) => ({ name: 'reserve', ...extra });

describe('saga definition checks', () => {
  it('accepts a step with the defaults and one with its own schedule and deadline', () => {
    expect(() =>
      assertValidDefinition({
        type: 'order',
        version: 1,
        steps: [
          step(),
          { name: 'charge', resend: { initialDelayMs: 500, maxDelayMs: 500, jitter: 0 }, deadlineMs: 1 },
        ],
      }),
    ).not.toThrow();
  });

  it.each([
    [{ deadlineMs: 0 }, 'step "reserve": deadlineMs must be a positive integer of milliseconds'],
    [{ deadlineMs: 1.5 }, 'step "reserve": deadlineMs must be a positive integer of milliseconds'],
    [
      { deadlineMs: 1e20 },
      'step "reserve": deadlineMs must be a positive integer of milliseconds, a year at most',
    ],
    [{ resend: { initialDelayMs: -1 } }, 'step "reserve": resend.initialDelayMs must be a positive integer'],
    [{ resend: { maxDelayMs: 0 } }, 'step "reserve": resend.maxDelayMs must be a positive integer'],
    [
      { resend: { initialDelayMs: 5_000, maxDelayMs: 1_000 } },
      'resend.maxDelayMs (1000) must not be below resend.initialDelayMs (5000)',
    ],
    // Beside the default cap of 30 s.
    [
      { resend: { initialDelayMs: 60_000 } },
      'resend.maxDelayMs (30000) must not be below resend.initialDelayMs (60000)',
    ],
    [{ resend: { jitter: 1 } }, 'step "reserve": resend.jitter must be from 0 to below 1'],
    [{ resend: { jitter: -0.1 } }, 'step "reserve": resend.jitter must be from 0 to below 1'],
  ])('refuses %j naming the step and the option', (extra, message) => {
    expect(() => assertValidDefinition({ type: 'order', version: 1, steps: [step(extra)] })).toThrow(message);
  });

  it('refuses duplicate step names, no steps and a compensation limit below one', () => {
    expect(() => assertValidDefinition({ type: 'order', version: 1, steps: [step(), step()] })).toThrow(
      'step name "reserve" is used twice',
    );
    expect(() => assertValidDefinition({ type: 'order', version: 1, steps: [] })).toThrow(
      'at least one step',
    );
    expect(() =>
      assertValidDefinition({ type: 'order', version: 1, steps: [step()], maxCompensationAttempts: 0 }),
    ).toThrow('maxCompensationAttempts must be a positive integer');
  });
});
