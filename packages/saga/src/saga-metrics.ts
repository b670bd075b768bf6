import type { SagaInput } from './decide.ts';
import type { SagaState, SagaStatus } from './saga-state.ts';

/** Hooks the orchestrator calls so a service can export metrics (prom-client) without coupling. */
export interface SagaMetricsHooks {
  /** A saga moved from one status to another (from is null when it starts). */
  onStatusChange?(event: { type: string; from: SagaStatus | null; to: SagaStatus }): void;
  /** A step's command or compensation got its answer, or was given up on ('timeout': its deadline passed, or a compensation's attempts ran out). */
  onStepFinished?(event: {
    type: string;
    step: string;
    action: 'command' | 'compensation';
    outcome: 'success' | 'failure' | 'timeout';
    latencyMs: number;
  }): void;
}

/** Calls the hooks for one applied transition: a status that changed, a step that got its answer. */
export function reportTransition(
  metrics: SagaMetricsHooks,
  before: SagaState,
  after: SagaState,
  input: SagaInput,
  now: Date,
): void {
  if (before.status !== after.status)
    metrics.onStatusChange?.({ type: after.type, from: before.status, to: after.status });
  const step = before.steps[before.currentStep];
  // A due saga that changes status gave up waiting: a deadline passed, or a compensation's attempts ran out.
  const finished =
    input.kind === 'reply'
      ? input.reply.outcome
      : input.kind === 'due' && after.status !== before.status
        ? 'timeout'
        : null;
  if (step?.startedAt && finished) {
    metrics.onStepFinished?.({
      type: after.type,
      step: step.name,
      action: before.status === 'compensating' ? 'compensation' : 'command',
      outcome: finished,
      latencyMs: now.getTime() - Date.parse(step.startedAt),
    });
  }
}
