import type { DecideContext, Decision, SagaCommand, SagaLogEntry, Transition } from '../decide.ts';
import type { SagaDefinition, SagaSecrets, SagaStepDefinition } from '../definition.ts';
import { sagaStepUnknown } from '../errors.ts';
import { resendDelayMs, type StepTiming, stepTiming } from '../resend-schedule.ts';
import type { SagaReply, SagaState, SagaStatus, StepState } from '../saga-state.ts';
import { redactSecrets, secretFieldNames } from '../secrets.ts';

const DEFAULT_MAX_COMPENSATION_ATTEMPTS = 5;

/** Builds one transition: the new state, its log rows and the commands to send. */
export class TransitionBuilder<Data> {
  private readonly entries: SagaLogEntry[] = [];
  private readonly commands: SagaCommand[] = [];
  private readonly secretNames: ReadonlySet<string>;

  constructor(
    private readonly definition: SagaDefinition,
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
    step.nextSendAt = null;
    if (reply.action === 'command') {
      if (reply.outcome === 'success') {
        step.status = 'succeeded';
        if (stepDef.onReply) state.data = stepDef.onReply(state.data, reply.data);
        if (index + 1 < state.steps.length) this.sendCommand(index + 1);
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
      return this.applied();
    }
    step.error = reply.reason;
    // The refused id is in the participant's inbox: the retry needs a new one.
    step.compensationCommandId = null;
    const why = `compensation of ${step.name} failed: ${reply.reason ?? 'no reason'}`;
    if (this.compensationExhausted(index)) this.fail(why);
    else this.scheduleSend(step, index, step.compensationAttempts);
    return this.applied();
  }

  /**
   * The saga's next attempt time has come: the awaited command is resent unless its deadline has
   * passed (then it is compensated); the awaited compensation is resent, or retried with a new id
   * after a failure reply, until it has had all its attempts. While the last send is `stillQueued`
   * in the outbox, nothing is sent and no attempt counted: the next look is one interval later.
   */
  onDue(stillQueued: boolean): Decision<Data> {
    const { state } = this;
    const now = this.ctx.now.getTime();
    const index = state.currentStep;
    const step = state.steps[index];
    if (!step || state.nextAttemptAt === null || state.nextAttemptAt.getTime() > now) {
      return { kind: 'ignored', reason: 'nothing is due' };
    }
    if (state.status === 'running' && step.status === 'running') {
      const { deadlineMs } = this.timing(index);
      // A step sent before deadlines were kept counts its deadline from its first send.
      const firstSent = Date.parse(step.startedAt ?? this.ctx.now.toISOString());
      step.deadline ??= new Date(firstSent + deadlineMs).toISOString();
      if (Date.parse(step.deadline) > now) {
        if (stillQueued) this.scheduleSend(step, index, step.attempts);
        else this.sendCommand(index);
        return this.applied();
      }
      // The deadline it was given, which a later change of the definition does not move.
      const waitedMs = Date.parse(step.deadline) - firstSent;
      const error = `no reply to ${step.attempts} sends within its ${waitedMs} ms deadline`;
      this.log(step.name, 'deadline', 'passed', step.commandId, null, error);
      step.status = 'unknown';
      step.nextSendAt = null;
      step.error = error;
      state.failureReason = `${step.name}: timed out (${error})`;
      this.compensateFrom(index);
      return this.applied();
    }
    if (state.status === 'compensating' && step.status === 'compensating') {
      const unanswered = step.compensationCommandId !== null;
      // Attempts the broker never carried must not use up the compensation's.
      if (unanswered && stillQueued) {
        this.scheduleSend(step, index, step.compensationAttempts);
      } else if (unanswered && this.compensationExhausted(index)) {
        this.fail(`compensation of ${step.name} got no reply`);
      } else {
        this.sendCompensation(index);
      }
      return this.applied();
    }
    return { kind: 'ignored', reason: `nothing is awaited in status ${state.status}` };
  }

  /**
   * Sends the awaited command or compensation now. A command step is always resent: its deadline,
   * not a count, bounds it. A compensation that has had all its attempts, which is what leaves a
   * saga in `failed`, is sent again only with `force`: the limit is what keeps a poison command
   * from being resent by habit.
   */
  onRetry(force: boolean): Decision<Data> {
    const { state } = this;
    const index = state.currentStep;
    const step = state.steps[index];
    if (state.status === 'running' && step?.status === 'running') {
      this.log(step.name, 'operator', 'retry', null);
      this.sendCommand(index);
      return this.applied();
    }
    const compensation =
      (state.status === 'compensating' || state.status === 'failed') && step?.status === 'compensating';
    if (!step || !compensation) {
      return {
        kind: 'refused',
        reason: `saga is ${state.status}; retry applies to running, compensating or failed sagas`,
      };
    }
    const exhausted = this.compensationExhausted(index);
    if (exhausted && !force) {
      const prefix = state.status === 'failed' ? 'saga is failed: ' : '';
      return {
        kind: 'refused',
        reason:
          `${prefix}the compensation of step ${step.name} was sent ${step.compensationAttempts} times, ` +
          `its limit of ${this.compensationLimit()}; retry with force to send it once more`,
      };
    }
    this.log(step.name, 'operator', exhausted ? 'retry (forced)' : 'retry', null);
    if (state.status === 'failed') this.setStatus('compensating');
    this.sendCompensation(index);
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
    if (step?.status === 'running') {
      step.status = 'unknown';
      step.nextSendAt = null;
    }
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

  /** Sends step `index`'s command: a new id on its first send, the same id on every resend. */
  sendCommand(index: number): void {
    const step = this.state.steps[index];
    const def = this.stepDef(index);
    if (!step) return;
    const now = this.ctx.now;
    const commandId = step.commandId ?? this.ctx.newId();
    step.status = 'running';
    step.commandId = commandId;
    step.attempts += 1;
    step.startedAt ??= now.toISOString();
    step.deadline ??= new Date(now.getTime() + this.timing(index).deadlineMs).toISOString();
    step.lastSentAt = now.toISOString();
    this.state.currentStep = index;
    this.scheduleSend(step, index, step.attempts);
    this.send(
      step.name,
      'command',
      commandId,
      def.command,
      def.commandData(this.state.data, this.secrets),
      step.attempts,
    );
  }

  /** Sends step `index`'s compensation: the same id while it may still be answered, else a new one. */
  private sendCompensation(index: number): void {
    const step = this.state.steps[index];
    const compensation = this.stepDef(index).compensation;
    if (!step || !compensation) return;
    const commandId = step.compensationCommandId ?? this.ctx.newId();
    step.status = 'compensating';
    step.compensationCommandId = commandId;
    step.compensationAttempts += 1;
    step.lastSentAt = this.ctx.now.toISOString();
    this.state.currentStep = index;
    this.scheduleSend(step, index, step.compensationAttempts);
    const route = { topic: compensation.topic, type: compensation.type };
    const data = compensation.data(this.state.data, this.secrets);
    this.send(step.name, 'compensation', commandId, route, data, step.compensationAttempts);
  }

  /** Enqueues a command or compensation and logs it: its first send, or which resend it is. */
  private send(
    step: string,
    action: SagaCommand['action'],
    commandId: string,
    route: Pick<SagaCommand, 'topic' | 'type'>,
    data: unknown,
    attempt: number,
  ): void {
    this.commands.push({ step, action, commandId, ...route, data, attempt });
    this.log(step, action, attempt === 1 ? 'sent' : `resent (attempt ${attempt})`, commandId, data);
  }

  /**
   * When step `index` is sent again after send number `attempt` (its schedule, or for a command
   * the expected reply time if that is longer), and so when the sweeper next looks at the saga: that time, or a
   * running command's deadline if it comes first.
   */
  private scheduleSend(step: StepState, index: number, attempt: number): void {
    // A command is never resent sooner than a reply takes now: a copy of one still queued is only
    // more queue. Not a compensation: its sends are counted (maxCompensationAttempts), and a
    // stretched schedule would only delay the operator's `failed`.
    const expected = step.status === 'running' ? (this.ctx.expectedReplyMs?.(step.name) ?? 0) : 0;
    const delay = Math.max(resendDelayMs(attempt, this.timing(index).resend, this.ctx.random()), expected);
    const nextSend = this.ctx.now.getTime() + delay;
    step.nextSendAt = new Date(nextSend).toISOString();
    const deadline = step.status === 'running' && step.deadline ? Date.parse(step.deadline) : Infinity;
    this.state.nextAttemptAt = new Date(Math.min(nextSend, deadline));
  }

  /** Compensates, in reverse order, the steps at or below `from` that applied or may have. */
  private compensateFrom(from: number): void {
    if (this.state.status !== 'compensating') this.setStatus('compensating');
    for (const [index, step] of [...this.state.steps.entries()].slice(0, from + 1).reverse()) {
      const needsUndo =
        step.status === 'succeeded' || step.status === 'unknown' || step.status === 'compensating';
      if (!needsUndo) continue;
      if (!this.stepDef(index).compensation) {
        this.log(step.name, 'compensation', 'none defined', null);
        continue;
      }
      // A new id: an earlier attempt of this compensation was answered (failed) and is in the participant's inbox.
      step.compensationCommandId = null;
      this.sendCompensation(index);
      return;
    }
    this.finish('compensated');
  }

  private compensationLimit(): number {
    return this.definition.maxCompensationAttempts ?? DEFAULT_MAX_COMPENSATION_ATTEMPTS;
  }

  private compensationExhausted(index: number): boolean {
    return (this.state.steps[index]?.compensationAttempts ?? 0) >= this.compensationLimit();
  }

  /**
   * The compensation has had all its attempts: the saga waits in `failed` for an operator. What is
   * wrong now goes to the step's error and the log; the failure reason stays the cause of the
   * compensation (the decline, the deadline, the abort), which is what a replay that compensates
   * the saga reports in the end: an order cancelled after a replay is cancelled for its decline.
   */
  private fail(why: string): void {
    const step = this.state.steps[this.state.currentStep];
    const trouble = `${why} after ${step?.compensationAttempts ?? 0} attempts`;
    if (step) {
      step.nextSendAt = null;
      step.error = trouble;
    }
    this.state.failureReason ??= trouble;
    this.state.nextAttemptAt = null;
    this.setStatus('failed', trouble);
  }

  private finish(status: Extract<SagaStatus, 'completed' | 'compensated'>): void {
    this.state.nextAttemptAt = null;
    // Every path to compensation names its cause first; this keeps the promise of FinishedSaga.
    if (status === 'compensated') this.state.failureReason ??= 'compensated';
    this.setStatus(status);
  }

  private setStatus(status: SagaStatus, error: string | null = null): void {
    this.state.status = status;
    this.log(null, 'saga', status, null, null, error);
  }

  /**
   * The definition of the state's step `index`, found by name: a saga runs the steps it was
   * started with, in their order, whatever the position of each in the definition.
   */
  private stepDef(index: number): SagaStepDefinition {
    const name = this.state.steps[index]?.name;
    const def = this.definition.steps.find((step) => step.name === name);
    if (!def) throw sagaStepUnknown(this.definition.type, this.definition.version, name ?? `#${index}`);
    return def;
  }

  private timing(index: number): StepTiming {
    return stepTiming(this.stepDef(index));
  }
}
