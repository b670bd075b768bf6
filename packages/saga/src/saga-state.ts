export const SAGA_STATUSES = ['running', 'compensating', 'completed', 'compensated', 'failed'] as const;
/** `failed`: a compensation kept failing; the saga waits for an operator. */
export type SagaStatus = (typeof SAGA_STATUSES)[number];

export const TERMINAL_STATUSES: readonly SagaStatus[] = ['completed', 'compensated'];

/**
 * pending → running → succeeded | failed | unknown (its deadline passed or it was aborted: it may have applied)
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
  /** Sends of the command, resends included. */
  attempts: number;
  /**
   * The compensation's command id; null between a failure reply and the retry, which gets a new
   * id (the refused one is in the participant's inbox and would be deduplicated).
   */
  compensationCommandId: string | null;
  compensationAttempts: number;
  /** When the step's command was first sent (for step latency). */
  startedAt: string | null;
  /** When the command, or the compensation while compensating, was last sent (ISO-8601). */
  lastSentAt: string | null;
  /** When the awaited command or compensation is sent again if no reply comes; null when nothing is awaited. */
  nextSendAt: string | null;
  /** When the command's deadline passes (first send + deadlineMs) and the step is compensated. */
  deadline: string | null;
  error: string | null;
}

export interface SagaState<Data = unknown> {
  id: string;
  type: string;
  /** The version of the definition the saga started on, and finishes on. */
  definitionVersion: number;
  status: SagaStatus;
  /** Index of the step being run or compensated. */
  currentStep: number;
  data: Data;
  steps: StepState[];
  correlationId: string;
  /**
   * When the sweeper next acts on the saga: the awaited step's next send or its deadline, whichever
   * comes first; null when nothing is awaited (ended, or waiting in `failed`).
   */
  nextAttemptAt: Date | null;
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
