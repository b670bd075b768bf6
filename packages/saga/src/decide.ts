import type { SagaDefinition, SagaSecrets, SagaStepDefinition } from './definition.ts';
import type { SagaReply, SagaState, SagaStatus, StepState } from './saga-state.ts';
import { redactSecrets, secretFieldNames } from './secrets.ts';

/** What can happen to a saga. */
export type SagaInput =
  | { kind: 'reply'; reply: SagaReply }
  | { kind: 'timeout' }
  /** `force` sends a step again although it has had all its attempts. */
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
  /** command | compensation | reply | timeout | saga | operator | ignored */
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
}

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_MAX_COMPENSATION_ATTEMPTS = 5;

/** Starts a saga: the first step's command, with a fresh command id. */
export function startSaga<Data>(
  definition: SagaDefinition<Data>,
  init: { id: string; data: Data; correlationId: string; secrets?: SagaSecrets },
  ctx: DecideContext,
): Transition<Data> {
  const state: SagaState<Data> = {
    id: init.id,
    type: definition.type,
    status: 'running',
    currentStep: 0,
    data: init.data,
    correlationId: init.correlationId,
    deadline: null,
    failureReason: null,
    steps: definition.steps.map((step) => ({
      name: step.name,
      status: 'pending',
      commandId: null,
      attempts: 0,
      compensationCommandId: null,
      compensationAttempts: 0,
      startedAt: null,
      error: null,
    })),
  };
  const t = new TransitionBuilder(definition, state, ctx, init.secrets ?? {});
  t.log(null, 'saga', 'running', null, init.data);
  t.sendCommand(0, 'new');
  return t.result();
}

/**
 * The pure heart of the orchestrator: given a saga's state and what happened, what follows.
 * `secrets` (kept apart from the state) feed the commands that declare secret fields.
 */
