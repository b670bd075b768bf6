import type { ResendOptions, SagaStepDefinition } from './definition.ts';

/** The defaults of ResendOptions and of a step's deadline. */
export const DEFAULT_RESEND: Readonly<Required<ResendOptions>> = {
  initialDelayMs: 2_000,
  maxDelayMs: 30_000,
  jitter: 0.2,
};
export const DEFAULT_STEP_DEADLINE_MS = 10 * 60_000;

/** A step's timing with every default filled in. */
export interface StepTiming {
  resend: Readonly<Required<ResendOptions>>;
  deadlineMs: number;
}

export function stepTiming(step: Pick<SagaStepDefinition, 'resend' | 'deadlineMs'>): StepTiming {
  return {
    resend: { ...DEFAULT_RESEND, ...step.resend },
    deadlineMs: step.deadlineMs ?? DEFAULT_STEP_DEADLINE_MS,
  };
}

/**
 * How long to wait after send number `attempt` (1 = the first send) before sending again.
 * `random` is in [0, 1): it comes from the decision's context so that the schedule is repeatable.
 */
export function resendDelayMs(
  attempt: number,
  resend: Readonly<Required<ResendOptions>>,
  random: number,
): number {
  // 2^(attempt-1) overflows to Infinity long after the cap is reached; min() keeps it finite.
  const base = Math.min(resend.initialDelayMs * 2 ** Math.max(0, attempt - 1), resend.maxDelayMs);
  return Math.max(1, Math.round(base * (1 + resend.jitter * (2 * random - 1))));
}
