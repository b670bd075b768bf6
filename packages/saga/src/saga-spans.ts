import type { SagaCommand, SagaInput } from './decide.ts';
import type { SagaState } from './saga-state.ts';

/**
 * A transition's span name, by saga type and the step it concerns: `saga create-order
 * reserve-inventory success` for a reply, `… due` for the sweeper, `… retry` for an operator.
 */
export function transitionSpanName(state: SagaState, input: SagaInput): string {
  const current = state.steps[state.currentStep]?.name ?? 'end';
  switch (input.kind) {
    case 'reply':
      return `saga ${state.type} ${input.reply.step} ${input.reply.outcome}`;
    case 'due':
    case 'retry':
    case 'abort':
      return `saga ${state.type} ${current} ${input.kind}`;
    case 'replay-compensations':
      return `saga ${state.type} replay-compensations`;
    default: {
      const never: never = input;
      return never;
    }
  }
}

/** A step's span: the command (or compensation) the saga sends for it, `saga create-order charge-payment command`. */
export function stepSpanName(type: string, command: SagaCommand): string {
  return `saga ${type} ${command.step} ${command.action}`;
}