export function decide<Data>(
  definition: SagaDefinition<Data>,
  state: SagaState<Data>,
  input: SagaInput,
  ctx: DecideContext,
  secrets: SagaSecrets = {},
): Decision<Data> {
  const t = new TransitionBuilder(definition, structuredClone(state), ctx, secrets);
  switch (input.kind) {
    case 'reply':
      return t.onReply(input.reply);
    case 'timeout':
      return t.onTimeout();
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

class TransitionBuilder<Data> {
  private readonly entries: SagaLogEntry[] = [];
  private readonly commands: SagaCommand[] = [];
  private readonly secretNames: ReadonlySet<string>;

  constructor(
    private readonly definition: SagaDefinition<Data>,
    private readonly state: SagaState<Data>,
    private readonly ctx: DecideContext,
    private readonly secrets: SagaSecrets,
  ) {
    this.secretNames = secretFieldNames(definition);
  }

  result(): Transition<Data> {
    return { state: this.state, log: this.entries, commands: this.commands };
  }

  applied(): Decision<Data> {
    return { kind: 'applied', transition: this.result() };
  }

  log(
    step: string | null,
    action: string,
    status: string,
    commandId: string | null,
    payload: unknown = null,
    error: string | null = null,
  ) {
    // Commands carry their secrets to the participant; the log, which operators read, never does.
    this.entries.push({
      step,
      action,
      status,
      commandId,
      payload: redactSecrets(payload, this.secretNames),
      error,
    });
  }

  onReply(reply: SagaReply): Decision<Data> {
    const { state } = this;
    const index = state.currentStep;
    const step = state.steps[index];
    const awaited =
      state.status === 'running'
        ? step?.status === 'running' && reply.action === 'command' && reply.commandId === step.commandId
        : state.status === 'compensating' &&
          step?.status === 'compensating' &&
          reply.action === 'compensation' &&
          reply.commandId === step.compensationCommandId;
    if (!step || !awaited) {
      return {
        kind: 'ignored',
        reason: `reply to ${reply.action} ${reply.commandId} of step ${reply.step} is not awaited`,
      };
    }
    const stepDef = this.stepDef(index);
    this.log(step.name, 'reply', reply.outcome, reply.commandId, reply.data, reply.reason);
    if (reply.action === 'command') {
      if (reply.outcome === 'success') {
        step.status = 'succeeded';
        state.data = stepDef.onSuccess ? stepDef.onSuccess(state.data, reply.data) : state.data;
        if (index + 1 < state.steps.length) this.sendCommand(index + 1, 'new');
        else this.finish('completed');
      } else {
        // The participant refused in its own transaction: nothing of this step to undo.
        step.status = 'failed';
        step.error = reply.reason;
        state.failureReason = `${step.name}: ${reply.reason ?? 'failed'}`;
        this.compensateFrom(index - 1);
      }
      return this.applied();
    }
    if (reply.outcome === 'success') {
      step.status = 'compensated';
      this.compensateFrom(index - 1);
    } else {
      step.error = reply.reason;
      this.retryCompensationOrFail(
        index,
        `compensation of ${step.name} failed: ${reply.reason ?? 'no reason'}`,
        'new',
      );
    }
    return this.applied();
  }

  onTimeout(): Decision<Data> {
    const { state } = this;
    const index = state.currentStep;
    const step = state.steps[index];
    if (!step || state.deadline === null || state.deadline > this.ctx.now) {
      return { kind: 'ignored', reason: 'nothing is overdue' };
    }
    if (state.status === 'running' && step.status === 'running') {
      this.log(step.name, 'timeout', `attempt ${step.attempts}`, step.commandId);
      if (step.attempts < (this.stepDef(index).maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
        this.sendCommand(index, 'same');
      } else {
        step.status = 'unknown';
        step.error = `no reply after ${step.attempts} attempts`;
        state.failureReason = `${step.name}: timed out`;
        this.compensateFrom(index);
      }
      return this.applied();
    }
    if (state.status === 'compensating' && step.status === 'compensating') {
      this.log(
        step.name,
        'timeout',
        `compensation attempt ${step.compensationAttempts}`,
        step.compensationCommandId,
      );
      this.retryCompensationOrFail(index, `compensation of ${step.name} timed out`, 'same');
      return this.applied();
    }
    return { kind: 'ignored', reason: `no reply is awaited in status ${state.status}` };
  }

  /**
   * Sends the awaited command (or compensation) again with the same id. A step that has had all
   * its attempts is sent again only with `force`: the limit is what keeps a poison command from
   * being resent by habit.
   */
  onRetry(force: boolean): Decision<Data> {
    const { state } = this;
    const index = state.currentStep;
    const step = state.steps[index];
    const running = state.status === 'running' && step?.status === 'running';
    const compensating = state.status === 'compensating' && step?.status === 'compensating';
    if (!step || !(running || compensating)) {
      return {
        kind: 'refused',
        reason: `saga is ${state.status}; retry applies to running or compensating sagas`,
      };
    }
    const what = running ? 'command' : 'compensation';
    const sent = running ? step.attempts : step.compensationAttempts;
    const limit = running
      ? (this.stepDef(index).maxAttempts ?? DEFAULT_MAX_ATTEMPTS)
      : (this.definition.maxCompensationAttempts ?? DEFAULT_MAX_COMPENSATION_ATTEMPTS);
    const exhausted = sent >= limit;
    if (exhausted && !force) {
      return {
        kind: 'refused',
        reason:
          `the ${what} of step ${step.name} was sent ${sent} times, its limit of ${limit}; ` +
          'retry with force to send it once more',
      };
    }
    this.log(step.name, 'operator', exhausted ? 'retry (forced)' : 'retry', null);
    if (running) this.sendCommand(index, 'same');
    else this.sendCompensation(index, 'same');
    return this.applied();
  }

  onAbort(reason: string): Decision<Data> {
    const { state } = this;
    if (state.status !== 'running') {
      return { kind: 'refused', reason: `saga is ${state.status}; only a running saga can be aborted` };
    }
    const step = state.steps[state.currentStep];
    this.log(step?.name ?? null, 'operator', 'abort', null, null, reason);
    state.failureReason = `aborted: ${reason}`;
    // The step in flight may have applied already: compensate it too.
    if (step?.status === 'running') step.status = 'unknown';
    this.compensateFrom(state.currentStep);
    return this.applied();
  }

  onReplayCompensations(): Decision<Data> {
    const { state } = this;
    if (state.status !== 'failed') {
      return {
        kind: 'refused',
        reason: `saga is ${state.status}; compensations can be replayed only for a failed saga`,
      };
    }
    const step = state.steps[state.currentStep];
    this.log(step?.name ?? null, 'operator', 'replay-compensations', null);
    if (step) step.compensationAttempts = 0;
    this.setStatus('compensating');
    this.compensateFrom(state.currentStep);
    return this.applied();
  }

  sendCommand(index: number, id: 'new' | 'same'): void {
    const step = this.state.steps[index];
    const def = this.stepDef(index);
    if (!step) return;
    const commandId = id === 'same' && step.commandId ? step.commandId : this.ctx.newId();
    step.status = 'running';
    step.commandId = commandId;
    step.attempts += 1;
    step.startedAt ??= this.ctx.now.toISOString();
    this.state.currentStep = index;
    this.state.deadline = new Date(this.ctx.now.getTime() + def.timeoutMs);
    const data = def.commandData(this.state.data, this.secrets);
    this.commands.push({
      step: step.name,
      action: 'command',
      commandId,
      ...def.command,
      data,
      attempt: step.attempts,
    });
    this.log(
      step.name,
      'command',
      step.attempts === 1 ? 'sent' : `resent (attempt ${step.attempts})`,
      commandId,
      data,
    );
  }

  private sendCompensation(index: number, id: 'new' | 'same'): void {
    const step = this.state.steps[index];
    const compensation = this.stepDef(index).compensation;
    if (!step || !compensation) return;
    const commandId =
      id === 'same' && step.compensationCommandId ? step.compensationCommandId : this.ctx.newId();
    step.status = 'compensating';
    step.compensationCommandId = commandId;
    step.compensationAttempts += 1;
    this.state.currentStep = index;
    const timeout = this.definition.compensationTimeoutMs ?? this.stepDef(index).timeoutMs;
    this.state.deadline = new Date(this.ctx.now.getTime() + timeout);
    const data = compensation.data(this.state.data, this.secrets);
    this.commands.push({
      step: step.name,
      action: 'compensation',
      commandId,
      topic: compensation.topic,
      type: compensation.type,
      data,
      attempt: step.compensationAttempts,
    });
    const status = step.compensationAttempts === 1 ? 'sent' : `resent (attempt ${step.compensationAttempts})`;
    this.log(step.name, 'compensation', status, commandId, data);
  }

  /** Compensates, in reverse order, the steps at or below `from` that applied or may have. */
  private compensateFrom(from: number): void {
    if (this.state.status !== 'compensating') this.setStatus('compensating');
    for (let index = from; index >= 0; index--) {
      const step = this.state.steps[index] as StepState;
      const needsUndo =
        step.status === 'succeeded' || step.status === 'unknown' || step.status === 'compensating';
      if (!needsUndo) continue;
      if (!this.stepDef(index).compensation) {
        this.log(step.name, 'compensation', 'none defined', null);
        continue;
      }
      // A new id: an earlier attempt of this compensation was answered (failed) and is in the participant's inbox.
      this.sendCompensation(index, 'new');
      return;
    }
    this.finish('compensated');
  }

  private retryCompensationOrFail(index: number, why: string, id: 'new' | 'same'): void {
    const step = this.state.steps[index] as StepState;
    const limit = this.definition.maxCompensationAttempts ?? DEFAULT_MAX_COMPENSATION_ATTEMPTS;
    if (step.compensationAttempts < limit) {
      this.sendCompensation(index, id);
      return;
    }
    this.state.failureReason = `${why} after ${step.compensationAttempts} attempts`;
    this.state.deadline = null;
    this.setStatus('failed', this.state.failureReason);
  }

  private finish(status: Extract<SagaStatus, 'completed' | 'compensated'>): void {
    this.state.deadline = null;
    this.setStatus(status);
  }

  private setStatus(status: SagaStatus, error: string | null = null): void {
    this.state.status = status;
    this.log(null, 'saga', status, null, null, error);
  }

  private stepDef(index: number): SagaStepDefinition<Data> {
    const def = this.definition.steps[index];
    if (!def) throw new Error(`saga ${this.definition.type} has no step ${index}`);
    return def;
  }
}
