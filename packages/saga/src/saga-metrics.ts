import type { SagaStatus } from './saga-state.ts';

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
