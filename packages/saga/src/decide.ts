import type { SagaDefinition, SagaSecrets } from './definition.ts';
import { TransitionBuilder } from './internal/transition-builder.ts';
import type { SagaReply, SagaState } from './saga-state.ts';

/** What can happen to a saga. */
export type SagaInput =
  | { kind: 'reply'; reply: SagaReply }
  /**
   * The sweeper found the saga's next attempt time passed: resend what is awaited, or pass its
   * deadline. `stillQueued`: the last send of what is awaited has not left the outbox yet (the
   * broker is down or the relay behind), so a resend would only queue behind it: the saga waits
   * another interval instead, counting no send (its deadline still holds).
   */
  | { kind: 'due'; stillQueued?: boolean }
  /**
   * Sends what the saga awaits now (same command id; a new one after a refused compensation). A
   * command has no cap on its sends (its deadline bounds it); a compensation that has had all its
   * attempts, or that of a `failed` saga, is sent again only with `force`.
   */
  | { kind: 'retry'; force?: boolean }
  | { kind: 'abort'; reason: string }
  | { kind: 'replay-compensations' };

/** A command (or compensation) to enqueue through the outbox. */
export interface SagaCommand {
  step: string;
  action: 'command' | 'compensation';
  commandId: string;
  topic: string;
  type: string;
  data: unknown;
  attempt: number;
}

/** One row of the saga log. Its payload is stored with the definition's secret fields redacted. */
export interface SagaLogEntry {
  step: string | null;
  /** command | compensation | reply | deadline | saga | operator | ignored */
  action: string;
  status: string;
  commandId: string | null;
  payload: unknown;
  error: string | null;
}

export interface Transition<Data> {
  state: SagaState<Data>;
  log: SagaLogEntry[];
  commands: SagaCommand[];
}

export type Decision<Data> =
  | { kind: 'applied'; transition: Transition<Data> }
  /** A duplicate or late reply: nothing changes (it is still logged by the caller). */
  | { kind: 'ignored'; reason: string }
  /** An operator action not allowed in the current status. */
  | { kind: 'refused'; reason: string };

/** Time and ids come from outside so that decisions are pure and repeatable in tests. */
export interface DecideContext {
  now: Date;
  newId: () => string;
  /** A number in [0, 1) per resend delay: its jitter. */
  random: () => number;
  /**
   * How long a reply to the step takes now (the orchestrator's estimate from recent replies): no
   * resend is scheduled sooner than that after a send. @default no estimate: the schedule alone
   */
  expectedReplyMs?: (step: string) => number | undefined;
}

/** Starts a saga: the first step's command, with a fresh command id. */
export function startSaga<Data>(
  definition: SagaDefinition,
  init: { id: string; data: Data; correlationId: string; secrets?: SagaSecrets },
  ctx: DecideContext,
): Transition<Data> {
  const state: SagaState<Data> = {
    id: init.id,
    type: definition.type,
    definitionVersion: definition.version,
    status: 'running',
    currentStep: 0,
    data: init.data,
    correlationId: init.correlationId,
    nextAttemptAt: null,
    failureReason: null,
    steps: definition.steps.map((step) => ({
      name: step.name,
      status: 'pending',
      commandId: null,
      attempts: 0,
      compensationCommandId: null,
      compensationAttempts: 0,
      startedAt: null,
      lastSentAt: null,
      nextSendAt: null,
      deadline: null,
      error: null,
    })),
  };
  const t = new TransitionBuilder(definition, state, ctx, init.secrets ?? {});
  t.log(null, 'saga', 'running', null, init.data);
  t.sendCommand(0);
  return t.result();
}

/**
 * The pure heart of the orchestrator: given a saga's state and what happened, what follows.
 * `definition` is the version the saga started on; its steps are found by name in the state.
 * `secrets` (kept apart from the state) feed the commands that declare secret fields.
 */
export function decide<Data>(
  definition: SagaDefinition,
  state: SagaState<Data>,
  input: SagaInput,
  ctx: DecideContext,
  secrets: SagaSecrets = {},
): Decision<Data> {
  const t = new TransitionBuilder(definition, structuredClone(state), ctx, secrets);
  switch (input.kind) {
    case 'reply':
      return t.onReply(input.reply);
    case 'due':
      return t.onDue(input.stillQueued === true);
    case 'retry':
      return t.onRetry(input.force === true);
    case 'abort':
      return t.onAbort(input.reason);
    case 'replay-compensations':
      return t.onReplayCompensations();
    default: {
      const never: never = input;
      throw new Error(`unknown saga input ${JSON.stringify(never)}`);
    }
  }
}
