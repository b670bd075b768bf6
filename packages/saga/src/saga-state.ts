export const SAGA_STATUSES = ['running', 'compensating', 'completed', 'compensated', 'failed'] as const;
/** `failed`: a compensation kept failing; the saga waits for an operator. */
export type SagaStatus = (typeof SAGA_STATUSES)[number];

export const TERMINAL_STATUSES: readonly SagaStatus[] = ['completed', 'compensated'];

/**
 * pending → running → succeeded | failed | unknown (timed out or aborted: it may have applied)
 * succeeded | unknown → compensating → compensated
 */
export type StepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'unknown'
  | 'compensating'
  | 'compensated';

export interface StepState {
  name: string;
  status: StepStatus;
  commandId: string | null;
  attempts: number;
  compensationCommandId: string | null;
  compensationAttempts: number;
  /** When the step's command was first sent (for step latency). */
  startedAt: string | null;
  error: string | null;
}

export interface SagaState<Data = unknown> {
  id: string;
  type: string;
  status: SagaStatus;
  /** Index of the step being run or compensated. */
  currentStep: number;
  data: Data;
  steps: StepState[];
  correlationId: string;
  /** When the awaited reply is overdue; null when nothing is awaited. */
  deadline: Date | null;
  failureReason: string | null;
}

/** A reply from a participant, as the orchestrator reads it from saga.replies. */
export interface SagaReply {
  sagaId: string;
  step: string;
  action: 'command' | 'compensation';
  commandId: string;
  outcome: 'success' | 'failure';
  data: unknown;
  reason: string | null;
}
